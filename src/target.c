/* target.c - see target.h. */
#include "target.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "vec.h"

#define AP_SPEC_MAX 256

static int only_chars(const char *s, const char *set) {
  return s[strspn(s, set)] == '\0';
}

/* Parses a decimal number of at most 3 digits with no sign. */
static int parse_small(const char *s, unsigned max, unsigned *out) {
  unsigned v = 0;
  size_t i;

  if (s[0] == '\0' || strlen(s) > 3 || !only_chars(s, "0123456789"))
    return UV_EINVAL;
  for (i = 0; s[i] != '\0'; i++)
    v = v * 10 + (unsigned) (s[i] - '0');
  if (v > max)
    return UV_ERANGE;
  *out = v;
  return 0;
}

/* Parses 1 to 4 hex digits. */
static int parse_hex16(const char *s, unsigned *out) {
  size_t len = strlen(s);

  if (len == 0 || len > 4 || !only_chars(s, "0123456789abcdefABCDEF"))
    return UV_EINVAL;
  *out = (unsigned) strtoul(s, NULL, 16);
  return 0;
}

/* Says why a dotted-decimal string is not an IPv4 address. */
static void explain_v4(const char *s, char *err, size_t errlen) {
  const char *p = s;
  unsigned parts = 0;
  unsigned long v;
  char *end;

  for (;;) {
    if (!isdigit((unsigned char) *p))
      break;
    v = strtoul(p, &end, 10);
    if (v > 255) {
      snprintf(err, errlen, "octet %lu over 255", v);
      return;
    }
    parts++;
    if (*end != '.')
      break;
    p = end + 1;
  }
  snprintf(err, errlen, parts == 4 ? "not an IPv4 address"
                                   : "not an IPv4 address (need 4 octets)");
}

/* Parses an address literal, explaining failures of things that are
 * clearly meant as one. */
static int parse_literal(const char *s, struct ap_addr *a, char *err,
                         size_t errlen) {
  if (ap_addr_parse(s, a) == 0)
    return 0;
  if (only_chars(s, "0123456789."))
    explain_v4(s, err, errlen);
  else
    snprintf(err, errlen, "not an IP address");
  return UV_EINVAL;
}

/* Whether an IPv6 interval [lo, hi] takes in IPv4-mapped addresses
 * (::ffff:0:0/96), which are where IPv4 addresses live here: "::/64" must
 * not mean every IPv4 address too. */
static int holds_v4(const struct ap_addr *lo, const struct ap_addr *hi) {
  struct ap_addr first;

  ap_addr_from_v4(&first, 0);
  return !ap_addr_is_v4(lo) && ap_addr_cmp(lo, &first) <= 0 &&
         ap_addr_cmp(hi, &first) >= 0;
}

static int parse_cidr(char *s, char *slash, int whole, struct ap_addr *lo,
                      struct ap_addr *hi, char *err, size_t errlen) {
  struct ap_addr a;
  unsigned bits, max;
  int r;

  *slash = '\0';
  if (parse_literal(s, &a, err, errlen) != 0)
    return UV_EINVAL;
  max = ap_addr_is_v4(&a) ? 32 : 128;
  r = parse_small(slash + 1, 999, &bits);
  if (r != 0) {
    snprintf(err, errlen, "prefix length is not a number");
    return UV_EINVAL;
  }
  if (bits > max) {
    snprintf(err, errlen, "prefix /%u over /%u", bits, max);
    return UV_EINVAL;
  }
  ap_addr_block(&a, bits + (128 - max), lo, hi);
  if (!whole && holds_v4(lo, hi)) {
    snprintf(err, errlen, "block holds the IPv4-mapped ::ffff:0:0/96");
    return UV_EINVAL;
  }
  /* As fping does, an IPv4 block shorter than /31 leaves out its network
   * and broadcast addresses, which hosts do not answer as themselves. */
  if (max == 32 && bits < 31 && !whole) {
    ap_addr_add(lo, 1);
    ap_addr_dec(hi);
  }
  return AP_TARGET_RANGE;
}

