/* test-metrics.c - the exposition of a continuous run: every family once,
 * targets in address order, histograms cumulative and whole, labels
 * escaped, the same text however small the pieces it is read in, and a
 * scrape cut short when the targets change under it. */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "metrics.h"
#include "tap.h"

/* 192.0.2.1 never answers, .2 answers in 0.1 ms, .3 fails. */
static int fake_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                     uint64_t now) {
  size_t i;

  for (i = 0; i < n; i++) {
    unsigned last = ap_addr_v4(&p[i].addr) & 0xff;
    if (last == 2)
      ap_sink_reply(e->sink, &p[i].addr, now, 100000, NULL);
    else if (last == 3)
      ap_sink_fail(e->sink, &p[i].addr, now, "host unreachable", NULL);
  }
  return (int) n;
}

static void fake_close(struct ap_engine *e) {
  (void) e;
}

static const struct ap_engine_ops fake_ops = { .name = "fake",
                                               .send = fake_send,
                                               .close = fake_close };

static void no_event(struct ap_monitor *m, uint64_t idx,
                     const struct ap_mstat *st, const struct ap_mevent *ev) {
  (void) m, (void) idx, (void) st, (void) ev;
}

static void stop_cb(uv_timer_t *t) {
  ap_monitor_stop(t->data);
  uv_close((uv_handle_t *) t, NULL);
}

static struct ap_monitor mon;
static struct ap_tset set;
static struct ap_names names;

