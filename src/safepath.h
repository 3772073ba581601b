/* safepath.h - where a file aping writes really is, without following a
 * symbolic link another user planted.
 *
 * aping often runs as root from cron, writing into directories such as
 * /tmp or /run/lock where anyone may create entries.  A link there,
 * /tmp/x.prom -> /etc/shadow, must not make root replace its target.  The
 * kernel refuses such links when fs.protected_symlinks is 1; aping applies
 * the same rule itself, whatever the sysctl says, and in every sticky
 * directory (not only the world-writable ones): a symbolic link in a
 * sticky directory is followed only when the caller owns it, or the
 * directory's owner does.
 *
 * The path is walked a component at a time (lstat, readlink), so that the
 * rule holds for every link on the way, and the result names the file
 * through no link at all.  A link under /proc (/dev/stdout, /dev/fd/N,
 * /proc/self/fd/N) names an open file, not a path: the walk stops there,
 * and the result is that link, to be opened as it is.
 */
#ifndef AP_SAFEPATH_H
#define AP_SAFEPATH_H

#include <stddef.h>
#include <sys/types.h>

#define AP_SAFEPATH_LINKS 40 /* links followed at most, as the kernel */

struct ap_safepath {
  char path[4096]; /* the file, absolute */
  int exists;      /* it exists (else its directory does) */
  int magic;       /* path is a /proc link to an open file */
  char why[320];   /* after UV_EPERM: the link refused, and why */
};

/* Resolves path for uid (the effective user).  Returns 0 with p filled;
 * UV_EPERM when a link is refused (p->why says which); UV_EINVAL for an
 * empty path; UV_ENOENT when a directory on the way does not exist;
 * UV_ENOTDIR, UV_ELOOP (more than AP_SAFEPATH_LINKS links),
 * UV_ENAMETOOLONG, or the error of a call that failed. */
int ap_safepath_resolve(struct ap_safepath *p, const char *path, uid_t uid);

#endif
