/* order.h - the order in which target indices are probed.
 *
 * Random order is a keyed permutation of [0, n): a balanced Feistel network
 * over the smallest power-of-four domain that holds n, cycle-walked back
 * into [0, n).  It needs no memory per target.  A shard I/N takes positions
 * I-1, I-1+N, I-1+2N, ... of the same permutation, so N shards with the same
 * key cover [0, n) exactly once between them.
 */
#ifndef AP_ORDER_H
#define AP_ORDER_H

#include <stdint.h>

#include "bitmap.h"

#define AP_ORDER_ROUNDS 4

struct ap_order {
  uint64_t n;        /* size of the index space */
  uint64_t first;    /* the shard's first position, I - 1 */
  uint64_t pos;      /* next position in the permutation */
  uint64_t step;     /* shard count N */
  uint64_t left;     /* indices this shard still has to give */
  uint64_t mask;     /* mask of one Feistel half */
  unsigned halfbits; /* bits in one Feistel half */
  int random;
  uint64_t key[AP_ORDER_ROUNDS];
};

/* Sets up the order of [0, n) for shard `shard` (1-based) of `nshards`.
 * With random = 0 the order is sequential.  seed keys the permutation. */
void ap_order_init(struct ap_order *o, uint64_t n, int random, uint64_t seed,
                   uint64_t shard, uint64_t nshards);

/* The index at position pos of the whole permutation (pos < n). */
uint64_t ap_order_at(const struct ap_order *o, uint64_t pos);

/* Stores the next index in *idx and returns 1, or returns 0 when the shard
 * is exhausted. */
int ap_order_next(struct ap_order *o, uint64_t *idx);

/* Walks the indices that o gives (a fresh copy of a run's order: one made
 * by ap_order_init() with the same arguments) and calls cb for each that
 * done does not have, in order, until `missing` of them were found or the
 * order ends; done NULL: every index is missing.  This is how a stopped
 * run lists the targets it left without a verdict, in the order it would
 * have probed them and only its own shard's. */
void ap_order_each_missing(struct ap_order *o, const struct ap_bitmap *done,
                           uint64_t missing,
                           void (*cb)(uint64_t idx, void *ctx), void *ctx);

/* The same in slices: looks at no more than `steps` indices of o, counts
 * those found off *missing (0 once the order ends), and returns whether
 * any may be left, to be walked by the next call on the same o. */
int ap_order_missing_slice(struct ap_order *o, const struct ap_bitmap *done,
                           uint64_t *missing, uint64_t steps,
                           void (*cb)(uint64_t idx, void *ctx), void *ctx);

/* Narrows o, made by ap_order_init() for a shard, to that shard's
 * positions [from, to): its from-th to its (to-1)-th index, to clipped to
 * the shard's count.  --threads deals a shard out to its loops this way,
 * a range at a time.  Pure. */
void ap_order_range(struct ap_order *o, uint64_t from, uint64_t to);

/* How many indices this shard gives in all. */
uint64_t ap_order_count(uint64_t n, uint64_t shard, uint64_t nshards);

#endif
