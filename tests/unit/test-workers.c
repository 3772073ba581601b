/* test-workers.c - how many loops a sweep takes, and each one's share. */
#include <string.h>

#include "tap.h"
#include "workers.h"

static void test_count_default(void) {
  /* A loop per 1024 targets, up to the cores. */
  EXPECT(ap_workers_count(8, 0, 3, 3, 0, 0) == 1);
  EXPECT(ap_workers_count(8, 0, 2047, 2047, 0, 0) == 1);
  EXPECT(ap_workers_count(8, 0, 2048, 2048, 0, 0) == 2);
  EXPECT(ap_workers_count(2, 0, 32766, 32766, 0, 0) == 2);
  EXPECT(ap_workers_count(1, 0, 32766, 32766, 0, 0) == 1);
  /* A loop per 50000/s of --rate: the default 10000 needs one. */
  EXPECT(ap_workers_count(8, 0, 1 << 20, 1 << 20, 10000, 0) == 1);
  EXPECT(ap_workers_count(8, 0, 1 << 20, 1 << 20, 150000, 0) == 3);
  /* -j bounds it, and the bitmaps of a large set do. */
  EXPECT(ap_workers_count(8, 0, 1 << 20, 1 << 20, 0, 3) == 3);
  EXPECT(ap_workers_count(8, 0, 1 << 20, 1 << 24, 0, 0) == 3);
  EXPECT(ap_workers_count(8, 0, 1 << 20, 1 << 20, 0, 0) == 8);
}

static void test_count_given(void) {
  EXPECT(ap_workers_count(4, 1, 3, 3, 0, 0) == 3); /* no more than targets */
  EXPECT(ap_workers_count(4, 1, 100, 100, 10000, 0) == 4);
  EXPECT(ap_workers_count(4, 1, 100, 100, 0, 2) == 2);
  EXPECT(ap_workers_count(4, 1, 0, 0, 0, 0) == 1);
}

static void test_share(void) {
  struct ap_scan_cfg all, one;
  uint64_t sum = 0;
  unsigned i;

  memset(&all, 0, sizeof(all));
  all.rate = 9000;
  all.max_inflight = 10;
  all.timeout_ms = 500;
  for (i = 0; i < 3; i++) {
    ap_workers_share(&all, i, 3, &one);
    EXPECT(one.rate == 3000);
    EXPECT(one.timeout_ms == 500);
    EXPECT(one.max_inflight == (i == 0 ? 4 : 3));
    sum += one.max_inflight;
  }
  EXPECT(sum == 10);
  all.rate = 0;
  all.max_inflight = 0;
  ap_workers_share(&all, 1, 2, &one);
  EXPECT(one.rate == 0 && one.max_inflight == 0);
}

int main(void) {
  RUN(test_count_default);
  RUN(test_count_given);
  RUN(test_share);
  return tap_done();
}
