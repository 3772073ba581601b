/* test-unfinished.c - after a stopped scan, every target without a verdict
 * is reported once as unfinished, in order, and only the shard's own: the
 * scan's bitmap of verdicts and its count of missing ones, walked with
 * ap_order_each_missing() as the run does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "scan.h"
#include "even.h"
#include "tap.h"

static uint8_t seen[256];  /* per index: 1 verdict, 2 unfinished */
static uint64_t last_pos;  /* order check: positions must increase */
static int in_order;

static void verdict_cb(struct ap_scan *s, const struct ap_result *r) {
  (void) s;
  seen[r->idx] += r->verdict == AP_ALIVE ? 1 : 100;
}

/* What the run's walk needs to make a result of an unfinished index. */
struct walk {
  const struct ap_tset *set;
  void (*cb)(const struct ap_result *r);
};

/* As the run does: an AP_UNFINISHED result with the target's address. */
static void missing_cb(uint64_t idx, void *ctx) {
  const struct walk *w = ctx;
  struct ap_result r = { .idx = idx, .verdict = AP_UNFINISHED };

  ap_tset_at(w->set, idx, &r.addr);
  w->cb(&r);
}

/* Lists the targets of a stopped scan that have no verdict, with a fresh
 * copy of its order (shard shard of nshards, seed 7, random or not). */
static void each_unfinished(const struct ap_scan *s, int random,
                            uint64_t shard, uint64_t nshards,
                            void (*cb)(const struct ap_result *r)) {
  struct walk w = { .set = s->set, .cb = cb };
  struct ap_order again;

  ap_order_init(&again, s->set->count, random, 7, shard, nshards);
  ap_order_each_missing(&again, ap_scan_done(s), ap_scan_missing(s),
                        missing_cb, &w);
}

static void unfinished_cb(const struct ap_result *r) {
  struct ap_addr a;

  EXPECT(r->idx < 256);
  if (r->idx >= 256)
    return;
  /* 192.0.2.1 is index 0. */
  ap_addr_from_v4(&a, 0xc0000201u + (uint32_t) r->idx);
  if (r->verdict != AP_UNFINISHED || r->ok || ap_addr_cmp(&a, &r->addr) != 0)
    seen[r->idx] += 100;
  seen[r->idx] += 2;
}

static void stop_cb(uv_timer_t *t) {
  ap_scan_stop(t->data);
  uv_close((uv_handle_t *) t, NULL);
}

/* Scans 192.0.2.1-254 (shard i of k), stops it after 30 ms, and walks
 * the unfinished targets. */
