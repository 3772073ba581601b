/* hist.h - round-trip times in a fixed log-scale histogram.
 *
 * Constant memory however many samples (7.8 KiB): each power of two is
 * split into AP_HIST_SUB equal buckets, each at most 1/AP_HIST_SUB (6.25%)
 * of its values wide, and a quantile is read back as the middle of its
 * bucket, within 1/(2 AP_HIST_SUB) (3.1%) of the true sample.  Values
 * below AP_HIST_SUB have a bucket each and are exact.  (Three significant
 * digits, as an HDR histogram keeps them, would take some 2048 buckets per
 * power of two: hundreds of KiB, not this.)
 */
#ifndef AP_HIST_H
#define AP_HIST_H

#include <stdint.h>
#include <stdio.h>

#define AP_HIST_SUB 16
#define AP_HIST_N (61 * AP_HIST_SUB) /* enough for any uint64_t */

struct ap_hist {
  uint64_t n;   /* samples */
  uint64_t min; /* exact smallest and largest samples */
  uint64_t max;
  uint64_t count[AP_HIST_N];
};

void ap_hist_init(struct ap_hist *h);
void ap_hist_add(struct ap_hist *h, uint64_t v);

/* The bucket that holds v, and the smallest value of bucket b. */
unsigned ap_hist_bucket(uint64_t v);
uint64_t ap_hist_lower(unsigned b);

/* The q-quantile (0 <= q <= 1) of the samples: the middle of the bucket
 * holding the sample of rank ceil(q * n), kept within [min, max].  0 when
 * there are no samples. */
uint64_t ap_hist_quantile(const struct ap_hist *h, double q);

/* Prints at most rows lines of a text histogram of the samples, one per
 * power of two (or several, when the samples span more than rows of them),
 * values in milliseconds.  Prints nothing when there are no samples. */
void ap_hist_print(const struct ap_hist *h, FILE *f, unsigned rows);

#endif
