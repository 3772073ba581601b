/* scan.c - see scan.h. */
#include "scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loopwatch.h"

static _Thread_local struct ap_lw_kind lw_tick = AP_LW_KIND("scan tick");

static int ring_push(struct ap_ring *r, uint64_t idx, uint64_t when) {
  size_t cap, i;
  void *v;

  if (r->n == r->cap) {
    cap = r->cap ? r->cap * 2 : 256;
    v = malloc(cap * sizeof(*r->v));
    if (v == NULL)
      return UV_ENOMEM;
    /* Unwrap the old contents into the start of the new array. */
    for (i = 0; i < r->n; i++)
      memcpy((char *) v + i * sizeof(*r->v), &r->v[(r->head + i) % r->cap],
             sizeof(*r->v));
    free(r->v);
    r->v = v;
    r->cap = cap;
    r->head = 0;
  }
  i = (r->head + r->n) % r->cap;
  r->v[i].idx = idx;
  r->v[i].when = when;
  r->n++;
  return 0;
}

static void ring_pop(struct ap_ring *r) {
  r->head = (r->head + 1) % r->cap;
  r->n--;
}

static int is_done(const struct ap_scan *s, uint64_t idx) {
  return ap_bitmap_get(&s->done, idx);
}

/* Marks target idx as having a probe in flight, or not.  A target has at
 * most one: a retry is only queued once the previous probe expired. */
static void set_aloft(struct ap_scan *s, uint64_t idx, int on) {
  if (on == ap_bitmap_get(&s->aloft, idx))
    return;
  if (on) {
    ap_bitmap_set(&s->aloft, idx);
    s->inflight++;
  } else {
    ap_bitmap_clear(&s->aloft, idx);
    s->inflight--;
  }
}

static void tick_cb(uv_timer_t *t);
static void idle_cb(uv_idle_t *h);
static int more_to_send(const struct ap_scan *s);

static void close_cb(uv_handle_t *h) {
  (void) h;
}

/* Ends the scan: no more timers, the engine closes its handles, and the loop
 * runs out. */
static void finish(struct ap_scan *s, int status) {
  if (s->closing)
    return;
  s->closing = 1;
  s->sink.closing = 1;
  if (s->status == 0)
    s->status = status;
  uv_close((uv_handle_t *) &s->timer, close_cb);
  uv_close((uv_handle_t *) &s->idle, close_cb);
  s->engine->ops->close(s->engine);
}

/* Drops the -c record of target idx, if it has one. */
static void forget(struct ap_scan *s, uint64_t idx) {
  struct ap_tally_rec *t = ap_tally_find(&s->tally, idx);

  if (t == NULL)
    return;
  free(t->rtts);
  ap_tally_del(&s->tally, idx);
}

/* Records the verdict of target r->idx, once.  Returns 1 if it did, 0 if
 * the target already had one. */
static int settle(struct ap_scan *s, struct ap_result *r) {
  uint64_t idx = r->idx;

  if (s->closing || is_done(s, idx))
    return 0;
  ap_bitmap_set(&s->done, idx);
  s->ndone++;
  /* Its probe no longer counts against the in-flight bound; if the bound
   * was holding the sender back, wake it. */
  set_aloft(s, idx, 0);
  if (s->cfg.max_inflight > 0 && more_to_send(s))
    uv_idle_start(&s->idle, idle_cb);
  ap_tset_at(s->set, idx, &r->addr);
  s->verdict_cb(s, r);
  forget(s, idx);
  if (s->ndone == s->total)
    finish(s, 0);
  return 1;
}

static int settle_one(struct ap_scan *s, uint64_t idx, int verdict,
                      uint64_t rtt_ns, const char *reason,
                      const struct ap_addr *from,
                      const struct ap_reply_meta *meta) {
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  r.idx = idx;
  r.ok = verdict == AP_ALIVE;
  r.verdict = verdict;
  r.rtt_ns = rtt_ns;
  r.reason = reason;
  r.from = from;
  if (meta != NULL && meta->ttl >= 0 && meta->ttl <= 255) {
    r.has_ttl = 1;
    r.ttl = (uint8_t) meta->ttl;
  }
  if (verdict == AP_ALIVE) {
    r.stats.received = 1;
    r.stats.rtt_min_ns = r.stats.rtt_max_ns = r.stats.rtt_sum_ns = rtt_ns;
  }
  return settle(s, &r);
}