static int parse_range(char *s, char *dash, int whole, struct ap_addr *lo,
                       struct ap_addr *hi, char *err, size_t errlen) {
  const char *end = dash + 1;
  unsigned last;

  *dash = '\0';
  if (parse_literal(s, lo, err, errlen) != 0)
    return UV_EINVAL;
  if (ap_addr_is_v4(lo) && only_chars(end, "0123456789") && *end != '\0') {
    /* 192.0.2.10-20: the end replaces the last octet. */
    if (parse_small(end, 255, &last) != 0) {
      snprintf(err, errlen, "range end '%s' over 255", end);
      return UV_EINVAL;
    }
    *hi = *lo;
    hi->lo = (hi->lo & ~0xffULL) | last;
  } else if (!ap_addr_is_v4(lo) && strchr(end, ':') == NULL &&
             parse_hex16(end, &last) == 0) {
    /* 2001:db8::10-1f: the end replaces the last 16-bit group. */
    *hi = *lo;
    hi->lo = (hi->lo & ~0xffffULL) | last;
  } else if (ap_addr_parse(end, hi) != 0) {
    snprintf(err, errlen, "range end '%s' is not an IP address", end);
    return UV_EINVAL;
  }
  if (ap_addr_is_v4(lo) != ap_addr_is_v4(hi)) {
    snprintf(err, errlen, "range mixes IPv4 and IPv6");
    return UV_EINVAL;
  }
  if (ap_addr_cmp(lo, hi) > 0) {
    snprintf(err, errlen, "range is reversed");
    return UV_EINVAL;
  }
  if (!whole && holds_v4(lo, hi)) {
    snprintf(err, errlen, "range holds the IPv4-mapped ::ffff:0:0/96");
    return UV_EINVAL;
  }
  return AP_TARGET_RANGE;
}

/* A host name: letters, digits, '-', '_' and '.', at most 253 bytes, and
 * not all digits and dots (which would be a malformed IPv4 address). */
