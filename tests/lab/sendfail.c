/* tests/lab/sendfail.c - an LD_PRELOAD shim that makes sends on ICMP
 * sockets fail, for tests/lab/test-sendfail.sh.
 *
 * sendmmsg(), sendmsg() and sendto() on a socket whose protocol is ICMP or
 * ICMPv6 fail, without sending anything, on
 *   SENDFAIL_FIRST=K   the first K calls, and/or
 *   SENDFAIL_EVERY=N   every Nth call (the Nth, the 2Nth, ...),
 * with ENOBUFS and EAGAIN in turn (ENOBUFS first).  Every other call, and
 * every call on any other socket, goes through.  When SENDFAIL_COUNT names
 * a file, the number of calls made to fail is written there at exit.
 *
 * Build: cc -shared -fPIC -o sendfail.so sendfail.c -ldl
 * It only ever runs inside the lab (lab_exec).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static unsigned long calls, failed;

static unsigned long env_number(const char *name) {
  const char *s = getenv(name);

  return s != NULL ? strtoul(s, NULL, 10) : 0;
}

static int is_icmp(int fd) {
  int proto = 0;
  socklen_t len = sizeof(proto);

  if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0)
    return 0;
  return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* Whether this call on fd is to fail; if so errno is set. */
static int fail_now(int fd) {
  unsigned long first = env_number("SENDFAIL_FIRST");
  unsigned long every = env_number("SENDFAIL_EVERY");

  if (!is_icmp(fd))
    return 0;
  calls++;
  if (calls > first && (every == 0 || calls % every != 0))
    return 0;
  errno = failed++ % 2 == 0 ? ENOBUFS : EAGAIN;
  return 1;
}

static void *next(const char *name) {
  void *f = dlsym(RTLD_NEXT, name);

  if (f == NULL)
    abort();
  return f;
}

int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags) {
  static int (*real)(int, struct mmsghdr *, unsigned int, int);

  if (real == NULL)
    real = (int (*)(int, struct mmsghdr *, unsigned int, int))
        next("sendmmsg");
  return fail_now(fd) ? -1 : real(fd, v, n, flags);
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags) {
  static ssize_t (*real)(int, const struct msghdr *, int);

  if (real == NULL)
    real = (ssize_t (*)(int, const struct msghdr *, int)) next("sendmsg");
  return fail_now(fd) ? -1 : real(fd, m, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               const struct sockaddr *to, socklen_t tolen) {
  static ssize_t (*real)(int, const void *, size_t, int,
                         const struct sockaddr *, socklen_t);

  if (real == NULL)
    real = (ssize_t (*)(int, const void *, size_t, int,
                        const struct sockaddr *, socklen_t)) next("sendto");
  return fail_now(fd) ? -1 : real(fd, buf, len, flags, to, tolen);
}

__attribute__((destructor)) static void report(void) {
  const char *path = getenv("SENDFAIL_COUNT");
  FILE *f;

  if (path == NULL || (f = fopen(path, "w")) == NULL)
    return;
  fprintf(f, "%lu\n", failed);
  fclose(f);
}