/* -c N: the verdict of a target that has had all its probes. */
static void settle_count(struct ap_scan *s, uint64_t idx,
                         const struct ap_tally_rec *t) {
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  r.idx = idx;
  r.stats = t->stats;
  r.verdict = r.stats.received > 0 ? AP_ALIVE : AP_UNREACHABLE;
  r.ok = r.verdict == AP_ALIVE;
  if (r.stats.received > 0)
    r.rtt_ns = r.stats.rtt_sum_ns / r.stats.received;
  /* An error about one of its probes is the reason of a silent target,
   * and of the losses of one that answered. */
  r.reason = t->reason;
  r.from = t->reason != NULL && t->have_from ? &t->from : NULL;
  r.rtts = t->rtts;
  r.nrtts = t->rtts != NULL ? t->stats.sent : 0;
  r.has_ttl = t->ttl >= 0;
  r.ttl = (uint8_t) (t->ttl >= 0 ? t->ttl : 0);
  (void) settle(s, &r);
}

/* -c N: counts a reply.  Only a reply newer than the last one counted is
 * new: duplicates carry the same send time.  The target is settled early
 * when its last probe is answered.  Returns 1 if the reply counted. */
static int count_reply(struct ap_scan *s, uint64_t idx, uint64_t sent_ns,
                       uint64_t rtt_ns, const struct ap_reply_meta *meta) {
  struct ap_tally_rec *t = ap_tally_find(&s->tally, idx);
  struct ap_stats *st;

  unsigned k;

  /* A reply after its probe's wait is lost, as with fping. */
  if (t == NULL || is_done(s, idx) || sent_ns <= t->last_seen_ns ||
      rtt_ns > s->wait_ns[1])
    return 0;
  st = &t->stats;
  if (t->rtts != NULL) {
    /* The probe it answers: the latest, or (its reply read after the
     * next was sent) the one before. */
    if (sent_ns == t->last_sent_ns && st->sent >= 1)
      k = st->sent - 1;
    else if (sent_ns == t->prev_sent_ns && st->sent >= 2)
      k = st->sent - 2;
    else
      return 0;
    t->rtts[k] = rtt_ns;
  }
  t->last_seen_ns = sent_ns;
  t->ttl = meta != NULL && meta->ttl >= 0 && meta->ttl <= 255 ? meta->ttl
                                                             : -1;
  if (st->received == 0 || rtt_ns < st->rtt_min_ns)
    st->rtt_min_ns = rtt_ns;
  if (rtt_ns > st->rtt_max_ns)
    st->rtt_max_ns = rtt_ns;
  st->rtt_sum_ns += rtt_ns;
  st->received++;
  if (st->sent == s->cfg.count && sent_ns == t->last_sent_ns)
    settle_count(s, idx, t);
  return 1;
}

int ap_scan_reply(struct ap_scan *s, const struct ap_addr *addr,
                  uint64_t sent_ns, uint64_t rtt_ns,
                  const struct ap_reply_meta *meta) {
  uint64_t idx;

  if (ap_tset_index(s->set, addr, &idx) != 0)
    return 0;
  if (s->cfg.count > 0)
    return count_reply(s, idx, sent_ns, rtt_ns, meta);
  return settle_one(s, idx, AP_ALIVE, rtt_ns, NULL, NULL, meta);
}

/* Gives target idx its verdict now, after an error: unreachable, or with
 * -c alive if it has answered (the error is only the reason for the
 * rest), with the statistics so far. */
static int fail_now(struct ap_scan *s, uint64_t idx, const char *reason,
                    const struct ap_addr *from) {
  struct ap_tally_rec *t;
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  r.idx = idx;
  r.verdict = AP_UNREACHABLE;
  r.reason = reason;
  r.from = from;
  /* With -c the statistics so far go with the verdict, and a target that
   * has answered stays alive: the error is only its reason for the rest. */
  t = ap_tally_find(&s->tally, idx);
  if (t != NULL) {
    r.stats = t->stats;
    r.rtts = t->rtts;
    r.nrtts = t->rtts != NULL ? t->stats.sent : 0;
    if (r.stats.received > 0) {
      r.verdict = AP_ALIVE;
      r.rtt_ns = r.stats.rtt_sum_ns / r.stats.received;
    }
  }
  r.ok = r.verdict == AP_ALIVE;
  return settle(s, &r);
}

