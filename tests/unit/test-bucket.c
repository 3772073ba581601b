/* test-bucket.c - the token bucket behind --rate, on a clock the test
 * drives. */
#include <stdint.h>

#include "bucket.h"
#include "tap.h"

#define T0 1000000000000ULL /* an arbitrary start on the clock */

/* 10000 a second with 5 ms of burst: 50 tokens at most, one to start. */
static void test_rate_and_burst(void) {
  struct ap_bucket b;

  ap_bucket_init(&b, 10000, AP_BUCKET_BURST_NS, T0);
  EXPECT(ap_bucket_avail(&b) == 1);
  ap_bucket_take(&b, 1);
  EXPECT(ap_bucket_avail(&b) == 0);
  /* 1 ms later: 10 tokens. */
  ap_bucket_refill(&b, T0 + AP_NS_PER_MS);
  EXPECT(ap_bucket_avail(&b) == 10);
  ap_bucket_take(&b, 4);
  EXPECT(ap_bucket_avail(&b) == 6);
  /* A second later the bucket holds its burst, not 10000. */
  ap_bucket_refill(&b, T0 + AP_NS_PER_S);
  EXPECT(ap_bucket_avail(&b) == 50);
  ap_bucket_take(&b, 50);
  EXPECT(ap_bucket_avail(&b) == 0);
  /* Over a second of steady taking, the rate is kept. */
  {
    uint64_t now = T0 + AP_NS_PER_S, end = now + AP_NS_PER_S, taken = 0, n;

    while (now < end) {
      now += 37 * 1000; /* every 37 us */
      ap_bucket_refill(&b, now);
      n = ap_bucket_avail(&b);
      ap_bucket_take(&b, n);
      taken += n;
    }
    EXPECT(taken >= 9990 && taken <= 10000);
  }
}

/* Fractions of a token add up: 3 a second gives one every 333 ms. */
static void test_fractions(void) {
  struct ap_bucket b;

  ap_bucket_init(&b, 3, AP_BUCKET_BURST_NS, T0);
  ap_bucket_take(&b, 1);
  ap_bucket_refill(&b, T0 + 100 * AP_NS_PER_MS);
  ap_bucket_refill(&b, T0 + 200 * AP_NS_PER_MS);
  ap_bucket_refill(&b, T0 + 300 * AP_NS_PER_MS);
  EXPECT(ap_bucket_avail(&b) == 0);
  ap_bucket_refill(&b, T0 + 334 * AP_NS_PER_MS);
  EXPECT(ap_bucket_avail(&b) == 1);
  /* A slow rate's burst is still one token, not a fraction. */
  ap_bucket_refill(&b, T0 + 60 * AP_NS_PER_S);
  EXPECT(ap_bucket_avail(&b) == 1);
  EXPECT(b.burst == 1);
}

/* How long until n tokens are there. */
static void test_waits(void) {
  struct ap_bucket b;
  uint64_t w;

  ap_bucket_init(&b, 1000, AP_BUCKET_BURST_NS, T0);
  EXPECT(b.burst == 5);
  EXPECT(ap_bucket_wait_ns(&b, 1) == 0);
  ap_bucket_take(&b, 1);
  /* 1000 a second: the next token in 1 ms. */
  w = ap_bucket_wait_ns(&b, 1);
  EXPECT(w >= AP_NS_PER_MS - 1 && w <= AP_NS_PER_MS);
  w = ap_bucket_wait_ns(&b, 3);
  EXPECT(w >= 3 * AP_NS_PER_MS - 1 && w <= 3 * AP_NS_PER_MS);
  /* Half-way there, half the wait; and waiting that long is enough. */
  ap_bucket_refill(&b, T0 + AP_NS_PER_MS / 2);
  w = ap_bucket_wait_ns(&b, 1);
  EXPECT(w >= AP_NS_PER_MS / 2 - 1 && w <= AP_NS_PER_MS / 2);
  ap_bucket_refill(&b, T0 + AP_NS_PER_MS / 2 + w + 1);
  EXPECT(ap_bucket_avail(&b) == 1 && ap_bucket_wait_ns(&b, 1) == 0);
  /* A clock that goes back adds nothing and takes nothing. */
  ap_bucket_refill(&b, T0);
  EXPECT(ap_bucket_avail(&b) == 1);
}

/* Rate 0: no limit, whatever is taken and whenever. */
static void test_no_limit(void) {
  struct ap_bucket b;

  ap_bucket_init(&b, 0, AP_BUCKET_BURST_NS, T0);
  EXPECT(ap_bucket_avail(&b) == UINT64_MAX);
  ap_bucket_take(&b, 1000000);
  ap_bucket_refill(&b, T0);
  EXPECT(ap_bucket_avail(&b) == UINT64_MAX);
  EXPECT(ap_bucket_wait_ns(&b, 1) == 0);
  EXPECT(ap_bucket_wait_ns(&b, 1000000) == 0);
}

int main(void) {
  RUN(test_rate_and_burst);
  RUN(test_fractions);
  RUN(test_waits);
  RUN(test_no_limit);
  return tap_done();
}
