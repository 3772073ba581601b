/* scan.h - the scheduler.
 *
 * It pulls target indices from the order at the allowed rate (a token
 * bucket on the monotonic clock), hands them to the engine in batches,
 * expires unanswered probes, retries them with backoff, and gives every
 * target exactly one verdict.  It knows nothing of packets or processes.
 *
 * Memory: two bits per target (answered or not, a probe in flight or not)
 * plus 16 bytes per probe in flight (and with -c N a tally record, with
 * -C N and N round-trip times, for each target being probed).
 * Probes of one attempt number all wait the same time, so each attempt's
 * queue is already sorted by deadline and is a plain FIFO.
 */
#ifndef AP_SCAN_H
#define AP_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "bitmap.h"
#include "bucket.h"
#include "engine.h"
#include "order.h"
#include "result.h"
#include "tally.h"
#include "target.h"

#define AP_SCAN_BATCH 256
#define AP_SCAN_MAXTRIES 32

struct ap_scan_cfg {
  uint64_t timeout_ms; /* wait for the first probe of a target */
  unsigned retries;    /* further probes of a silent target */
  double backoff;      /* each retry waits this much longer than the last */
  double rate;         /* probes per second, 0 for no limit */
  uint64_t max_inflight; /* probes awaiting an answer at once, 0: no limit */
  unsigned count;        /* -c N: N probes per target, period_ms apart, no
                            retries, statistics; 0 for one probe (+ retries) */
  uint64_t period_ms;    /* -c: from one probe of a target to its next, at
                            least timeout_ms; 0: timeout_ms */
  int keep_rtts;         /* -C: each probe's round-trip time, in the
                            result's rtts */
};

struct ap_scan;

/* Called once per target, with its verdict. */
typedef void (*ap_verdict_cb)(struct ap_scan *s, const struct ap_result *r);

struct ap_ring {
  struct { uint64_t idx; uint64_t when; } *v;
  size_t cap;
  size_t head;
  size_t n;
};

struct ap_scan {
  struct ap_sink sink; /* where the engine reports */
  uv_loop_t *loop;
  uv_timer_t timer; /* the next deadline, or the next token */
  uv_idle_t idle;   /* more to send now: once per loop turn, after I/O */
  const struct ap_tset *set;
  struct ap_order *order;
  struct ap_engine *engine;
  struct ap_scan_cfg cfg;
  ap_verdict_cb verdict_cb;
  /* Once the order runs out: narrows it to more targets and returns how
   * many (0: none are left), or NULL (the order is all there is). */
  uint64_t (*more)(struct ap_scan *s);
  void *data;

  uint64_t wait_ns[AP_SCAN_MAXTRIES];
  struct ap_ring wait[AP_SCAN_MAXTRIES]; /* in flight, per attempt (-c: 0,
                                            the period; 1, a last probe) */
  unsigned nwait; /* queues in use */
  struct ap_ring retry;                  /* due again; when = attempt */
  struct ap_probe batch[AP_SCAN_BATCH];  /* taken from the order, unsent */
  size_t nbatch;
  struct ap_bitmap done;  /* one bit per target index: has its verdict */
  struct ap_bitmap aloft; /* one bit per target index: a probe is in flight */
  struct ap_tally tally; /* -c N: statistics of the targets in progress */

  uint64_t total; /* targets this scan gives a verdict */
  uint64_t ndone;
  uint64_t inflight; /* targets with a probe in flight (aloft bits) */
  struct ap_bucket bucket; /* the rate: a token per probe */
  int busy;    /* the engine took fewer probes than offered */
  unsigned backoff_ms; /* wait before offering them again: 1, 2, 4, 8 ms */
  uint64_t stall_ns;   /* since when the kernel has refused every probe */
  uint64_t retries;    /* probes sent again after a timeout */
  uint64_t backoffs;   /* turns on which the engine took fewer probes */
  int closing;
  int status; /* 0, or the UV_E* code that ended the scan */
};

/* Prepares a scan of the targets that order gives.  Returns 0, UV_EINVAL
 * for a bad configuration or UV_ENOMEM. */
int ap_scan_init(struct ap_scan *s, uv_loop_t *loop, const struct ap_tset *set,
                 struct ap_order *order, struct ap_engine *engine,
                 const struct ap_scan_cfg *cfg, ap_verdict_cb cb);

/* Gives the scan more targets whenever its order runs out (--threads:
 * the loops take the run's order a range at a time).  more narrows
 * s->order to the next range and returns its size, or 0 when there is
 * none; it is called on the scan's loop, just after the order's last
 * index was taken, so that the scan never looks finished before. */
void ap_scan_more(struct ap_scan *s, uint64_t (*more)(struct ap_scan *s));

/* Starts probing.  The loop runs until every target has a verdict or the
 * scan is stopped; then s->status says how it ended. */
int ap_scan_start(struct ap_scan *s);

/* Stops probing early (a signal, a deadline).  Targets without a verdict
 * keep none.  Returns whether the scan was still under way. */
int ap_scan_stop(struct ap_scan *s);

/* How the scan ended: 0, UV_ECANCELED (stopped), or the UV_E* code of the
 * failure that ended it; 0 while it runs. */
int ap_scan_status(const struct ap_scan *s);

/* For -s -v: probes sent again after a timeout, and turns on which the
 * engine took fewer probes than offered. */
void ap_scan_counts(const struct ap_scan *s, uint64_t *retries,
                    uint64_t *backoffs);

/* Ends the scan on a failure of the engine's own (err, a negative UV_E*
 * code, becomes its status, which the caller reports as a system error). */
void ap_scan_abort(struct ap_scan *s, int err);

/* The targets that have their verdict: one bit per target index, valid
 * until ap_scan_release().  After a stopped scan, the caller lists the
 * others with ap_order_each_missing() over a fresh copy of the scan's
 * order and ap_scan_missing() as the count. */
const struct ap_bitmap *ap_scan_done(const struct ap_scan *s);

/* How many of the scan's targets have no verdict yet. */
uint64_t ap_scan_missing(const struct ap_scan *s);

/* Whether the scan sends again on the loop's next turn without waiting
 * (the loop will not block before it). */
int ap_scan_again(const struct ap_scan *s);

/* Targets with a probe in flight. */
uint64_t ap_scan_inflight(const struct ap_scan *s);

/* Frees what ap_scan_init() allocated, after the loop has run out. */
void ap_scan_release(struct ap_scan *s);

/* What the engine reports through the scan's sink (engine.h), also to
 * be called directly.  A reply from an address that is not a target, or
 * for a target that already has its verdict, is ignored.  sent_ns is the
 * send time the reply carries: with -c it tells duplicates apart; meta
 * (NULL: nothing known) gives the reply's TTL for the result.  Both
 * return 1 when the report counted, 0 when it was ignored. */
int ap_scan_reply(struct ap_scan *s, const struct ap_addr *addr,
                  uint64_t sent_ns, uint64_t rtt_ns,
                  const struct ap_reply_meta *meta);
int ap_scan_fail(struct ap_scan *s, const struct ap_addr *addr,
                 const char *reason, const struct ap_addr *from);

/* For engines that decide a whole target at once (ping(8) -c N): r gives
 * the verdict, reason and statistics; r->idx and r->addr are filled in
 * here from addr. */
void ap_scan_settle(struct ap_scan *s, const struct ap_addr *addr,
                    struct ap_result *r);

#endif
