/* test-monitor.c - the continuous scheduler, on a real loop with an
 * engine of its own: every target once per period, spread over it; a
 * reply counts for its own probe only (not late, not twice); errors and
 * timeouts; a reload keeps the records of the targets that stay. */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "monitor.h"
#include "tap.h"

#define PERIOD_MS 50
#define TIMEOUT_MS 20

/* 192.0.2.N: even N answer at once, .22 twice; .21 answers 30 ms late;
 * .23 fails at once; the other odd ones never answer.  As the ICMP engine
 * does, the engine stamps each probe a little after the turn's time, and
 * every report carries that stamp. */
struct fake {
  struct ap_engine base;
  uv_loop_t *loop;
  uint64_t first_sent[256]; /* send time of each target's first probe */
  int late_ignored;
  int dup_ignored;
  int late_pending;
};

struct late {
  uv_timer_t t;
  struct fake *f;
  struct ap_addr addr;
  uint64_t sent;
};

static void late_closed(uv_handle_t *h) {
  free(h->data);
}

static void late_cb(uv_timer_t *t) {
  struct late *l = t->data;

  if (!l->f->base.sink->closing &&
      ap_sink_reply(l->f->base.sink, &l->addr, l->sent, 30000000,
                    NULL) == 0)
    l->f->late_ignored++;
  l->f->late_pending--;
  uv_close((uv_handle_t *) t, late_closed);
}

static int fake_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                     uint64_t now) {
  struct fake *f = (struct fake *) e;
  size_t i;

  for (i = 0; i < n; i++) {
    unsigned last = ap_addr_v4(&p[i].addr) & 0xff;
    EXPECT(p[i].sent_ns == now);
    p[i].sent_ns = now + 1 + i;
    if (f->first_sent[last] == 0)
      f->first_sent[last] = now;
    if (last == 21) {
      struct late *l = calloc(1, sizeof(*l));
      l->f = f;
      l->addr = p[i].addr;
      l->sent = p[i].sent_ns;
      uv_timer_init(f->loop, &l->t);
      l->t.data = l;
      uv_timer_start(&l->t, late_cb, 30, 0);
      f->late_pending++;
    } else if (last == 23) {
      EXPECT(ap_sink_fail(e->sink, &p[i].addr, p[i].sent_ns,
                          "host unreachable", NULL) == 1);
    } else if (last % 2 == 0) {
      /* Not the stamp of this probe (an earlier probe's): ignored. */
      EXPECT(ap_sink_reply(e->sink, &p[i].addr, now - 1, 1000, NULL) == 0);
      EXPECT(ap_sink_reply(e->sink, &p[i].addr, p[i].sent_ns, 1000, NULL) ==
             1);
      if (last == 22 &&
          ap_sink_reply(e->sink, &p[i].addr, p[i].sent_ns, 1000, NULL) == 0)
        f->dup_ignored++;
    }
  }
  return (int) n;
}

static void fake_close(struct ap_engine *e) {
  (void) e;
}

static const struct ap_engine_ops fake_ops = { .name = "fake",
                                               .send = fake_send,
                                               .close = fake_close };

static uint64_t events[3];

static void event_cb(struct ap_monitor *m, uint64_t idx,
                     const struct ap_mstat *st, const struct ap_mevent *ev) {
  (void) m;
  (void) idx;
  EXPECT(ev->seq == st->seq - 1);
  events[ev->kind]++;
}

static void stop_cb(uv_timer_t *t) {
  ap_monitor_stop(t->data);
  uv_close((uv_handle_t *) t, NULL);
}

static void set_of(struct ap_tset *s, unsigned lo, unsigned hi) {
  struct ap_addr a, b;
  char buf[32];

  ap_tset_init(s);
  snprintf(buf, sizeof(buf), "192.0.2.%u", lo);
  ap_addr_parse(buf, &a);
  snprintf(buf, sizeof(buf), "192.0.2.%u", hi);
  ap_addr_parse(buf, &b);
  ap_tset_add(s, &a, &b);
  ap_tset_finish(s, NULL, 1000);
}

static const struct ap_mstat *stat_of(const struct ap_monitor *m,
                                      const struct ap_tset *s, unsigned n) {
  struct ap_addr a;
  uint64_t idx;
  char buf[32];

  snprintf(buf, sizeof(buf), "192.0.2.%u", n);
  ap_addr_parse(buf, &a);
  if (ap_tset_index(s, &a, &idx) != 0)
    return NULL;
  return ap_monitor_stat(m, idx);
}

static struct ap_monitor_cfg config(void) {
  struct ap_monitor_cfg c = { .period_ms = PERIOD_MS,
                              .timeout_ms = TIMEOUT_MS, .seed = 7,
                              .shard = 1, .nshards = 1 };

  ap_buckets_default(&c.buckets);
  return c;
}

