/* test-scan.c - the scheduler, driven by fake engines on a real loop. */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "scan.h"
#include "tap.h"

/* A fake engine: answers the targets whose last octet is below `answer`
 * (at the attempt given by answer_at), takes at most `take` probes a call,
 * and counts what it was asked. */
struct fake {
  struct ap_engine base;
  unsigned answer;
  unsigned answer_at;
  size_t take;
  unsigned refuse; /* take nothing on the first `refuse` calls */
  int restamp;     /* stamp each probe later than the turn, as the ICMP
                      engine does, and answer by that stamp, on the next
                      turn of the loop (with -c a reply inside send()
                      finds no record yet) */
  int hold;        /* keep every reply until the scheduler drains: replies
                      queued unread when the timeouts fall due */
  unsigned drains; /* calls of drain() */
  uv_loop_t *loop;
  uv_timer_t timer;
  int timer_up;
  struct { struct ap_addr a; uint64_t sent; } pend[256];
  size_t npend;
  unsigned calls;
  uint64_t sent;
  uint64_t counted, ignored; /* what ap_scan_reply() said of the replies */
  uint64_t attempts[4];
  int closed;
};

struct result {
  uint64_t alive, unreachable, verdicts_for_1;
  const char *reason;
};

static struct result res;
static uint64_t retries, backoffs; /* of the last run() */

/* Answers the probes restamped on the last turn, each twice. */
static void answer_cb(uv_timer_t *t) {
  struct fake *f = t->data;
  size_t i;

  for (i = 0; i < f->npend; i++) {
    f->counted += (uint64_t) ap_sink_reply(f->base.sink, &f->pend[i].a,
                                           f->pend[i].sent, 1000, NULL);
    f->ignored += (uint64_t) !ap_sink_reply(f->base.sink, &f->pend[i].a,
                                            f->pend[i].sent, 1000, NULL);
  }
  f->npend = 0;
}

static void later(struct fake *f, const struct ap_probe *p) {
  if (!f->timer_up) {
    uv_timer_init(f->loop, &f->timer);
    f->timer.data = f;
    f->timer_up = 1;
  }
  if (f->npend < sizeof(f->pend) / sizeof(f->pend[0])) {
    f->pend[f->npend].a = p->addr;
    f->pend[f->npend++].sent = p->sent_ns;
  }
  uv_timer_start(&f->timer, answer_cb, 1, 0);
}

static int fake_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                     uint64_t now) {
  struct fake *f = (struct fake *) e;
  size_t i;

  if (f->calls++ < f->refuse)
    return 0;
  if (f->take && n > f->take)
    n = f->take;
  for (i = 0; i < n; i++) {
    f->sent++;
    f->attempts[p[i].attempt < 4 ? p[i].attempt : 3]++;
    EXPECT(p[i].sent_ns == now);
    if (f->hold && f->npend < sizeof(f->pend) / sizeof(f->pend[0])) {
      f->pend[f->npend].a = p[i].addr;
      f->pend[f->npend++].sent = p[i].sent_ns;
      continue;
    }
    if (f->restamp) {
      p[i].sent_ns = now + 777 + i;
      later(f, &p[i]);
      continue;
    }
    if ((ap_addr_v4(&p[i].addr) & 0xff) < f->answer &&
        p[i].attempt >= f->answer_at) {
      f->counted += (uint64_t) ap_sink_reply(e->sink, &p[i].addr,
                                             p[i].sent_ns, 1000, NULL);
      /* A duplicate: */
      f->ignored += (uint64_t) !ap_sink_reply(e->sink, &p[i].addr,
                                              p[i].sent_ns, 1000, NULL);
    }
  }
  return (int) n;
}

static void fake_close(struct ap_engine *e) {
  struct fake *f = (struct fake *) e;

  f->closed++;
  if (f->timer_up)
    uv_close((uv_handle_t *) &f->timer, NULL);
  f->timer_up = 0;
}

/* The replies held back arrive only now, as a socket read to its end. */
static void fake_drain(struct ap_engine *e) {
  struct fake *f = (struct fake *) e;

  f->drains++;
  if (f->hold)
    answer_cb(&(uv_timer_t) { .data = f });
}

