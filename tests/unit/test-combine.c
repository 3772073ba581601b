/* test-combine.c - combining ping verdicts and service checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "scan.h"
#include "tap.h"
#include "combine.h"

static struct {
  uint64_t n;
  struct ap_result last;
  struct ap_check checks[4];
  char banner[4][32];
  struct ap_addr from;
  int have_from;
  uint64_t rtts[4]; /* -C: the ping's round-trip times, copied */
  uint64_t ok;
  uint8_t *seen;
  uint64_t wrong; /* with seen: results not the target's own */
} got;

/* In test_many: check 1's banner names the target. */
static int own_checks(const struct ap_result *r) {
  char text[32];
  int n = snprintf(text, sizeof(text), "%llu", (unsigned long long) r->idx);

  return r->nchecks == 2 && r->checks[0].port == 1 &&
         r->checks[1].port == 2 && r->checks[1].banner != NULL &&
         r->checks[1].banner_len == (size_t) n &&
         memcmp(r->checks[1].banner, text, (size_t) n) == 0;
}

static void emit(struct ap_combine *v, const struct ap_result *r) {
  size_t i;

  (void) v;
  got.n++;
  got.ok += r->ok != 0;
  got.last = *r;
  got.have_from = r->from != NULL;
  if (r->from != NULL)
    got.from = *r->from;
  for (i = 0; i < r->nrtts && i < 4; i++)
    got.rtts[i] = r->rtts[i];
  for (i = 0; i < r->nchecks && i < 4; i++) {
    got.checks[i] = r->checks[i];
    memset(got.banner[i], 0, sizeof(got.banner[i]));
    if (r->checks[i].banner != NULL)
      memcpy(got.banner[i], r->checks[i].banner,
             r->checks[i].banner_len < 31 ? r->checks[i].banner_len : 31);
  }
  if (got.seen != NULL) {
    got.seen[r->idx]++;
    got.wrong += !own_checks(r);
  }
}

static void ping(struct ap_combine *v, uint64_t idx, int alive) {
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  r.idx = idx;
  ap_addr_from_v4(&r.addr, 0xc6120100u + (uint32_t) idx);
  r.verdict = alive ? AP_ALIVE : AP_UNREACHABLE;
  r.ok = alive;
  r.rtt_ns = alive ? 1000 : 0;
  EXPECT(ap_combine_ping(v, &r) == 0);
}

/* Check i of idx on port; a banner when text is not NULL. */
static void check(struct ap_combine *v, uint64_t idx, size_t i, uint16_t port,
                  int pass, const char *text) {
  struct ap_check c;
  struct ap_addr a;

  memset(&c, 0, sizeof(c));
  c.port = port;
  c.state = pass ? AP_CHECK_OPEN : AP_CHECK_CLOSED;
  c.pass = pass;
  if (text != NULL) {
    c.banner = (uint8_t *) strdup(text);
    c.banner_len = strlen(text);
  }
  ap_addr_from_v4(&a, 0xc6120100u + (uint32_t) idx);
  EXPECT(ap_combine_check(v, idx, &a, i, &c) == 0);
}

static void test_ping_then_checks(void) {
  struct ap_combine v;

  memset(&got, 0, sizeof(got));
  ap_combine_init(&v, 2, 1, 0, emit);
  ping(&v, 5, 1);
  EXPECT(got.n == 0 && v.ping_ahead == 1 && ap_combine_pending(&v) == 1);
  check(&v, 5, 1, 23, 1, "login:");
  EXPECT(got.n == 0);
  /* The banners waiting count with their NULs, until they are freed. */
  EXPECT(v.held == 7);
  check(&v, 5, 0, 22, 1, "SSH-2.0-x");
  EXPECT(got.n == 1 && ap_combine_pending(&v) == 0 && v.ping_ahead == 0);
  EXPECT(v.held == 0);
  EXPECT(got.last.idx == 5 && got.last.verdict == AP_ALIVE);
  EXPECT(got.last.rtt_ns == 1000 && got.last.ok == 1);
  EXPECT(ap_addr_v4(&got.last.addr) == 0xc6120105u);
  EXPECT(got.last.nchecks == 2);
  EXPECT(got.checks[0].port == 22 && strcmp(got.banner[0], "SSH-2.0-x") == 0);
  EXPECT(got.checks[1].port == 23 && strcmp(got.banner[1], "login:") == 0);
  ap_combine_release(&v);
}

