/* test-hist.c - the log-scale RTT histogram. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "tap.h"

static struct ap_hist h;

static void test_buckets_cover_values(void) {
  static const uint64_t v[] = { 0, 1, 15, 16, 17, 31, 32, 33, 1000, 1023,
                                1024, 123456789, 1ULL << 40, UINT64_MAX };
  size_t i;
  unsigned b;

  for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
    b = ap_hist_bucket(v[i]);
    EXPECT(b < AP_HIST_N);
    EXPECT(ap_hist_lower(b) <= v[i]);
    if (b + 1 < AP_HIST_N)
      EXPECT(v[i] < ap_hist_lower(b + 1));
  }
  /* Buckets are in increasing order of value, with no gaps. */
  for (b = 1; b < AP_HIST_N; b++) {
    EXPECT(ap_hist_lower(b) > ap_hist_lower(b - 1));
    EXPECT(ap_hist_bucket(ap_hist_lower(b)) == b);
    EXPECT(ap_hist_bucket(ap_hist_lower(b) - 1) == b - 1);
  }
}

static void test_quantiles_within_bucket_error(void) {
  uint64_t i, q;

  ap_hist_init(&h);
  EXPECT(ap_hist_quantile(&h, 0.5) == 0);
  /* 1 ms .. 1000 ms in 1 ms steps. */
  for (i = 1; i <= 1000; i++)
    ap_hist_add(&h, i * 1000000);
  EXPECT(h.n == 1000 && h.min == 1000000 && h.max == 1000000000);
  q = ap_hist_quantile(&h, 0.5);
  EXPECT(q > 500000000 * 0.93 && q < 500000000 * 1.07);
  q = ap_hist_quantile(&h, 0.9);
  EXPECT(q > 900000000 * 0.93 && q < 900000000 * 1.07);
  q = ap_hist_quantile(&h, 0.99);
  EXPECT(q > 990000000 * 0.93 && q <= 1000000000);
  EXPECT(ap_hist_quantile(&h, 0) == 1000000);
  EXPECT(ap_hist_quantile(&h, 1) == 1000000000);
}

static void test_small_values_exact(void) {
  ap_hist_init(&h);
  ap_hist_add(&h, 3);
  ap_hist_add(&h, 5);
  ap_hist_add(&h, 7);
  EXPECT(ap_hist_quantile(&h, 0.5) == 5);
  EXPECT(ap_hist_quantile(&h, 0.34) == 5);
  EXPECT(ap_hist_quantile(&h, 0.33) == 3);
}

static void test_one_sample(void) {
  ap_hist_init(&h);
  ap_hist_add(&h, 123456);
  /* Clamped to the only sample, whatever the bucket's middle is. */
  EXPECT(ap_hist_quantile(&h, 0.5) == 123456);
  EXPECT(ap_hist_quantile(&h, 0.99) == 123456);
}

/* Prints the histogram to a string; returns its line count. */
static int print_lines(unsigned rows, char **text) {
  size_t len = 0;
  FILE *f = open_memstream(text, &len);
  int lines = 0;
  char *p;

  ap_hist_print(&h, f, rows);
  fclose(f);
  for (p = *text; *p; p++)
    lines += *p == '\n';
  return lines;
}

static void test_print_rows(void) {
  char *text;
  uint64_t i;

  ap_hist_init(&h);
  EXPECT(print_lines(12, &text) == 0);
  free(text);
  for (i = 0; i < 100; i++)
    ap_hist_add(&h, 300000); /* 0.3 ms */
  ap_hist_add(&h, 5000000);  /* 5 ms */
  EXPECT(print_lines(12, &text) == 5); /* 2^18 .. 2^22 ns */
  /* The full row is the 100 samples; the 5 ms one still shows a bar. */
  EXPECT(strstr(text, "|########################################| 100\n"));
  EXPECT(strstr(text, "|#                                       | 1\n"));
  EXPECT(strstr(text, "|                                        | 0\n"));
  free(text);
  /* A span of 40 powers of two is folded into at most 12 rows. */
  ap_hist_add(&h, 1);
  ap_hist_add(&h, 1ULL << 40);
  EXPECT(print_lines(12, &text) <= 12);
  free(text);
}

int main(void) {
  RUN(test_buckets_cover_values);
  RUN(test_quantiles_within_bucket_error);
  RUN(test_small_values_exact);
  RUN(test_one_sample);
  RUN(test_print_rows);
  return tap_done();
}