/* -c N: an error about one of the target's probes makes that probe lost,
 * as fping counts it, and the target goes on to its next probe.  The
 * error is remembered as the reason.  Returns 1 if it counted. */
static int count_fail(struct ap_scan *s, uint64_t idx, const char *reason,
                      const struct ap_addr *from) {
  struct ap_tally_rec *t;

  if (s->closing || is_done(s, idx))
    return 0;
  /* An error on the first send comes before the probe is booked. */
  t = ap_tally_get(&s->tally, idx);
  if (t == NULL)
    return fail_now(s, idx, reason, from);
  t->reason = reason;
  t->have_from = from != NULL;
  if (from != NULL)
    t->from = *from;
  return 1;
}

int ap_scan_fail(struct ap_scan *s, const struct ap_addr *addr,
                 const char *reason, const struct ap_addr *from) {
  uint64_t idx;

  if (ap_tset_index(s->set, addr, &idx) != 0)
    return 0;
  if (s->cfg.count > 0)
    return count_fail(s, idx, reason, from);
  return fail_now(s, idx, reason, from);
}

void ap_scan_settle(struct ap_scan *s, const struct ap_addr *addr,
                    struct ap_result *r) {
  if (ap_tset_index(s->set, addr, &r->idx) == 0)
    (void) settle(s, r);
}

/* A probe's wait is over: queue the target's next probe, or give it its
 * verdict when it has had every one. */
static int expired(struct ap_scan *s, uint64_t idx, unsigned k) {
  struct ap_tally_rec *t;

  if (s->cfg.count > 0) {
    t = ap_tally_find(&s->tally, idx);
    if (t != NULL && t->stats.sent < s->cfg.count)
      return ring_push(&s->retry, idx, t->stats.sent);
    if (t != NULL)
      settle_count(s, idx, t);
    return 0;
  }
  set_aloft(s, idx, 0);
  if (k < s->cfg.retries)
    return ring_push(&s->retry, idx, k + 1);
  (void) settle_one(s, idx, AP_UNREACHABLE, 0, NULL, NULL, NULL);
  return 0;
}

/* Whether some probe's wait is over at now. */
static int due(const struct ap_scan *s, uint64_t now) {
  unsigned k;

  for (k = 0; k < s->nwait; k++)
    if (s->wait[k].n > 0 && s->wait[k].v[s->wait[k].head].when <= now)
      return 1;
  return 0;
}

/* Handles every probe whose wait is over.  With -c a target's probes but
 * its last wait the period in queue 0, and its last one the timeout in
 * queue 1; otherwise attempt k waits in queue k. */
static int expire(struct ap_scan *s, uint64_t now) {
  unsigned k;
  uint64_t idx;
  int err;

  for (k = 0; k < s->nwait; k++) {
    struct ap_ring *r = &s->wait[k];
    while (r->n > 0 && r->v[r->head].when <= now && !s->closing) {
      idx = r->v[r->head].idx;
      ring_pop(r);
      if (is_done(s, idx))
        continue;
      err = expired(s, idx, k);
      if (err != 0)
        return err;
    }
  }
  return 0;
}

/* How many probes the rate and the in-flight bound allow now. */
static size_t allowance(struct ap_scan *s, uint64_t now) {
  uint64_t room = AP_SCAN_BATCH, avail;

  if (s->cfg.max_inflight > 0) {
    room = s->cfg.max_inflight > s->inflight
               ? s->cfg.max_inflight - s->inflight : 0;
    if (room > AP_SCAN_BATCH)
      room = AP_SCAN_BATCH;
  }
  ap_bucket_refill(&s->bucket, now);
  avail = ap_bucket_avail(&s->bucket);
  return (size_t) (avail < room ? avail : room);
}

