/* monitor.c - see monitor.h. */
#include "monitor.h"

#include <stdlib.h>
#include <string.h>

#include "loopwatch.h"
#include "nsec.h"

#define TICK_MAX 4096 /* probes sent in one turn of the loop at most */

static struct ap_lw_kind lw_tick = AP_LW_KIND("monitor tick");

/* Where target idx sits: its position in the order.  The monitor keeps
 * these sorted by idx, to find a reply's target and to walk the targets
 * in address order. */
struct ap_monitor_slot {
  uint64_t idx;
  uint64_t pos;
};

/* ---- the targets ---- */

static uint64_t first_pos(const struct ap_monitor *m) {
  return m->cfg.shard - 1;
}

uint64_t ap_monitor_at(const struct ap_monitor *m, uint64_t pos) {
  return ap_order_at(&m->order, first_pos(m) + pos * m->cfg.nshards);
}

static int slot_cmp(const void *a, const void *b) {
  const struct ap_monitor_slot *x = a, *y = b;

  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The position of target idx, or -1 when it is not probed here. */
static int64_t position(const struct ap_monitor_slot *slots, uint64_t n,
                        uint64_t idx) {
  uint64_t lo = 0, hi = n, mid;

  while (lo < hi) {
    mid = lo + (hi - lo) / 2;
    if (slots[mid].idx == idx)
      return (int64_t) slots[mid].pos;
    if (slots[mid].idx < idx)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* What a set and the configuration make: the order, the slots and fresh
 * records.  Returns 0 or UV_ENOMEM (then nothing is allocated). */
struct layout {
  struct ap_order order;
  uint64_t count;
  struct ap_monitor_slot *slots;
  struct ap_mstat *st;
  unsigned char *ext;
};

static int lay_out(const struct ap_monitor_cfg *cfg, const struct ap_tset *set,
                   struct layout *l) {
  uint64_t p;

  ap_order_init(&l->order, set->count, !cfg->sequential, cfg->seed,
                cfg->shard, cfg->nshards);
  l->count = l->order.left;
  l->slots = calloc(l->count + 1, sizeof(*l->slots));
  l->st = calloc(l->count + 1, sizeof(*l->st));
  l->ext = calloc(l->count + 1, cfg->ext_size + 1);
  if (l->slots == NULL || l->st == NULL || l->ext == NULL) {
    free(l->slots);
    free(l->st);
    free(l->ext);
    return UV_ENOMEM;
  }
  for (p = 0; p < l->count; p++) {
    l->slots[p].idx = ap_order_at(&l->order, cfg->shard - 1 +
                                                 p * cfg->nshards);
    l->slots[p].pos = p;
    ap_mstat_init(&l->st[p]);
  }
  qsort(l->slots, l->count, sizeof(*l->slots), slot_cmp);
  return 0;
}

static void adopt(struct ap_monitor *m, const struct ap_tset *set,
                  struct layout *l) {
  free(m->slots);
  free(m->st);
  free(m->ext);
  m->set = set;
  m->order = l->order;
  m->count = l->count;
  m->slots = l->slots;
  m->st = l->st;
  m->ext = l->ext;
}

static unsigned char *ext_at(unsigned char *ext, size_t size, uint64_t pos) {
  return ext + pos * size;
}

/* ---- probes in flight ---- */

static int flight_push(struct ap_monitor *m, uint64_t pos, uint64_t sent) {
  struct ap_monitor_flight *v;
  size_t cap, i;

  if (m->fn == m->fcap) {
    cap = m->fcap ? m->fcap * 2 : 256;
    v = malloc(cap * sizeof(*v));
    if (v == NULL)
      return UV_ENOMEM;
    for (i = 0; i < m->fn; i++)
      v[i] = m->flight[(m->fhead + i) % m->fcap];
    free(m->flight);
    m->flight = v;
    m->fcap = cap;
    m->fhead = 0;
  }
  m->flight[(m->fhead + m->fn) % m->fcap] =
      (struct ap_monitor_flight){ .pos = pos, .sent_ns = sent };
  m->fn++;
  return 0;
}

static void report(struct ap_monitor *m, uint64_t pos,
                   const struct ap_mevent *ev) {
  uint64_t idx = ap_monitor_at(m, pos);

  m->cb(m, idx, &m->st[pos], ev);
}

/* The probe in flight at position pos is lost. */
static void lose(struct ap_monitor *m, uint64_t pos) {
  struct ap_mevent ev = { .kind = AP_MEVENT_TIMEOUT,
                          .seq = m->st[pos].seq - 1 };

  ap_mstat_timeout(&m->st[pos]);
  report(m, pos, &ev);
}

/* Every probe whose timeout has passed and that is still unanswered is
 * lost. */
static void expire(struct ap_monitor *m, uint64_t now) {
  struct ap_monitor_flight f;
  struct ap_mstat *st;

  while (m->fn > 0 && !m->closing) {
    f = m->flight[m->fhead];
    if (f.sent_ns + m->timeout_ns > now)
      return;
    m->fhead = (m->fhead + 1) % m->fcap;
    m->fn--;
    st = &m->st[f.pos];
    if (ap_mstat_awaits(st, f.sent_ns))
      lose(m, f.pos);
  }
}

/* ---- sending ---- */

/* Positions whose slot in the current period has come by now. */
static uint64_t due(const struct ap_monitor *m, uint64_t now) {
  uint64_t into;

  if (now < m->period_start)
    return 0; /* the next period has not begun */
  into = now - m->period_start;
  if (into >= m->period_ns)
    return m->count;
  return (uint64_t) ((double) into * (double) m->count /
                     (double) m->period_ns) + 1;
}

/* Takes the next due positions into the batch. */
static void fill(struct ap_monitor *m, uint64_t upto) {
  struct ap_probe *p;

  while (m->nbatch < AP_MONITOR_BATCH && m->pos < upto) {
    p = &m->batch[m->nbatch++];
    p->idx = m->pos++; /* the position, until it is sent */
    p->attempt = 0;
    ap_tset_at(m->set, ap_monitor_at(m, p->idx), &p->addr);
  }
}

/* Sends the batch at now.  Each probe counts as sent before the engine
 * sees it, so that one it refuses at once (ap_sink_fail() from inside
 * send()) finds its record waiting; it is then awaited by the stamp the
 * engine put in it, no earlier than now.  Probes the engine did not take
 * are taken back and stay in the batch.  Returns 0 or a UV_E* code. */
static int send_batch(struct ap_monitor *m, uint64_t now) {
  size_t i, n = m->nbatch;
  int taken, err = 0;

  for (i = m->announced; i < n && m->due_cb != NULL; i++)
    m->due_cb(m, ap_monitor_at(m, m->batch[i].idx));
  m->announced = n;
  if (m->engine == NULL) { /* nothing to ping (-m none) */
    m->nbatch = m->announced = 0;
    return 0;
  }
  for (i = 0; i < n; i++) {
    struct ap_mstat *st = &m->st[m->batch[i].idx];
    if (st->pending_ns != 0) /* its last probe is still out: lost now */
      lose(m, m->batch[i].idx);
    ap_mstat_sent(st, now);
    m->batch[i].sent_ns = now;
  }
  m->sending_ns = now;
  taken = m->engine->ops->send(m->engine, m->batch, n, now);
  m->sending_ns = 0;
  if (taken < 0)
    return taken;
  for (i = 0; i < n; i++) {
    struct ap_mstat *st = &m->st[m->batch[i].idx];
    if (i >= (size_t) taken) {
      st->sent--;
      st->seq--;
      st->pending_ns = 0;
    } else if (st->pending_ns == now && err == 0) {
      /* Awaited by the stamp the engine put in it. */
      st->pending_ns = m->batch[i].sent_ns;
      err = flight_push(m, m->batch[i].idx, st->pending_ns);
    }
  }
  m->nbatch -= (size_t) taken;
  m->announced -= (size_t) taken;
  memmove(m->batch, m->batch + taken, m->nbatch * sizeof(m->batch[0]));
  return err;
}

/* Moves to the next period once this one's probes are all out; a loop
 * that fell a whole period behind (suspended) skips what it missed rather
 * than send it in a burst. */
static void next_period(struct ap_monitor *m, uint64_t now) {
  uint64_t behind;

  if (m->pos < m->count || m->nbatch > 0)
    return;
  m->period_start += m->period_ns;
  m->pos = 0;
  m->periods++;
  if (now >= m->period_start + m->period_ns) {
    behind = (now - m->period_start) / m->period_ns;
    m->skipped += behind * m->count;
    m->period_start += behind * m->period_ns;
    m->periods += behind;
  }
}

static void tick_cb(uv_timer_t *t);

/* When to wake next: the next slot or timeout, but not before a quantum
 * has passed. */
static void arm(struct ap_monitor *m, uint64_t now, int more) {
  uint64_t next, q = m->period_ns < AP_MONITOR_QUANTUM_MS * AP_NS_PER_MS
                         ? m->period_ns
                         : AP_MONITOR_QUANTUM_MS * AP_NS_PER_MS;
  uint64_t ms;

  if (more) {
    uv_timer_start(&m->timer, tick_cb, 1, 0);
    return;
  }
  next = m->pos < m->count
             ? m->period_start + (uint64_t) ((double) m->pos *
                                             (double) m->period_ns /
                                             (double) m->count)
             : m->period_start + m->period_ns;
  if (m->fn > 0 &&
      m->flight[m->fhead].sent_ns + m->timeout_ns < next)
    next = m->flight[m->fhead].sent_ns + m->timeout_ns;
  if (next < now + q)
    next = now + q;
  ms = (next - now + AP_NS_PER_MS - 1) / AP_NS_PER_MS;
  uv_timer_start(&m->timer, tick_cb, ms, 0);
}

static void finish(struct ap_monitor *m, int status);

static void tick(struct ap_monitor *m) {
  uint64_t now = uv_hrtime(), sent = 0, upto;
  int err = 0;

  /* Replies that have arrived are read before any probe is lost. */
  if (m->fn > 0 && m->flight[m->fhead].sent_ns + m->timeout_ns <= now &&
      m->engine != NULL && m->engine->ops->drain != NULL)
    m->engine->ops->drain(m->engine);
  if (m->closing)
    return;
  expire(m, now);
  next_period(m, now);
  upto = due(m, now);
  while (err == 0 && !m->closing && sent < TICK_MAX &&
         (m->nbatch > 0 || m->pos < upto)) {
    size_t before = m->nbatch;
    fill(m, upto);
    sent += m->nbatch;
    err = send_batch(m, now);
    if (err == 0 && m->nbatch >= before && m->nbatch > 0)
      break; /* the engine is busy: try again in a moment */
    next_period(m, now);
    upto = due(m, now);
  }
  if (err != 0) {
    finish(m, err);
    return;
  }
  if (m->closing)
    return;
  arm(m, now, m->nbatch > 0 || m->pos < due(m, now));
  if (m->engine != NULL && m->engine->ops->pump != NULL)
    m->engine->ops->pump(m->engine, 0);
}

static void tick_cb(uv_timer_t *t) {
  ap_loopwatch_note(&lw_tick);
  tick(t->data);
}

/* ---- what the engine reports ---- */

/* The record awaiting the reply from addr to the probe sent at sent_ns, as
 * its position; -1 when there is none. */
static int64_t awaiting(struct ap_monitor *m, const struct ap_addr *addr,
                        uint64_t sent_ns) {
  struct ap_mstat *st;
  uint64_t idx;
  int64_t pos;

  if (m->closing || ap_tset_index(m->set, addr, &idx) != 0)
    return -1;
  pos = position(m->slots, m->count, idx);
  if (pos < 0)
    return -1;
  st = &m->st[pos];
  /* A report from inside send() about a probe of the batch being sent:
   * the engine's stamp is no earlier than the turn's time, which every
   * earlier probe's is. */
  if (m->sending_ns != 0 && st->pending_ns == m->sending_ns &&
      sent_ns >= m->sending_ns)
    st->pending_ns = sent_ns;
  if (!ap_mstat_awaits(st, sent_ns))
    return -1;
  return pos;
}

static int sink_reply(struct ap_sink *k, const struct ap_addr *addr,
                      uint64_t sent_ns, uint64_t rtt_ns,
                      const struct ap_reply_meta *meta) {
  struct ap_monitor *m = ap_container_of(k, struct ap_monitor, sink);
  int64_t pos = awaiting(m, addr, sent_ns);
  struct ap_mevent ev = { .kind = AP_MEVENT_REPLY, .rtt_ns = rtt_ns };

  if (pos < 0)
    return 0;
  if (meta != NULL && meta->ttl >= 0 && meta->ttl <= 255) {
    ev.has_ttl = 1;
    ev.ttl = (uint8_t) meta->ttl;
  }
  ev.seq = m->st[pos].seq - 1;
  ap_mstat_reply(&m->st[pos], &m->cfg.buckets, rtt_ns);
  report(m, (uint64_t) pos, &ev);
  return 1;
}

/* The one copy of reason that records point to: records outlive the
 * engine's buffers, and a label needs one spelling.  Past
 * AP_MONITOR_NREASONS distinct reasons, "other". */
static const char *intern(struct ap_monitor *m, const char *reason) {
  char *copy;
  size_t i;

  for (i = 0; i < m->nreasons; i++)
    if (strcmp(m->reasons[i], reason) == 0)
      return m->reasons[i];
  if (m->nreasons == AP_MONITOR_NREASONS ||
      (copy = strdup(reason)) == NULL)
    return "other";
  m->reasons[m->nreasons++] = copy;
  return copy;
}

static int sink_fail(struct ap_sink *k, const struct ap_addr *addr,
                     uint64_t sent_ns, const char *reason,
                     const struct ap_addr *from) {
  struct ap_monitor *m = ap_container_of(k, struct ap_monitor, sink);
  int64_t pos = awaiting(m, addr, sent_ns);
  struct ap_mevent ev = { .kind = AP_MEVENT_ERROR, .from = from };

  if (pos < 0)
    return 0;
  ev.seq = m->st[pos].seq - 1;
  ev.reason = intern(m, reason);
  ap_mstat_error(&m->st[pos], ev.reason);
  report(m, (uint64_t) pos, &ev);
  return 1;
}

/* An engine that decides a whole target at once: its probe in flight. */
static void sink_settle(struct ap_sink *k, const struct ap_addr *addr,
                        struct ap_result *r) {
  if (r->verdict == AP_ALIVE)
    (void) sink_reply(k, addr, 0, r->rtt_ns, NULL);
  else if (r->reason != NULL)
    (void) sink_fail(k, addr, 0, r->reason, r->from);
}

static void sink_abort(struct ap_sink *k, int err) {
  finish(ap_container_of(k, struct ap_monitor, sink), err);
}

static const struct ap_sink_ops sink_ops = {
  .reply = sink_reply, .fail = sink_fail, .settle = sink_settle,
  .abort = sink_abort
};

/* ---- the monitor ---- */

int ap_monitor_init(struct ap_monitor *m, uv_loop_t *loop,
                    const struct ap_tset *set, struct ap_engine *engine,
                    const struct ap_monitor_cfg *cfg, ap_monitor_cb cb,
                    ap_monitor_due_cb due_cb) {
  struct layout l;

  memset(m, 0, sizeof(*m));
  if (cfg->period_ms == 0 || cfg->timeout_ms == 0 ||
      cfg->timeout_ms > cfg->period_ms || cfg->shard == 0 ||
      cfg->shard > cfg->nshards || cfg->buckets.n > AP_MSTAT_MAXBUCKETS)
    return UV_EINVAL;
  m->loop = loop;
  m->engine = engine;
  m->cfg = *cfg;
  m->cb = cb;
  m->due_cb = due_cb;
  m->period_ns = cfg->period_ms * AP_NS_PER_MS;
  m->timeout_ns = cfg->timeout_ms * AP_NS_PER_MS;
  if (lay_out(cfg, set, &l) != 0)
    return UV_ENOMEM;
  adopt(m, set, &l);
  m->sink.ops = &sink_ops;
  if (engine != NULL)
    engine->sink = &m->sink;
  return 0;
}

int ap_monitor_start(struct ap_monitor *m) {
  int err = uv_timer_init(m->loop, &m->timer);

  if (err != 0)
    return err;
  m->timer.data = m;
  m->started = 1;
  m->period_start = uv_hrtime();
  return uv_timer_start(&m->timer, tick_cb, 0, 0);
}

static void finish(struct ap_monitor *m, int status) {
  if (m->closing)
    return;
  m->closing = 1;
  m->sink.closing = 1;
  m->status = status;
  if (m->started)
    uv_close((uv_handle_t *) &m->timer, NULL);
  if (m->engine != NULL)
    m->engine->ops->close(m->engine);
}

void ap_monitor_stop(struct ap_monitor *m) {
  finish(m, UV_ECANCELED);
}

int ap_monitor_status(const struct ap_monitor *m) {
  return m->status;
}

int ap_monitor_retarget(struct ap_monitor *m, const struct ap_tset *set) {
  struct ap_monitor_flight *f;
  struct ap_addr a;
  struct layout l;
  uint64_t p, idx, kept = 0, done = m->count ? m->pos * 1000 / m->count : 0;
  int64_t old;
  size_t i;

  if (lay_out(&m->cfg, set, &l) != 0)
    return UV_ENOMEM;
  /* Each new target takes its record from the old set, if it was there. */
  for (p = 0; p < l.count; p++) {
    ap_tset_at(set, l.slots[p].idx, &a);
    if (ap_tset_index(m->set, &a, &idx) == 0 &&
        (old = position(m->slots, m->count, idx)) >= 0) {
      l.st[l.slots[p].pos] = m->st[old];
      memcpy(ext_at(l.ext, m->cfg.ext_size, l.slots[p].pos),
             ext_at(m->ext, m->cfg.ext_size, (uint64_t) old),
             m->cfg.ext_size);
    }
  }
  /* The probes in flight move with their targets, or go. */
  for (i = 0; i < m->fn; i++) {
    f = &m->flight[(m->fhead + i) % m->fcap];
    ap_tset_at(m->set, ap_monitor_at(m, f->pos), &a);
    if (ap_tset_index(set, &a, &idx) == 0 &&
        (old = position(l.slots, l.count, idx)) >= 0)
      m->flight[(m->fhead + kept++) % m->fcap] =
          (struct ap_monitor_flight){ .pos = (uint64_t) old,
                                      .sent_ns = f->sent_ns };
  }
  m->fn = kept;
  m->nbatch = m->announced = 0; /* positions of the old layout */
  adopt(m, set, &l);
  /* As far into the period as before, so as not to send in a burst. */
  m->pos = done * m->count / 1000;
  return 0;
}

void *ap_monitor_ext(const struct ap_monitor *m, uint64_t idx) {
  int64_t pos = position(m->slots, m->count, idx);

  return pos < 0 ? NULL : ext_at(m->ext, m->cfg.ext_size, (uint64_t) pos);
}

const struct ap_mstat *ap_monitor_stat(const struct ap_monitor *m,
                                       uint64_t idx) {
  int64_t pos = position(m->slots, m->count, idx);

  return pos < 0 ? NULL : &m->st[pos];
}

const struct ap_mstat *ap_monitor_nth(const struct ap_monitor *m, uint64_t k,
                                      uint64_t *idx) {
  *idx = m->slots[k].idx;
  return &m->st[m->slots[k].pos];
}

uint64_t ap_monitor_count(const struct ap_monitor *m) {
  return m->count;
}

const struct ap_tset *ap_monitor_set(const struct ap_monitor *m) {
  return m->set;
}

uint64_t ap_monitor_last_period(const struct ap_monitor *m) {
  return m->periods > 0 ? m->period_start : 0;
}

void ap_monitor_new_interval(struct ap_monitor *m) {
  uint64_t p;

  for (p = 0; p < m->count; p++)
    ap_mstat_new_interval(&m->st[p]);
}

void ap_monitor_release(struct ap_monitor *m) {
  size_t i;

  for (i = 0; i < m->nreasons; i++)
    free((void *) m->reasons[i]);
  m->nreasons = 0;
  free(m->slots);
  free(m->st);
  free(m->ext);
  free(m->flight);
  m->slots = NULL;
  m->st = NULL;
  m->ext = NULL;
  m->flight = NULL;
}
