/* test-rdns.c - reverse names for verdicts: each verdict out once, held no
 * longer than the wait, names given kept with -n, the engine in front.
 *
 * The lookups that really run ask only for loopback addresses, and only
 * inside a network namespace of their own (as root; otherwise those tests
 * are skipped, saying why), so that a resolver asked about them cannot
 * send anything anywhere. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "rdns.h"
#include "tap.h"

#define N 40

static struct ap_names given;
static unsigned seen[N];
static size_t nout, nnamed, bad_name;
static const char *first_name[N];
static int isolated; /* in a network namespace of our own */

static void emit_cb(struct ap_rdns *d, const struct ap_result *r,
                    const char *name) {
  (void) d;
  nout++;
  if (r->idx < N) {
    seen[r->idx]++;
    if (name != NULL && seen[r->idx] == 1)
      first_name[r->idx] = strdup(name);
  }
  if (name != NULL) {
    nnamed++;
    bad_name += !ap_rdns_name_ok(name);
  }
}

static void reset(void) {
  size_t i;

  for (i = 0; i < N; i++) {
    free((void *) first_name[i]);
    first_name[i] = NULL;
  }
  memset(seen, 0, sizeof(seen));
  nout = nnamed = bad_name = 0;
}

static void result(struct ap_rdns *d, uint64_t idx, const char *addr) {
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  r.idx = idx;
  ap_addr_parse(addr, &r.addr);
  r.verdict = AP_ALIVE;
  r.ok = 1;
  ap_rdns_result(d, &r);
}

/* Runs the loop out, also past lookups the end abandoned (loopback ones
 * answer soon), and frees everything. */
static void finish(struct ap_rdns *d, uv_loop_t *loop) {
  uv_run(loop, UV_RUN_DEFAULT);
  while (d->running > 0)
    uv_run(loop, UV_RUN_ONCE);
  ap_rdns_release(d);
  EXPECT(uv_loop_close(loop) == 0);
}

static int once_each(size_t n) {
  size_t i;

  for (i = 0; i < n; i++)
    if (seen[i] != 1)
      return 0;
  return nout == n;
}

/* -n and every target given by name: no lookup, each out at once by its
 * name, and the end comes with the last. */
static void test_names_given(void) {
  struct ap_rdns_cfg cfg = { .mode = AP_RDNS_ADDRS, .given = &given,
                             .expect = 2, .wait_ms = 60000, .inflight = 4 };
  struct ap_rdns d;
  struct ap_addr a;
  uv_loop_t loop;

  reset();
  EXPECT(uv_loop_init(&loop) == 0);
  memset(&d, 0, sizeof(d));
  EXPECT(ap_rdns_init(&d, &loop, &cfg, emit_cb) == 0);
  ap_addr_parse("127.0.0.1", &a);
  ap_rdns_probed(&d, 0, &a);
  EXPECT(ap_imap_count(&d.recs) == 0 && d.running == 0);
  result(&d, 0, "127.0.0.1");
  EXPECT(nout == 1 && first_name[0] != NULL &&
         strcmp(first_name[0], "gw") == 0);
  result(&d, 1, "127.0.0.2");
  EXPECT(once_each(2) && first_name[1] != NULL &&
         strcmp(first_name[1], "gw2") == 0);
  EXPECT(d.ended && !ap_rdns_abandoned(&d));
  finish(&d, &loop);
}

/* -d over loopback addresses, a few lookups at once: every verdict out
 * exactly once, with a name fit to show or none. */
