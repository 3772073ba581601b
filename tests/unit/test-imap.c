/* test-imap.c - the hash map from target index to record. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap.h"
#include "tap.h"

/* A record with its own index in it, so that a record found under the
 * wrong key, or moved without its data, shows. */
struct rec {
  uint64_t idx;
  uint32_t gen;
  uint8_t pad[5]; /* an odd size: slots round it up */
};

static int holds(const struct ap_imap *m, uint64_t idx, uint32_t gen) {
  const struct rec *r = ap_imap_find(m, idx);

  return r != NULL && r->idx == idx && r->gen == gen;
}

static struct rec *add(struct ap_imap *m, uint64_t idx, uint32_t gen) {
  struct rec *r;
  int added;

  r = ap_imap_get(m, idx, &added);
  if (r == NULL || !added)
    return NULL;
  r->idx = idx;
  r->gen = gen;
  return r;
}

/* A fresh record is zeroed; a second get finds it, not a new one. */
static void test_get_find_del(void) {
  struct ap_imap m;
  struct rec *r;
  int added = -1;

  ap_imap_init(&m, sizeof(struct rec));
  EXPECT(m.stride % AP_IMAP_ALIGN == 0 && m.stride >= 8 + sizeof(struct rec));
  EXPECT(ap_imap_find(&m, 0) == NULL && ap_imap_count(&m) == 0);
  EXPECT(ap_imap_del(&m, 0) == 0);
  r = ap_imap_get(&m, 0, &added);
  EXPECT(r != NULL && added == 1);
  EXPECT(r != NULL && r->idx == 0 && r->gen == 0 && r->pad[4] == 0);
  if (r != NULL)
    r->gen = 9;
  r = ap_imap_get(&m, 0, &added);
  EXPECT(r != NULL && added == 0 && r->gen == 9);
  EXPECT((uintptr_t) r % AP_IMAP_ALIGN == 0);
  EXPECT(ap_imap_count(&m) == 1 && holds(&m, 0, 9));
  EXPECT(ap_imap_find(&m, 1) == NULL);
  /* The largest index there may be. */
  EXPECT(add(&m, UINT64_MAX - 1, 3) != NULL && holds(&m, UINT64_MAX - 1, 3));
  EXPECT(ap_imap_del(&m, 0) == 1 && ap_imap_del(&m, 0) == 0);
  EXPECT(ap_imap_find(&m, 0) == NULL && ap_imap_count(&m) == 1);
  /* Added again after its delete: zeroed, not the old record. */
  r = ap_imap_get(&m, 0, NULL);
  EXPECT(r != NULL && r->gen == 0);
  ap_imap_release(&m);
  EXPECT(ap_imap_count(&m) == 0 && ap_imap_find(&m, 0) == NULL);
  /* Usable again after a release. */
  EXPECT(add(&m, 5, 1) != NULL && holds(&m, 5, 1));
  ap_imap_release(&m);
}

/* n indices (from `from` up) whose home slot in a table of cap slots is
 * `slot`. */
static void homed_at(uint64_t *out, size_t n, size_t cap, size_t slot,
                     uint64_t from) {
  size_t k = 0;
  uint64_t i;

  for (i = from; k < n; i++)
    if ((ap_imap_hash(i) & (cap - 1)) == slot)
      out[k++] = i;
}

/* Checks that idx[0..n) are found exactly when live[] says so. */
static int all_as_expected(const struct ap_imap *m, const uint64_t *idx,
                           const int *live, size_t n) {
  size_t i;
  int ok = 1;

  for (i = 0; i < n; i++)
    ok &= live[i] ? holds(m, idx[i], (uint32_t) i)
                  : ap_imap_find(m, idx[i]) == NULL;
  return ok;
}

/* A run of colliding keys that wraps around the end of the table, with
 * keys at home at its start caught up in it: every order of deleting
 * them keeps the others findable. */
static void test_collisions_wrap(void) {
  enum { CAP = 64, N = 12 };
  uint64_t idx[N];
  int live[N], ok = 1;
  size_t i, order, d;
  struct ap_imap m;

  /* Six keys at home in the last slot, four in slot 0 and two in slot
   * 1: the run starts at 63 and wraps to fill 0 .. 10. */
  homed_at(idx, 6, CAP, CAP - 1, 0);
  homed_at(idx + 6, 4, CAP, 0, 0);
  homed_at(idx + 10, 2, CAP, 1, 0);
  for (order = 0; order < 64; order++) {
    ap_imap_init(&m, sizeof(struct rec));
    for (i = 0; i < N; i++) {
      ok &= add(&m, idx[i], (uint32_t) i) != NULL;
      live[i] = 1;
    }
    ok &= m.cap == CAP;
    ok &= all_as_expected(&m, idx, live, N);
    /* Delete them all, one at a time, in an order the round picks. */
    for (d = 0; d < N; d++) {
      i = (d * 5 + order) % N;
      if (order % 2)
        i = N - 1 - i;
      ok &= ap_imap_del(&m, idx[i]) == 1;
      live[i] = 0;
      ok &= all_as_expected(&m, idx, live, N);
      ok &= ap_imap_count(&m) == N - 1 - d;
    }
    ap_imap_release(&m);
  }
  EXPECT(ok);
}