static const struct ap_engine_ops fake_ops = {
  .name = "fake", .send = fake_send, .close = fake_close, .drain = fake_drain
};

static void verdict_cb(struct ap_scan *s, const struct ap_result *r) {
  (void) s;
  if (r->verdict == AP_ALIVE)
    res.alive++;
  else
    res.unreachable++;
  if ((ap_addr_v4(&r->addr) & 0xff) == 1)
    res.verdicts_for_1++;
  if (r->reason != NULL)
    res.reason = r->reason;
}

/* With more_hook set, run() starts on positions [0, RANGE) of the order
 * and the hook gives it the rest, RANGE at a time (as --threads does). */
#define RANGE 10
static uint64_t (*more_hook)(struct ap_scan *s);
static uint64_t more_next, more_calls;

static uint64_t more_ranges(struct ap_scan *s) {
  uint64_t from = more_next;

  more_calls++;
  more_next += RANGE;
  ap_order_range(s->order, from, from + RANGE);
  return s->order->left;
}

/* Scans 192.0.2.1-254 with the fake engine; returns elapsed ms. */
static uint64_t run(struct fake *f, const struct ap_scan_cfg *cfg) {
  struct ap_tset set;
  struct ap_order order;
  struct ap_scan s;
  struct ap_addr lo, hi;
  uv_loop_t loop;
  uint64_t t0;

  memset(&res, 0, sizeof(res));
  f->base.ops = &fake_ops;
  ap_tset_init(&set);
  ap_addr_parse("192.0.2.1", &lo);
  ap_addr_parse("192.0.2.254", &hi);
  ap_tset_add(&set, &lo, &hi);
  ap_tset_finish(&set, NULL, 1000);
  ap_order_init(&order, set.count, 1, 1, 1, 1);
  if (more_hook != NULL) {
    ap_order_range(&order, 0, RANGE);
    more_next = RANGE;
    more_calls = 0;
  }
  uv_loop_init(&loop);
  f->loop = &loop;
  t0 = uv_hrtime();
  EXPECT(ap_scan_init(&s, &loop, &set, &order, &f->base, cfg, verdict_cb) ==
         0);
  if (more_hook != NULL)
    ap_scan_more(&s, more_hook);
  EXPECT(ap_scan_start(&s) == 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(s.status == 0);
  EXPECT(f->closed == 1);
  retries = s.retries;
  backoffs = s.backoffs;
  ap_scan_release(&s);
  EXPECT(uv_loop_close(&loop) == 0);
  ap_tset_release(&set);
  return (uv_hrtime() - t0) / 1000000;
}

static void test_all_answer(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 5000, .retries = 2,
                             .backoff = 2, .rate = 0 };
  struct fake f;

  memset(&f, 0, sizeof(f));
  f.answer = 256;
  /* Every target answered at once: the scan ends without waiting out the
   * 5 s timeout (the bound only catches a scan that waits for it). */
  EXPECT(run(&f, &cfg) < 4000);
  EXPECT(res.alive == 254 && res.unreachable == 0);
  EXPECT(res.verdicts_for_1 == 1);
  EXPECT(f.sent == 254);
  /* The first reply to each counted, the duplicate did not. */
  EXPECT(f.counted == 254 && f.ignored == 254);
  EXPECT(retries == 0 && backoffs == 0);
}

/* A scan given its order a range at a time gives every target of every
 * range one verdict, and does not end while ranges are left, even when
 * each range is answered within the send that took its last target. */
static void test_more(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 20, .retries = 1,
                             .backoff = 2, .rate = 0 };
  int restamp;

  for (restamp = 0; restamp <= 1; restamp++) {
    struct fake f;

    memset(&f, 0, sizeof(f));
    f.answer = 100; /* .1-.99 answer within send(), .100-.254 do not */
    f.restamp = restamp;
    more_hook = more_ranges;
    run(&f, &cfg);
    more_hook = NULL;
    if (restamp) { /* answers every probe, on the next turn */
      EXPECT(res.alive == 254 && res.unreachable == 0);
      EXPECT(f.sent == 254);
    } else {
      EXPECT(res.alive == 99 && res.unreachable == 155);
      EXPECT(f.sent == 99 + 155 * 2);
    }
    EXPECT(res.verdicts_for_1 == 1);
    /* 25 more ranges of 10 (the last one of 4), then the empty answer. */
    EXPECT(more_calls == 26);
  }
}

