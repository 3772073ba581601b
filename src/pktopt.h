/* pktopt.h - the packet options: where probes leave from and what they
 * look like.
 *
 * -S/--src (a source address per family) and -I/--iface (SO_BINDTODEVICE)
 * apply to every socket aping probes with: the ICMP sockets and the TCP
 * connections of the service checks.  -b/--size, --ttl, --tos, --df and
 * --fwmark (SO_MARK) apply to the ICMP echo requests.  The ICMP sockets
 * get them as they are opened, inside the privilege sequence (priv.h):
 * SO_MARK needs CAP_NET_ADMIN, and SO_BINDTODEVICE needed CAP_NET_RAW
 * before Linux 5.7.  A value that cannot be applied is an error, never
 * ignored.  The readers of values are pure; ap_pkt_apply() and
 * ap_pkt_check() make system calls on sockets only.
 */
#ifndef AP_PKTOPT_H
#define AP_PKTOPT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The payload of an echo request: the MAC's 24 bytes at least (icmp.h),
 * and at most what an IPv4 datagram can carry after its headers. */
#define AP_PKT_SIZE_MAX 65507

struct ap_pkt_cfg {
  int have_src[2];                /* -S given for [0] IPv4, [1] IPv6 */
  struct sockaddr_storage src[2]; /* that address, port 0 */
  const char *iface;   /* -I, or NULL */
  size_t size;         /* -b: payload bytes, 0 for the default */
  int ttl;             /* --ttl, 0 for the system's */
  int tos;             /* --tos, -1 for the system's */
  int df;              /* --df: don't fragment */
  int have_mark;       /* --fwmark given */
  uint32_t mark;
};

/* What no packet option means. */
void ap_pkt_defaults(struct ap_pkt_cfg *c);

/* Readers of option values: each returns 0, or -1 after writing why the
 * value is bad into err (no capital, no full stop). */
int ap_pkt_read_src(struct ap_pkt_cfg *c, const char *s, char *err,
                    size_t len);
int ap_pkt_read_iface(struct ap_pkt_cfg *c, const char *s, char *err,
                      size_t len);
/* --tos: 0 to 255, decimal or 0x hexadecimal (as fping -O takes it). */
int ap_pkt_read_tos(struct ap_pkt_cfg *c, const char *s, char *err,
                    size_t len);
/* --fwmark: 0 to 4294967295, decimal or 0x hexadecimal. */
int ap_pkt_read_mark(struct ap_pkt_cfg *c, const char *s, char *err,
                     size_t len);

/* Whether any of the options that only ICMP echo requests take is given
 * (-b, --ttl, --tos, --df, --fwmark); *name is then one of them. */
int ap_pkt_icmp_only(const struct ap_pkt_cfg *c, const char **name);

/* Which option a failure of ap_pkt_apply() is about. */
enum ap_pkt_what {
  AP_PKT_NONE = 0,
  AP_PKT_MARK,
  AP_PKT_IFACE,
  AP_PKT_SRC,
  AP_PKT_TTL,
  AP_PKT_TOS,
  AP_PKT_DF
};

/* Applies the options to socket fd of family (AF_INET, AF_INET6): -S and
 * -I, and with icmp also --fwmark, --ttl, --tos and --df.  Returns 0, or
 * the UV_E* code of the first that failed, with *what set to it. */
int ap_pkt_apply(int fd, int family, const struct ap_pkt_cfg *c, int icmp,
                 int *what);

/* Checks -S and -I for family with a throwaway UDP socket, where no ICMP
 * socket did (ping(8), -m none).  Returns 0 or a UV_E* code, *what set. */
int ap_pkt_check(int family, const struct ap_pkt_cfg *c, int *what);

/* A one-line message for a failure err of option what (family as for
 * ap_pkt_apply()): "cannot bind to interface 'eth9': No such device". */
void ap_pkt_error(const struct ap_pkt_cfg *c, int what, int family, int err,
                  char *buf, size_t len);

#endif
