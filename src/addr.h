/* addr.h - IPv4 and IPv6 addresses as one ordered 128-bit space.
 *
 * IPv6 addresses are kept as they are; IPv4 addresses as the IPv4-mapped
 * address ::ffff:a.b.c.d.  Both families then share one total order and one
 * arithmetic, so that a target set needs no per-family code.
 *
 * A link-local IPv6 address (fe80::/10) means something only on one link,
 * so it comes with a zone: the index of the interface it is reached
 * through (fe80::1%eth0).  The zone is kept inside the address, in its
 * bits 32 to 63, which RFC 4291 requires to be zero in a link-local
 * address (the BSD kernels keep theirs in bits 16 to 31 the same way).
 * So a zone costs no memory, the addresses of one zone stay one interval
 * of the 128-bit space (fe80::/64%eth0 is contiguous, and apart from
 * fe80::/64%eth1), comparisons and arithmetic stay as they are, and the
 * IPv4 path never looks at it.  Zone 0 is no zone.  A link-local address
 * whose bits 32 to 63 are set cannot be told apart from a zoned one: the
 * parsers refuse it and ap_addr_from_sockaddr() reports it.
 */
#ifndef AP_ADDR_H
#define AP_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* INET6_ADDRSTRLEN, then "%" and a zone of up to 15 bytes (IF_NAMESIZE). */
#define AP_ADDR_STRLEN 64

struct ap_addr {
  uint64_t hi;
  uint64_t lo;
};

void ap_addr_from_v4(struct ap_addr *a, uint32_t v4);
uint32_t ap_addr_v4(const struct ap_addr *a);
int ap_addr_is_v4(const struct ap_addr *a);

/* Whether a is an IPv6 link-local address (fe80::/10), zoned or not. */
int ap_addr_is_linklocal(const struct ap_addr *a);
/* The zone of a link-local address (an interface index), or 0. */
uint32_t ap_addr_zone(const struct ap_addr *a);
/* Gives a link-local address the zone (0: none), replacing its bits 32 to
 * 63.  Returns 0, or UV_EINVAL when a is not link-local and zone is not
 * 0. */
int ap_addr_set_zone(struct ap_addr *a, uint32_t zone);

void ap_addr_from_bytes(struct ap_addr *a, const uint8_t b[16]);
void ap_addr_to_bytes(const struct ap_addr *a, uint8_t b[16]);

int ap_addr_cmp(const struct ap_addr *a, const struct ap_addr *b);
/* Adds n to a, wrapping at 2^128. */
void ap_addr_add(struct ap_addr *a, uint64_t n);
/* Subtracts 1 from a, wrapping at 0. */
void ap_addr_dec(struct ap_addr *a);
/* Returns b - a (a <= b required), saturated at UINT64_MAX. */
uint64_t ap_addr_diff(const struct ap_addr *a, const struct ap_addr *b);
/* Sets *lo and *hi to the first and last address of the block of a with
 * `bits` leading bits fixed (0..128, counted over the whole 128 bits). */
void ap_addr_block(const struct ap_addr *a, unsigned bits,
                   struct ap_addr *lo, struct ap_addr *hi);

/* Parses an IPv4 or IPv6 literal.  Returns 0 or UV_EINVAL. */
int ap_addr_parse(const char *s, struct ap_addr *a);
/* Formats a into buf (at least AP_ADDR_STRLEN bytes) and returns buf: a
 * zone as its interface's name (fe80::1%eth0), or as its number when no
 * interface has it (fe80::1%7); "" when buf is too short. */
const char *ap_addr_format(const struct ap_addr *a, char *buf, size_t len);

/* Converts to and from socket addresses, the zone to and from
 * sin6_scope_id.  from_sockaddr returns 0, UV_EAFNOSUPPORT, or UV_EINVAL
 * for a link-local address with bits 32 to 63 set (see above);
 * to_sockaddr returns the length it filled in. */
int ap_addr_from_sockaddr(struct ap_addr *a, const struct sockaddr *sa);
socklen_t ap_addr_to_sockaddr(const struct ap_addr *a,
                              struct sockaddr_storage *ss);

#endif