/* Fills the batch up to want probes: retries first, then new targets. */
static void fill(struct ap_scan *s, size_t want) {
  struct ap_probe *p;
  uint64_t idx;

  while (s->nbatch < want) {
    p = &s->batch[s->nbatch];
    if (s->retry.n > 0) {
      idx = s->retry.v[s->retry.head].idx;
      p->attempt = (unsigned) s->retry.v[s->retry.head].when;
      ring_pop(&s->retry);
      if (is_done(s, idx))
        continue;
    } else if (ap_order_next(s->order, &idx)) {
      p->attempt = 0;
      if (s->order->left == 0 && s->more != NULL)
        s->total += s->more(s);
    } else {
      break;
    }
    p->idx = idx;
    ap_tset_at(s->set, idx, &p->addr);
    s->nbatch++;
  }
}

/* Books a probe the engine took, by the send time it carries: it waits in
 * its attempt's queue, and with -c its target's record counts it. */
static int sent_one(struct ap_scan *s, const struct ap_probe *p) {
  unsigned k = s->cfg.count > 0 ? 0 : p->attempt;
  struct ap_tally_rec *t;

  if (s->cfg.count == 0 && p->attempt > 0)
    s->retries++;
  if (is_done(s, p->idx))
    return 0; /* answered or failed at once, and already settled */
  if (s->cfg.count > 0) {
    t = ap_tally_get(&s->tally, p->idx);
    if (t == NULL || (s->cfg.keep_rtts && t->rtts == NULL &&
                      (t->rtts = malloc(s->cfg.count *
                                        sizeof(*t->rtts))) == NULL))
      return UV_ENOMEM;
    if (t->rtts != NULL)
      t->rtts[t->stats.sent] = AP_RTT_LOST;
    if (t->stats.sent == 0)
      t->ttl = -1;
    t->stats.sent++;
    t->prev_sent_ns = t->last_sent_ns;
    t->last_sent_ns = p->sent_ns;
    k = t->stats.sent == s->cfg.count; /* the last waits in queue 1 */
  }
  set_aloft(s, p->idx, 1);
  return ring_push(&s->wait[k], p->idx, p->sent_ns + s->wait_ns[k]);
}

/* After the engine took fewer probes than offered (the kernel's queue is
 * full: ENOBUFS, EAGAIN), the rest waits on the timer, a little longer on
 * every turn in a row that sent nothing at all, never in a busy loop. */
#define BACKOFF_MAX_MS 8

static void backoff(struct ap_scan *s, int some_sent) {
  if (!s->busy) {
    s->backoff_ms = 0;
    return;
  }
  s->backoffs++;
  if (some_sent || s->backoff_ms == 0)
    s->backoff_ms = 1;
  else if (s->backoff_ms < BACKOFF_MAX_MS)
    s->backoff_ms *= 2;
}

/* The kernel has refused every probe offered for a whole probe timeout
 * (its queue stays full, or the socket is wedged): rather than wait
 * forever, the probes offered get their verdict with the kernel's reason,
 * and the next ones are tried afresh. */
static void refused(struct ap_scan *s, size_t offered, uint64_t now) {
  const char *why = uv_strerror(s->engine->refused);
  size_t i;

  if (s->stall_ns == 0) {
    s->stall_ns = now;
    return;
  }
  if (now - s->stall_ns < s->wait_ns[0])
    return;
  for (i = 0; i < offered && !s->closing; i++)
    (void) fail_now(s, s->batch[i].idx, why, NULL);
  s->nbatch -= offered;
  memmove(s->batch, s->batch + offered, s->nbatch * sizeof(s->batch[0]));
}

/* Sends what the rate allows.  Returns 0, or a UV_E* code ending the scan. */
static int send_batch(struct ap_scan *s, uint64_t now) {
  size_t want = allowance(s, now), i;
  int sent, err;

  fill(s, want);
  if (s->nbatch == 0)
    return 0;
  for (i = 0; i < s->nbatch; i++)
    s->batch[i].sent_ns = now;
  sent = s->engine->ops->send(s->engine, s->batch,
                              s->nbatch < want ? s->nbatch : want, now);
  if (sent < 0)
    return sent;
  s->busy = (size_t) sent < (s->nbatch < want ? s->nbatch : want);
  backoff(s, sent > 0);
  if (sent > 0 || s->engine->refused == 0) {
    s->stall_ns = 0;
  } else {
    refused(s, s->nbatch < want ? s->nbatch : want, now);
    return 0;
  }
  for (i = 0; i < (size_t) sent; i++) {
    err = sent_one(s, &s->batch[i]);
    if (err != 0)
      return err;
  }
  ap_bucket_take(&s->bucket, (uint64_t) sent);
  s->nbatch -= (size_t) sent;
  memmove(s->batch, s->batch + sent, s->nbatch * sizeof(s->batch[0]));
  return 0;
}