/* -C: the ping's round-trip times outlive the scan's record (the combiner
 * keeps its own copy until the checks are in), and one left behind by a
 * stopped run is freed with the combiner (the leak checkers see it). */
static void test_ping_rtts(void) {
  uint64_t *rtts = malloc(3 * sizeof(*rtts));
  struct ap_combine v;
  struct ap_result r;

  memset(&got, 0, sizeof(got));
  ap_combine_init(&v, 1, 1, 0, emit);
  memset(&r, 0, sizeof(r));
  r.idx = 7;
  r.verdict = AP_ALIVE;
  r.ok = 1;
  rtts[0] = 41000;
  rtts[1] = AP_RTT_LOST;
  rtts[2] = 38000;
  r.rtts = rtts;
  r.nrtts = 3;
  EXPECT(ap_combine_ping(&v, &r) == 0);
  r.idx = 8;
  EXPECT(ap_combine_ping(&v, &r) == 0); /* never gets its check */
  memset(rtts, 0, 3 * sizeof(*rtts));
  free(rtts);
  check(&v, 7, 0, 22, 1, NULL);
  EXPECT(got.n == 1 && got.last.nrtts == 3);
  EXPECT(got.rtts[0] == 41000 && got.rtts[1] == AP_RTT_LOST &&
         got.rtts[2] == 38000);
  ap_combine_release(&v);
}

static void test_checks_then_ping(void) {
  struct ap_combine v;
  struct ap_result r;
  struct ap_addr from;

  memset(&got, 0, sizeof(got));
  ap_combine_init(&v, 1, 1, 0, emit);
  check(&v, 9, 0, 22, 1, NULL);
  EXPECT(got.n == 0 && v.checks_ahead == 1);
  memset(&r, 0, sizeof(r));
  r.idx = 9;
  ap_addr_from_v4(&r.addr, 0xc6120109u);
  ap_addr_from_v4(&from, 0xc6120002u);
  r.verdict = AP_UNREACHABLE;
  r.reason = "host unreachable";
  r.from = &from;
  EXPECT(ap_combine_ping(&v, &r) == 0);
  memset(&from, 0, sizeof(from)); /* the combiner kept its own copy */
  EXPECT(got.n == 1 && v.checks_ahead == 0 && ap_combine_pending(&v) == 0);
  EXPECT(got.last.verdict == AP_UNREACHABLE && got.last.ok == 0);
  EXPECT(strcmp(got.last.reason, "host unreachable") == 0);
  EXPECT(got.have_from && ap_addr_v4(&got.from) == 0xc6120002u);
  ap_combine_release(&v);
}

/* All must pass; with any, one is enough; the ping is one of them. */
static void test_ok_rules(void) {
  struct ap_combine v;

  memset(&got, 0, sizeof(got));
  ap_combine_init(&v, 2, 1, 0, emit);
  ping(&v, 1, 1);
  check(&v, 1, 0, 22, 1, NULL);
  check(&v, 1, 1, 80, 0, NULL);
  EXPECT(got.n == 1 && got.last.ok == 0);
  ping(&v, 2, 0);
  check(&v, 2, 0, 22, 1, NULL);
  check(&v, 2, 1, 80, 1, NULL);
  EXPECT(got.n == 2 && got.last.ok == 0);
  ap_combine_release(&v);

  ap_combine_init(&v, 2, 1, 1, emit);
  ping(&v, 3, 0);
  check(&v, 3, 0, 22, 0, NULL);
  check(&v, 3, 1, 80, 1, NULL);
  EXPECT(got.n == 3 && got.last.ok == 1);
  ping(&v, 4, 1);
  check(&v, 4, 0, 22, 0, NULL);
  check(&v, 4, 1, 80, 0, NULL);
  EXPECT(got.n == 4 && got.last.ok == 1);
  ping(&v, 5, 0);
  check(&v, 5, 0, 22, 0, NULL);
  check(&v, 5, 1, 80, 0, NULL);
  EXPECT(got.n == 5 && got.last.ok == 0);
  ap_combine_release(&v);
}