static void scan_and_stop(uint64_t shard, uint64_t nshards) {
  struct ap_scan_cfg cfg = { .timeout_ms = 60000, .retries = 0,
                             .backoff = 1, .rate = 0 };
  struct ap_engine eng = { .ops = &even_ops, .sink = NULL };
  struct ap_order order, again;
  struct ap_addr lo, hi, a;
  struct ap_tset set;
  struct ap_scan s;
  uv_timer_t stop;
  uv_loop_t loop;
  uint64_t i, idx, verdicts = 0, unfinished = 0;

  memset(seen, 0, sizeof(seen));
  ap_tset_init(&set);
  ap_addr_parse("192.0.2.1", &lo);
  ap_addr_parse("192.0.2.254", &hi);
  ap_tset_add(&set, &lo, &hi);
  ap_tset_finish(&set, NULL, 1000);
  ap_order_init(&order, set.count, 1, 7, shard, nshards);
  uv_loop_init(&loop);
  EXPECT(ap_scan_init(&s, &loop, &set, &order, &eng, &cfg, verdict_cb) == 0);
  EXPECT(ap_scan_start(&s) == 0);
  uv_timer_init(&loop, &stop);
  stop.data = &s;
  uv_timer_start(&stop, stop_cb, 30, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(s.status == UV_ECANCELED);
  EXPECT(ap_scan_missing(&s) == s.total - s.ndone);
  each_unfinished(&s, 1, shard, nshards, unfinished_cb);

  /* Every index of the shard has exactly one of the two; odd octets are
   * the unfinished ones; other shards' indices have neither. */
  ap_order_init(&again, set.count, 1, 7, shard, nshards);
  while (ap_order_next(&again, &idx)) {
    ap_tset_at(&set, idx, &a);
    EXPECT(seen[idx] == ((ap_addr_v4(&a) & 1) ? 2 : 1));
    verdicts += seen[idx] == 1;
    unfinished += seen[idx] == 2;
    seen[idx] = 0;
  }
  for (i = 0; i < 256; i++)
    EXPECT(seen[i] == 0);
  EXPECT(verdicts == s.ndone);
  EXPECT(unfinished == s.total - s.ndone);
  EXPECT(unfinished > 0);
  ap_scan_release(&s);
  EXPECT(uv_loop_close(&loop) == 0);
  ap_tset_release(&set);
}

static void test_unfinished_once_each(void) {
  scan_and_stop(1, 1);
}

static void test_unfinished_only_own_shard(void) {
  scan_and_stop(2, 3);
}

/* The walk follows the order: with a sequential order, the unfinished
 * indices come in increasing order. */
static void order_cb(const struct ap_result *r) {
  if (r->idx < last_pos)
    in_order = 0;
  last_pos = r->idx;
}

static void test_unfinished_in_order(void) {
  struct ap_scan_cfg cfg = { .timeout_ms = 60000, .retries = 0,
                             .backoff = 1, .rate = 0 };
  struct ap_engine eng = { .ops = &even_ops, .sink = NULL };
  struct ap_order order;
  struct ap_addr lo, hi;
  struct ap_tset set;
  struct ap_scan s;
  uv_timer_t stop;
  uv_loop_t loop;

  ap_tset_init(&set);
  ap_addr_parse("192.0.2.1", &lo);
  ap_addr_parse("192.0.2.254", &hi);
  ap_tset_add(&set, &lo, &hi);
  ap_tset_finish(&set, NULL, 1000);
  ap_order_init(&order, set.count, 0, 0, 1, 1);
  uv_loop_init(&loop);
  EXPECT(ap_scan_init(&s, &loop, &set, &order, &eng, &cfg, verdict_cb) == 0);
  EXPECT(ap_scan_start(&s) == 0);
  uv_timer_init(&loop, &stop);
  stop.data = &s;
  uv_timer_start(&stop, stop_cb, 10, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  in_order = 1;
  last_pos = 0;
  each_unfinished(&s, 0, 1, 1, order_cb);
  EXPECT(in_order);
  EXPECT(last_pos > 0);
  ap_scan_release(&s);
  EXPECT(uv_loop_close(&loop) == 0);
  ap_tset_release(&set);
}

/* The walk in slices, as a stopped run lists its unfinished targets one
 * loop turn at a time: the same indices in the same order as the whole
 * walk, no slice looking at more positions than it is given, and the end
 * said once nothing is left (or the order ends first). */
static uint64_t got[64];
static size_t ngot;

static void collect_cb(uint64_t idx, void *ctx) {
  (void) ctx;
  if (ngot < 64)
    got[ngot] = idx;
  ngot++;
}

static void walk_sliced(uint64_t missing_given, uint64_t steps) {
  struct ap_bitmap done;
  struct ap_order whole, sliced;
  uint64_t want[64], i, missing = missing_given, before, turns = 0;
  size_t nwant;
  int more;

  EXPECT(ap_bitmap_init(&done, 100) == 0);
  for (i = 0; i < 100; i += 3)
    ap_bitmap_set(&done, i); /* 34 done, 66 missing */
  ap_order_init(&whole, 100, 1, 11, 1, 1);
  ngot = 0;
  ap_order_each_missing(&whole, &done, missing_given, collect_cb, NULL);
  nwant = ngot;
  memcpy(want, got, sizeof(want));
  ap_order_init(&sliced, 100, 1, 11, 1, 1);
  ngot = 0;
  do {
    before = sliced.pos;
    more = ap_order_missing_slice(&sliced, &done, &missing, steps,
                                  collect_cb, NULL);
    EXPECT((sliced.pos - before) / sliced.step <= steps);
  } while (more && ++turns < 1000);
  EXPECT(ngot == nwant && memcmp(got, want, sizeof(want)) == 0);
  EXPECT(missing == 0 && !more);
  ap_bitmap_release(&done);
}

static void test_unfinished_in_slices(void) {
  walk_sliced(66, 7);  /* every missing one, 7 positions a turn */
  walk_sliced(66, 1);
  walk_sliced(10, 4);  /* the first 10 only */
  walk_sliced(500, 9); /* more said missing than there are: the order ends */
}

int main(void) {
  RUN(test_unfinished_once_each);
  RUN(test_unfinished_only_own_shard);
  RUN(test_unfinished_in_order);
  RUN(test_unfinished_in_slices);
  return tap_done();
}
