/* tally.h - running statistics of the targets being probed with -c N.
 *
 * An open-addressing hash table from target index to its record, holding
 * only the targets that have probes out: with -c 3 over a /8, the table
 * holds what is in flight, never sixteen million records.
 */
#ifndef AP_TALLY_H
#define AP_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"

struct ap_tally_rec {
  uint64_t key;          /* target index + 1; 0 marks an empty slot */
  uint64_t last_sent_ns; /* send time of the latest probe */
  uint64_t last_seen_ns; /* send time of the latest probe answered */
  struct ap_stats stats;
};

struct ap_tally {
  struct ap_tally_rec *v;
  size_t cap; /* a power of two */
  size_t n;
};

void ap_tally_init(struct ap_tally *t);
void ap_tally_release(struct ap_tally *t);

/* Returns the record of idx, or NULL. */
struct ap_tally_rec *ap_tally_find(const struct ap_tally *t, uint64_t idx);

/* Returns the record of idx, adding a zeroed one if there is none; NULL
 * when out of memory. */
struct ap_tally_rec *ap_tally_get(struct ap_tally *t, uint64_t idx);

/* Removes the record of idx, if any. */
void ap_tally_del(struct ap_tally *t, uint64_t idx);

#endif