static int more_to_send(const struct ap_scan *s) {
  return s->nbatch > 0 || s->retry.n > 0 || s->order->left > 0;
}

/* Arranges for the next thing to do.  Sending more right away goes
 * through the idle handle, which runs once per loop turn, so that the loop
 * polls for replies between batches (a timer re-armed at 0 ms would run
 * again before any I/O).  Waiting for a token or a deadline uses the timer. */
static void arm(struct ap_scan *s, uint64_t now) {
  uint64_t next = UINT64_MAX, t;
  unsigned k;

  if (more_to_send(s)) {
    if (s->busy)
      next = now + s->backoff_ms * AP_NS_PER_MS;
    else
      next = now + ap_bucket_wait_ns(&s->bucket, 1);
  }
  if (next == now && (s->cfg.max_inflight == 0 ||
                      s->inflight < s->cfg.max_inflight)) {
    uv_idle_start(&s->idle, idle_cb);
    return;
  }
  uv_idle_stop(&s->idle);
  if (next == now)
    next = UINT64_MAX; /* full: the next expiry or verdict frees a slot */
  for (k = 0; k < s->nwait; k++) {
    if (s->wait[k].n > 0) {
      t = s->wait[k].v[s->wait[k].head].when;
      if (t < next)
        next = t;
    }
  }
  if (next == UINT64_MAX)
    return;
  t = next > now ? (next - now + AP_NS_PER_MS - 1) / AP_NS_PER_MS : 0;
  uv_timer_start(&s->timer, tick_cb, t, 0);
}

static void tick(struct ap_scan *s) {
  uint64_t now = uv_hrtime();
  int err;

  /* Replies that have arrived are read before any probe is given up for
   * lost: the loop may come to the socket only after the timer. */
  if (due(s, now) && s->engine->ops->drain != NULL)
    s->engine->ops->drain(s->engine);
  err = s->closing ? 0 : expire(s, now);
  if (err == 0 && !s->closing)
    err = send_batch(s, now);
  if (err != 0) {
    finish(s, err);
    return;
  }
  if (s->closing)
    return;
  arm(s, now);
  if (s->engine->ops->pump != NULL)
    s->engine->ops->pump(s->engine, uv_is_active((uv_handle_t *) &s->idle));
}

static void tick_cb(uv_timer_t *t) {
  ap_loopwatch_note(&lw_tick);
  tick(t->data);
}

static void idle_cb(uv_idle_t *h) {
  ap_loopwatch_note(&lw_tick);
  tick(h->data);
}

/* The sink the engine reports to (engine.h). */
static int sink_reply(struct ap_sink *k, const struct ap_addr *addr,
                      uint64_t sent_ns, uint64_t rtt_ns,
                      const struct ap_reply_meta *meta) {
  return ap_scan_reply(ap_container_of(k, struct ap_scan, sink), addr,
                       sent_ns, rtt_ns, meta);
}

static int sink_fail(struct ap_sink *k, const struct ap_addr *addr,
                     uint64_t sent_ns, const char *reason,
                     const struct ap_addr *from) {
  (void) sent_ns; /* one verdict per target: any error of its probes */
  return ap_scan_fail(ap_container_of(k, struct ap_scan, sink), addr, reason,
                      from);
}

static void sink_settle(struct ap_sink *k, const struct ap_addr *addr,
                        struct ap_result *r) {
  ap_scan_settle(ap_container_of(k, struct ap_scan, sink), addr, r);
}

static void sink_abort(struct ap_sink *k, int err) {
  finish(ap_container_of(k, struct ap_scan, sink), err);
}

