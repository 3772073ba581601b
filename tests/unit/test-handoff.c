/* test-handoff.c - the hand-off queue of --threads: batches from several
 * threads at once reach the taker whole, each once, in each sender's
 * order, with their results' pointers copied. */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "handoff.h"
#include "tap.h"

#define SENDERS 4
#define PER_SENDER 20000 /* results each */

static struct ap_handoff q;

static void sender(void *arg) {
  unsigned w = (unsigned) (uintptr_t) arg, i;
  struct ap_hbatch *b = NULL;
  struct ap_result r;
  uint64_t rtt[2];

  for (i = 0; i < PER_SENDER; i++) {
    if (b == NULL && (b = ap_hbatch_new(w)) == NULL)
      abort();
    memset(&r, 0, sizeof(r));
    r.idx = (uint64_t) w * PER_SENDER + i;
    rtt[0] = r.idx;
    rtt[1] = AP_RTT_LOST;
    r.rtts = rtt;
    r.nrtts = 2;
    if (ap_hbatch_add(b, &r) != 0)
      abort();
    rtt[0] = 0; /* the batch holds a copy */
    /* Hand over at uneven sizes, as loop turns would. */
    if (ap_hbatch_full(b) || i % 97 == 0) {
      ap_handoff_push(&q, b);
      b = NULL;
    }
  }
  if (b == NULL && (b = ap_hbatch_new(w)) == NULL)
    abort();
  b->last = 1;
  ap_handoff_push(&q, b);
}

static void test_senders_at_once(void) {
  uv_thread_t t[SENDERS];
  uint64_t next[SENDERS] = { 0 }, bad = 0, got = 0;
  unsigned w, ended = 0, i;
  struct ap_hbatch *b, *nb;

  EXPECT(ap_handoff_init(&q) == 0);
  for (w = 0; w < SENDERS; w++)
    EXPECT(uv_thread_create(&t[w], sender, (void *) (uintptr_t) w) == 0);
  while (ended < SENDERS) {
    for (b = ap_handoff_take(&q); b != NULL; b = nb) {
      nb = b->next;
      for (i = 0; i < b->n; i++) {
        const struct ap_result *r = &b->item[i].r;
        uint64_t want = (uint64_t) b->worker * PER_SENDER + next[b->worker];
        bad += r->idx != want || r->nrtts != 2 || r->rtts[0] != want ||
               r->rtts[1] != AP_RTT_LOST;
        next[b->worker]++;
        got++;
      }
      ended += (unsigned) b->last;
      ap_hbatch_free(b);
    }
  }
  for (w = 0; w < SENDERS; w++)
    EXPECT(uv_thread_join(&t[w]) == 0);
  EXPECT(bad == 0);
  EXPECT(got == (uint64_t) SENDERS * PER_SENDER);
  for (w = 0; w < SENDERS; w++)
    EXPECT(next[w] == PER_SENDER);
  EXPECT(ap_handoff_take(&q) == NULL);
  ap_handoff_release(&q);
}

static void test_copies_from(void) {
  struct ap_hbatch *b = ap_hbatch_new(3);
  struct ap_addr from;
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  memset(&from, 0, sizeof(from));
  EXPECT(ap_addr_parse("198.18.0.9", &from) == 0);
  r.reason = "host unreachable";
  r.from = &from;
  EXPECT(b != NULL && ap_hbatch_add(b, &r) == 0);
  memset(&from, 0xff, sizeof(from));
  EXPECT(b->item[0].r.from == &b->item[0].from);
  EXPECT(ap_addr_is_v4(b->item[0].r.from));
  EXPECT(b->item[0].r.rtts == NULL);
  EXPECT(strcmp(b->item[0].r.reason, "host unreachable") == 0);
  EXPECT(!ap_hbatch_full(b));
  ap_hbatch_free(b);
  ap_hbatch_free(NULL);
}

static void test_left_over_freed(void) {
  struct ap_hbatch *b;
  struct ap_result r;
  uint64_t rtt = 5;

  EXPECT(ap_handoff_init(&q) == 0);
  memset(&r, 0, sizeof(r));
  r.rtts = &rtt;
  r.nrtts = 1;
  b = ap_hbatch_new(0);
  EXPECT(b != NULL && ap_hbatch_add(b, &r) == 0);
  ap_handoff_push(&q, b);
  ap_handoff_release(&q); /* frees b and its copy: LeakSanitizer checks */
}

int main(void) {
  RUN(test_senders_at_once);
  RUN(test_copies_from);
  RUN(test_left_over_freed);
  return tap_done();
}