static void test_silent_retried(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 20, .retries = 2,
                             .backoff = 1.5, .rate = 0 };
  struct fake f;

  memset(&f, 0, sizeof(f));
  f.answer = 100; /* .1 - .99 answer */
  f.answer_at = 1; /* ... but only to their first retry */
  EXPECT(run(&f, &cfg) >= 20 + 30 + 45 - 5);
  EXPECT(res.alive == 99 && res.unreachable == 155);
  EXPECT(res.reason == NULL);
  EXPECT(f.attempts[0] == 254);
  EXPECT(f.attempts[1] == 254);
  EXPECT(f.attempts[2] == 155);
  EXPECT(f.sent == 254 + 254 + 155);
  EXPECT(retries == 254 + 155);
}

/* Every reply is already queued when the timeouts fall due, and is read
 * only when the scheduler drains the engine: it must do so before it
 * gives any probe up, so that every target is alive; with nothing due it
 * need not drain at all. */
static void test_drain_before_expiry(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 2, .retries = 0,
                             .backoff = 1, .rate = 0 };
  struct fake f;

  memset(&f, 0, sizeof(f));
  f.hold = 1;
  run(&f, &cfg);
  EXPECT(res.alive == 254 && res.unreachable == 0);
  EXPECT(f.sent == 254 && f.counted == 254 && f.ignored == 254);
  EXPECT(f.drains >= 1);
  memset(&f, 0, sizeof(f));
  f.answer = 256;
  cfg.timeout_ms = 5000;
  run(&f, &cfg);
  EXPECT(res.alive == 254 && f.drains == 0);
}

/* -c 2 with an engine that stamps its probes after the turn's time: the
 * scan books the engine's stamp, so that the reply to the last probe
 * (matched by it) settles the target at once, and its duplicate does not
 * count. */
static void test_engine_stamp(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 3000, .retries = 0,
                             .backoff = 1, .rate = 0, .count = 2 };
  struct fake f;

  memset(&f, 0, sizeof(f));
  f.answer = 256;
  f.restamp = 1;
  /* Two probes each, -t apart; no target waits out its last timeout. */
  EXPECT(run(&f, &cfg) < 3000 + 2500);
  EXPECT(res.alive == 254 && f.sent == 508);
  EXPECT(f.counted == 508 && f.ignored == 508);
}

static void test_rate_limit(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 1000, .retries = 0,
                             .backoff = 1, .rate = 1000 };
  struct fake f;

  memset(&f, 0, sizeof(f));
  f.answer = 256;
  /* 254 probes at 1000/s cannot take less than about 250 ms. */
  EXPECT(run(&f, &cfg) >= 240);
  EXPECT(res.alive == 254);
}

static void test_busy_engine(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 1000, .retries = 0,
                             .backoff = 1, .rate = 0 };
  struct fake f;

  memset(&f, 0, sizeof(f));
  f.answer = 256;
  f.take = 3; /* takes only 3 at a time: the rest must wait, not vanish */
  run(&f, &cfg);
  EXPECT(res.alive == 254);
  EXPECT(f.sent == 254);
}

/* An engine that refuses everything at first (the kernel's queue is full):
 * the scan backs off on its timer and offers the same probes again, each
 * turn once, losing none. */
static void test_refusing_engine(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 1000, .retries = 0,
                             .backoff = 1, .rate = 0 };
  struct fake f;

  memset(&f, 0, sizeof(f));
  f.answer = 256;
  f.refuse = 6;
  run(&f, &cfg);
  EXPECT(res.alive == 254 && res.unreachable == 0);
  EXPECT(f.sent == 254);
  /* Six refusals, six back-offs, then one call took all 254: a scan that
   * spun instead would have called far more often. */
  EXPECT(backoffs == 6);
  EXPECT(f.calls == 7);
}

/* An engine that never answers, to watch the in-flight bound. */
static uint64_t peak;

