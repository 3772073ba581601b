/* workers.c - see workers.h. */
#include "workers.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "loopwatch.h"

/* ---- how many, and their shares (pure) ---- */

unsigned ap_workers_count(unsigned avail, int explicit, uint64_t targets,
                          uint64_t nitems, double rate, unsigned jobs) {
  uint64_t n = avail, most;

  if (!explicit) {
    most = targets / AP_WORKERS_TARGETS;
    if (most < n)
      n = most;
    most = AP_WORKERS_BITMAPS / (nitems / 4 + 1);
    if (most < n)
      n = most;
    if (rate > 0 && rate / AP_WORKERS_PPS < (double) n)
      n = (uint64_t) (rate / AP_WORKERS_PPS);
  }
  if (targets < n)
    n = targets;
  if (jobs > 0 && jobs < n)
    n = jobs;
  return n < 1 ? 1 : (unsigned) n;
}

void ap_workers_share(const struct ap_scan_cfg *all, unsigned i, unsigned n,
                      struct ap_scan_cfg *one) {
  *one = *all;
  one->rate = all->rate / n;
  /* -j N: N probes in flight in all, dealt out whole. */
  if (all->max_inflight > 0)
    one->max_inflight = all->max_inflight / n +
                        (i < all->max_inflight % n ? 1 : 0);
}

/* ---- the order, a range at a time ---- */

void ap_claim_init(struct ap_claim *c, uint64_t count, uint64_t range) {
  atomic_init(&c->next, 0);
  c->count = count;
  c->range = range > 0 ? range : 1;
}

uint64_t ap_claim_take(struct ap_claim *c, uint64_t *from) {
  uint64_t f;

  /* Relaxed: the counter orders nothing but itself.  Each worker asks
   * again only until the first empty answer, so it cannot wrap. */
  f = atomic_fetch_add_explicit(&c->next, c->range, memory_order_relaxed);
  if (f >= c->count)
    return 0;
  *from = f;
  return c->count - f < c->range ? c->count - f : c->range;
}

/* A worker's order narrowed to its next range; the range's size, or 0. */
static uint64_t take(struct ap_worker *w) {
  uint64_t from = 0, n = ap_claim_take(&w->ws->claim, &from);

  ap_order_range(&w->order, from, from + n);
  return n;
}

/* ---- on a worker's thread ---- */

static uint64_t more_cb(struct ap_scan *s) {
  return take(ap_container_of(s, struct ap_worker, scan));
}

/* Hands the verdicts collected so far to the main loop. */
static void hand_over(struct ap_worker *w) {
  if (w->batch == NULL || w->batch->n == 0)
    return;
  ap_handoff_push(&w->ws->q, w->batch);
  w->batch = NULL;
  uv_async_send(&w->ws->ready);
}

static void verdict_cb(struct ap_scan *s, const struct ap_result *r) {
  struct ap_worker *w = ap_container_of(s, struct ap_worker, scan);

  if (w->batch == NULL)
    w->batch = ap_hbatch_new(w->id);
  if (w->batch == NULL || ap_hbatch_add(w->batch, r) != 0) {
    w->oom = 1;
    ap_scan_stop(s);
    return;
  }
  if (ap_hbatch_full(w->batch))
    hand_over(w);
}

/* Before the loop polls: when it may wait there, nothing decided waits
 * with it.  While the scan sends turn after turn, full batches go alone,
 * sparing the main loop a wake-up per turn. */
static void flush_cb(uv_prepare_t *h) {
  struct ap_worker *w = h->data;

  if (!ap_scan_again(&w->scan))
    hand_over(w);
}

static void stop_cb(uv_async_t *h) {
  ap_scan_stop(&((struct ap_worker *) h->data)->scan);
}

/* Closes what the worker's loop holds beside the scan and the engine,
 * runs it out and closes it. */
static void close_loop(struct ap_worker *w) {
  uv_mutex_lock(&w->ws->mu);
  w->stop_open = 0;
  uv_mutex_unlock(&w->ws->mu);
  if (w->stop_inited)
    uv_close((uv_handle_t *) &w->stop, NULL);
  if (w->flush_inited)
    uv_close((uv_handle_t *) &w->flush, NULL);
  w->stop_inited = w->flush_inited = 0;
  uv_run(&w->loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&w->loop) == 0)
    w->loop_up = 0;
}

