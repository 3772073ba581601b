/* bitmap.h - one bit per index: sets as large as the target set.
 *
 * The raw helpers work on any byte array (a fixed one inside a struct, or
 * one the caller allocated); struct ap_bitmap owns an allocated one of n
 * bits.  Indices are never checked against n: the caller knows its range.
 */
#ifndef AP_BITMAP_H
#define AP_BITMAP_H

#include <stdint.h>

/* Bytes that hold n bits. */
#define AP_BITMAP_BYTES(n) ((size_t) ((n) / 8 + ((n) % 8 != 0)))

static inline int ap_bit_get(const uint8_t *map, uint64_t i) {
  return map[i >> 3] >> (i & 7) & 1;
}

static inline void ap_bit_set(uint8_t *map, uint64_t i) {
  map[i >> 3] |= (uint8_t) (1u << (i & 7));
}

static inline void ap_bit_clear(uint8_t *map, uint64_t i) {
  map[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

struct ap_bitmap {
  uint8_t *bits;
  uint64_t n;
};

/* Allocates n bits, all clear (n may be 0).  Returns 0 or UV_ENOMEM. */
int ap_bitmap_init(struct ap_bitmap *b, uint64_t n);

/* Frees the bits; b is then an empty map, safe to release again. */
void ap_bitmap_release(struct ap_bitmap *b);

static inline int ap_bitmap_get(const struct ap_bitmap *b, uint64_t i) {
  return ap_bit_get(b->bits, i);
}

static inline void ap_bitmap_set(struct ap_bitmap *b, uint64_t i) {
  ap_bit_set(b->bits, i);
}

static inline void ap_bitmap_clear(struct ap_bitmap *b, uint64_t i) {
  ap_bit_clear(b->bits, i);
}

#endif
