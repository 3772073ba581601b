/* siphash.h - SipHash-2-4, the keyed hash that authenticates our probes. */
#ifndef AP_SIPHASH_H
#define AP_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* Returns SipHash-2-4 of the len bytes at msg under the 16-byte key. */
uint64_t ap_siphash(const uint8_t key[16], const void *msg, size_t len);

#endif
