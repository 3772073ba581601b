/* addr.c - see addr.h. */
#include "addr.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#define AP_V4MAPPED 0x0000ffff00000000ULL
#define AP_ZONE_BITS 0xffffffffULL /* of hi: bits 32 to 63 of the address */

/* fe80::/10: the top 10 bits of hi are 1111111010. */
static int linklocal_hi(uint64_t hi) {
  return (hi >> 54) == 0x3fa;
}

void ap_addr_from_v4(struct ap_addr *a, uint32_t v4) {
  a->hi = 0;
  a->lo = AP_V4MAPPED | v4;
}

uint32_t ap_addr_v4(const struct ap_addr *a) {
  return (uint32_t) a->lo;
}

int ap_addr_is_v4(const struct ap_addr *a) {
  return a->hi == 0 && (a->lo >> 32) == 0xffff;
}

int ap_addr_is_linklocal(const struct ap_addr *a) {
  return linklocal_hi(a->hi);
}

uint32_t ap_addr_zone(const struct ap_addr *a) {
  return linklocal_hi(a->hi) ? (uint32_t) a->hi : 0;
}

int ap_addr_set_zone(struct ap_addr *a, uint32_t zone) {
  if (!linklocal_hi(a->hi))
    return zone == 0 ? 0 : UV_EINVAL;
  a->hi = (a->hi & ~AP_ZONE_BITS) | zone;
  return 0;
}

