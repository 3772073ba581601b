/* tally.h - running statistics of the targets being probed with -c N.
 *
 * A typed ap_imap from target index to its record, holding only the
 * targets that have probes out: with -c 3 over a /8, the map holds what
 * is in flight, never sixteen million records.  Memory: see imap.h, with
 * records of 96 bytes (104 a slot), and with -C N an array of N
 * round-trip times (8 bytes each) per record, which its owner (the scan)
 * frees before the record goes.
 *
 * The functions are inline wrappers, so that a probe costs the map's own
 * call and nothing more.
 */
#ifndef AP_TALLY_H
#define AP_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "imap.h"
#include "result.h"

struct ap_tally_rec {
  uint64_t last_sent_ns; /* send time of the latest probe */
  uint64_t prev_sent_ns; /* and of the one before it */
  uint64_t last_seen_ns; /* send time of the latest probe answered */
  struct ap_stats stats;
  const char *reason;    /* the last ICMP error or local failure about one
                            of its probes, or NULL */
  struct ap_addr from;   /* who reported it, when have_from */
  int have_from;
  int ttl;               /* the TTL of the latest reply counted, -1: none */
  uint64_t *rtts;        /* -C: each probe's round-trip time (malloc) */
};

_Static_assert(_Alignof(struct ap_tally_rec) <= AP_IMAP_ALIGN,
               "a tally record fits the map's alignment");

struct ap_tally {
  struct ap_imap map;
};

static inline void ap_tally_init(struct ap_tally *t) {
  ap_imap_init(&t->map, sizeof(struct ap_tally_rec));
}

static inline void ap_tally_release(struct ap_tally *t) {
  ap_imap_release(&t->map);
}

/* Returns the record of idx, or NULL. */
static inline struct ap_tally_rec *ap_tally_find(const struct ap_tally *t,
                                                 uint64_t idx) {
  return ap_imap_find(&t->map, idx);
}

/* Returns the record of idx, adding a zeroed one if there is none; NULL
 * when out of memory.  The record stays put until the next get or del. */
static inline struct ap_tally_rec *ap_tally_get(struct ap_tally *t,
                                                uint64_t idx) {
  return ap_imap_get(&t->map, idx, NULL);
}

/* Removes the record of idx, if any. */
static inline void ap_tally_del(struct ap_tally *t, uint64_t idx) {
  (void) ap_imap_del(&t->map, idx);
}

/* How many records the tally holds. */
static inline size_t ap_tally_count(const struct ap_tally *t) {
  return ap_imap_count(&t->map);
}

#endif
