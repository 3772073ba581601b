/* addr.h - IPv4 and IPv6 addresses as one ordered 128-bit space.
 *
 * IPv6 addresses are kept as they are; IPv4 addresses as the IPv4-mapped
 * address ::ffff:a.b.c.d.  Both families then share one total order and one
 * arithmetic, so that a target set needs no per-family code.
 */
#ifndef AP_ADDR_H
#define AP_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define AP_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

struct ap_addr {
  uint64_t hi;
  uint64_t lo;
};

void ap_addr_from_v4(struct ap_addr *a, uint32_t v4);
uint32_t ap_addr_v4(const struct ap_addr *a);
int ap_addr_is_v4(const struct ap_addr *a);

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
/* Formats a into buf (at least AP_ADDR_STRLEN bytes) and returns buf. */
const char *ap_addr_format(const struct ap_addr *a, char *buf, size_t len);

/* Converts to and from socket addresses.  from_sockaddr returns 0 or
 * UV_EAFNOSUPPORT; to_sockaddr returns the length it filled in. */
int ap_addr_from_sockaddr(struct ap_addr *a, const struct sockaddr *sa);
socklen_t ap_addr_to_sockaddr(const struct ap_addr *a,
                              struct sockaddr_storage *ss);

#endif
