/* atomic.c - see atomic.h. */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

static void release(struct ap_atomic *a) {
  free(a->path);
  free(a->tmp);
  memset(a, 0, sizeof(*a));
}

/* The temporary name for path: its directory, then ".BASE.XXXXXX". */
static char *tmp_name(const char *path) {
  char *d = strdup(path), *b = strdup(path), *t = NULL;
  size_t len;

  if (d != NULL && b != NULL) {
    len = strlen(path) + 16;
    t = malloc(len);
    if (t != NULL)
      snprintf(t, len, "%s/.%s.XXXXXX", dirname(d), basename(b));
  }
  free(d);
  free(b);
  return t;
}

int ap_atomic_open(struct ap_atomic *a, const char *path) {
  mode_t mask;
  int fd, err;

  memset(a, 0, sizeof(*a));
  a->path = strdup(path);
  a->tmp = tmp_name(path);
  if (a->path == NULL || a->tmp == NULL) {
    release(a);
    return UV_ENOMEM;
  }
  fd = mkostemp(a->tmp, O_CLOEXEC);
  if (fd < 0) {
    err = uv_translate_sys_error(errno);
    release(a);
    return err;
  }
  mask = umask(0);
  umask(mask);
  a->f = fdopen(fd, "w");
  if (a->f == NULL || fchmod(fd, 0666 & ~mask) != 0) {
    err = uv_translate_sys_error(errno);
    if (a->f == NULL)
      close(fd);
    ap_atomic_abort(a);
    return err;
  }
  return 0;
}

/* Syncs the directory holding path, so that the rename itself lasts. */
static void sync_dir(const char *path) {
  char *d = strdup(path);
  int fd;

  if (d == NULL)
    return;
  fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  free(d);
}

int ap_atomic_commit(struct ap_atomic *a) {
  int err = 0;

  errno = 0;
  if (fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0)
    err = uv_translate_sys_error(errno ? errno : EIO);
  if (fclose(a->f) != 0 && err == 0)
    err = uv_translate_sys_error(errno);
  a->f = NULL;
  if (err == 0 && rename(a->tmp, a->path) != 0)
    err = uv_translate_sys_error(errno);
  if (err != 0) {
    ap_atomic_abort(a);
    return err;
  }
  sync_dir(a->path);
  release(a);
  return 0;
}

void ap_atomic_abort(struct ap_atomic *a) {
  if (a->f != NULL)
    fclose(a->f);
  if (a->tmp != NULL)
    unlink(a->tmp);
  release(a);
}

int ap_lock_take(const char *path) {
  int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0666);

  if (fd < 0)
    return uv_translate_sys_error(errno);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno == EWOULDBLOCK ? UV_EBUSY : uv_translate_sys_error(errno);
    close(fd);
    return err;
  }
  /* The descriptor stays open, and the lock held, until exit. */
  return 0;
}
