/* fuzz-target.c - libFuzzer target for target specifications and sets.
 *
 * The input is lines of specifications.  Each goes through
 * ap_target_parse(), as on the command line; the first byte says which
 * lines are exclusions (bit i: line i % 8).  A range must be ordered and of
 * one family (an IPv6 target never takes in the IPv4-mapped block, and
 * an IPv6 exclusion that does is added without it), an address must
 * survive ap_addr_format() and ap_addr_parse(),
 * an error must say why in a terminated string.  A zoned range must be
 * link-local, within one /64, with a valid zone; it then gets a zone index
 * made from the zone's text (as if an interface had it), so that zones of
 * the same block meet in the set.  The ranges then make a
 * target set minus the exclusions, which must come out sorted, disjoint
 * and counted right, with ap_tset_at() and ap_tset_index() inverse to each
 * other and no excluded address left in it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "addr.h"
#include "target.h"

#define MAX_SET (1ULL << 40)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The address, without its zone, through text and back.  (A zone is
 * formatted as its interface's name, which ap_addr_parse() does not read:
 * the intake looks interfaces up.) */
static void check_addr(const struct ap_addr *a) {
  char buf[AP_ADDR_STRLEN];
  struct ap_addr bare = *a, back;

  ap_addr_set_zone(&bare, 0);
  if (ap_addr_parse(ap_addr_format(&bare, buf, sizeof(buf)), &back) != 0 ||
      ap_addr_cmp(&bare, &back) != 0)
    abort();
}

/* A zone index made from the zone's text: 1 to 8, so that zones meet. */
static uint32_t fake_index(const char *zone) {
  uint32_t h = 0;

  for (; *zone != '\0'; zone++)
    h = h * 31 + (unsigned char) *zone;
  return h % 8 + 1;
}

static void check_zone(const struct ap_addr *lo, const struct ap_addr *hi,
                       const char *zone) {
  size_t len = strlen(zone);

  if (zone[0] == '\0')
    return;
  if (len >= AP_ZONE_MAX || strpbrk(zone, "/:% \t") != NULL ||
      !ap_addr_is_linklocal(lo) || !ap_addr_is_linklocal(hi) ||
      lo->hi != hi->hi || ap_addr_zone(lo) != 0)
    abort();
}

/* No span of s is IPv6 and takes in the IPv4-mapped block. */
static void check_v6_spans(const struct ap_tset *s) {
  struct ap_addr v4;
  size_t k;

  ap_addr_from_v4(&v4, 0);
  for (k = 0; k < s->n; k++)
    if (!ap_addr_is_v4(&s->span[k].lo) &&
        ap_addr_cmp(&s->span[k].lo, &v4) < 0 &&
        ap_addr_cmp(&s->span[k].hi, &v4) >= 0)
      abort();
}

/* Parses one specification and adds a range to s or x. */
static void one(const char *spec, int exclude, struct ap_tset *s,
                struct ap_tset *x) {
  struct ap_addr lo, hi, v4;
  char err[128], zone[AP_ZONE_MAX];
  int kind;

  memset(err, 'x', sizeof(err));
  kind = ap_target_parse(spec, exclude, &lo, &hi, zone, err, sizeof(err));
  if (kind < 0) {
    if (kind != UV_EINVAL || memchr(err, '\0', sizeof(err)) == NULL ||
        err[0] == '\0')
      abort();
    return;
  }
  if (kind == AP_TARGET_NAME) {
    if (strlen(spec) > 253 || strpbrk(spec, " /:#%") != NULL ||
        zone[0] != '\0')
      abort();
    return;
  }
  ap_addr_from_v4(&v4, 0);
  if (kind != AP_TARGET_RANGE || ap_addr_cmp(&lo, &hi) > 0)
    abort();
  /* An IPv6 target never takes in IPv4 (mapped) addresses, and so is of
   * one family; an exclusion may (::/0, ::/80, which ends in the last
   * IPv4 address), and the set leaves them out (check_v6_spans()). */
  if (!ap_addr_is_v4(&lo) && ap_addr_cmp(&lo, &v4) <= 0 &&
      ap_addr_cmp(&hi, &v4) >= 0) {
    if (!exclude)
      abort();
  } else if (ap_addr_is_v4(&lo) != ap_addr_is_v4(&hi)) {
    abort();
  }
  check_addr(&lo);
  check_addr(&hi);
  check_zone(&lo, &hi, zone);
  if (zone[0] != '\0') {
    ap_target_zone(&lo, &hi, fake_index(zone));
    if (ap_addr_zone(&lo) != fake_index(zone) ||
        ap_addr_zone(&hi) != fake_index(zone) || ap_addr_cmp(&lo, &hi) > 0)
      abort();
  }
  if (ap_tset_add(exclude ? x : s, &lo, &hi) != 0)
    abort();
  check_v6_spans(exclude ? x : s);
}

/* Checks a finished set against the exclusions it was made without. */
static void check_set(const struct ap_tset *s, const struct ap_tset *x) {
  struct ap_addr a, next;
  uint64_t count = 0, i, probe[4];
  size_t k;

  for (k = 0; k < s->n; k++) {
    if (ap_addr_cmp(&s->span[k].lo, &s->span[k].hi) > 0 ||
        s->span[k].base != count)
      abort();
    if (k > 0) {
      next = s->span[k - 1].hi;
      ap_addr_add(&next, 1);
      if (ap_addr_cmp(&next, &s->span[k].lo) >= 0)
        abort(); /* overlapping or touching spans were not merged */
    }
    count += ap_span_size(&s->span[k].lo, &s->span[k].hi);
  }
  if (count != s->count)
    abort();
  if (s->count == 0)
    return;
  probe[0] = 0;
  probe[1] = s->count - 1;
  probe[2] = s->count / 2;
  probe[3] = (s->count * 7) / 13;
  for (k = 0; k < 4; k++) {
    ap_tset_at(s, probe[k], &a);
    if (ap_tset_index(s, &a, &i) != 0 || i != probe[k])
      abort();
  }
  for (k = 0; k < x->n; k++)
    if (ap_tset_index(s, &x->span[k].lo, &i) == 0 ||
        ap_tset_index(s, &x->span[k].hi, &i) == 0)
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct ap_tset s, x;
  char spec[320];
  size_t i = 1, j, n, line = 0;
  unsigned excl;
  int r;

  if (size == 0)
    return 0;
  excl = data[0];
  ap_tset_init(&s);
  ap_tset_init(&x);
  while (i < size && line < 64) {
    for (j = i; j < size && data[j] != '\n'; j++)
      ;
    n = j - i < sizeof(spec) - 1 ? j - i : sizeof(spec) - 1;
    memcpy(spec, data + i, n);
    spec[n] = '\0';
    if (strlen(spec) == n)
      one(spec, (excl >> (line % 8)) & 1, &s, &x);
    i = j + 1;
    line++;
  }
  r = ap_tset_finish(&s, &x, MAX_SET);
  if (r == 0)
    check_set(&s, &x);
  else if (r != UV_E2BIG)
    abort();
  ap_tset_release(&s);
  ap_tset_release(&x);
  return 0;
}