static void test_periods(void) {
  struct ap_monitor_cfg cfg = config();
  struct fake f = { .base = { .ops = &fake_ops } };
  struct ap_monitor m;
  struct ap_tset set;
  uv_loop_t loop;
  uv_timer_t stop;
  uint64_t lo = UINT64_MAX, hi = 0;
  unsigned n;

  memset(events, 0, sizeof(events));
  set_of(&set, 1, 24);
  uv_loop_init(&loop);
  f.loop = &loop;
  EXPECT(ap_monitor_init(&m, &loop, &set, &f.base, &cfg, event_cb, NULL) ==
         0);
  EXPECT(ap_monitor_start(&m) == 0);
  uv_timer_init(&loop, &stop);
  stop.data = &m;
  uv_timer_start(&stop, stop_cb, 5 * PERIOD_MS + 25, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(ap_monitor_status(&m) == UV_ECANCELED);
  for (n = 1; n <= 24; n++) {
    const struct ap_mstat *st = stat_of(&m, &set, n);
    EXPECT(st->sent >= 2 && st->sent <= 7);
    /* A probe in flight is neither lost nor received. */
    EXPECT(st->all.done + (st->pending_ns != 0) == st->sent);
    if (n == 21 || (n % 2 == 1 && n != 23))
      EXPECT(st->all.replies == 0 && st->timeouts == st->all.done);
    else if (n == 23)
      EXPECT(st->errors == st->sent && st->nreason[0] == st->sent &&
             strcmp(st->reason[0], "host unreachable") == 0);
    else
      EXPECT(st->all.replies == st->sent && st->up == 1);
    if (f.first_sent[n] < lo)
      lo = f.first_sent[n];
    if (f.first_sent[n] > hi)
      hi = f.first_sent[n];
  }
  /* Spread over the period, not all at once (in quanta of 10 ms). */
  EXPECT(hi - lo >= PERIOD_MS * 1000000ULL / 2);
  EXPECT(hi - lo < (PERIOD_MS + AP_MONITOR_QUANTUM_MS) * 1000000ULL);
  EXPECT(f.late_ignored > 0 && f.dup_ignored > 0);
  EXPECT(events[AP_MEVENT_REPLY] > 0 && events[AP_MEVENT_TIMEOUT] > 0 &&
         events[AP_MEVENT_ERROR] > 0);
  EXPECT(uv_loop_close(&loop) == 0);
  ap_monitor_release(&m);
  ap_tset_release(&set);
}

/* Retargets from 1-10 to 5-15 halfway. */
static struct ap_tset set_b;
static uint64_t sent_before;

static void retarget_cb(uv_timer_t *t) {
  struct ap_monitor *m = t->data;

  sent_before = ap_monitor_stat(m, 4)->sent; /* 192.0.2.5 */
  EXPECT(ap_monitor_retarget(m, &set_b) == 0);
  EXPECT(ap_monitor_count(m) == 11);
  uv_close((uv_handle_t *) t, NULL);
}

static void test_retarget(void) {
  struct ap_monitor_cfg cfg = config();
  struct fake f = { .base = { .ops = &fake_ops } };
  struct ap_monitor m;
  struct ap_tset set_a;
  uv_loop_t loop;
  uv_timer_t stop, swap;
  const struct ap_mstat *st;

  set_of(&set_a, 1, 10);
  set_of(&set_b, 5, 15);
  uv_loop_init(&loop);
  f.loop = &loop;
  EXPECT(ap_monitor_init(&m, &loop, &set_a, &f.base, &cfg, event_cb, NULL) ==
         0);
  EXPECT(ap_monitor_start(&m) == 0);
  uv_timer_init(&loop, &swap);
  uv_timer_init(&loop, &stop);
  swap.data = stop.data = &m;
  uv_timer_start(&swap, retarget_cb, 3 * PERIOD_MS + 25, 0);
  uv_timer_start(&stop, stop_cb, 6 * PERIOD_MS + 25, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(sent_before >= 2);
  st = stat_of(&m, &set_b, 5);
  EXPECT(st != NULL && st->sent > sent_before && st->sent <= 8);
  st = stat_of(&m, &set_b, 14);
  EXPECT(st != NULL && st->sent >= 1 && st->sent < sent_before + 2);
  EXPECT(stat_of(&m, &set_b, 4) == NULL);
  EXPECT(uv_loop_close(&loop) == 0);
  ap_monitor_release(&m);
  ap_tset_release(&set_a);
  ap_tset_release(&set_b);
}

static void test_bad_config(void) {
  struct ap_monitor_cfg cfg = config();
  struct fake f = { .base = { .ops = &fake_ops } };
  struct ap_monitor m;
  struct ap_tset set;
  uv_loop_t loop;

  set_of(&set, 1, 4);
  uv_loop_init(&loop);
  cfg.timeout_ms = PERIOD_MS + 1; /* a probe must end before the next */
  EXPECT(ap_monitor_init(&m, &loop, &set, &f.base, &cfg, event_cb, NULL) ==
         UV_EINVAL);
  cfg = config();
  cfg.shard = 3;
  cfg.nshards = 2;
  EXPECT(ap_monitor_init(&m, &loop, &set, &f.base, &cfg, event_cb, NULL) ==
         UV_EINVAL);
  EXPECT(uv_loop_close(&loop) == 0);
  ap_tset_release(&set);
}

int main(void) {
  RUN(test_periods);
  RUN(test_retarget);
  RUN(test_bad_config);
  return tap_done();
}
