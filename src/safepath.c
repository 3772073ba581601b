/* safepath.c - see safepath.h. */
#include "safepath.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <uv.h>

#define PROC_MAGIC 0x9fa0 /* PROC_SUPER_MAGIC, the f_type of /proc */
#define NAME_LEN 256      /* NAME_MAX and its NUL */

/* Whether anything but slashes is left of the path. */
static int more(const char *rest) {
  return rest[strspn(rest, "/")] != '\0';
}

/* Takes the next component of *rest into c.  Returns 0, or
 * UV_ENAMETOOLONG. */
static int next(const char **rest, char *c) {
  const char *s = *rest + strspn(*rest, "/");
  size_t n = strcspn(s, "/");

  if (n >= NAME_LEN)
    return UV_ENAMETOOLONG;
  memcpy(c, s, n);
  c[n] = '\0';
  *rest = s + n;
  return 0;
}

/* Writes a followed by b into out (cap bytes).  Returns 0 or
 * UV_ENAMETOOLONG. */
static int cat2(char *out, size_t cap, const char *a, const char *b) {
  int n = snprintf(out, cap, "%s%s", a, b);

  return n < 0 || (size_t) n >= cap ? UV_ENAMETOOLONG : 0;
}

/* dir/c, dir being absolute. */
static int join(char *out, size_t cap, const char *dir, const char *c) {
  int n = snprintf(out, cap, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/",
                   c);

  return n < 0 || (size_t) n >= cap ? UV_ENAMETOOLONG : 0;
}

/* Drops the last component of dir ("/" stays "/").  dir holds no link,
 * so ".." is its parent. */
static void up(char *dir) {
  char *s = strrchr(dir, '/');

  if (s == dir)
    dir[1] = '\0';
  else if (s != NULL)
    *s = '\0';
}

/* The kernel's fs.protected_symlinks rule, in any sticky directory: the
 * link (ln, its lstat) in p->path may be followed by uid when the
 * directory is not sticky, or uid or the directory's owner owns the link.
 * Returns 0, UV_EPERM with p->why, or the error of stat(2). */
static int may_follow(struct ap_safepath *p, const char *ln,
                      const struct stat *lst, uid_t uid) {
  struct stat d;

  if (stat(p->path, &d) != 0)
    return uv_translate_sys_error(errno);
  if ((d.st_mode & S_ISVTX) == 0 || lst->st_uid == uid ||
      lst->st_uid == d.st_uid)
    return 0;
  /* Names long enough to fill the message are cut. */
  snprintf(p->why, sizeof(p->why), "symbolic link '%.120s' belongs to uid "
           "%u in sticky directory '%.120s' of uid %u: not followed", ln,
           (unsigned) lst->st_uid, p->path, (unsigned) d.st_uid);
  return UV_EPERM;
}

/* Replaces what is left of the path (rest, cap bytes, *r pointing into
 * it) by the link ln's target followed by it.  An absolute target starts
 * again from the root. */
static int follow(struct ap_safepath *p, const char *ln, char *rest,
                  size_t cap, const char **r) {
  char target[sizeof(p->path)], tmp[sizeof(target) * 2];
  ssize_t n = readlink(ln, target, sizeof(target) - 1);
  int err;

  if (n < 0)
    return uv_translate_sys_error(errno);
  if ((size_t) n == sizeof(target) - 1)
    return UV_ENAMETOOLONG;
  target[n] = '\0';
  if (target[0] == '/')
    memcpy(p->path, "/", 2);
  err = cat2(tmp, sizeof(tmp), target, **r == '\0' ? "" : *r);
  if (err == 0)
    err = cat2(rest, cap, tmp, "");
  *r = rest;
  return err;
}

/* The component c of p->path: steps into it, or through the link it is.
 * Returns 0, 1 when the walk ends here, or a negative UV_E* code. */
static int step(struct ap_safepath *p, const char *c, char *rest,
                size_t cap, const char **r, uid_t uid, int *links) {
  char cand[sizeof(p->path)];
  struct stat st;
  struct statfs fs;
  int err = join(cand, sizeof(cand), p->path, c);

  if (err != 0)
    return err;
  if (lstat(cand, &st) != 0) {
    if (errno != ENOENT || more(*r))
      return uv_translate_sys_error(errno);
    memcpy(p->path, cand, sizeof(cand)); /* a new file */
    return 1;
  }
  if (!S_ISLNK(st.st_mode)) {
    if (more(*r) && !S_ISDIR(st.st_mode))
      return UV_ENOTDIR;
    memcpy(p->path, cand, sizeof(cand));
    return 0;
  }
  if (++*links > AP_SAFEPATH_LINKS)
    return UV_ELOOP;
  err = may_follow(p, cand, &st, uid);
  if (err != 0)
    return err;
  if (statfs(p->path, &fs) == 0 && fs.f_type == PROC_MAGIC) {
    p->magic = p->exists = 1;
    err = cat2(p->path, sizeof(p->path), cand, *r);
    return err != 0 ? err : 1;
  }
  return follow(p, cand, rest, cap, r);
}

int ap_safepath_resolve(struct ap_safepath *p, const char *path,
                        uid_t uid) {
  char rest[sizeof(p->path) * 2], c[NAME_LEN];
  const char *r = rest;
  int links = 0, err;

  memset(p, 0, sizeof(*p));
  if (path[0] == '\0')
    return UV_EINVAL;
  err = cat2(rest, sizeof(rest), path, "");
  if (err != 0)
    return err;
  if (path[0] == '/')
    memcpy(p->path, "/", 2);
  else if (getcwd(p->path, sizeof(p->path)) == NULL)
    return uv_translate_sys_error(errno);
  while (more(r)) {
    err = next(&r, c);
    if (err != 0)
      return err;
    if (strcmp(c, ".") == 0)
      continue;
    if (strcmp(c, "..") == 0) {
      up(p->path);
      continue;
    }
    err = step(p, c, rest, sizeof(rest), &r, uid, &links);
    if (err < 0)
      return err;
    if (err == 1)
      return 0;
  }
  p->exists = 1;
  return 0;
}