static void worker_main(void *arg) {
  struct ap_worker *w = arg;
  const struct ap_workers_cfg *c = &w->ws->cfg;
  sigset_t all;
  int err;

  /* Signals are the main loop's. */
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  ap_loopwatch_name(w->name);
  if (c->watch_ms > 0 && ap_loopwatch_start(&w->loop, c->watch_ms,
                                            c->diag) != 0)
    fprintf(c->diag, "aping: warning: cannot watch %s's loop\n", w->name);
  uv_prepare_start(&w->flush, flush_cb);
  err = ap_scan_start(&w->scan);
  if (err != 0)
    ap_scan_abort(&w->scan, err);
  ap_loopwatch_run(&w->loop, UV_RUN_DEFAULT);
  hand_over(w);
  ap_loopwatch_stop();
  close_loop(w);
  w->status = ap_scan_status(&w->scan);
  uv_mutex_lock(&w->ws->mu);
  w->finished = 1;
  uv_mutex_unlock(&w->ws->mu);
  uv_async_send(&w->ws->ready);
}

/* ---- on the main loop ---- */

static void deliver(struct ap_workers *ws, struct ap_hbatch *b) {
  struct ap_hbatch *next;
  unsigned i;

  for (; b != NULL; b = next) {
    next = b->next;
    for (i = 0; i < b->n; i++) {
      const struct ap_result *r = &b->item[i].r;
      if (ap_bitmap_get(&ws->done, r->idx))
        continue; /* cannot be: the ranges are disjoint */
      ap_bitmap_set(&ws->done, r->idx);
      ws->ndone++;
      ws->cb(ws, r);
    }
    ap_hbatch_free(b);
  }
}

/* A worker whose thread has ended: joined, and counted out; a failure of
 * its own stops the others. */
static void ended(struct ap_workers *ws, struct ap_worker *w) {
  w->ended = 1;
  if (w->thread)
    uv_thread_join(&w->tid);
  w->thread = 0;
  /* A loop that failed ends the sweep, as one scan's failure would. */
  if (w->oom || (w->status != 0 && w->status != UV_ECANCELED))
    (void) ap_workers_stop(ws);
  if (--ws->running == 0 && ws->ready_open) {
    ws->ready_open = 0;
    uv_close((uv_handle_t *) &ws->ready, NULL);
  }
}

static void ready_cb(uv_async_t *h) {
  struct ap_workers *ws = h->data;
  unsigned i;

  /* The finished flags first: a worker queues its last verdicts before
   * it sets its flag, so the queue taken after it holds them. */
  uv_mutex_lock(&ws->mu);
  for (i = 0; i < ws->n; i++)
    ws->w[i].seen = ws->w[i].finished;
  uv_mutex_unlock(&ws->mu);
  deliver(ws, ap_handoff_take(&ws->q));
  for (i = 0; i < ws->n; i++)
    if (ws->w[i].seen && !ws->w[i].ended)
      ended(ws, &ws->w[i]);
}

/* Prepares worker i: its first range, scheduler, loop and handles. */
static int init_one(struct ap_workers *ws, const struct ap_workers_cfg *cfg,
                    unsigned i) {
  const struct ap_workers_cfg *c = &ws->cfg;
  struct ap_worker *w = &ws->w[i];
  struct ap_scan_cfg sc;
  int err;

  w->ws = ws;
  w->id = i;
  snprintf(w->name, sizeof(w->name), "thread %u", i + 1);
  w->echo = cfg->engines[i];
  ap_order_init(&w->order, c->nitems, c->random, c->seed, c->shard,
                c->nshards);
  (void) take(w);
  ap_workers_share(&c->scan, i, c->n, &sc);
  err = uv_loop_init(&w->loop);
  if (err != 0)
    return err;
  w->loop_up = 1;
  err = ap_scan_init(&w->scan, &w->loop, c->set, &w->order, &w->echo->base,
                     &sc, verdict_cb);
  if (err != 0)
    return err;
  w->scan_ready = 1;
  ap_scan_more(&w->scan, more_cb);
  err = uv_async_init(&w->loop, &w->stop, stop_cb);
  if (err != 0)
    return err;
  w->stop_open = w->stop_inited = 1;
  w->stop.data = w;
  /* The scan alone keeps the loop going: once it ends, the loop runs
   * out, whatever of these is still open. */
  uv_unref((uv_handle_t *) &w->stop);
  uv_prepare_init(&w->loop, &w->flush); /* cannot fail */
  w->flush_inited = 1;
  w->flush.data = w;
  uv_unref((uv_handle_t *) &w->flush);
  ap_echo_filter(w->echo);
  return ap_echo_start(w->echo, &w->loop);
}