static int valid_name(const char *s) {
  size_t len = strlen(s);

  return len > 0 && len <= 253 && s[0] != '-' && s[0] != '.' &&
         only_chars(s, "abcdefghijklmnopqrstuvwxyz"
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");
}

/* The specification in buf (no zone), parsed as ap_target_parse() says. */
static int parse_bare(char *buf, int whole, struct ap_addr *lo,
                      struct ap_addr *hi, char *err, size_t errlen) {
  char *p;

  if (buf[0] == '\0') {
    snprintf(err, errlen, "empty target");
    return UV_EINVAL;
  }
  p = strchr(buf, '/');
  if (p != NULL)
    return parse_cidr(buf, p, whole, lo, hi, err, errlen);
  if (ap_addr_parse(buf, lo) == 0) {
    *hi = *lo;
    return AP_TARGET_RANGE;
  }
  /* A dash makes a range only when what precedes it is an address:
   * "db-1.example" is a host name. */
  p = strchr(buf, '-');
  if (p != NULL) {
    *p = '\0';
    if (only_chars(buf, "0123456789.") || strchr(buf, ':') != NULL ||
        ap_addr_parse(buf, lo) == 0) {
      *p = '-';
      return parse_range(buf, p, whole, lo, hi, err, errlen);
    }
    *p = '-';
  }
  if (only_chars(buf, "0123456789.") || strchr(buf, ':') != NULL)
    return parse_literal(buf, lo, err, errlen);
  if (!valid_name(buf)) {
    snprintf(err, errlen, "not an address or host name");
    return UV_EINVAL;
  }
  return AP_TARGET_NAME;
}

/* An interface name as Linux allows one (dev_valid_name()): 1 to 15
 * bytes, not "." or "..", no '/', ':', '%' or blank, nothing unprintable.
 * A number is an interface index. */
static int valid_zone(const char *z) {
  size_t i, len = strlen(z);

  if (len == 0 || len >= AP_ZONE_MAX || strcmp(z, ".") == 0 ||
      strcmp(z, "..") == 0)
    return 0;
  for (i = 0; i < len; i++)
    if (!isgraph((unsigned char) z[i]) || strchr("/:%", z[i]) != NULL)
      return 0;
  return 1;
}

/* What a zone asks of the range [lo, hi], and what a link-local address
 * must be without one: see addr.h for the bits the zone lives in. */
static int check_zone(const struct ap_addr *lo, const struct ap_addr *hi,
                      int block, int zoned, char *err, size_t errlen) {
  if (!zoned) {
    /* A block may span the zone bits (fe80::/10 as an exclusion takes in
     * every zone); an address given alone may not set them. */
    if (block || (ap_addr_zone(lo) == 0 && ap_addr_zone(hi) == 0))
      return 0;
    snprintf(err, errlen, "bits 32 to 63 of a link-local address must be "
             "zero");
    return UV_EINVAL;
  }
  if (!ap_addr_is_linklocal(lo) || !ap_addr_is_linklocal(hi)) {
    snprintf(err, errlen, "a zone is only for link-local IPv6 addresses "
             "(fe80::/10)");
    return UV_EINVAL;
  }
  if (lo->hi != hi->hi) {
    snprintf(err, errlen, block ? "a block with a zone must be /64 or "
             "longer" : "a range with a zone must stay within one /64");
    return UV_EINVAL;
  }
  if (ap_addr_zone(lo) != 0) {
    snprintf(err, errlen, "bits 32 to 63 of a link-local address must be "
             "zero");
    return UV_EINVAL;
  }
  return 0;
}

int ap_target_parse(const char *spec, int whole, struct ap_addr *lo,
                    struct ap_addr *hi, char *zone, char *err,
                    size_t errlen) {
  char buf[AP_SPEC_MAX];
  char *pct;
  int kind, block;

  zone[0] = '\0';
  if (strlen(spec) >= sizeof(buf)) {
    snprintf(err, errlen, "too long");
    return UV_EINVAL;
  }
  memcpy(buf, spec, strlen(spec) + 1);
  /* No host name holds a '%': the zone is all that follows the first. */
  pct = strchr(buf, '%');
  if (pct != NULL)
    *pct++ = '\0';
  block = strchr(buf, '/') != NULL;
  kind = parse_bare(buf, whole, lo, hi, err, errlen);
  if (kind < 0 || (kind == AP_TARGET_NAME && pct == NULL))
    return kind;
  if (kind == AP_TARGET_NAME) {
    snprintf(err, errlen, "a zone follows an address, not a host name");
    return UV_EINVAL;
  }
  if (pct != NULL && !valid_zone(pct)) {
    snprintf(err, errlen, strchr(pct, ':') != NULL
             ? "bad zone '%.32s': the zone goes last (fe80::1-fe80::ff%%eth0)"
             : "bad zone '%.32s': not an interface name", pct);
    return UV_EINVAL;
  }
  if (check_zone(lo, hi, block, pct != NULL, err, errlen) != 0)
    return UV_EINVAL;
  if (pct != NULL)
    memcpy(zone, pct, strlen(pct) + 1);
  return kind;
}

void ap_target_zone(struct ap_addr *lo, struct ap_addr *hi, uint32_t zone) {
  ap_addr_set_zone(lo, zone);
  ap_addr_set_zone(hi, zone);
}

void ap_tset_init(struct ap_tset *s) {
  memset(s, 0, sizeof(*s));
}

void ap_tset_release(struct ap_tset *s) {
  free(s->span);
  ap_tset_init(s);
}

/* Adds [lo, hi] as it is. */
static int add_span(struct ap_tset *s, const struct ap_addr *lo,
                    const struct ap_addr *hi) {
  if (AP_VEC_RESERVE(s->span, s->cap, s->n) != 0)
    return UV_ENOMEM;
  s->span[s->n].lo = *lo;
  s->span[s->n].hi = *hi;
  s->span[s->n].base = 0;
  s->n++;
  return 0;
}

int ap_tset_add(struct ap_tset *s, const struct ap_addr *lo,
                const struct ap_addr *hi) {
  struct ap_addr below, above;
  int err;

  if (!holds_v4(lo, hi))
    return add_span(s, lo, hi);
  /* An IPv6 exclusion such as ::/0 means IPv6 addresses only: the
   * IPv4-mapped block in it, where IPv4 addresses live, is left out. */
  ap_addr_from_v4(&below, 0);
  ap_addr_dec(&below);
  ap_addr_from_v4(&above, UINT32_MAX);
  ap_addr_add(&above, 1);
  err = add_span(s, lo, &below);
  if (err == 0 && ap_addr_cmp(hi, &above) >= 0)
    err = add_span(s, &above, hi);
  return err;
}

static int span_cmp(const void *a, const void *b) {
  return ap_addr_cmp(&((const struct ap_span *) a)->lo,
                     &((const struct ap_span *) b)->lo);
}

/* Sorts the spans and merges those that overlap or touch. */
static void merge(struct ap_tset *s) {
  struct ap_addr next;
  size_t i, out = 0;

  if (s->n == 0)
    return;
  qsort(s->span, s->n, sizeof(*s->span), span_cmp);
  for (i = 1; i < s->n; i++) {
    struct ap_span *cur = &s->span[out];
    next = cur->hi;
    ap_addr_add(&next, 1);
    /* next wraps to 0 only when cur->hi is the last address, which then
     * covers every later span. */
    if (ap_addr_cmp(&s->span[i].lo, &next) <= 0 ||
        (next.hi == 0 && next.lo == 0)) {
      if (ap_addr_cmp(&s->span[i].hi, &cur->hi) > 0)
        cur->hi = s->span[i].hi;
    } else {
      s->span[++out] = s->span[i];
    }
  }
  s->n = out + 1;
}

/* Removes the addresses of x (sorted, merged) from s (sorted, merged).
 * The pieces are added as they are: a merged span may run from the last
 * IPv6 address below the IPv4-mapped block into it. */
static int subtract(struct ap_tset *s, const struct ap_tset *x) {
  struct ap_tset r;
  struct ap_addr lo, cut;
  size_t i, j = 0;
  int err;

  ap_tset_init(&r);
  for (i = 0; i < s->n; i++) {
    lo = s->span[i].lo;
    while (j < x->n && ap_addr_cmp(&x->span[j].hi, &lo) < 0)
      j++;
    for (; j < x->n && ap_addr_cmp(&x->span[j].lo, &s->span[i].hi) <= 0;
         j++) {
      if (ap_addr_cmp(&x->span[j].lo, &lo) > 0) {
        cut = x->span[j].lo;
        ap_addr_dec(&cut);
        err = add_span(&r, &lo, &cut);
        if (err != 0)
          goto fail;
      }
      if (ap_addr_cmp(&x->span[j].hi, &s->span[i].hi) >= 0)
        goto next_span;
      lo = x->span[j].hi;
      ap_addr_add(&lo, 1);
    }
    err = add_span(&r, &lo, &s->span[i].hi);
    if (err != 0)
      goto fail;
  next_span:;
  }
  free(s->span);
  *s = r;
  return 0;
fail:
  ap_tset_release(&r);
  return err;
}

uint64_t ap_span_size(const struct ap_addr *lo, const struct ap_addr *hi) {
  uint64_t d = ap_addr_diff(lo, hi);

  return d == UINT64_MAX ? UINT64_MAX : d + 1;
}

int ap_tset_finish(struct ap_tset *s, struct ap_tset *excl, uint64_t max) {
  uint64_t count = 0, size;
  size_t i;
  int err;

  merge(s);
  if (excl != NULL && excl->n > 0) {
    merge(excl);
    err = subtract(s, excl);
    if (err != 0)
      return err;
  }
  for (i = 0; i < s->n; i++) {
    /* A saturated size means 2^64 or more: too many whatever max is. */
    size = ap_span_size(&s->span[i].lo, &s->span[i].hi);
    if (size == UINT64_MAX || size > max || count > max - size)
      return UV_E2BIG;
    s->span[i].base = count;
    count += size;
  }
  s->count = count;
  return 0;
}

void ap_tset_at(const struct ap_tset *s, uint64_t i, struct ap_addr *a) {
  size_t lo = 0, hi = s->n, mid;

  /* The last span whose base is <= i. */
  while (hi - lo > 1) {
    mid = lo + (hi - lo) / 2;
    if (s->span[mid].base <= i)
      lo = mid;
    else
      hi = mid;
  }
  *a = s->span[lo].lo;
  ap_addr_add(a, i - s->span[lo].base);
}

int ap_tset_index(const struct ap_tset *s, const struct ap_addr *a,
                  uint64_t *i) {
  size_t lo = 0, hi = s->n, mid;

  while (lo < hi) {
    mid = lo + (hi - lo) / 2;
    if (ap_addr_cmp(&s->span[mid].hi, a) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == s->n || ap_addr_cmp(&s->span[lo].lo, a) > 0)
    return UV_ENOENT;
  *i = s->span[lo].base + ap_addr_diff(&s->span[lo].lo, a);
  return 0;
}
