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
  AP_UNREACHABLE = 1,
  AP_NOT_PINGED = 2, /* -m none: only services were checked */
  AP_UNFINISHED = 3  /* the run stopped before the target had a verdict */
};

enum ap_check_state {
  AP_CHECK_OPEN = 0,  /* connected */
  AP_CHECK_CLOSED,    /* refused (RST) */
  AP_CHECK_FILTERED,  /* no answer before the timeout */
  AP_CHECK_ERROR      /* an ICMP error or a local failure: see reason */
};

/* One service check of a target (--tcp, --banner, --telnet). */
struct ap_check {
  uint16_t port;
  int telnet;            /* a Telnet banner check */
  int state;             /* enum ap_check_state */
  int pass;              /* open, and the banner matched --expect if given */
  const char *reason;    /* for AP_CHECK_ERROR ("host unreachable"...), or
                            "banner does not match" (state open, pass 0) */
  uint64_t rtt_ns;       /* until the port answered: connected, or
                            refused; 0 when it did not */
  const uint8_t *banner; /* bytes the service sent first (Telnet commands
                            removed, leading and trailing blanks and line
                            breaks trimmed; raw bytes, may hold NULs: escape
                            them to show them), or NULL when no banner was
                            read (no --banner, or the port was not open);
                            non-NULL with banner_len 0: open, said nothing */
  size_t banner_len;
};

/* Round-trip statistics of a target's echo probes. */
struct ap_stats {
  unsigned sent;
  unsigned received;
  uint64_t rtt_min_ns;
  uint64_t rtt_max_ns;
  uint64_t rtt_sum_ns; /* average = rtt_sum_ns / received */
};

/* A probe without a reply, among the round-trip times of -C. */
#define AP_RTT_LOST UINT64_MAX

struct ap_result {
  uint64_t idx;               /* index in the target set */
  struct ap_addr addr;
  int ok;                     /* the target's verdict over all its checks */
  int verdict;                /* enum ap_verdict: the ping's verdict */
  uint64_t rtt_ns;            /* of the first valid reply, when alive */
  int has_ttl;                /* ttl is known (an ICMP engine's reply) */
  uint8_t ttl;                /* that reply's TTL or hop limit; with -c,
                                 the last reply's */
  const char *reason;         /* why unreachable, or NULL for a timeout */
  const struct ap_addr *from; /* who gave the reason (ICMP error), or NULL */
  struct ap_stats stats;
  const uint64_t *rtts;       /* -C: each probe's round-trip time in ns, in
                                 the order sent, AP_RTT_LOST for one without
                                 a reply; NULL without -C */
  unsigned nrtts;             /* how many: the probes sent */
  const struct ap_check *checks; /* service checks, in --tcp order */
  size_t nchecks;
  /* --tcp-ping: the port whose answer (open, or refused) showed the target
   * alive when the echo did not; NULL when the echo did, or nothing did. */
  const struct ap_check *evidence;
};

#endif
