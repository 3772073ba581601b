/* workers.h - the ICMP echo sweep on several loops (--threads).
 *
 * Each worker is a thread with a libuv loop of its own, an echo engine of
 * its own (its sockets and identifier: datagram sockets the kernel sorts
 * replies into, or raw ones with a filter each: echo.h), its own
 * scheduler (scan.h: its rate share, timers, retries) over the ranges of
 * the run's order (or shard) it takes, AP_WORKERS_RANGE positions at a
 * time, from one shared counter (struct ap_claim): a loop whose core is
 * busier takes fewer, so that the loops end together; and its own -vv
 * loop watcher.  Nothing else is shared on the per-probe path, and that
 * counter is touched once per range: the workers hand their verdicts in batches to the main loop (handoff.h),
 * which writes them out, keeps the one bitmap of targets that have their
 * verdict, and owns every signal and the deadline; it stops the workers
 * through an async handle each.  The workers are started after the
 * privilege drop, so they never hold a capability.
 *
 * Memory: per worker a scheduler (two bits per target of the whole set,
 * plus its probes in flight), a loop, and at most two verdict batches in
 * flight at a time; on the main loop one more bit per target.
 */
#ifndef AP_WORKERS_H
#define AP_WORKERS_H

#include <stdio.h>
#include <uv.h>

#include "bitmap.h"
#include "echo.h"
#include "handoff.h"
#include "order.h"
#include "scan.h"
#include "target.h"

/* The default: a loop for every AP_WORKERS_TARGETS targets and, with a
 * rate limit, for every AP_WORKERS_PPS probes per second of it, and no
 * more than keep the loops' bitmaps (two bits per target of the whole set
 * each) within AP_WORKERS_BITMAPS bytes. */
#define AP_WORKERS_TARGETS 1024
#define AP_WORKERS_PPS 50000.0
#define AP_WORKERS_BITMAPS (16u << 20)

/* The order positions a worker takes at a time: small enough that the
 * loops end within a fraction of a millisecond of each other, big enough
 * that the shared counter is rarely touched.  With fewer targets, a
 * quarter of a loop's share, so that every loop takes a few ranges. */
#define AP_WORKERS_RANGE 256

/* The positions of a shard not yet taken, dealt out a range at a time to
 * the threads that ask (any thread, without a lock).  The counter has a
 * cache line to itself. */
struct ap_claim {
  char pad0[64];
  _Atomic uint64_t next;
  char pad1[64];
  uint64_t count; /* the shard's positions */
  uint64_t range; /* positions per claim */
};

/* Sets up a claim over count positions, range at a time (at least 1). */
void ap_claim_init(struct ap_claim *c, uint64_t count, uint64_t range);

/* Takes the next range: stores its first position in *from and returns its
 * size, or returns 0 when every position has been taken. */
uint64_t ap_claim_take(struct ap_claim *c, uint64_t *from);

struct ap_workers;

/* Called on the main loop with each verdict, in the order they came. */
typedef void (*ap_workers_cb)(struct ap_workers *ws,
                              const struct ap_result *r);

struct ap_workers_cfg {
  const struct ap_tset *set;
  uint64_t nitems;           /* the set's size */
  int random;                /* the order: random, its seed, the shard */
  uint64_t seed;
  uint64_t shard, nshards;
  struct ap_scan_cfg scan;   /* the whole run's: split among the workers */
  struct ap_echo *const *engines; /* one per worker, opened, not started
                                     (read by ap_workers_init() only) */
  unsigned n;                /* workers (at least 2) */
  uint64_t watch_ms;         /* -vv: the loop-stall threshold, or 0 */
  FILE *diag;
};

struct ap_worker {
  struct ap_workers *ws;
  unsigned id;
  char name[24];        /* "thread N", for -vv */
  uv_thread_t tid;
  int thread;           /* tid is running or to be joined */
  int loop_up;          /* loop is initialised */
  uv_loop_t loop;
  uv_async_t stop;      /* main -> worker: stop scanning */
  uv_prepare_t flush;   /* the end of each loop turn: hand over */
  int stop_inited, flush_inited; /* the handles to close */
  int stop_open;        /* stop may be sent (under ws->mu) */
  int finished;         /* its thread is done (under ws->mu) */
  int seen;             /* finished, as the main loop last read it */
  int ended;            /* counted out and joined (main loop) */
  struct ap_order order;
  struct ap_scan scan;
  int scan_ready;       /* scan must be released */
  struct ap_echo *echo;
  struct ap_hbatch *batch; /* verdicts not handed over yet */
  int oom;
  int status;           /* how its scan ended */
};

struct ap_workers {
  uv_loop_t *loop;      /* the main loop */
  struct ap_workers_cfg cfg;
  ap_workers_cb cb;
  void *data;
  struct ap_worker *w;
  unsigned n;
  unsigned running;     /* workers whose last batch has not come */
  struct ap_handoff q;
  uv_mutex_t mu;        /* the workers' stop_open */
  uv_async_t ready;     /* worker -> main: batches queued */
  int ready_open;
  struct ap_claim claim; /* the order, shared by the workers */
  struct ap_bitmap done; /* the targets shown: main loop only */
  uint64_t total, ndone;
  int stopped;
  int oom;
};

/* How many loops an ICMP sweep of targets (of a set of nitems) uses:
 * with the count given (explicit), that many, but no more than targets
 * nor -j (jobs, 0 for none); otherwise up to avail (the cores), as the
 * AP_WORKERS_* bounds above allow.  At least 1.  Pure. */
unsigned ap_workers_count(unsigned avail, int explicit, uint64_t targets,
                          uint64_t nitems, double rate, unsigned jobs);

/* The scheduler's configuration of worker i of n, from the run's: its
 * share of the rate and of the probes in flight.  Pure. */
void ap_workers_share(const struct ap_scan_cfg *all, unsigned i, unsigned n,
                      struct ap_scan_cfg *one);

/* Prepares the workers on the main loop: cfg->engines is read during the
 * call, the engines it points to must outlive the workers.  Returns 0,
 * or a UV_E* code with nothing left to release. */
int ap_workers_init(struct ap_workers *ws, uv_loop_t *loop,
                    const struct ap_workers_cfg *cfg, ap_workers_cb cb);

/* Starts their threads.  The main loop then runs until every worker's
 * last verdict is out.  Returns 0 or a UV_E* code (the workers started
 * are stopped, and the loop runs out likewise). */
int ap_workers_start(struct ap_workers *ws);

/* Asks every worker to stop (a signal, the deadline).  Returns whether
 * any was still under way. */
int ap_workers_stop(struct ap_workers *ws);

/* How the sweep ended: 0, UV_ECANCELED, or the first failure's UV_E*
 * code.  Valid once the loop has run out. */
int ap_workers_status(const struct ap_workers *ws);

/* The targets shown, and how many of the sweep's have no verdict. */
const struct ap_bitmap *ap_workers_done(const struct ap_workers *ws);
uint64_t ap_workers_missing(const struct ap_workers *ws);

/* -s -v: the schedulers' counters added up, once the loop has run out. */
void ap_workers_counts(const struct ap_workers *ws, uint64_t *retries,
                       uint64_t *backoffs);

/* Frees everything, once the main loop has run out (the threads have
 * been joined then). */
void ap_workers_release(struct ap_workers *ws);

#endif
