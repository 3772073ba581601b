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

/* Opens a path that is not a regular file (/dev/null, a FIFO, a terminal)
 * for writing in place: renaming over it would replace a device node. */
static int open_direct(struct ap_atomic *a) {
  int fd = open(a->path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0 || (a->f = fdopen(fd, "w")) == NULL) {
    int err = uv_translate_sys_error(errno);
    if (fd >= 0)
      close(fd);
    release(a);
    return err;
  }
  return 0;
}

/* Where the output goes: through a symbolic link to its target, so that
 * the link survives.  Sets *st and returns 1 when that path exists. */
static int resolve_path(struct ap_atomic *a, struct stat *st) {
  char *real;

  if (lstat(a->path, st) != 0)
    return 0;
  if (S_ISLNK(st->st_mode) && (real = realpath(a->path, NULL)) != NULL) {
    free(a->path);
    a->path = real;
    return stat(a->path, st) == 0;
  }
  return 1;
}

int ap_atomic_open(struct ap_atomic *a, const char *path) {
  struct stat st;
  mode_t mode, mask;
  int fd, err, exists;

  memset(a, 0, sizeof(*a));
  a->path = strdup(path);
  if (a->path == NULL)
    return UV_ENOMEM;
  exists = resolve_path(a, &st);
  if (exists && !S_ISREG(st.st_mode))
    return open_direct(a);
  a->tmp = tmp_name(a->path);
  if (a->tmp == NULL) {
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
  /* A file that is replaced keeps its mode; a new one gets the umask's. */
  mode = exists ? st.st_mode & 07777 : 0666 & ~mask;
  a->f = fdopen(fd, "w");
  if (a->f == NULL || fchmod(fd, mode) != 0) {
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
  if (fflush(a->f) != 0 || ferror(a->f) ||
      (a->tmp != NULL && fsync(fileno(a->f)) != 0))
    err = uv_translate_sys_error(errno ? errno : EIO);
  if (fclose(a->f) != 0 && err == 0)
    err = uv_translate_sys_error(errno);
  a->f = NULL;
  if (a->tmp == NULL) { /* written in place */
    release(a);
    return err;
  }
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
