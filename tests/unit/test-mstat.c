/* test-mstat.c - a continuous run's per-target record: buckets, the
 * probe in flight, replies, timeouts, errors, loss and intervals. */
#include <string.h>

#include "mstat.h"
#include "tap.h"

static void test_buckets(void) {
  struct ap_buckets b;
  char err[128];

  ap_buckets_default(&b);
  EXPECT(b.n == 20 && b.le_ns[0] == 50000 && b.le_ns[19] == 26214400000ULL);
  EXPECT(ap_buckets_parse(&b, "0.0005,0.001,2.5", err, sizeof(err)) == 0);
  EXPECT(b.n == 3 && b.le_ns[0] == 500000 && b.le_ns[2] == 2500000000ULL);
  EXPECT(ap_buckets_parse(&b, "1e-3", err, sizeof(err)) == 0 &&
         b.n == 1 && b.le_ns[0] == 1000000);
  EXPECT(ap_buckets_parse(&b, "0.1,0.01", err, sizeof(err)) != 0);
  EXPECT(strstr(err, "'0.01' does not increase") != NULL);
  EXPECT(ap_buckets_parse(&b, "0.1,0.1", err, sizeof(err)) != 0);
  EXPECT(ap_buckets_parse(&b, "", err, sizeof(err)) != 0);
  EXPECT(ap_buckets_parse(&b, "0.1,", err, sizeof(err)) != 0);
  EXPECT(ap_buckets_parse(&b, "fast", err, sizeof(err)) != 0);
  EXPECT(strstr(err, "'fast'") != NULL);
  EXPECT(ap_buckets_parse(&b, "0.0000001", err, sizeof(err)) != 0);
  EXPECT(ap_buckets_parse(&b, "3601", err, sizeof(err)) != 0);
  EXPECT(ap_buckets_parse(&b, "-1", err, sizeof(err)) != 0);
  EXPECT(ap_buckets_parse(&b, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,"
                          "18,19,20,21,22,23,24,25,26,27,28,29,30,31,32",
                          err, sizeof(err)) == 0 && b.n == 32);
  EXPECT(ap_buckets_parse(&b, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,"
                          "18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33",
                          err, sizeof(err)) != 0);
}

static void test_flight(void) {
  struct ap_buckets b;
  struct ap_mstat m;

  ap_buckets_default(&b);
  ap_mstat_init(&m);
  EXPECT(m.up == -1 && !ap_mstat_awaits(&m, 0));
  EXPECT(ap_mstat_sent(&m, 1000) == 0);
  EXPECT(ap_mstat_awaits(&m, 1000) && ap_mstat_awaits(&m, 0));
  EXPECT(!ap_mstat_awaits(&m, 999));
  ap_mstat_reply(&m, &b, 50000); /* exactly on the first bound: in it */
  EXPECT(!ap_mstat_awaits(&m, 1000)); /* a duplicate finds nothing */
  EXPECT(m.up == 1 && m.bucket[0] == 1 && m.all.replies == 1);
  EXPECT(ap_mstat_sent(&m, 2000) == 1);
  ap_mstat_reply(&m, &b, 50001);
  EXPECT(m.bucket[1] == 1);
  EXPECT(ap_mstat_sent(&m, 3000) == 2);
  ap_mstat_reply(&m, &b, 30000000000ULL); /* past the last bound */
  EXPECT(m.bucket[20] == 1);
  EXPECT(m.all.rtt_min_ns == 50000 && m.all.rtt_max_ns == 30000000000ULL);
  ap_mstat_sent(&m, 4000);
  ap_mstat_timeout(&m);
  EXPECT(m.up == 0 && m.timeouts == 1 && m.pending_ns == 0);
  ap_mstat_sent(&m, 5000);
  /* In flight: neither lost nor received. */
  EXPECT(m.sent == 5 && m.all.done == 4 && m.all.replies == 3);
  EXPECT(ap_mspan_loss(&m.all) == 25.0);
}

static void test_errors(void) {
  static const char *const why[] = { "a", "b", "c", "d", "e" };
  struct ap_mstat m;
  int i;

  ap_mstat_init(&m);
  for (i = 0; i < 5; i++) {
    ap_mstat_sent(&m, (uint64_t) i + 1);
    ap_mstat_error(&m, why[i]);
  }
  ap_mstat_sent(&m, 10);
  ap_mstat_error(&m, why[0]);
  EXPECT(m.errors == 6 && m.nreason[0] == 2 && m.nreason[3] == 1);
  EXPECT(m.reason[3] == why[3]);
  EXPECT(m.nreason[0] + m.nreason[1] + m.nreason[2] + m.nreason[3] == 5);
  EXPECT(m.all.done == 6 && m.all.replies == 0 && m.up == 0);
  EXPECT(ap_mspan_loss(&m.all) == 100.0);
}

static void test_intervals(void) {
  struct ap_buckets b;
  struct ap_mstat m;

  ap_buckets_default(&b);
  ap_mstat_init(&m);
  ap_mstat_sent(&m, 1);
  ap_mstat_reply(&m, &b, 1000);
  ap_mstat_sent(&m, 2);
  ap_mstat_timeout(&m);
  EXPECT(m.ival.done == 2 && m.ival.replies == 1);
  ap_mstat_new_interval(&m);
  EXPECT(m.ival.done == 0 && m.ival.rtt_min_ns == UINT64_MAX);
  EXPECT(ap_mspan_loss(&m.ival) == 0);
  ap_mstat_sent(&m, 3);
  ap_mstat_reply(&m, &b, 3000);
  EXPECT(m.ival.done == 1 && m.ival.rtt_sum_ns == 3000);
  EXPECT(m.all.done == 3 && m.all.rtt_sum_ns == 4000);
}

int main(void) {
  RUN(test_buckets);
  RUN(test_flight);
  RUN(test_errors);
  RUN(test_intervals);
  return tap_done();
}