/* Random adds and deletes against a plain array of what is in. */
static void test_random_against_array(void) {
  enum { KEYS = 5000 };
  static uint32_t gen[KEYS]; /* 0: absent */
  struct ap_imap m;
  struct rec *r;
  uint64_t state = 88172645463325252ULL, k, in = 0;
  uint32_t g = 0;
  long step;
  int ok = 1;

  ap_imap_init(&m, sizeof(struct rec));
  for (step = 0; step < 400000; step++) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    k = state % KEYS;
    if ((state >> 32) % 3 == 0) {
      ok &= ap_imap_del(&m, k * 7919) == (gen[k] != 0);
      in -= gen[k] != 0;
      gen[k] = 0;
    } else if (gen[k] == 0) {
      r = add(&m, k * 7919, ++g);
      ok &= r != NULL;
      gen[k] = g;
      in++;
    } else {
      ok &= holds(&m, k * 7919, gen[k]);
    }
    ok &= ap_imap_count(&m) == in;
    if (step % 20000 == 0)
      for (k = 0; k < KEYS; k++)
        ok &= gen[k] ? holds(&m, k * 7919, gen[k])
                     : ap_imap_find(&m, k * 7919) == NULL;
  }
  for (k = 0; k < KEYS; k++)
    ok &= gen[k] ? holds(&m, k * 7919, gen[k])
                 : ap_imap_find(&m, k * 7919) == NULL;
  EXPECT(ok);
  /* At most half full, a power of two. */
  EXPECT(m.cap >= 2 * in && (m.cap & (m.cap - 1)) == 0);
  ap_imap_release(&m);
}

/* Growing keeps every record with its data; the load stays at most 1/2. */
static void test_grow(void) {
  enum { N = 100000 };
  struct ap_imap m;
  uint64_t i;
  size_t caps = 0, last = 0;
  int ok = 1;

  ap_imap_init(&m, sizeof(struct rec));
  for (i = 0; i < N; i++) {
    ok &= add(&m, i, (uint32_t) i) != NULL; /* consecutive: a block */
    ok &= m.cap >= 2 * m.n;
    if (m.cap != last) {
      caps++;
      ok &= last == 0 || m.cap == 2 * last;
      last = m.cap;
    }
  }
  EXPECT(ok && ap_imap_count(&m) == N);
  EXPECT(m.cap == 262144 && caps == 13); /* 64 .. 262144 */
  for (i = 0; i < N; i++)
    ok &= holds(&m, i, (uint32_t) i);
  EXPECT(ok);
  ap_imap_release(&m);
}

/* The walk gives every record once, with its index, and then NULL. */
static void test_iterate(void) {
  enum { N = 3000 };
  static uint8_t met[N];
  struct ap_imap m;
  struct rec *r;
  uint64_t i, idx;
  size_t pos = 0, n = 0;
  int ok = 1;

  ap_imap_init(&m, sizeof(struct rec));
  EXPECT(ap_imap_next(&m, &pos, &idx) == NULL);
  for (i = 0; i < N; i++)
    ok &= add(&m, i * 3, (uint32_t) i) != NULL;
  for (i = 0; i < N; i += 2)
    ok &= ap_imap_del(&m, i * 3) == 1;
  EXPECT(ok);
  memset(met, 0, sizeof(met));
  pos = 0;
  while (n <= N && (r = ap_imap_next(&m, &pos, &idx)) != NULL) {
    n++;
    ok &= idx == r->idx && idx % 3 == 0 && idx / 3 < N;
    if (idx / 3 < N)
      met[idx / 3]++;
  }
  EXPECT(ok && n == N / 2);
  for (i = 0; i < N; i++)
    ok &= met[i] == (i % 2 == 1);
  EXPECT(ok);
  /* Past the end it stays at the end; idx may be NULL. */
  EXPECT(ap_imap_next(&m, &pos, NULL) == NULL);
  pos = 0;
  EXPECT(ap_imap_next(&m, &pos, NULL) != NULL);
  ap_imap_release(&m);
}

int main(void) {
  RUN(test_get_find_del);
  RUN(test_collisions_wrap);
  RUN(test_random_against_array);
  RUN(test_grow);
  RUN(test_iterate);
  return tap_done();
}
