/* fuzz-pingout.c - libFuzzer target for the ping(8) output reader.
 *
 *   make fuzz && mkdir -p /tmp/pingout-corpus &&
 *   ./tests/fuzz/fuzz-pingout -max_total_time=60 /tmp/pingout-corpus \
 *     tests/fuzz/corpus
 *
 * (libFuzzer writes what it finds into the first directory, so give it a
 * scratch one first; tests/fuzz/corpus holds real ping output, captured in
 * the lab, as seeds.)
 *
 * The first byte chooses the size of the pieces the rest is fed in, as
 * pipe reads would cut it; invariants the engine relies on are checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pingout.h"

static void check_text(const char *s, size_t cap) {
  size_t n = strnlen(s, cap);

  if (n == cap)
    abort();
  for (; *s != '\0'; s++)
    if (*s < 0x20 || *s >= 0x7f)
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;
  size_t step, i;
  const char *reason;

  if (size == 0)
    return 0;
  step = (size_t) data[0] % 64 + 1;
  data++;
  size--;
  ap_pingout_init(&p);
  for (i = 0; i < size; i += step)
    ap_pingout_feed(&p, (const char *) data + i,
                    size - i < step ? size - i : step);
  ap_pingout_end(&p);
  ap_pingout_stats(&p, 3, &st, &first);
  if (st.received > st.sent || p.len != 0)
    abort();
  if (p.rtt && (p.min_ns > p.avg_ns || p.avg_ns > p.max_ns))
    abort();
  if (st.received > 0 && st.rtt_min_ns > st.rtt_max_ns)
    abort();
  reason = ap_pingout_reason(&p);
  if (reason != NULL)
    check_text(reason, AP_PINGOUT_TEXT);
  if (p.error)
    check_text(p.error_from, sizeof(p.error_from));
  return 0;
}
