/* bucket.c - see bucket.h. */
#include "bucket.h"

void ap_bucket_init(struct ap_bucket *b, double rate, uint64_t burst_ns,
                    uint64_t now_ns) {
  b->rate = rate > 0 ? rate : 0;
  b->burst = b->rate * (double) burst_ns / AP_NS_PER_S;
  if (b->burst < 1)
    b->burst = 1;
  b->tokens = 1;
  b->last_ns = now_ns;
}

void ap_bucket_refill(struct ap_bucket *b, uint64_t now_ns) {
  if (b->rate <= 0 || now_ns < b->last_ns)
    return;
  b->tokens += (double) (now_ns - b->last_ns) * b->rate / AP_NS_PER_S;
  if (b->tokens > b->burst)
    b->tokens = b->burst;
  b->last_ns = now_ns;
}

uint64_t ap_bucket_avail(const struct ap_bucket *b) {
  if (b->rate <= 0)
    return UINT64_MAX;
  return b->tokens >= 1 ? (uint64_t) b->tokens : 0;
}

void ap_bucket_take(struct ap_bucket *b, uint64_t n) {
  if (b->rate <= 0)
    return;
  b->tokens -= (double) n;
  /* Taking more than was held is the caller's mistake; owing tokens
   * would hold back events that the rate allows later. */
  if (b->tokens < 0)
    b->tokens = 0;
}

uint64_t ap_bucket_wait_ns(const struct ap_bucket *b, uint64_t n) {
  if (b->rate <= 0 || b->tokens >= (double) n)
    return 0;
  return (uint64_t) (((double) n - b->tokens) * AP_NS_PER_S / b->rate);
}
