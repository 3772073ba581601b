/* test-bitmap.c - bit-per-index maps and growable arrays. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "bitmap.h"
#include "tap.h"
#include "vec.h"

static void test_bytes(void) {
  EXPECT(AP_BITMAP_BYTES(0) == 0);
  EXPECT(AP_BITMAP_BYTES(1) == 1);
  EXPECT(AP_BITMAP_BYTES(8) == 1);
  EXPECT(AP_BITMAP_BYTES(9) == 2);
  EXPECT(AP_BITMAP_BYTES(256) == 32);
  EXPECT(AP_BITMAP_BYTES(65536) == 8192);
}

/* The raw helpers on a caller's array: each bit on its own, in the byte
 * and position that the index says, and nothing outside the array. */
static void test_raw(void) {
  uint8_t map[AP_BITMAP_BYTES(20) + 1];
  uint64_t i;
  int ok = 1;

  memset(map, 0, sizeof(map));
  map[sizeof(map) - 1] = 0xa5; /* a guard byte past the 20 bits */
  ap_bit_set(map, 0);
  ap_bit_set(map, 9);
  ap_bit_set(map, 19);
  EXPECT(map[0] == 0x01 && map[1] == 0x02 && map[2] == 0x08);
  for (i = 0; i < 20; i++)
    ok &= ap_bit_get(map, i) == (i == 0 || i == 9 || i == 19);
  EXPECT(ok);
  ap_bit_set(map, 9); /* setting twice changes nothing */
  EXPECT(map[1] == 0x02);
  ap_bit_clear(map, 9);
  ap_bit_clear(map, 10); /* clearing a clear bit changes nothing */
  EXPECT(map[0] == 0x01 && map[1] == 0 && map[2] == 0x08);
  EXPECT(!ap_bit_get(map, 9) && ap_bit_get(map, 19));
  EXPECT(map[sizeof(map) - 1] == 0xa5);
}

/* An owned map: starts clear, every index on its own, up to the last. */
static void test_owned(void) {
  struct ap_bitmap b;
  uint64_t n = 100001, i; /* n - 1 is no multiple of 3 */
  int ok = 1;

  EXPECT(ap_bitmap_init(&b, n) == 0);
  EXPECT(b.n == n && b.bits != NULL);
  for (i = 0; i < n; i++)
    ok &= !ap_bitmap_get(&b, i);
  for (i = 0; i < n; i += 3)
    ap_bitmap_set(&b, i);
  ap_bitmap_set(&b, n - 1);
  for (i = 0; i < n; i++)
    ok &= ap_bitmap_get(&b, i) == (i % 3 == 0 || i == n - 1);
  for (i = 0; i < n; i += 6)
    ap_bitmap_clear(&b, i);
  for (i = 0; i < n; i++)
    ok &= ap_bitmap_get(&b, i) == ((i % 3 == 0 && i % 6 != 0) ||
                                   i == n - 1);
  EXPECT(ok);
  ap_bitmap_release(&b);
  EXPECT(b.bits == NULL && b.n == 0);
  ap_bitmap_release(&b); /* twice is harmless */
  EXPECT(ap_bitmap_init(&b, 0) == 0 && b.bits != NULL && b.n == 0);
  ap_bitmap_release(&b);
}

struct pair {
  uint64_t a;
  uint32_t b;
};

/* A vector grows by doubling from 16, keeps what it holds, and only
 * reallocates when full. */
static void test_vec(void) {
  struct pair *v = NULL, *before;
  size_t n, cap = 0, i;
  int ok = 1;

  EXPECT(AP_VEC_RESERVE(v, cap, 0) == 0);
  EXPECT(v != NULL && cap == 16);
  before = v;
  for (n = 0; n < 16; n++) {
    ok &= AP_VEC_RESERVE(v, cap, n) == 0;
    v[n] = (struct pair) { .a = n * 1000003, .b = (uint32_t) n };
  }
  EXPECT(ok && cap == 16 && v == before);
  for (; n < 1000; n++) {
    ok &= AP_VEC_RESERVE(v, cap, n) == 0;
    v[n] = (struct pair) { .a = n * 1000003, .b = (uint32_t) n };
  }
  EXPECT(ok && cap == 1024);
  for (i = 0; i < n; i++)
    ok &= v[i].a == i * 1000003 && v[i].b == i;
  EXPECT(ok);
  free(v);
}

/* A size that cannot be allocated leaves the array as it was. */
static void test_vec_too_big(void) {
  uint8_t *v = NULL;
  size_t cap = 0;
  struct pair *w = NULL;
  size_t wcap = SIZE_MAX / sizeof(*w) / 2 + 1;

  EXPECT(AP_VEC_RESERVE(v, cap, 3) == 0 && cap == 16);
  v[3] = 7;
  /* Element SIZE_MAX cannot be made room for: doubling 16 never gets
   * there, and the array is left alone. */
  EXPECT(AP_VEC_RESERVE(v, cap, SIZE_MAX - 1) == UV_ENOMEM);
  EXPECT(cap == 16 && v[3] == 7);
  free(v);
  /* A capacity whose double overflows the byte count is refused. */
  EXPECT(AP_VEC_RESERVE(w, wcap, wcap) == UV_ENOMEM);
  EXPECT(w == NULL && wcap == SIZE_MAX / sizeof(*w) / 2 + 1);
}

int main(void) {
  RUN(test_bytes);
  RUN(test_raw);
  RUN(test_owned);
  RUN(test_vec);
  RUN(test_vec_too_big);
  return tap_done();
}