/* Runs the monitor over 192.0.2.1-3 for four periods of 20 ms. */
static void run_monitor(void) {
  struct ap_monitor_cfg cfg = { .period_ms = 20, .timeout_ms = 10,
                                .sequential = 1, .shard = 1, .nshards = 1 };
  static struct ap_engine engine = { .ops = &fake_ops };
  struct ap_addr lo, hi;
  uv_loop_t loop;
  uv_timer_t stop;

  ap_buckets_default(&cfg.buckets);
  ap_tset_init(&set);
  ap_addr_parse("192.0.2.1", &lo);
  ap_addr_parse("192.0.2.3", &hi);
  ap_tset_add(&set, &lo, &hi);
  ap_tset_finish(&set, NULL, 10);
  ap_addr_parse("192.0.2.2", &lo);
  ap_names_add(&names, &lo, "gw \"one\"\\b");
  ap_names_sort(&names);
  uv_loop_init(&loop);
  EXPECT(ap_monitor_init(&mon, &loop, &set, &engine, &cfg, no_event, NULL) ==
         0);
  EXPECT(ap_monitor_start(&mon) == 0);
  uv_timer_init(&loop, &stop);
  stop.data = &mon;
  uv_timer_start(&stop, stop_cb, 85, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(uv_loop_close(&loop) == 0);
}

static char *render(const struct ap_metrics *m, size_t piece) {
  struct ap_scrape *s = ap_scrape_open(m);
  char *text = calloc(1, 1 << 20), buf[4096];
  size_t len = 0;
  ssize_t n;

  while ((n = ap_scrape_read(s, buf, piece)) > 0) {
    memcpy(text + len, buf, (size_t) n);
    len += (size_t) n;
  }
  EXPECT(n == 0);
  ap_scrape_close(s);
  return text;
}

static int count(const char *text, const char *needle) {
  int n = 0;
  const char *p;

  for (p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
    n++;
  return n;
}

static void test_families(void) {
  struct ap_metrics m = { .mon = &mon, .names = &names, .version = "9.9",
                          .pinging = 1 };
  char *text = render(&m, 4096);

  EXPECT(strstr(text, "aping_build_info{version=\"9.9\"} 1\n") != NULL);
  EXPECT(strstr(text, "aping_targets 3\n") != NULL);
  EXPECT(strstr(text, "aping_period_seconds 0.02\n") != NULL);
  EXPECT(strstr(text, "aping_timeout_seconds 0.01\n") != NULL);
  EXPECT(count(text, "# TYPE ") == 10);
  EXPECT(count(text, "# TYPE aping_rtt_seconds histogram\n") == 1);
  EXPECT(count(text, "aping_probes_sent_total{") == 3);
  /* Address order; the name escaped in the target label. */
  EXPECT(strstr(text, "aping_probes_sent_total{target=\"192.0.2.1\","
                      "address=\"192.0.2.1\"}") <
         strstr(text, "aping_probes_sent_total{target=\"gw \\\"one\\\"\\\\b\","
                      "address=\"192.0.2.2\"}"));
  EXPECT(strstr(text, "aping_probe_errors_total{target=\"192.0.2.3\","
                      "address=\"192.0.2.3\",reason=\"host unreachable\"}") !=
         NULL);
  EXPECT(strstr(text, "aping_up{target=\"192.0.2.1\",address=\"192.0.2.1\"} "
                      "0\n") != NULL);
  EXPECT(count(text, "aping_rtt_seconds_bucket{") == 3 * 21);
  EXPECT(strstr(text, ",le=\"0.00005\"} 0\n") != NULL);
  EXPECT(strstr(text, ",le=\"0.0001\"} ") != NULL);
  EXPECT(strstr(text, ",le=\"26.2144\"} ") != NULL);
  EXPECT(count(text, "# TYPE aping_service") == 0);
  free(text);
}

/* The histogram of 192.0.2.2: cumulative, +Inf equal to _count, _sum the
 * replies' 0.1 ms each. */
static void test_histogram(void) {
  struct ap_metrics m = { .mon = &mon, .names = &names, .version = "9.9",
                          .pinging = 1 };
  const struct ap_mstat *st = ap_monitor_stat(&mon, 1);
  char *text = render(&m, 4096), want[256];
  unsigned long long prev = 0, v;
  const char *p = text;
  int buckets = 0;

  while ((p = strstr(p, "aping_rtt_seconds_bucket{target=\"gw")) != NULL) {
    p = strstr(p, "} ") + 2;
    v = strtoull(p, NULL, 10);
    EXPECT(v >= prev);
    prev = v;
    buckets++;
  }
  EXPECT(buckets == 21);
  EXPECT(prev == st->all.replies && prev >= 3);
  snprintf(want, sizeof(want), "aping_rtt_seconds_count{target=\"gw "
           "\\\"one\\\"\\\\b\",address=\"192.0.2.2\"} %llu\n", prev);
  EXPECT(strstr(text, want) != NULL);
  snprintf(want, sizeof(want), "aping_rtt_seconds_sum{target=\"gw "
           "\\\"one\\\"\\\\b\",address=\"192.0.2.2\"} 0.%04llu\n", prev);
  EXPECT(strstr(text, want) != NULL);
  free(text);
}

static void test_pieces(void) {
  struct ap_metrics m = { .mon = &mon, .names = &names, .version = "9.9",
                          .pinging = 1 };
  char *whole = render(&m, 4096), *bits = render(&m, 7);

  EXPECT(strcmp(whole, bits) == 0);
  free(whole);
  free(bits);
}

static void test_cut_short(void) {
  struct ap_metrics m = { .mon = &mon, .names = &names, .version = "9.9",
                          .pinging = 1 };
  struct ap_scrape *s = ap_scrape_open(&m);
  char buf[64];

  EXPECT(ap_scrape_read(s, buf, sizeof(buf)) == sizeof(buf));
  m.gen++; /* a reload */
  EXPECT(ap_scrape_read(s, buf, sizeof(buf)) == -1);
  ap_scrape_close(s);
}

int main(void) {
  run_monitor();
  RUN(test_families);
  RUN(test_histogram);
  RUN(test_pieces);
  RUN(test_cut_short);
  ap_monitor_release(&mon);
  ap_tset_release(&set);
  ap_names_release(&names);
  return tap_done();
}
