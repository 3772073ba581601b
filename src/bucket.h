/* bucket.h - a token bucket on the monotonic clock.
 *
 * It allows `rate` events a second on average and at most `burst` at once:
 * tokens accrue with time up to the burst, and each event takes one.  The
 * count is fractional, so that a rate far below one event per refill is
 * kept exactly.  A rate of 0 means no limit: every event is allowed at
 * once.  The caller supplies the time (uv_hrtime()), so that it decides
 * how often the clock is read and a test can drive the bucket.
 *
 * Memory: the struct itself, nothing allocated.
 */
#ifndef AP_BUCKET_H
#define AP_BUCKET_H

#include <stdint.h>

#include "nsec.h"

/* How much time's worth of tokens the schedulers' buckets hold: enough
 * to send a batch per loop turn, too little for a loop that was suspended
 * or slow to send a burst afterwards. */
#define AP_BUCKET_BURST_NS (5 * AP_NS_PER_MS)

struct ap_bucket {
  double rate;      /* tokens a second; 0: no limit */
  double burst;     /* most tokens held: rate * burst time, at least 1 */
  double tokens;    /* tokens held now, never negative */
  uint64_t last_ns; /* when tokens were last added */
};

/* Sets up a bucket of rate tokens a second (0: no limit; never negative)
 * that holds burst_ns worth of them, at least one, and starts with one
 * token at now_ns. */
void ap_bucket_init(struct ap_bucket *b, double rate, uint64_t burst_ns,
                    uint64_t now_ns);

/* Adds the tokens that accrued since the last refill, up to the burst.
 * A time before the last refill adds none. */
void ap_bucket_refill(struct ap_bucket *b, uint64_t now_ns);

/* The whole tokens held (after the last refill); UINT64_MAX with no
 * limit. */
uint64_t ap_bucket_avail(const struct ap_bucket *b);

/* Takes n tokens, n at most ap_bucket_avail(). */
void ap_bucket_take(struct ap_bucket *b, uint64_t n);

/* How long after the last refill n tokens are held (n at most the burst):
 * 0 when they are already there, or with no limit. */
uint64_t ap_bucket_wait_ns(const struct ap_bucket *b, uint64_t n);

#endif
