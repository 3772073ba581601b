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

#include "safepath.h"

/* Frees what a holds, keeping why. */
static void release(struct ap_atomic *a) {
  free(a->path);
  free(a->tmp);
  a->path = a->tmp = NULL;
  a->f = NULL;
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

/* Opens the file that is not a regular one (/dev/null, a FIFO, a
 * terminal, a /proc link to an open file) for writing in place: renaming
 * over it would replace a device node.  flags adds O_NOFOLLOW, or
 * O_APPEND for a file opened elsewhere.  The open does not wait for a
 * FIFO's reader: UV_EAGAIN says there is none yet. */
static int open_direct(struct ap_atomic *a, int flags) {
  int fd = open(a->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | flags);
  int err = 0, fl;
  struct stat st;

  if (fd < 0)
    err = errno == ENXIO && stat(a->path, &st) == 0 && S_ISFIFO(st.st_mode)
              ? UV_EAGAIN : uv_translate_sys_error(errno);
  else if ((fl = fcntl(fd, F_GETFL)) < 0 ||
           fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0 ||
           (a->f = fdopen(fd, "w")) == NULL)
    err = uv_translate_sys_error(errno);
  if (err != 0) {
    if (fd >= 0)
      close(fd);
    release(a);
  }
  return err;
}

/* Whether path is the file standard output or standard error already
 * writes to (/dev/stdout, /dev/fd/2, or that file by its name): the
 * descriptor, or -1. */
static int std_stream(const char *path) {
  struct stat p, s;
  int fd;

  if (stat(path, &p) != 0)
    return -1;
  for (fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
    if (fstat(fd, &s) == 0 && s.st_dev == p.st_dev && s.st_ino == p.st_ino)
      return fd;
  return -1;
}

/* Writes to the open stream fd, through a descriptor of its own: where
 * the stream is (appended after `>>`), never replacing its file. */
static int open_stream(struct ap_atomic *a, const char *path, int fd) {
  int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);

  a->path = strdup(path);
  if (a->path == NULL || dup_fd < 0 ||
      (a->f = fdopen(dup_fd, "w")) == NULL) {
    int err = a->path == NULL ? UV_ENOMEM : uv_translate_sys_error(errno);
    if (dup_fd >= 0)
      close(dup_fd);
    release(a);
    return err;
  }
  return 0;
}

/* Where the output goes, through the symbolic links that may be followed
 * (safepath.h), so that a link survives.  Sets *st when the file exists,
 * and returns 1 for a file to write in place, 0 for one to replace, or a
 * negative UV_E* code. */
static int resolve_path(struct ap_atomic *a, const char *path,
                        struct stat *st, int *exists) {
  struct ap_safepath sp;
  int err = ap_safepath_resolve(&sp, path, geteuid());

  if (err == UV_EPERM)
    snprintf(a->why, sizeof(a->why), "%s", sp.why);
  if (err != 0)
    return err;
  a->path = strdup(sp.path);
  if (a->path == NULL)
    return UV_ENOMEM;
  *exists = sp.exists;
  if (sp.magic)
    return 2;
  if (sp.exists && lstat(a->path, st) != 0)
    return uv_translate_sys_error(errno);
  return sp.exists && !S_ISREG(st->st_mode);
}

/* The temporary file's mode: a file of the caller's that is replaced
 * keeps its permissions (not set-user-ID or set-group-ID); a new one, or
 * another user's, gets 0666 less the umask, never a mode its owner
 * chose for a file that is now the caller's. */
static mode_t new_mode(int exists, const struct stat *st) {
  mode_t mask = umask(0);

  umask(mask);
  if (exists && st->st_uid == geteuid())
    return st->st_mode & 0777;
  return 0666 & ~mask;
}

int ap_atomic_open(struct ap_atomic *a, const char *path) {
  struct stat st;
  int fd, err, exists = 0;

  memset(a, 0, sizeof(*a));
  fd = std_stream(path);
  if (fd >= 0)
    return open_stream(a, path, fd);
  err = resolve_path(a, path, &st, &exists);
  if (err < 0) {
    release(a);
    return err;
  }
  if (err > 0)
    return open_direct(a, err == 2 ? O_APPEND : O_NOFOLLOW);
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
  a->f = fdopen(fd, "w");
  if (a->f == NULL || fchmod(fd, new_mode(exists, &st)) != 0) {
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

int ap_lock_take(const char *path, unsigned *owner) {
  int fd = open(path, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
                          O_CLOEXEC, 0600);
  struct stat st = { 0 };
  int err = 0;

  if (fd < 0)
    return uv_translate_sys_error(errno);
  if (fstat(fd, &st) != 0)
    err = uv_translate_sys_error(errno);
  else if (!S_ISREG(st.st_mode))
    err = UV_EINVAL;
  else if (st.st_uid != geteuid())
    err = UV_EPERM;
  /* A lock file others may open, they may also flock: one left readable
   * by an older aping is closed to them now. */
  else if ((st.st_mode & 077) != 0 && fchmod(fd, st.st_mode & 0700) != 0)
    err = uv_translate_sys_error(errno);
  else if (flock(fd, LOCK_EX | LOCK_NB) != 0)
    err = errno == EWOULDBLOCK ? UV_EBUSY : uv_translate_sys_error(errno);
  *owner = (unsigned) st.st_uid;
  if (err != 0)
    close(fd);
  /* Else the descriptor stays open, and the lock held, until exit. */
  return err;
}