static const struct ap_sink_ops sink_ops = {
  .reply = sink_reply, .fail = sink_fail, .settle = sink_settle,
  .abort = sink_abort
};

int ap_scan_init(struct ap_scan *s, uv_loop_t *loop, const struct ap_tset *set,
                 struct ap_order *order, struct ap_engine *engine,
                 const struct ap_scan_cfg *cfg, ap_verdict_cb cb) {
  double wait;
  unsigned k;

  memset(s, 0, sizeof(*s));
  if (cfg->retries >= AP_SCAN_MAXTRIES || cfg->backoff < 1 ||
      cfg->rate < 0 || cfg->timeout_ms == 0 ||
      (cfg->period_ms > 0 && cfg->period_ms < cfg->timeout_ms))
    return UV_EINVAL;
  s->loop = loop;
  s->set = set;
  s->order = order;
  s->engine = engine;
  s->cfg = *cfg;
  s->verdict_cb = cb;
  s->total = order->left;
  wait = (double) cfg->timeout_ms * AP_NS_PER_MS;
  for (k = 0; k <= cfg->retries; k++) {
    s->wait_ns[k] = wait > 1e18 ? (uint64_t) 1e18 : (uint64_t) wait;
    wait *= cfg->backoff;
  }
  s->nwait = cfg->retries + 1;
  if (cfg->count > 0) {
    /* -c N sends N probes instead of retries, a period apart. */
    s->cfg.retries = 0;
    s->nwait = 2;
    s->wait_ns[1] = cfg->timeout_ms * AP_NS_PER_MS;
    s->wait_ns[0] = cfg->period_ms > 0 ? cfg->period_ms * AP_NS_PER_MS
                                       : s->wait_ns[1];
  }
  ap_tally_init(&s->tally);
  if (ap_bitmap_init(&s->done, set->count) != 0 ||
      ap_bitmap_init(&s->aloft, set->count) != 0) {
    ap_scan_release(s);
    return UV_ENOMEM;
  }
  s->sink.ops = &sink_ops;
  engine->sink = &s->sink;
  return 0;
}

void ap_scan_more(struct ap_scan *s, uint64_t (*more)(struct ap_scan *s)) {
  s->more = more;
}

int ap_scan_start(struct ap_scan *s) {
  int err;

  err = uv_timer_init(s->loop, &s->timer);
  if (err != 0)
    return err;
  uv_idle_init(s->loop, &s->idle); /* cannot fail */
  s->timer.data = s;
  s->idle.data = s;
  ap_bucket_init(&s->bucket, s->cfg.rate, AP_BUCKET_BURST_NS, uv_hrtime());
  if (s->total == 0) {
    finish(s, 0);
    return 0;
  }
  return uv_timer_start(&s->timer, tick_cb, 0, 0);
}

int ap_scan_again(const struct ap_scan *s) {
  return !s->closing && uv_is_active((const uv_handle_t *) &s->idle);
}

uint64_t ap_scan_inflight(const struct ap_scan *s) {
  return s->inflight;
}

int ap_scan_stop(struct ap_scan *s) {
  int was = !s->closing;

  finish(s, UV_ECANCELED);
  return was;
}

int ap_scan_status(const struct ap_scan *s) {
  return s->status;
}

void ap_scan_counts(const struct ap_scan *s, uint64_t *retries,
                    uint64_t *backoffs) {
  *retries = s->retries;
  *backoffs = s->backoffs;
}

void ap_scan_abort(struct ap_scan *s, int err) {
  finish(s, err);
}

void ap_scan_release(struct ap_scan *s) {
  struct ap_tally_rec *t;
  size_t pos = 0;
  unsigned k;

  while ((t = ap_imap_next(&s->tally.map, &pos, NULL)) != NULL)
    free(t->rtts);
  for (k = 0; k < AP_SCAN_MAXTRIES; k++)
    free(s->wait[k].v);
  free(s->retry.v);
  ap_tally_release(&s->tally);
  ap_bitmap_release(&s->done);
  ap_bitmap_release(&s->aloft);
}

const struct ap_bitmap *ap_scan_done(const struct ap_scan *s) {
  return &s->done;
}

uint64_t ap_scan_missing(const struct ap_scan *s) {
  return s->total - s->ndone;
}
