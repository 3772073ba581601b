/* hist.c - see hist.h. */
#include "hist.h"

#include <string.h>

#define BAR 40

static unsigned log2u(uint64_t v) {
  return 63u - (unsigned) __builtin_clzll(v);
}

void ap_hist_init(struct ap_hist *h) {
  memset(h, 0, sizeof(*h));
  h->min = UINT64_MAX;
}

unsigned ap_hist_bucket(uint64_t v) {
  unsigned e;

  if (v < AP_HIST_SUB)
    return (unsigned) v;
  e = log2u(v); /* at least 4 */
  return (e - 3) * AP_HIST_SUB + (unsigned) ((v >> (e - 4)) & 15);
}

uint64_t ap_hist_lower(unsigned b) {
  unsigned e;

  if (b < AP_HIST_SUB)
    return b;
  e = b / AP_HIST_SUB + 3;
  return (uint64_t) (AP_HIST_SUB + b % AP_HIST_SUB) << (e - 4);
}

void ap_hist_add(struct ap_hist *h, uint64_t v) {
  h->count[ap_hist_bucket(v)]++;
  h->n++;
  if (v < h->min)
    h->min = v;
  if (v > h->max)
    h->max = v;
}

uint64_t ap_hist_quantile(const struct ap_hist *h, double q) {
  uint64_t rank, seen = 0, lo, width, v;
  unsigned b;

  if (h->n == 0)
    return 0;
  if (q <= 0)
    return h->min;
  if (q >= 1)
    return h->max;
  rank = (uint64_t) (q * (double) h->n);
  if ((double) rank < q * (double) h->n)
    rank++;
  for (b = 0; b < AP_HIST_N; b++) {
    seen += h->count[b];
    if (seen >= rank)
      break;
  }
  lo = ap_hist_lower(b);
  width = b < AP_HIST_SUB ? 1 : 1ULL << (b / AP_HIST_SUB - 1);
  v = lo + width / 2;
  if (v < h->min)
    v = h->min;
  if (v > h->max)
    v = h->max;
  return v;
}

/* The power of two that bucket b lies in. */
static unsigned octave(unsigned b) {
  if (b < AP_HIST_SUB)
    return b == 0 ? 0 : log2u(b);
  return b / AP_HIST_SUB + 3;
}

static void print_row(FILE *f, unsigned lo, unsigned hi, uint64_t n,
                      uint64_t most) {
  char bar[BAR + 1];
  size_t len = (size_t) ((n * BAR + most - 1) / most);

  memset(bar, '#', len);
  memset(bar + len, ' ', BAR - len);
  bar[BAR] = '\0';
  fprintf(f, " %12.3f - %9.3f ms |%s| %llu\n", (double) (1ULL << lo) / 1e6,
          hi >= 64 ? 18446744073709.551 : (double) (1ULL << hi) / 1e6, bar,
          (unsigned long long) n);
}

void ap_hist_print(const struct ap_hist *h, FILE *f, unsigned rows) {
  uint64_t per[64] = { 0 }, sum, most = 0;
  unsigned b, lo, hi, group, o, k;

  if (h->n == 0 || rows == 0)
    return;
  for (b = 0; b < AP_HIST_N; b++)
    per[octave(b)] += h->count[b];
  lo = octave(ap_hist_bucket(h->min));
  hi = octave(ap_hist_bucket(h->max));
  group = (hi - lo) / rows + 1;
  for (o = lo; o <= hi; o += group) {
    for (sum = 0, k = o; k < o + group && k < 64; k++)
      sum += per[k];
    if (sum > most)
      most = sum;
  }
  for (o = lo; o <= hi; o += group) {
    for (sum = 0, k = o; k < o + group && k < 64; k++)
      sum += per[k];
    print_row(f, o, o + group, sum, most);
  }
}