static int count_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                      uint64_t now) {
  const struct ap_scan *s = ap_container_of(e->sink, struct ap_scan, sink);

  (void) p, (void) now;
  if (ap_scan_inflight(s) + n > peak)
    peak = ap_scan_inflight(s) + n;
  ((struct fake *) e)->sent += n;
  return (int) n;
}

static const struct ap_engine_ops count_ops = {
  .name = "count", .send = count_send, .close = fake_close
};

static uint64_t cpu_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (uint64_t) ts.tv_sec * 1000000000 + (uint64_t) ts.tv_nsec;
}

/* 100 silent targets, 10 at a time, 20 ms each: 10 waves.  While the
 * bound is full the scan waits for a verdict or a deadline, idle, instead
 * of spinning on its timer. */
static void test_inflight_bound(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 20, .retries = 0,
                             .backoff = 1, .rate = 0, .max_inflight = 10 };
  uint64_t wall, cpu;
  struct ap_tset set;
  struct ap_order order;
  struct ap_scan s;
  struct ap_addr lo, hi;
  struct fake f;
  uv_loop_t loop;

  memset(&f, 0, sizeof(f));
  memset(&res, 0, sizeof(res));
  f.base.ops = &count_ops;
  peak = 0;
  ap_tset_init(&set);
  ap_addr_parse("192.0.2.1", &lo);
  ap_addr_parse("192.0.2.100", &hi);
  ap_tset_add(&set, &lo, &hi);
  ap_tset_finish(&set, NULL, 1000);
  ap_order_init(&order, set.count, 1, 1, 1, 1);
  uv_loop_init(&loop);
  EXPECT(ap_scan_init(&s, &loop, &set, &order, &f.base, &cfg, verdict_cb) ==
         0);
  EXPECT(ap_scan_start(&s) == 0);
  wall = uv_hrtime();
  cpu = cpu_ns();
  uv_run(&loop, UV_RUN_DEFAULT);
  wall = uv_hrtime() - wall;
  cpu = cpu_ns() - cpu;
  printf("# %.1f ms CPU in %.1f ms\n", cpu / 1e6, wall / 1e6);
  EXPECT(wall >= 200000000 && cpu < wall / 4);
  EXPECT(peak == 10);
  EXPECT(f.sent == 100 && res.unreachable == 100);
  ap_scan_release(&s);
  EXPECT(uv_loop_close(&loop) == 0);
  ap_tset_release(&set);
}

/* The pump hint: an engine with a pump hears, after every turn that sent,
 * whether the next turn sends at once (1) or the loop waits (0). */
static unsigned pumped[2];
static int last_again = -1;

static void fake_pump(struct ap_engine *e, int again) {
  (void) e;
  pumped[again != 0]++;
  last_again = again;
}

static const struct ap_engine_ops pump_ops = {
  .name = "pump", .send = count_send, .close = fake_close, .pump = fake_pump
};

static void test_pump(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 20, .retries = 0,
                             .backoff = 1, .rate = 0 };
  struct ap_tset set;
  struct ap_order order;
  struct ap_scan s;
  struct ap_addr lo, hi;
  struct fake f;
  uv_loop_t loop;

  memset(&f, 0, sizeof(f));
  memset(&res, 0, sizeof(res));
  f.base.ops = &pump_ops;
  ap_tset_init(&set);
  ap_addr_parse("198.18.0.1", &lo);
  ap_addr_parse("198.18.3.232", &hi); /* 1000 targets: 4 batches of 256 */
  ap_tset_add(&set, &lo, &hi);
  ap_tset_finish(&set, NULL, 1000);
  ap_order_init(&order, set.count, 1, 1, 1, 1);
  uv_loop_init(&loop);
  EXPECT(ap_scan_init(&s, &loop, &set, &order, &f.base, &cfg, verdict_cb) ==
         0);
  EXPECT(ap_scan_start(&s) == 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  /* Three turns with more to send at once, then the wait for the
   * timeouts, told each time the loop is about to block. */
  EXPECT(f.sent == 1000 && res.unreachable == 1000);
  EXPECT(pumped[1] == 3);
  EXPECT(pumped[0] >= 1 && last_again == 0);
  ap_scan_release(&s);
  EXPECT(uv_loop_close(&loop) == 0);
  ap_tset_release(&set);
}