/* -m none: no ping; the verdict is AP_NOT_PINGED and only checks count. */
static void test_no_ping(void) {
  struct ap_combine v;
  struct ap_result r;

  memset(&got, 0, sizeof(got));
  ap_combine_init(&v, 1, 0, 0, emit);
  check(&v, 7, 0, 22, 1, "SSH-2.0-x");
  EXPECT(got.n == 1 && got.last.verdict == AP_NOT_PINGED);
  EXPECT(got.last.ok == 1 && ap_combine_pending(&v) == 0 &&
         v.checks_ahead == 0);
  check(&v, 8, 0, 22, 0, NULL);
  EXPECT(got.n == 2 && got.last.ok == 0);
  memset(&r, 0, sizeof(r));
  EXPECT(ap_combine_ping(&v, &r) == UV_EINVAL);
  ap_combine_release(&v);
}

static void test_bad_reports(void) {
  struct ap_combine v;
  struct ap_check c;
  struct ap_addr a;

  memset(&got, 0, sizeof(got));
  memset(&c, 0, sizeof(c));
  ap_addr_from_v4(&a, 1);
  ap_combine_init(&v, 1, 1, 0, emit);
  c.port = 22;
  EXPECT(ap_combine_check(&v, 1, &a, 1, &c) == UV_EINVAL);
  EXPECT(ap_combine_pending(&v) == 0);
  c.banner = (uint8_t *) strdup("x");
  c.banner_len = 1;
  EXPECT(ap_combine_check(&v, 1, &a, 0, &c) == 0);
  EXPECT(v.held == 2);
  /* A second report of the same check is refused (and its banner freed,
   * never counted). */
  c.banner = (uint8_t *) strdup("y");
  EXPECT(ap_combine_check(&v, 1, &a, 0, &c) == UV_EINVAL);
  EXPECT(v.held == 2);
  c.banner = NULL;
  c.port = 0;
  EXPECT(ap_combine_check(&v, 2, &a, 0, &c) == UV_EINVAL);
  EXPECT(got.n == 0);
  /* Open records are freed with their banners. */
  ap_combine_release(&v);
  EXPECT(ap_combine_pending(&v) == 0);
}

/* Many targets, results in a scrambled order: each emitted exactly once,
 * with its own checks and banner, while the table grows, records move and
 * it empties without losing one. */
static void test_many(void) {
  enum { N = 20000 };
  struct ap_combine v;
  uint64_t i, j, k, t;
  uint64_t *perm = malloc(3 * N * sizeof(*perm));
  char text[32];
  int once = 1;

  memset(&got, 0, sizeof(got));
  got.seen = calloc(N, 1);
  ap_combine_init(&v, 2, 1, 0, emit);
  for (i = 0; i < 3 * N; i++)
    perm[i] = i;
  for (i = 3 * N - 1, k = 88172645463325252ULL; i > 0; i--) {
    k ^= k << 13, k ^= k >> 7, k ^= k << 17;
    j = k % (i + 1);
    t = perm[i], perm[i] = perm[j], perm[j] = t;
  }
  for (i = 0; i < 3 * N; i++) {
    t = perm[i] / 3;
    snprintf(text, sizeof(text), "%llu", (unsigned long long) t);
    if (perm[i] % 3 == 0)
      ping(&v, t, 1);
    else if (perm[i] % 3 == 1)
      check(&v, t, 0, 1, 1, NULL);
    else
      check(&v, t, 1, 2, 1, text);
  }
  for (i = 0; i < N; i++)
    once &= got.seen[i] == 1;
  EXPECT(once);
  EXPECT(got.n == N && got.ok == N && got.wrong == 0);
  EXPECT(ap_combine_emitted(&v) == N);
  /* Untracked: no bitmap to walk. */
  EXPECT(ap_combine_done(&v) == NULL);
  EXPECT(ap_combine_pending(&v) == 0 && v.ping_ahead == 0 &&
         v.checks_ahead == 0);
  ap_combine_release(&v);
  free(got.seen);
  got.seen = NULL;
  free(perm);
}

/* After a stopped run: every target of the shard whose result was not
 * emitted (none, or only some of its results in) is reported once as
 * unfinished, in the order, with its address; no other target is. */
static struct {
  uint64_t n;
  uint64_t last;
  int bad;
} unf;

/* The run's walk: each index the combiner has not emitted, with the
 * address the run would show for it. */
static void unfinished_cb(uint64_t idx, void *ctx) {
  const struct ap_tset *set = ctx;
  struct ap_addr a, want;

  ap_tset_at(set, idx, &a);
  ap_addr_from_v4(&want, 0xc6120100u + (uint32_t) idx);
  if (ap_addr_cmp(&a, &want) != 0 || (unf.n > 0 && idx <= unf.last) ||
      idx % 2 == 0 || idx == 1)
    unf.bad++;
  unf.n++;
  unf.last = idx;
}

