/* handoff.h - verdicts from the worker loops to the main loop (--threads).
 *
 * A worker loop collects the verdicts its scan gives in a batch of its own,
 * touched by no other thread, and hands the batch over whole: when it is
 * full, at the end of a loop turn, and when its scan ends.  Handing over
 * takes the queue's one mutex once per batch, never once per probe or
 * verdict; the main loop takes every batch queued at once, under the same
 * mutex, and writes their verdicts out in the order they came.  A result
 * is copied with what it points to (the ICMP error's sender, -C's round
 * trips; reasons are static strings), so that it outlives the worker's
 * scan record.
 *
 * Memory: AP_HANDOFF_BATCH results per batch (about 40 KiB), and the
 * round-trip times of -C; a batch lives from its first verdict until the
 * main loop has written it.
 */
#ifndef AP_HANDOFF_H
#define AP_HANDOFF_H

#include <uv.h>

#include "result.h"

#define AP_HANDOFF_BATCH 256

struct ap_hitem {
  struct ap_result r;
  struct ap_addr from; /* r.from points here when the result has one */
};

struct ap_hbatch {
  struct ap_hbatch *next;
  unsigned worker; /* who sent it */
  unsigned n;
  int last;        /* the worker's final batch: its scan has ended */
  struct ap_hitem item[AP_HANDOFF_BATCH];
};

struct ap_handoff {
  uv_mutex_t mu;
  struct ap_hbatch *head;
  struct ap_hbatch **tail;
};

/* Returns 0 or a UV_E* code. */
int ap_handoff_init(struct ap_handoff *q);

/* Appends b (which the queue now owns) to the queue.  Any thread. */
void ap_handoff_push(struct ap_handoff *q, struct ap_hbatch *b);

/* Takes every batch queued, oldest first (linked through next), or NULL;
 * the caller frees them with ap_hbatch_free(). */
struct ap_hbatch *ap_handoff_take(struct ap_handoff *q);

/* Frees the batches left and the mutex. */
void ap_handoff_release(struct ap_handoff *q);

/* A new empty batch of worker, or NULL when out of memory. */
struct ap_hbatch *ap_hbatch_new(unsigned worker);

/* Copies r into b (not full), with what it points to.  Returns 0 or
 * UV_ENOMEM. */
int ap_hbatch_add(struct ap_hbatch *b, const struct ap_result *r);

/* Whether b has room for no more. */
int ap_hbatch_full(const struct ap_hbatch *b);

/* Frees b and what its results own; NULL is nothing to do. */
void ap_hbatch_free(struct ap_hbatch *b);

#endif
