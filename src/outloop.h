/* outloop.h - what a continuous run (-l) writes as it goes.
 *
 * Text follows fping -l: a line per reply, timeout and error, with the
 * probe's sequence number, the round trip, the running average and the
 * loss so far ("198.18.1.5 : [3], 0.052 ms (0.049 avg, 0% loss)"), -D
 * putting the Unix time in front; a line per service check; with -Q, per
 * interval a "[HH:MM:SS]" line and a statistics line per target.  JSON
 * lines and CSV get the same as records (mformat.h).  Only the full
 * listing shows them: -a, -u and -q leave just the final totals.  The
 * final totals are ap_out_result() records with statistics, as -c gives.
 */
#ifndef AP_OUTLOOP_H
#define AP_OUTLOOP_H

#include <stdint.h>

#include "format.h"
#include "monitor.h"
#include "output.h"

/* A probe of the target at a completed: ev, with st its record after. */
void ap_out_probe(struct ap_out *o, const struct ap_addr *a,
                  const struct ap_mstat *st, const struct ap_mevent *ev);

/* A service check of the target at a ended: c, its seq-th run (from 0),
 * connect_ns its connect time when open. */
void ap_out_check(struct ap_out *o, const struct ap_addr *a,
                  const struct ap_check *c, uint64_t seq,
                  uint64_t connect_ns);

/* -Q: the line that opens an interval's statistics (text only). */
void ap_out_interval_head(struct ap_out *o);

/* -Q: the statistics of the target at a over an interval. */
void ap_out_interval(struct ap_out *o, const struct ap_addr *a,
                     const struct ap_mspan *s);

/* The final totals of the target at a, counted as a result. */
void ap_out_total(struct ap_out *o, const struct ap_addr *a,
                  const struct ap_mspan *s);

/* The CSV row of a final total (output.c calls it for ap_out_result()). */
void ap_out_csv_total(struct ap_out *o, const struct ap_rec *rec);

#endif
