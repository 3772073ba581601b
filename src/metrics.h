/* metrics.h - a continuous run's metrics in the Prometheus text format.
 *
 * A scrape is rendered a piece at a time, as the HTTP client reads it
 * (httpd.h): one family's header, or one target's samples of one family,
 * at a time, each rendered whole from the target's record at that moment,
 * so that a target's histogram is always consistent within itself.
 * Targets come in address order.  The families (aping_ prefix; target is
 * the name given, else the address):
 *
 *   build_info{version} 1, targets, period_seconds, timeout_seconds,
 *   last_period_timestamp_seconds          gauges of the run
 *   probes_sent_total, probe_replies_total,
 *   probes_lost_total, probe_errors_total{reason}
 *                                          counters per target
 *   up                                     last completed probe answered
 *   rtt_seconds                            histogram per target
 *   service_up, service_connect_seconds    per target and check
 *
 * A scrape costs its staging buffer (one target's histogram) and nothing
 * per target.
 */
#ifndef AP_METRICS_H
#define AP_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "intake.h"
#include "monitor.h"
#include "svc.h"
#include "svcloop.h"

/* What a scrape renders: the run keeps it up to date. */
struct ap_metrics {
  const struct ap_monitor *mon;
  const struct ap_svcloop *svc;  /* NULL without service checks */
  const struct ap_names *names;
  const char *version;
  uint64_t last_period_ms;       /* Unix ms the last period ended; 0: not
                                    yet */
  uint64_t gen;                  /* bumped when the target set changes: a
                                    scrape under way then is cut short */
  int pinging;                   /* pings are counted (not -m none) */
};

struct ap_scrape;

/* Starts a scrape of m.  Returns NULL when out of memory. */
struct ap_scrape *ap_scrape_open(const struct ap_metrics *m);

/* Writes the next at most max bytes into buf: returns how many, 0 at the
 * end, -1 when the target set changed under the scrape (or memory ran
 * out). */
ssize_t ap_scrape_read(struct ap_scrape *s, char *buf, size_t max);

void ap_scrape_close(struct ap_scrape *s);

/* The whole exposition into f at once (for tests and -o). */
int ap_metrics_write(const struct ap_metrics *m, FILE *f);

#endif
