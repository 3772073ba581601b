/* test-order.c - the random permutation and shards. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "tap.h"

/* Walks shard i/k of [0, n) and marks every index; returns 0 if an index
 * came twice or fell outside. */
static int walk(uint64_t n, int random, uint64_t seed, uint64_t i, uint64_t k,
                uint8_t *seen) {
  struct ap_order o;
  uint64_t idx, got = 0;

  ap_order_init(&o, n, random, seed, i, k);
  while (ap_order_next(&o, &idx)) {
    if (idx >= n || seen[idx])
      return 0;
    seen[idx] = 1;
    got++;
  }
  return got == ap_order_count(n, i, k);
}

static int covers(uint64_t n, int random, uint64_t seed, uint64_t k) {
  uint8_t *seen = calloc(n + 1, 1);
  uint64_t i;
  int ok = seen != NULL;

  for (i = 1; ok && i <= k; i++)
    ok = walk(n, random, seed, i, k, seen);
  for (i = 0; ok && i < n; i++)
    ok = seen[i];
  free(seen);
  return ok;
}

static void test_permutation_covers_once(void) {
  static const uint64_t sizes[] = { 1, 2, 3, 4, 5, 17, 254, 1000, 65536,
                                    65537, 131071 };
  size_t i;

  for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    EXPECT(covers(sizes[i], 1, 42, 1));
    EXPECT(covers(sizes[i], 0, 42, 1));
  }
}

static void test_shards_cover_once(void) {
  EXPECT(covers(1000, 1, 7, 7));
  EXPECT(covers(254, 1, 7, 16));
  EXPECT(covers(5, 1, 7, 16)); /* more shards than targets */
  EXPECT(covers(100000, 1, 99, 3));
  EXPECT(covers(100000, 0, 99, 3));
}

static void test_seed_reproduces(void) {
  struct ap_order a, b, c;
  uint64_t x, y, z, i, moved = 0, differ = 0;

  ap_order_init(&a, 10000, 1, 5, 1, 1);
  ap_order_init(&b, 10000, 1, 5, 1, 1);
  ap_order_init(&c, 10000, 1, 6, 1, 1);
  for (i = 0; i < 10000; i++) {
    ap_order_next(&a, &x);
    ap_order_next(&b, &y);
    ap_order_next(&c, &z);
    EXPECT(x == y);
    differ += x != z;
    moved += x != i;
  }
  /* Another seed gives another order, and neither is the identity. */
  EXPECT(differ > 9000);
  EXPECT(moved > 9000);
}

static void test_sequential(void) {
  struct ap_order o;
  uint64_t idx, want = 2;

  ap_order_init(&o, 10, 0, 1, 3, 4);
  while (ap_order_next(&o, &idx)) {
    EXPECT(idx == want);
    want += 4;
  }
  EXPECT(want == 10);
  EXPECT(ap_order_count(10, 3, 4) == 2);
  EXPECT(ap_order_count(0, 1, 1) == 0);
}

/* Deals shard i/k out in ranges of `range` positions (taken in a
 * scrambled order, as loops would take them) and checks that together
 * they give the shard's indices, each once, in the shard's order within
 * each range. */
static int ranges_cover_shard(uint64_t n, uint64_t seed, uint64_t i,
                              uint64_t k, uint64_t range) {
  uint8_t *seen = calloc(n + 1, 1);
  uint64_t *want = calloc(n + 1, sizeof(uint64_t));
  uint64_t count = ap_order_count(n, i, k), nranges, r, j, idx, end;
  uint64_t got = 0;
  struct ap_order o;
  int ok = seen != NULL && want != NULL;

  ap_order_init(&o, n, 1, seed, i, k);
  for (j = 0; ok && ap_order_next(&o, &idx); j++)
    want[j] = idx;
  nranges = (count + range - 1) / range;
  for (r = 0; ok && r < nranges; r++) {
    /* The ranges in a scrambled order (or reversed, when 7 divides their
     * count and r * 7 would not reach them all). */
    uint64_t which = (r * 7 + 3) % nranges;
    if (nranges % 7 == 0)
      which = nranges - 1 - r;
    ap_order_init(&o, n, 1, seed, i, k);
    ap_order_range(&o, which * range, which * range + range);
    for (j = which * range; ok && ap_order_next(&o, &idx); j++, got++) {
      ok = j < count && idx < n && !seen[idx] && idx == want[j];
      if (ok)
        seen[idx] = 1;
    }
    end = (which + 1) * range < count ? (which + 1) * range : count;
    ok = ok && j == end;
  }
  ok = ok && got == count;
  free(seen);
  free(want);
  return ok;
}

static void test_ranges_cover_shard(void) {
  struct ap_order o;
  uint64_t idx;

  EXPECT(ranges_cover_shard(32766, 3, 1, 1, 256));
  EXPECT(ranges_cover_shard(1000, 3, 1, 1, 1));
  EXPECT(ranges_cover_shard(1000, 9, 2, 3, 64));
  EXPECT(ranges_cover_shard(7, 9, 3, 4, 256)); /* one range, cut short */
  EXPECT(ranges_cover_shard(65537, 1, 5, 5, 100));
  /* Out of the shard: nothing, whatever the bounds. */
  ap_order_init(&o, 10, 0, 1, 1, 1);
  ap_order_range(&o, 10, 20);
  EXPECT(!ap_order_next(&o, &idx));
  ap_order_range(&o, 5, 2);
  EXPECT(!ap_order_next(&o, &idx));
  ap_order_range(&o, 8, 100);
  EXPECT(ap_order_next(&o, &idx) && idx == 8);
  EXPECT(ap_order_next(&o, &idx) && idx == 9);
  EXPECT(!ap_order_next(&o, &idx));
}

int main(void) {
  RUN(test_ranges_cover_shard);
  RUN(test_permutation_covers_once);
  RUN(test_shards_cover_once);
  RUN(test_seed_reproduces);
  RUN(test_sequential);
  return tap_done();
}
