/* target.h - target specifications and the target set.
 *
 * A target set is a sorted list of disjoint address intervals.  Nothing is
 * stored per address: a /8 costs one interval.  Each interval records the
 * index of its first address, so that index <-> address conversions are a
 * binary search.
 */
#ifndef AP_TARGET_H
#define AP_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct ap_span {
  struct ap_addr lo;
  struct ap_addr hi;
  uint64_t base; /* index of lo in the whole set, set by ap_tset_finish() */
};

struct ap_tset {
  struct ap_span *span;
  size_t n;
  size_t cap;
  uint64_t count; /* number of addresses, set by ap_tset_finish() */
};

enum ap_target_kind {
  AP_TARGET_RANGE = 0,
  AP_TARGET_NAME = 1
};

/* The longest zone, with its NUL (IF_NAMESIZE). */
#define AP_ZONE_MAX 16

/* Parses one target specification: an address, a CIDR block, a range
 * (A-B; or A-N, where N replaces the last octet of an IPv4 address or, in
 * hex, the last group of an IPv6 address), or a host name.  For a
 * range it fills *lo and *hi and returns AP_TARGET_RANGE; for something that
 * can only be a host name it returns AP_TARGET_NAME.  On error it returns
 * UV_EINVAL and writes a reason (no capital, no full stop) into err.
 * An IPv4 block shorter than /31 leaves out its network and broadcast
 * addresses, as fping does, unless whole is set (for exclusions).  An
 * IPv6 block or range that takes in the IPv4-mapped ::ffff:0:0/96 is
 * refused unless whole is set (::/0 excludes every IPv6 address;
 * ap_tset_add() leaves the IPv4 ones out).
 *
 * A link-local IPv6 address, range or block may end in a zone, which
 * applies to the whole of it: fe80::1%eth0, fe80::1-fe80::ff%eth0,
 * fe80::1-ff%eth0, fe80::/120%eth0.  The zone (an interface name or
 * index, not looked up here) goes into zone (AP_ZONE_MAX bytes; "" when
 * there is none): the caller finds its interface and gives *lo and *hi
 * its index with ap_target_zone().  A zoned range stays within one /64 (a
 * block is /64 or longer); a link-local address never sets bits 32 to 63
 * (addr.h). */
int ap_target_parse(const char *spec, int whole, struct ap_addr *lo,
                    struct ap_addr *hi, char *zone, char *err,
                    size_t errlen);

/* Gives a range that ap_target_parse() returned with a zone the index of
 * that zone's interface. */
void ap_target_zone(struct ap_addr *lo, struct ap_addr *hi, uint32_t zone);

void ap_tset_init(struct ap_tset *s);
void ap_tset_release(struct ap_tset *s);

/* Adds the interval [lo, hi]; an IPv6 one that takes in the IPv4-mapped
 * block (::ffff:0:0/96, where IPv4 addresses live), as an exclusion may,
 * is added without it.  Returns 0 or UV_ENOMEM. */
int ap_tset_add(struct ap_tset *s, const struct ap_addr *lo,
                const struct ap_addr *hi);

/* Sorts and merges s, removes every address of excl (which it sorts and
 * merges too; may be NULL), and numbers the result.  Returns 0, UV_ENOMEM,
 * or UV_E2BIG when the set holds more than max addresses. */
int ap_tset_finish(struct ap_tset *s, struct ap_tset *excl, uint64_t max);

/* Returns the number of addresses in [lo, hi], saturated at UINT64_MAX. */
uint64_t ap_span_size(const struct ap_addr *lo, const struct ap_addr *hi);

/* The address with index i (i < s->count) of a finished set. */
void ap_tset_at(const struct ap_tset *s, uint64_t i, struct ap_addr *a);

/* Finds the index of a in a finished set.  Returns 0 or UV_ENOENT. */
int ap_tset_index(const struct ap_tset *s, const struct ap_addr *a,
                  uint64_t *i);

#endif
