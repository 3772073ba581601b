/* mix.h - a fast 64-bit mixer.
 *
 * The finaliser of MurmurHash3: every input bit affects every output bit,
 * and it is a bijection, so distinct inputs stay distinct.  It spreads
 * consecutive indices (a block of addresses) apart; it keeps no secret
 * (the MAC in probes is siphash.c).  No state, no memory.
 */
#ifndef AP_MIX_H
#define AP_MIX_H

#include <stdint.h>

static inline uint64_t ap_mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

#endif
