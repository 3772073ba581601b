/* siphash.c - SipHash-2-4 as specified by Aumasson and Bernstein (2012). */
#include "siphash.h"

#include <endian.h>
#include <string.h>

#define ROTL(x, b) (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t load_le64(const uint8_t *p) {
  uint64_t v;

  memcpy(&v, p, sizeof(v)); /* one load, where the loop was eight */
  return le64toh(v);
}

/* One SipRound on the four state words, kept in locals so that the
 * compiler holds them in registers (this runs twice per probe). */
#define SIPROUND(v0, v1, v2, v3) \
  do { \
    v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
    v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
    v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
    v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
  } while (0)

#define COMPRESS(m) \
  do { \
    v3 ^= (m); \
    SIPROUND(v0, v1, v2, v3); \
    SIPROUND(v0, v1, v2, v3); \
    v0 ^= (m); \
  } while (0)

uint64_t ap_siphash(const uint8_t key[16], const void *msg, size_t len) {
  const uint8_t *p = msg;
  uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
  uint64_t v0, v1, v2, v3, m;
  size_t i, tail = len & 7;

  v0 = k0 ^ 0x736f6d6570736575ULL;
  v1 = k1 ^ 0x646f72616e646f6dULL;
  v2 = k0 ^ 0x6c7967656e657261ULL;
  v3 = k1 ^ 0x7465646279746573ULL;
  for (i = 0; i + 8 <= len; i += 8) {
    m = load_le64(p + i);
    COMPRESS(m);
  }
  m = (uint64_t) (len & 0xff) << 56;
  for (i = 0; i < tail; i++)
    m |= (uint64_t) p[len - tail + i] << (8 * i);
  COMPRESS(m);
  v2 ^= 0xff;
  SIPROUND(v0, v1, v2, v3);
  SIPROUND(v0, v1, v2, v3);
  SIPROUND(v0, v1, v2, v3);
  SIPROUND(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}