static void test_unfinished(void) {
  const struct ap_bitmap *done;
  struct ap_combine v;
  struct ap_order order;
  struct ap_addr lo, hi;
  struct ap_tset set;

  memset(&got, 0, sizeof(got));
  memset(&unf, 0, sizeof(unf));
  ap_tset_init(&set);
  ap_addr_from_v4(&lo, 0xc6120100u);
  ap_addr_from_v4(&hi, 0xc6120100u + 19);
  ap_tset_add(&set, &lo, &hi);
  EXPECT(ap_tset_finish(&set, NULL, 100) == 0);
  ap_combine_init(&v, 1, 1, 0, emit);
  EXPECT(ap_combine_track(&v, set.count) == 0);
  /* Shard 2 of 2, sequential: indices 1, 3, ..., 19.  1 is complete, 3
   * has its ping only, 5 its check only. */
  ping(&v, 1, 1);
  check(&v, 1, 0, 22, 1, NULL);
  ping(&v, 3, 1);
  check(&v, 5, 0, 22, 1, "x");
  EXPECT(got.n == 1 && ap_combine_emitted(&v) == 1);
  /* Only the emitted target is done, not those with some results in. */
  done = ap_combine_done(&v);
  EXPECT(done != NULL && ap_bitmap_get(done, 1) && !ap_bitmap_get(done, 3) &&
         !ap_bitmap_get(done, 5));
  ap_order_init(&order, set.count, 0, 1, 2, 2);
  ap_order_each_missing(&order, ap_combine_done(&v),
                        order.left - ap_combine_emitted(&v), unfinished_cb,
                        &set);
  EXPECT(unf.n == 9 && unf.bad == 0 && unf.last == 19);
  ap_combine_release(&v);
  EXPECT(ap_combine_done(&v) == NULL);
  ap_tset_release(&set);
}

/* The gate: retries pass, new targets stop at the limit. */
struct fake {
  struct ap_engine base;
  size_t taken;
  int closed;
};

static int fake_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                     uint64_t now) {
  (void) p;
  (void) now;
  ((struct fake *) e)->taken += n;
  return (int) n;
}

static void fake_close(struct ap_engine *e) {
  ((struct fake *) e)->closed++;
}

static const struct ap_engine_ops fake_ops = {
  .name = "fake", .send = fake_send, .close = fake_close
};

static void test_gate(void) {
  struct ap_combine v;
  struct ap_cgate g;
  struct fake f;
  struct ap_scan s;
  struct ap_probe p[8];
  size_t i;

  memset(&f, 0, sizeof(f));
  memset(&s, 0, sizeof(s));
  memset(p, 0, sizeof(p));
  f.base.ops = &fake_ops;
  ap_combine_init(&v, 1, 1, 0, emit);
  ap_cgate_init(&g, &f.base, &v, 5, NULL);
  g.base.sink = &s.sink;
  ap_cgate_attach(&g, &s);
  EXPECT(f.base.sink == &s.sink);
  s.inflight = 2;
  ping(&v, 1, 1);
  ping(&v, 2, 1);
  EXPECT(v.ping_ahead == 2);
  /* 5 - 2 - 2 = 1 new target may go; a retry before it passes too. */
  p[0].attempt = 1;
  EXPECT(g.base.ops->send(&g.base, p, 8, 0) == 2);
  EXPECT(f.taken == 2);
  ping(&v, 3, 1);
  EXPECT(g.base.ops->send(&g.base, p + 1, 7, 0) == 0);
  for (i = 1; i <= 3; i++)
    check(&v, i, 0, 22, 1, NULL);
  EXPECT(v.ping_ahead == 0);
  EXPECT(g.base.ops->send(&g.base, p + 1, 7, 0) == 3);
  g.base.ops->close(&g.base);
  EXPECT(f.closed == 1);
  ap_combine_release(&v);
}

int main(void) {
  RUN(test_ping_then_checks);
  RUN(test_checks_then_ping);
  RUN(test_ping_rtts);
  RUN(test_ok_rules);
  RUN(test_no_ping);
  RUN(test_bad_reports);
  RUN(test_many);
  RUN(test_unfinished);
  RUN(test_gate);
  return tap_done();
}
