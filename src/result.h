/* result.h - what is known about one target once it has its verdict.
 *
 * The scheduler fills one of these per target and hands it to the output
 * module; nothing keeps it afterwards, so a sweep of millions of targets
 * holds only the ones whose verdict is being printed.
 */
#ifndef AP_RESULT_H
#define AP_RESULT_H

#include <stdint.h>

#include "addr.h"

enum ap_verdict {
  AP_ALIVE = 0,
  AP_UNREACHABLE = 1
};

/* Round-trip statistics of a target's echo probes. */
struct ap_stats {
  unsigned sent;
  unsigned received;
  uint64_t rtt_min_ns;
  uint64_t rtt_max_ns;
  uint64_t rtt_sum_ns; /* average = rtt_sum_ns / received */
};

struct ap_result {
  uint64_t idx;               /* index in the target set */
  struct ap_addr addr;
  int verdict;                /* enum ap_verdict */
  uint64_t rtt_ns;            /* of the first valid reply, when alive */
  const char *reason;         /* why unreachable, or NULL for a timeout */
  const struct ap_addr *from; /* who gave the reason (ICMP error), or NULL */
  struct ap_stats stats;
};

#endif
