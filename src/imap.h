/* imap.h - a hash map from a target index to a record of fixed size.
 *
 * Open addressing with linear probing over a power-of-two table, kept at
 * most half full, with backward-shift deletion (no tombstones: a table
 * that sees many adds and deletes stays as fast as a fresh one).  Records
 * are stored inline, next to their key, so a lookup touches one slot and
 * a record costs no allocation of its own.
 *
 * Records move: when the table grows (on an add) and when a later record
 * shifts back into a deleted one's slot.  A pointer into the map is valid
 * only until the next add or delete.
 *
 * Memory: (8 + record size, rounded up to 8) bytes per slot, between two
 * and four slots per record held (at least 64 slots once one was added).
 * The table never shrinks: it is as large as the most records held at
 * once, until ap_imap_release().
 */
#ifndef AP_IMAP_H
#define AP_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "mix.h"

/* Records are aligned to this many bytes: a record type must need no
 * more (no long double, no over-aligned member). */
#define AP_IMAP_ALIGN 8

struct ap_imap {
  unsigned char *slots; /* cap slots of stride bytes: key, then record */
  size_t stride;        /* bytes per slot */
  size_t recsize;       /* bytes per record, as given to ap_imap_init() */
  size_t cap;           /* slots: a power of two, or 0 before any add */
  size_t n;             /* records held */
};

/* Sets up an empty map of records of recsize bytes.  Allocates nothing. */
void ap_imap_init(struct ap_imap *m, size_t recsize);

/* Frees the table.  What records point to is the caller's: walk them with
 * ap_imap_next() first.  m is then empty, ready for use again. */
void ap_imap_release(struct ap_imap *m);

/* The record of idx, or NULL.  idx must be below UINT64_MAX. */
void *ap_imap_find(const struct ap_imap *m, uint64_t idx);

/* The record of idx, added (all bytes zero) if there is none, and *added
 * (when added is not NULL) says which.  NULL when out of memory; the map
 * is then unchanged.  idx must be below UINT64_MAX. */
void *ap_imap_get(struct ap_imap *m, uint64_t idx, int *added);

/* Removes the record of idx.  Returns 1 if there was one, else 0. */
int ap_imap_del(struct ap_imap *m, uint64_t idx);

/* Walks the records: start with *pos = 0; each call returns the next
 * record (and its index in *idx, when idx is not NULL), or NULL after the
 * last.  The map must not be changed during the walk. */
void *ap_imap_next(const struct ap_imap *m, size_t *pos, uint64_t *idx);

/* How many records the map holds. */
static inline size_t ap_imap_count(const struct ap_imap *m) {
  return m->n;
}

/* The hash of an index, which spreads consecutive indices (a block of
 * addresses) over the whole table.  The home slot of idx is its hash
 * modulo the capacity. */
static inline uint64_t ap_imap_hash(uint64_t idx) {
  return ap_mix64(idx);
}

#endif