static void test_lookups(void) {
  struct ap_rdns_cfg cfg = { .mode = AP_RDNS_ALL, .given = &given,
                             .expect = N, .wait_ms = 10000, .inflight = 3 };
  struct ap_rdns d;
  struct ap_addr a;
  uv_loop_t loop;
  char buf[32];
  uint64_t i;

  reset();
  EXPECT(uv_loop_init(&loop) == 0);
  memset(&d, 0, sizeof(d));
  EXPECT(ap_rdns_init(&d, &loop, &cfg, emit_cb) == 0);
  for (i = 0; i < N; i++) {
    snprintf(buf, sizeof(buf), "127.0.0.%u", (unsigned) i + 1);
    ap_addr_parse(buf, &a);
    ap_rdns_probed(&d, i, &a);
  }
  EXPECT(d.running <= 3 && d.queue.n == N - d.running);
  for (i = 0; i < N; i++) {
    snprintf(buf, sizeof(buf), "127.0.0.%u", (unsigned) i + 1);
    result(&d, i, buf);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(once_each(N) && bad_name == 0 && d.nheld == 0 && d.ended);
  /* 127.0.0.1 has a name: the hosts file's, or else the one given. */
  EXPECT(first_name[0] != NULL);
  EXPECT(ap_imap_count(&d.recs) == 0);
  finish(&d, &loop);
}

/* Held verdicts whose time is up go out by the name given or the address
 * before any lookup answers (the timer runs before the pool's answers are
 * read), and the answers that come later find nothing to do. */
static void test_wait_over(void) {
  struct ap_rdns_cfg cfg = { .mode = AP_RDNS_ALL, .given = &given,
                             .expect = 3, .wait_ms = 0, .inflight = 2 };
  struct ap_rdns d;
  struct ap_addr a;
  uv_loop_t loop;

  reset();
  EXPECT(uv_loop_init(&loop) == 0);
  memset(&d, 0, sizeof(d));
  EXPECT(ap_rdns_init(&d, &loop, &cfg, emit_cb) == 0);
  ap_addr_parse("127.0.0.1", &a);
  ap_rdns_probed(&d, 0, &a);
  ap_addr_parse("127.0.0.9", &a);
  ap_rdns_probed(&d, 1, &a);
  result(&d, 0, "127.0.0.1");
  result(&d, 1, "127.0.0.9");
  EXPECT(nout == 0 && d.nheld == 2);
  /* Not probed (-m none): its lookup starts with its verdict. */
  result(&d, 2, "127.0.0.2");
  EXPECT(nout == 0 && d.nheld == 3);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(once_each(3) && d.named == 0);
  EXPECT(first_name[0] != NULL && strcmp(first_name[0], "gw") == 0);
  EXPECT(first_name[1] == NULL && first_name[2] != NULL);
  finish(&d, &loop);
}

/* A stop: every held verdict out at once, nothing after. */
static void test_end(void) {
  struct ap_rdns_cfg cfg = { .mode = AP_RDNS_ALL, .given = &given,
                             .expect = 10, .wait_ms = 60000, .inflight = 2 };
  struct ap_rdns d;
  uv_loop_t loop;

  reset();
  EXPECT(uv_loop_init(&loop) == 0);
  memset(&d, 0, sizeof(d));
  EXPECT(ap_rdns_init(&d, &loop, &cfg, emit_cb) == 0);
  result(&d, 0, "127.0.0.1");
  result(&d, 1, "127.0.0.3");
  EXPECT(nout == 0);
  ap_rdns_end(&d);
  EXPECT(once_each(2) && d.ended);
  ap_rdns_end(&d);
  result(&d, 2, "127.0.0.4"); /* after the end: straight through */
  EXPECT(nout == 3 && seen[2] == 1);
  finish(&d, &loop);
}

/* The engine in front passes probes on and starts lookups for first
 * probes only, of those the inner engine took. */
static size_t inner_sent;

static int inner_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                      uint64_t now_ns) {
  (void) e;
  (void) p;
  (void) now_ns;
  inner_sent += n;
  return n > 2 ? 2 : (int) n;
}

static void inner_close(struct ap_engine *e) {
  (void) e;
}

static void test_gate(void) {
  static const struct ap_engine_ops ops = { .name = "inner",
                                            .send = inner_send,
                                            .close = inner_close };
  struct ap_rdns_cfg cfg = { .mode = AP_RDNS_ADDRS, .given = &given,
                             .expect = 99, .wait_ms = 0, .inflight = 1 };
  struct ap_engine inner = { .ops = &ops };
  struct ap_sink sink = { 0 };
  struct ap_rdns_gate g;
  struct ap_probe p[3];
  struct ap_rdns d;
  uv_loop_t loop;

  EXPECT(uv_loop_init(&loop) == 0);
  memset(&d, 0, sizeof(d));
  EXPECT(ap_rdns_init(&d, &loop, &cfg, emit_cb) == 0);
  ap_rdns_gate_init(&g, &inner, &d);
  g.base.sink = &sink;
  ap_rdns_gate_attach(&g);
  EXPECT(inner.sink == &sink);
  memset(p, 0, sizeof(p));
  /* Given by name (-n: no lookup), a retry, and one the engine refuses. */
  p[0].idx = 0;
  ap_addr_parse("127.0.0.1", &p[0].addr);
  p[1].idx = 5;
  p[1].attempt = 1;
  ap_addr_parse("127.0.0.5", &p[1].addr);
  p[2].idx = 6;
  ap_addr_parse("127.0.0.6", &p[2].addr);
  EXPECT(g.base.ops->send(&g.base, p, 3, 0) == 2 && inner_sent == 3);
  EXPECT(ap_imap_count(&d.recs) == 0);
  ap_rdns_end(&d);
  finish(&d, &loop);
}

static void test_name_ok(void) {
  EXPECT(ap_rdns_name_ok("gw.example.com"));
  EXPECT(ap_rdns_name_ok("host-1_a"));
  EXPECT(!ap_rdns_name_ok(""));
  EXPECT(!ap_rdns_name_ok("a b"));
  EXPECT(!ap_rdns_name_ok("evil\033[2J"));
  EXPECT(!ap_rdns_name_ok("x\"y"));
  EXPECT(!ap_rdns_name_ok("caf\xc3\xa9"));
}

int main(void) {
  struct ap_addr a;

  /* The lookups' own network: loopback only, and down. */
  isolated = unshare(CLONE_NEWNET) == 0;
  ap_addr_parse("127.0.0.1", &a);
  ap_names_add(&given, &a, "gw");
  ap_addr_parse("127.0.0.2", &a);
  ap_names_add(&given, &a, "gw2");
  ap_names_sort(&given);
  RUN(test_names_given);
  if (isolated) {
    RUN(test_lookups);
    RUN(test_wait_over);
    RUN(test_end);
  } else {
    printf("ok %d - lookups # SKIP no network namespace of our own for "
           "them (needs root)\n", ++tap_count);
  }
  RUN(test_gate);
  RUN(test_name_ok);
  reset();
  ap_names_release(&given);
  return tap_done();
}
