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

/* Walks the parts of shard i/k and checks that together they give the
 * shard's indices, each once. */
static int parts_cover_shard(uint64_t n, uint64_t seed, uint64_t i,
                             uint64_t k, uint64_t parts) {
  uint8_t *seen = calloc(n + 1, 1), *want = calloc(n + 1, 1);
  uint64_t p, s, ns, idx, total = 0;
  struct ap_order o;
  int ok = seen != NULL && want != NULL;

  ap_order_init(&o, n, 1, seed, i, k);
  while (ok && ap_order_next(&o, &idx))
    want[idx] = 1;
  for (p = 0; ok && p < parts; p++) {
    ok = ap_order_slice(i, k, p, parts, &s, &ns) == 0 &&
         walk(n, 1, seed, s, ns, seen);
    total += ap_order_count(n, s, ns);
  }
  for (idx = 0; ok && idx < n; idx++)
    ok = seen[idx] == want[idx];
  ok = ok && total == ap_order_count(n, i, k);
  free(seen);
  free(want);
  return ok;
}

static void test_slices_cover_shard(void) {
  uint64_t s, ns;

  EXPECT(parts_cover_shard(32766, 3, 1, 1, 2));
  EXPECT(parts_cover_shard(1000, 3, 1, 1, 8));
  EXPECT(parts_cover_shard(1000, 9, 2, 3, 4));
  EXPECT(parts_cover_shard(7, 9, 3, 4, 8)); /* more parts than indices */
  EXPECT(parts_cover_shard(65537, 1, 5, 5, 3));
  EXPECT(ap_order_slice(1, 1, 0, 1, &s, &ns) == 0 && s == 1 && ns == 1);
  EXPECT(ap_order_slice(2, 3, 1, 2, &s, &ns) == 0 && s == 5 && ns == 6);
  EXPECT(ap_order_slice(1, 2, 2, 2, &s, &ns) == -1);
  EXPECT(ap_order_slice(1, UINT64_MAX / 2, 0, 3, &s, &ns) == -1);
}

int main(void) {
  RUN(test_slices_cover_shard);
  RUN(test_permutation_covers_once);
  RUN(test_shards_cover_once);
  RUN(test_seed_reproduces);
  RUN(test_sequential);
  return tap_done();
}