static uint64_t load_be64(const uint8_t *p) {
  uint64_t v = 0;
  int i;

  for (i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

static void store_be64(uint8_t *p, uint64_t v) {
  int i;

  for (i = 7; i >= 0; i--) {
    p[i] = (uint8_t) v;
    v >>= 8;
  }
}

void ap_addr_from_bytes(struct ap_addr *a, const uint8_t b[16]) {
  a->hi = load_be64(b);
  a->lo = load_be64(b + 8);
}

void ap_addr_to_bytes(const struct ap_addr *a, uint8_t b[16]) {
  store_be64(b, a->hi);
  store_be64(b + 8, a->lo);
}

int ap_addr_cmp(const struct ap_addr *a, const struct ap_addr *b) {
  if (a->hi != b->hi)
    return a->hi < b->hi ? -1 : 1;
  if (a->lo != b->lo)
    return a->lo < b->lo ? -1 : 1;
  return 0;
}

void ap_addr_add(struct ap_addr *a, uint64_t n) {
  uint64_t lo = a->lo + n;

  if (lo < a->lo)
    a->hi++;
  a->lo = lo;
}

void ap_addr_dec(struct ap_addr *a) {
  if (a->lo == 0)
    a->hi--;
  a->lo--;
}

uint64_t ap_addr_diff(const struct ap_addr *a, const struct ap_addr *b) {
  if (b->hi - a->hi - (b->lo < a->lo) != 0)
    return UINT64_MAX;
  return b->lo - a->lo;
}

void ap_addr_block(const struct ap_addr *a, unsigned bits,
                   struct ap_addr *lo, struct ap_addr *hi) {
  uint64_t mhi, mlo;

  if (bits >= 128) {
    mhi = mlo = UINT64_MAX;
  } else if (bits >= 64) {
    mhi = UINT64_MAX;
    mlo = bits == 64 ? 0 : UINT64_MAX << (128 - bits);
  } else {
    mhi = bits == 0 ? 0 : UINT64_MAX << (64 - bits);
    mlo = 0;
  }
  lo->hi = a->hi & mhi;
  lo->lo = a->lo & mlo;
  hi->hi = a->hi | ~mhi;
  hi->lo = a->lo | ~mlo;
}

int ap_addr_parse(const char *s, struct ap_addr *a) {
  struct in_addr in4;
  struct in6_addr in6;

  if (inet_pton(AF_INET, s, &in4) == 1) {
    ap_addr_from_v4(a, ntohl(in4.s_addr));
    return 0;
  }
  if (inet_pton(AF_INET6, s, &in6) == 1) {
    ap_addr_from_bytes(a, in6.s6_addr);
    return 0;
  }
  return UV_EINVAL;
}

/* Dotted quad by hand: inet_ntop() goes through sprintf(), which made the
 * text of -a a tenth of a large sweep's user time. */
static void format_v4(uint32_t v, char *buf) {
  char *p = buf;
  unsigned b;
  int i;

  for (i = 3; i >= 0; i--) {
    b = v >> (8 * i) & 0xff;
    if (b >= 100)
      *p++ = (char) ('0' + b / 100);
    if (b >= 10)
      *p++ = (char) ('0' + b / 10 % 10);
    *p++ = (char) ('0' + b % 10);
    *p++ = i > 0 ? '.' : '\0';
  }
}

/* Appends "%NAME" (or "%INDEX") to the address in buf; makes buf "" when
 * it does not fit. */
static void format_zone(uint32_t zone, char *buf, size_t len) {
  char name[IF_NAMESIZE];
  size_t n = strlen(buf);
  int w;

  if (if_indextoname(zone, name) != NULL)
    w = snprintf(buf + n, len - n, "%%%s", name);
  else
    w = snprintf(buf + n, len - n, "%%%" PRIu32, zone);
  if (w < 0 || (size_t) w >= len - n)
    buf[0] = '\0';
}

const char *ap_addr_format(const struct ap_addr *a, char *buf, size_t len) {
  struct in6_addr in6;
  struct ap_addr bare = *a;
  uint32_t zone;

  if (ap_addr_is_v4(a)) {
    if (len >= sizeof("255.255.255.255"))
      format_v4(ap_addr_v4(a), buf);
    else if (len > 0)
      buf[0] = '\0';
    return buf;
  }
  zone = ap_addr_zone(a);
  ap_addr_set_zone(&bare, 0);
  ap_addr_to_bytes(&bare, in6.s6_addr);
  if (inet_ntop(AF_INET6, &in6, buf, (socklen_t) len) == NULL)
    buf[0] = '\0';
  else if (zone != 0)
    format_zone(zone, buf, len);
  return buf;
}

int ap_addr_from_sockaddr(struct ap_addr *a, const struct sockaddr *sa) {
  const struct sockaddr_in *sin;
  const struct sockaddr_in6 *sin6;

  switch (sa->sa_family) {
  case AF_INET:
    sin = (const struct sockaddr_in *) sa;
    ap_addr_from_v4(a, ntohl(sin->sin_addr.s_addr));
    return 0;
  case AF_INET6:
    sin6 = (const struct sockaddr_in6 *) sa;
    ap_addr_from_bytes(a, sin6->sin6_addr.s6_addr);
    if (!linklocal_hi(a->hi))
      return 0;
    /* Bits the zone goes in, already set: an address that could pass for
     * another zone's (addr.h). */
    if ((a->hi & AP_ZONE_BITS) != 0)
      return UV_EINVAL;
    a->hi |= sin6->sin6_scope_id;
    return 0;
  default:
    return UV_EAFNOSUPPORT;
  }
}

socklen_t ap_addr_to_sockaddr(const struct ap_addr *a,
                              struct sockaddr_storage *ss) {
  struct sockaddr_in *sin;
  struct sockaddr_in6 *sin6;

  memset(ss, 0, sizeof(*ss));
  if (ap_addr_is_v4(a)) {
    sin = (struct sockaddr_in *) ss;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(ap_addr_v4(a));
    return sizeof(*sin);
  }
  sin6 = (struct sockaddr_in6 *) ss;
  sin6->sin6_family = AF_INET6;
  ap_addr_to_bytes(a, sin6->sin6_addr.s6_addr);
  if (linklocal_hi(a->hi)) {
    /* The zone leaves the address for sin6_scope_id. */
    sin6->sin6_scope_id = (uint32_t) a->hi;
    memset(sin6->sin6_addr.s6_addr + 4, 0, 4);
  }
  return sizeof(*sin6);
}
