/* test-tally.c - the hash table behind -c N. */
#include <stdint.h>
#include <stdlib.h>

#include "tally.h"
#include "tap.h"

static void test_add_find_delete(void) {
  struct ap_tally t;
  struct ap_tally_rec *r;
  uint64_t i;
  int ok = 1;

  ap_tally_init(&t);
  EXPECT(ap_tally_find(&t, 7) == NULL);
  for (i = 0; i < 10000; i++) {
    r = ap_tally_get(&t, i * 7919);
    if (r == NULL) {
      ok = 0;
      break;
    }
    r->stats.sent = (unsigned) i;
  }
  EXPECT(ok && ap_tally_count(&t) == 10000);
  /* Delete every other one, then check that all the rest are found with
   * their data and the deleted ones are not. */
  for (i = 0; i < 10000; i += 2)
    ap_tally_del(&t, i * 7919);
  EXPECT(ap_tally_count(&t) == 5000);
  for (i = 0; i < 10000; i++) {
    r = ap_tally_find(&t, i * 7919);
    if (i % 2 == 0)
      ok &= r == NULL;
    else
      ok &= r != NULL && r->stats.sent == i;
  }
  EXPECT(ok);
  r = ap_tally_get(&t, 1 * 7919);
  EXPECT(r != NULL && r->stats.sent == 1 && ap_tally_count(&t) == 5000);
  ap_tally_release(&t);
}

static void test_random_against_array(void) {
  static uint8_t in[4096];
  struct ap_tally t;
  uint64_t k;
  int i, ok = 1;

  srand(1);
  ap_tally_init(&t);
  for (i = 0; i < 200000; i++) {
    k = (uint64_t) (rand() % 4096);
    if (rand() % 3 == 0) {
      ap_tally_del(&t, k);
      in[k] = 0;
    } else {
      ok &= ap_tally_get(&t, k) != NULL;
      in[k] = 1;
    }
    ok &= (ap_tally_find(&t, k) != NULL) == in[k];
  }
  for (k = 0; k < 4096; k++)
    ok &= (ap_tally_find(&t, k) != NULL) == in[k];
  EXPECT(ok);
  ap_tally_release(&t);
}

int main(void) {
  RUN(test_add_find_delete);
  RUN(test_random_against_array);
  return tap_done();
}
