/* order.c - see order.h. */
#include "order.h"

#include <stddef.h>

#include "mix.h"

uint64_t ap_order_count(uint64_t n, uint64_t shard, uint64_t nshards) {
  if (shard == 0 || shard > n)
    return 0;
  return (n - shard) / nshards + 1;
}

void ap_order_init(struct ap_order *o, uint64_t n, int random, uint64_t seed,
                   uint64_t shard, uint64_t nshards) {
  unsigned bits = 0;
  int i;

  o->n = n;
  o->first = o->pos = shard - 1;
  o->step = nshards;
  o->left = ap_order_count(n, shard, nshards);
  o->random = random;
  while (bits < 64 && (n - 1) >> bits != 0)
    bits++;
  o->halfbits = (bits + 1) / 2;
  if (o->halfbits == 0)
    o->halfbits = 1;
  o->mask = (1ULL << o->halfbits) - 1;
  for (i = 0; i < AP_ORDER_ROUNDS; i++)
    o->key[i] = ap_mix64(seed + 0x9e3779b97f4a7c15ULL * (uint64_t) (i + 1));
}

static uint64_t feistel(const struct ap_order *o, uint64_t x) {
  uint64_t l = x >> o->halfbits, r = x & o->mask, t;
  int i;

  for (i = 0; i < AP_ORDER_ROUNDS; i++) {
    t = r;
    r = l ^ (ap_mix64(r ^ o->key[i]) & o->mask);
    l = t;
  }
  return (l << o->halfbits) | r;
}

uint64_t ap_order_at(const struct ap_order *o, uint64_t pos) {
  uint64_t x = pos;

  if (!o->random)
    return pos;
  /* Cycle-walking: the domain is under 4n, so few steps are expected, and
   * a walk always ends because the permutation's cycle through pos holds
   * pos itself. */
  do
    x = feistel(o, x);
  while (x >= o->n);
  return x;
}

void ap_order_range(struct ap_order *o, uint64_t from, uint64_t to) {
  uint64_t count = ap_order_count(o->n, o->first + 1, o->step);

  if (to > count)
    to = count;
  if (from > to)
    from = to;
  o->pos = o->first + from * o->step;
  o->left = to - from;
}

int ap_order_next(struct ap_order *o, uint64_t *idx) {
  if (o->left == 0)
    return 0;
  *idx = ap_order_at(o, o->pos);
  o->left--;
  o->pos += o->step;
  return 1;
}

void ap_order_each_missing(struct ap_order *o, const struct ap_bitmap *done,
                           uint64_t missing,
                           void (*cb)(uint64_t idx, void *ctx), void *ctx) {
  (void) ap_order_missing_slice(o, done, &missing, UINT64_MAX, cb, ctx);
}

int ap_order_missing_slice(struct ap_order *o, const struct ap_bitmap *done,
                           uint64_t *missing, uint64_t steps,
                           void (*cb)(uint64_t idx, void *ctx), void *ctx) {
  uint64_t idx;

  for (; *missing > 0 && steps > 0; steps--) {
    if (!ap_order_next(o, &idx))
      *missing = 0;
    else if (done == NULL || !ap_bitmap_get(done, idx)) {
      --*missing;
      cb(idx, ctx);
    }
  }
  return *missing > 0;
}
