/* mstat.h - what a continuous run keeps per target: counters, the probe
 * in flight, the running and interval round-trip statistics, and an RTT
 * histogram with fixed buckets.
 *
 * Pure logic, no I/O.  A record is a fixed size whatever the run's length:
 * nothing grows with time.  A probe is counted as sent when it goes out,
 * and as exactly one of replied, timed out or failed once its fate is
 * known; a probe in flight is neither lost nor received.
 */
#ifndef AP_MSTAT_H
#define AP_MSTAT_H

#include <stddef.h>
#include <stdint.h>

#define AP_MSTAT_MAXBUCKETS 32 /* histogram bucket bounds, +Inf apart */
#define AP_MSTAT_NREASONS 4    /* error reasons counted apart per target */

/* The upper bounds of the RTT histogram's buckets, in nanoseconds,
 * increasing; the +Inf bucket is implied. */
struct ap_buckets {
  uint64_t le_ns[AP_MSTAT_MAXBUCKETS];
  size_t n;
};

/* smokeping_prober's default: 50 us doubling, 20 buckets (to 26.2 s). */
void ap_buckets_default(struct ap_buckets *b);

/* Parses --buckets: a comma-separated list of increasing bounds in
 * seconds ("0.0005,0.001,0.01"), from 1 us to 3600 s, at most
 * AP_MSTAT_MAXBUCKETS of them.  Returns 0, or UV_EINVAL after writing why
 * into err (naming the bad item). */
int ap_buckets_parse(struct ap_buckets *b, const char *s, char *err,
                     size_t errlen);

/* Round-trip statistics over some completed probes. */
struct ap_mspan {
  uint64_t done;     /* probes completed: replied, timed out or failed */
  uint64_t replies;
  uint64_t rtt_sum_ns;
  uint64_t rtt_min_ns;
  uint64_t rtt_max_ns;
};

struct ap_mstat {
  uint64_t sent;         /* probes sent */
  uint64_t timeouts;     /* no reply before the timeout */
  uint64_t errors;       /* failed, every reason */
  const char *reason[AP_MSTAT_NREASONS]; /* the first reasons seen */
  uint64_t nreason[AP_MSTAT_NREASONS];   /* failed, by those reasons */
  uint64_t pending_ns;   /* send time of the probe in flight, 0: none */
  uint32_t seq;          /* probes sent; the one in flight is seq - 1 */
  int up;                /* -1 until a probe completes, then whether the
                            last one completed was answered */
  struct ap_mspan all;   /* since the start */
  struct ap_mspan ival;  /* since the last -Q interval */
  uint64_t bucket[AP_MSTAT_MAXBUCKETS + 1]; /* replies by RTT, +Inf last */
};

void ap_mstat_init(struct ap_mstat *m);

/* A probe went out at sent_ns.  Returns its sequence number. */
uint32_t ap_mstat_sent(struct ap_mstat *m, uint64_t sent_ns);

/* Whether the probe sent at sent_ns is the one in flight (sent_ns 0: any
 * probe in flight). */
int ap_mstat_awaits(const struct ap_mstat *m, uint64_t sent_ns);

/* The probe in flight was answered after rtt_ns. */
void ap_mstat_reply(struct ap_mstat *m, const struct ap_buckets *b,
                    uint64_t rtt_ns);

/* The probe in flight timed out. */
void ap_mstat_timeout(struct ap_mstat *m);

/* The probe in flight failed with reason (a string that outlives the
 * record: see ap_monitor's interning). */
void ap_mstat_error(struct ap_mstat *m, const char *reason);

/* Loss in percent over a span's completed probes (0 when none). */
double ap_mspan_loss(const struct ap_mspan *s);

/* Starts the next -Q interval. */
void ap_mstat_new_interval(struct ap_mstat *m);

#endif