static void test_bad_config(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 0, .retries = 0,
                             .backoff = 1, .rate = 0 };
  struct ap_tset set;
  struct ap_order order;
  struct ap_scan s;
  struct fake f;

  memset(&f, 0, sizeof(f));
  ap_tset_init(&set);
  ap_order_init(&order, 0, 1, 1, 1, 1);
  EXPECT(ap_scan_init(&s, NULL, &set, &order, &f.base, &cfg, verdict_cb) ==
         UV_EINVAL);
  cfg.timeout_ms = 1;
  cfg.backoff = 0.5;
  EXPECT(ap_scan_init(&s, NULL, &set, &order, &f.base, &cfg, verdict_cb) ==
         UV_EINVAL);
}

/* ---- -c and -C: an engine that answers later, as a real one does ---- */

/* 192.0.2.1 answers every probe, .2 every other one, .3 gets a local
 * error on its first probe and answers the others, .4 is silent, .5
 * answers too late.  Replies come on the next loop turn (a timer). */
struct cfake {
  struct ap_engine base;
  uv_timer_t timer;
  struct { struct ap_addr addr; uint64_t sent, rtt; } due[64];
  size_t ndue;
  unsigned probes[6];     /* per target, by last octet */
  uint64_t first[6], last[6]; /* send times of its first and last probes */
  uint64_t late_ns;       /* the round-trip time of .5's replies */
};

struct cres {
  unsigned sent, received, nrtts;
  int alive;
  const char *reason;
  uint64_t rtts[8];
};

static struct cres cres[6];

static void cfake_timer_cb(uv_timer_t *t) {
  struct cfake *f = t->data;
  size_t i, n = f->ndue;

  f->ndue = 0;
  for (i = 0; i < n; i++)
    (void) ap_sink_reply(f->base.sink, &f->due[i].addr, f->due[i].sent,
                         f->due[i].rtt, NULL);
}

static int cfake_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                      uint64_t now) {
  struct cfake *f = (struct cfake *) e;
  unsigned x, k;
  size_t i;

  for (i = 0; i < n; i++) {
    x = ap_addr_v4(&p[i].addr) & 0xff;
    k = f->probes[x]++;
    if (k == 0)
      f->first[x] = now;
    f->last[x] = now;
    if (x == 3 && k == 0) {
      (void) ap_sink_fail(e->sink, &p[i].addr, now, "network is down",
                          NULL);
      continue;
    }
    if (x == 4 || (x == 2 && k % 2 == 1) || f->ndue == 64)
      continue;
    f->due[f->ndue].addr = p[i].addr;
    f->due[f->ndue].sent = now;
    f->due[f->ndue].rtt = x == 5 ? f->late_ns : 1000 * (k + 1);
    f->ndue++;
  }
  if (f->ndue > 0)
    uv_timer_start(&f->timer, cfake_timer_cb, 1, 0);
  return (int) n;
}

static void cfake_close(struct ap_engine *e) {
  uv_close((uv_handle_t *) &((struct cfake *) e)->timer, NULL);
}

static const struct ap_engine_ops cfake_ops = {
  .name = "cfake", .send = cfake_send, .close = cfake_close
};

static void count_cb(struct ap_scan *s, const struct ap_result *r) {
  struct cres *c = &cres[ap_addr_v4(&r->addr) & 0xff];
  unsigned i;

  (void) s;
  c->sent = r->stats.sent;
  c->received = r->stats.received;
  c->alive = r->verdict == AP_ALIVE;
  c->reason = r->reason;
  c->nrtts = r->nrtts;
  for (i = 0; i < r->nrtts && i < 8; i++)
    c->rtts[i] = r->rtts[i];
}

