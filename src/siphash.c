/* siphash.c - SipHash-2-4 as specified by Aumasson and Bernstein (2012). */
#include "siphash.h"

#define ROTL(x, b) (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t load_le64(const uint8_t *p) {
  uint64_t v = 0;
  int i;

  for (i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

static void sipround(uint64_t v[4]) {
  v[0] += v[1];
  v[1] = ROTL(v[1], 13);
  v[1] ^= v[0];
  v[0] = ROTL(v[0], 32);
  v[2] += v[3];
  v[3] = ROTL(v[3], 16);
  v[3] ^= v[2];
  v[0] += v[3];
  v[3] = ROTL(v[3], 21);
  v[3] ^= v[0];
  v[2] += v[1];
  v[1] = ROTL(v[1], 17);
  v[1] ^= v[2];
  v[2] = ROTL(v[2], 32);
}

static void compress(uint64_t v[4], uint64_t m) {
  v[3] ^= m;
  sipround(v);
  sipround(v);
  v[0] ^= m;
}

uint64_t ap_siphash(const uint8_t key[16], const void *msg, size_t len) {
  const uint8_t *p = msg;
  uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
  uint64_t v[4], last;
  size_t i, tail = len & 7;

  v[0] = k0 ^ 0x736f6d6570736575ULL;
  v[1] = k1 ^ 0x646f72616e646f6dULL;
  v[2] = k0 ^ 0x6c7967656e657261ULL;
  v[3] = k1 ^ 0x7465646279746573ULL;
  for (i = 0; i + 8 <= len; i += 8)
    compress(v, load_le64(p + i));
  last = (uint64_t) (len & 0xff) << 56;
  for (i = 0; i < tail; i++)
    last |= (uint64_t) p[len - tail + i] << (8 * i);
  compress(v, last);
  v[2] ^= 0xff;
  sipround(v);
  sipround(v);
  sipround(v);
  sipround(v);
  return v[0] ^ v[1] ^ v[2] ^ v[3];
}
