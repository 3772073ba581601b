/* test-workers.c - how many loops a sweep takes, each one's share, and
 * how they take the order. */
#include <stdlib.h>
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

/* Threads taking ranges of one claim until it is empty. */
#define CLAIMERS 4
struct claimer {
  struct ap_claim *c;
  uint64_t *from, *size; /* what it took, range by range */
  size_t n;
};

static void claim_all(void *arg) {
  struct claimer *t = arg;
  uint64_t from, size;

  while ((size = ap_claim_take(t->c, &from)) > 0) {
    t->from[t->n] = from;
    t->size[t->n++] = size;
  }
  /* Once empty, it stays empty. */
  if (ap_claim_take(t->c, &from) != 0)
    t->n = SIZE_MAX;
}

static int claims_cover(uint64_t count, uint64_t range) {
  static struct ap_claim c; /* big: its counter has a line of its own */
  struct claimer t[CLAIMERS];
  uv_thread_t tid[CLAIMERS];
  uint8_t *seen = calloc(count + 1, 1);
  uint64_t nranges = count / (range ? range : 1) + 1, got = 0, j;
  size_t i, k;
  int ok = seen != NULL;

  ap_claim_init(&c, count, range);
  for (i = 0; i < CLAIMERS; i++) {
    t[i].c = &c;
    t[i].n = 0;
    t[i].from = calloc(nranges, sizeof(uint64_t));
    t[i].size = calloc(nranges, sizeof(uint64_t));
    ok = ok && t[i].from != NULL && t[i].size != NULL;
  }
  for (i = 0; ok && i < CLAIMERS; i++)
    ok = uv_thread_create(&tid[i], claim_all, &t[i]) == 0;
  for (k = 0; k < i; k++)
    uv_thread_join(&tid[k]);
  for (i = 0; ok && i < CLAIMERS; i++) {
    ok = t[i].n != SIZE_MAX;
    for (k = 0; ok && k < t[i].n; k++) {
      ok = t[i].size[k] <= (range ? range : 1) &&
           t[i].from[k] + t[i].size[k] <= count;
      for (j = t[i].from[k]; ok && j < t[i].from[k] + t[i].size[k]; j++) {
        ok = !seen[j];
        seen[j] = 1;
        got++;
      }
    }
  }
  for (i = 0; i < CLAIMERS; i++) {
    free(t[i].from);
    free(t[i].size);
  }
  free(seen);
  return ok && got == count;
}

static void test_claim(void) {
  struct ap_claim c;
  uint64_t from = 99;

  EXPECT(claims_cover(32766, AP_WORKERS_RANGE));
  EXPECT(claims_cover(1000000, 256));
  EXPECT(claims_cover(5, 256)); /* one range, cut short */
  EXPECT(claims_cover(1000, 1));
  EXPECT(claims_cover(1000, 0)); /* taken as 1 */
  ap_claim_init(&c, 0, 256);
  EXPECT(ap_claim_take(&c, &from) == 0 && from == 99);
  ap_claim_init(&c, 300, 256);
  EXPECT(ap_claim_take(&c, &from) == 256 && from == 0);
  EXPECT(ap_claim_take(&c, &from) == 44 && from == 256);
  EXPECT(ap_claim_take(&c, &from) == 0);
}

int main(void) {
  RUN(test_count_default);
  RUN(test_count_given);
  RUN(test_share);
  RUN(test_claim);
  return tap_done();
}