/* Scans 192.0.2.1-5 with the count engine; returns elapsed ms. */
static uint64_t run_count(struct cfake *f, const struct ap_scan_cfg *cfg) {
  struct ap_tset set;
  struct ap_order order;
  struct ap_scan s;
  struct ap_addr lo, hi;
  uv_loop_t loop;
  uint64_t t0;

  memset(cres, 0, sizeof(cres));
  f->base.ops = &cfake_ops;
  ap_tset_init(&set);
  ap_addr_parse("192.0.2.1", &lo);
  ap_addr_parse("192.0.2.5", &hi);
  ap_tset_add(&set, &lo, &hi);
  ap_tset_finish(&set, NULL, 1000);
  ap_order_init(&order, set.count, 0, 1, 1, 1);
  uv_loop_init(&loop);
  uv_timer_init(&loop, &f->timer);
  f->timer.data = f;
  t0 = uv_hrtime();
  EXPECT(ap_scan_init(&s, &loop, &set, &order, &f->base, cfg, count_cb) ==
         0);
  EXPECT(ap_scan_start(&s) == 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(s.status == 0);
  ap_scan_release(&s);
  EXPECT(uv_loop_close(&loop) == 0);
  ap_tset_release(&set);
  return (uv_hrtime() - t0) / 1000000;
}

static void test_count(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 20, .backoff = 1, .rate = 0,
                             .count = 4, .period_ms = 60, .keep_rtts = 1 };
  struct cfake f;
  unsigned x;

  memset(&f, 0, sizeof(f));
  f.late_ns = 21 * 1000000ULL; /* over -t: lost, as fping counts it */
  /* The last probes of the silent ones go out 3 periods after the first
   * and wait -t. */
  EXPECT(run_count(&f, &cfg) >= 3 * 60 + 20);
  for (x = 1; x <= 5; x++) {
    EXPECT(f.probes[x] == 4 && cres[x].sent == 4 && cres[x].nrtts == 4);
    /* -p apart, not -t. */
    EXPECT(f.last[x] - f.first[x] >= 3 * 60 * 1000000ULL);
  }
  EXPECT(cres[1].alive && cres[1].received == 4 && cres[1].reason == NULL);
  EXPECT(cres[1].rtts[0] == 1000 && cres[1].rtts[3] == 4000);
  EXPECT(cres[2].alive && cres[2].received == 2);
  EXPECT(cres[2].rtts[0] == 1000 && cres[2].rtts[1] == AP_RTT_LOST &&
         cres[2].rtts[2] == 3000 && cres[2].rtts[3] == AP_RTT_LOST);
  /* An error costs its probe only; it stays as the reason of the loss. */
  EXPECT(cres[3].alive && cres[3].received == 3);
  EXPECT(cres[3].rtts[0] == AP_RTT_LOST && cres[3].rtts[1] == 2000);
  EXPECT(cres[3].reason != NULL &&
         strcmp(cres[3].reason, "network is down") == 0);
  EXPECT(!cres[4].alive && cres[4].received == 0 && cres[4].reason == NULL);
  EXPECT(cres[4].rtts[0] == AP_RTT_LOST && cres[4].rtts[3] == AP_RTT_LOST);
  EXPECT(!cres[5].alive && cres[5].received == 0);
  /* Without -C, no times are kept; a reply just in time counts. */
  cfg.keep_rtts = 0;
  cfg.period_ms = 0; /* -t apart */
  memset(&f, 0, sizeof(f));
  f.late_ns = 19 * 1000000ULL;
  EXPECT(run_count(&f, &cfg) < 3 * 60);
  EXPECT(cres[5].alive && cres[5].received == 4 && cres[5].nrtts == 0);
  EXPECT(f.last[4] - f.first[4] >= 3 * 20 * 1000000ULL);
  /* A period under the timeout is refused. */
  cfg.period_ms = 10;
  {
    struct ap_tset set;
    struct ap_order order;
    struct ap_scan s;

    ap_tset_init(&set);
    ap_order_init(&order, 0, 1, 1, 1, 1);
    EXPECT(ap_scan_init(&s, NULL, &set, &order, &f.base, &cfg, count_cb) ==
           UV_EINVAL);
  }
}

int main(void) {
  RUN(test_all_answer);
  RUN(test_more);
  RUN(test_silent_retried);
  RUN(test_engine_stamp);
  RUN(test_drain_before_expiry);
  RUN(test_rate_limit);
  RUN(test_busy_engine);
  RUN(test_refusing_engine);
  RUN(test_inflight_bound);
  RUN(test_pump);
  RUN(test_bad_config);
  RUN(test_count);
  return tap_done();
}