int ap_workers_init(struct ap_workers *ws, uv_loop_t *loop,
                    const struct ap_workers_cfg *cfg, ap_workers_cb cb) {
  unsigned i;
  int err;

  memset(ws, 0, sizeof(*ws));
  ws->loop = loop;
  ws->cfg = *cfg;
  ws->cfg.engines = NULL; /* the workers keep their own */
  ws->cb = cb;
  ws->total = ap_order_count(cfg->nitems, cfg->shard, cfg->nshards);
  /* Every loop has a few ranges to take, however few the targets. */
  ap_claim_init(&ws->claim, ws->total,
                ws->total / (4 * cfg->n) < AP_WORKERS_RANGE
                    ? ws->total / (4 * cfg->n) + 1
                    : AP_WORKERS_RANGE);
  if (ap_handoff_init(&ws->q) != 0)
    return UV_ENOMEM;
  if (uv_mutex_init(&ws->mu) != 0) {
    ap_handoff_release(&ws->q);
    return UV_ENOMEM;
  }
  ws->w = calloc(cfg->n, sizeof(*ws->w));
  if (ws->w == NULL || ap_bitmap_init(&ws->done, cfg->nitems) != 0) {
    ap_workers_release(ws);
    return UV_ENOMEM;
  }
  ws->n = cfg->n;
  for (i = 0, err = 0; i < ws->n && err == 0; i++)
    err = init_one(ws, cfg, i);
  if (err != 0)
    ap_workers_release(ws);
  return err;
}

/* Closes the loop of a worker whose thread never ran (or could not close
 * it), and its engine. */
static void abandon(struct ap_worker *w) {
  if (!w->loop_up)
    return;
  w->echo->base.ops->close(&w->echo->base);
  close_loop(w);
}

int ap_workers_start(struct ap_workers *ws) {
  unsigned i;
  int err;

  err = uv_async_init(ws->loop, &ws->ready, ready_cb);
  if (err != 0)
    return err;
  ws->ready.data = ws;
  ws->ready_open = 1;
  ws->running = ws->n;
  for (i = 0; i < ws->n; i++) {
    err = ws->stopped ? UV_ECANCELED
                      : uv_thread_create(&ws->w[i].tid, worker_main,
                                         &ws->w[i]);
    if (err == 0) {
      ws->w[i].thread = 1;
      continue;
    }
    /* This one ends at once, which stops those started, and the rest
     * are not started. */
    ws->w[i].status = err;
    abandon(&ws->w[i]);
    ended(ws, &ws->w[i]);
  }
  return 0;
}

int ap_workers_stop(struct ap_workers *ws) {
  unsigned i;

  ws->stopped = 1;
  uv_mutex_lock(&ws->mu);
  for (i = 0; i < ws->n; i++)
    if (ws->w[i].stop_open && ws->w[i].thread)
      uv_async_send(&ws->w[i].stop);
  uv_mutex_unlock(&ws->mu);
  return ws->running > 0;
}

int ap_workers_status(const struct ap_workers *ws) {
  int cancelled = 0;
  unsigned i;

  for (i = 0; i < ws->n; i++) {
    if (ws->w[i].oom)
      return UV_ENOMEM;
    if (ws->w[i].status == UV_ECANCELED)
      cancelled = 1;
    else if (ws->w[i].status != 0)
      return ws->w[i].status;
  }
  return cancelled && ws->ndone < ws->total ? UV_ECANCELED : 0;
}

const struct ap_bitmap *ap_workers_done(const struct ap_workers *ws) {
  return &ws->done;
}

uint64_t ap_workers_missing(const struct ap_workers *ws) {
  return ws->total - ws->ndone;
}

void ap_workers_counts(const struct ap_workers *ws, uint64_t *retries,
                       uint64_t *backoffs) {
  uint64_t r, b;
  unsigned i;

  *retries = *backoffs = 0;
  for (i = 0; i < ws->n; i++) {
    ap_scan_counts(&ws->w[i].scan, &r, &b);
    *retries += r;
    *backoffs += b;
  }
}

void ap_workers_release(struct ap_workers *ws) {
  unsigned i;

  for (i = 0; ws->w != NULL && i < ws->n; i++) {
    struct ap_worker *w = &ws->w[i];
    if (w->thread)
      uv_thread_join(&w->tid);
    abandon(w);
    if (w->scan_ready)
      ap_scan_release(&w->scan);
    ap_hbatch_free(w->batch);
  }
  free(ws->w);
  ws->w = NULL;
  ap_bitmap_release(&ws->done);
  ap_handoff_release(&ws->q);
  uv_mutex_destroy(&ws->mu);
}
