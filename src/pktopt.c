/* pktopt.c - see pktopt.h. */
#include "pktopt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "err.h"

void ap_pkt_defaults(struct ap_pkt_cfg *c) {
  memset(c, 0, sizeof(*c));
  c->tos = -1;
}

int ap_pkt_read_src(struct ap_pkt_cfg *c, const char *s, char *err,
                    size_t len) {
  struct sockaddr_in *v4;
  struct sockaddr_in6 *v6;
  struct in_addr a4;
  struct in6_addr a6;
  int f;

  if (inet_pton(AF_INET, s, &a4) == 1) {
    f = 0;
  } else if (inet_pton(AF_INET6, s, &a6) == 1) {
    f = 1;
  } else {
    snprintf(err, len, "need an IPv4 or IPv6 address");
    return -1;
  }
  if (c->have_src[f]) {
    snprintf(err, len, "an %s source address is given already",
             f == 0 ? "IPv4" : "IPv6");
    return -1;
  }
  memset(&c->src[f], 0, sizeof(c->src[f]));
  if (f == 0) {
    v4 = (struct sockaddr_in *) &c->src[0];
    v4->sin_family = AF_INET;
    v4->sin_addr = a4;
  } else {
    v6 = (struct sockaddr_in6 *) &c->src[1];
    v6->sin6_family = AF_INET6;
    v6->sin6_addr = a6;
  }
  c->have_src[f] = 1;
  return 0;
}

int ap_pkt_read_iface(struct ap_pkt_cfg *c, const char *s, char *err,
                      size_t len) {
  size_t n = strlen(s), i;

  /* What the kernel takes as a name (dev_valid_name()). */
  if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 ||
      strcmp(s, "..") == 0) {
    snprintf(err, len, "need an interface name of 1 to %d characters",
             IFNAMSIZ - 1);
    return -1;
  }
  for (i = 0; i < n; i++) {
    unsigned char ch = (unsigned char) s[i];
    if (ch <= ' ' || ch == '/' || ch == ':' || ch >= 0x7f) {
      snprintf(err, len, "an interface name has no '/', ':', blanks or "
               "control characters");
      return -1;
    }
  }
  c->iface = s;
  return 0;
}

/* A whole number from 0 to max, decimal or 0x hexadecimal. */
static int read_num(const char *s, uint64_t max, uint64_t *v) {
  unsigned long long x;
  int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const char *digits = hex ? s + 2 : s;
  char *end;

  if (digits[0] == '\0' ||
      strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789") !=
          strlen(digits))
    return -1;
  errno = 0;
  x = strtoull(digits, &end, hex ? 16 : 10);
  if (errno != 0 || *end != '\0' || x > max)
    return -1;
  *v = x;
  return 0;
}

int ap_pkt_read_tos(struct ap_pkt_cfg *c, const char *s, char *err,
                    size_t len) {
  uint64_t v;

  if (read_num(s, 255, &v) != 0) {
    snprintf(err, len, "need a number from 0 to 255 (or 0x0 to 0xff)");
    return -1;
  }
  c->tos = (int) v;
  return 0;
}

int ap_pkt_read_mark(struct ap_pkt_cfg *c, const char *s, char *err,
                     size_t len) {
  uint64_t v;

  if (read_num(s, UINT32_MAX, &v) != 0) {
    snprintf(err, len, "need a number from 0 to 4294967295 (or 0x0 to "
             "0xffffffff)");
    return -1;
  }
  c->mark = (uint32_t) v;
  c->have_mark = 1;
  return 0;
}

int ap_pkt_icmp_only(const struct ap_pkt_cfg *c, const char **name) {
  *name = c->size > 0 ? "-b"
          : c->ttl > 0 ? "--ttl"
          : c->tos >= 0 ? "--tos"
          : c->df ? "--df"
          : c->have_mark ? "--fwmark" : NULL;
  return *name != NULL;
}

static int set_int(int fd, int level, int name, int v) {
  return setsockopt(fd, level, name, &v, sizeof(v)) == 0
             ? 0 : uv_translate_sys_error(errno);
}

/* Where probes leave from: the interface, then the source address. */
static int apply_where(int fd, int family, const struct ap_pkt_cfg *c,
                       int *what) {
  int f = family == AF_INET ? 0 : 1;

  if (c->iface != NULL &&
      setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->iface,
                 (socklen_t) strlen(c->iface)) != 0) {
    *what = AP_PKT_IFACE;
    return uv_translate_sys_error(errno);
  }
  if (c->have_src[f] &&
      bind(fd, (const struct sockaddr *) &c->src[f],
           f == 0 ? sizeof(struct sockaddr_in)
                  : sizeof(struct sockaddr_in6)) != 0) {
    *what = AP_PKT_SRC;
    return uv_translate_sys_error(errno);
  }
  return 0;
}

/* What the echo requests look like: TTL, TOS, don't fragment. */
static int apply_looks(int fd, int family, const struct ap_pkt_cfg *c,
                       int *what) {
  int v4 = family == AF_INET, err = 0;

  if (c->ttl > 0 &&
      (err = v4 ? set_int(fd, IPPROTO_IP, IP_TTL, c->ttl)
                : set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, c->ttl)) != 0)
    *what = AP_PKT_TTL;
  else if (c->tos >= 0 &&
           (err = v4 ? set_int(fd, IPPROTO_IP, IP_TOS, c->tos)
                     : set_int(fd, IPPROTO_IPV6, IPV6_TCLASS, c->tos)) != 0)
    *what = AP_PKT_TOS;
  else if (c->df &&
           (err = v4 ? set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER,
                               IP_PMTUDISC_DO)
                     : set_int(fd, IPPROTO_IPV6, IPV6_DONTFRAG, 1)) != 0)
    *what = AP_PKT_DF;
  return err;
}

int ap_pkt_apply(int fd, int family, const struct ap_pkt_cfg *c, int icmp,
                 int *what) {
  int err;

  *what = AP_PKT_NONE;
  /* The mark first: it may choose the route the rest is checked on. */
  if (icmp && c->have_mark &&
      (err = set_int(fd, SOL_SOCKET, SO_MARK, (int) c->mark)) != 0) {
    *what = AP_PKT_MARK;
    return err;
  }
  err = apply_where(fd, family, c, what);
  if (err == 0 && icmp)
    err = apply_looks(fd, family, c, what);
  return err;
}

int ap_pkt_check(int family, const struct ap_pkt_cfg *c, int *what) {
  int fd, err;

  *what = AP_PKT_NONE;
  if (c->iface == NULL && !c->have_src[family == AF_INET ? 0 : 1])
    return 0;
  fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return 0; /* no such family here: nothing of it is probed */
  err = apply_where(fd, family, c, what);
  close(fd);
  return err;
}

void ap_pkt_error(const struct ap_pkt_cfg *c, int what, int family, int err,
                  char *buf, size_t len) {
  char a[INET6_ADDRSTRLEN] = "?";
  const struct sockaddr_storage *ss = &c->src[family == AF_INET ? 0 : 1];
  const char *why = ap_strerror(err);

  switch (what) {
  case AP_PKT_IFACE:
    snprintf(buf, len, "cannot bind to interface '%s': %s%s", c->iface,
             err == UV_ENODEV ? "no such interface" : why,
             err == UV_EPERM ? " (before Linux 5.7 this needs CAP_NET_RAW)"
                             : "");
    return;
  case AP_PKT_SRC:
    if (family == AF_INET)
      inet_ntop(AF_INET, &((const struct sockaddr_in *) ss)->sin_addr, a,
                sizeof(a));
    else
      inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) ss)->sin6_addr, a,
                sizeof(a));
    snprintf(buf, len, "cannot use source address '%s': %s", a,
             err == UV_EADDRNOTAVAIL ? "not an address of this host" : why);
    return;
  case AP_PKT_MARK:
    snprintf(buf, len, "cannot set --fwmark %lu: %s%s",
             (unsigned long) c->mark, why,
             err == UV_EPERM ? " (a mark needs CAP_NET_ADMIN: run as root "
                               "or give aping cap_net_admin)" : "");
    return;
  default:
    snprintf(buf, len, "cannot set %s on the ICMP socket: %s",
             what == AP_PKT_TTL ? "--ttl" : what == AP_PKT_TOS ? "--tos"
                                                              : "--df", why);
  }
}
