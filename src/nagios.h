/* nagios.h - the monitoring-plugin (Nagios) status line: one line with
 * performance data, and the status it stands for.
 *
 * Two ways of judging a run.  By default the failed targets are counted
 * against --warn and --crit (counts or percentages).  With --rta and --pl
 * each target is judged on its own, as check_icmp does: OK, WARNING or
 * CRITICAL by its round-trip average and its packet loss, and the worst
 * target decides.  Nothing is kept per target but the first
 * AP_NAGIOS_LIST failed ones for the line and, with --rta or --pl, the
 * first AP_NAGIOS_HOSTS targets for their performance data: a fixed
 * amount of memory whatever the number of targets.  Pure: no I/O but the
 * stream given.
 */
#ifndef AP_NAGIOS_H
#define AP_NAGIOS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "format.h"
#include "result.h"

/* A --warn or --crit threshold: more than `value` failed targets, or more
 * than `value` percent of them. */
struct ap_threshold {
  int set;
  int percent;
  double value;
};

/* Parses "N" (a count) or "P%" (a percentage, 0 to 100, decimals
 * allowed).  Returns 0 or UV_EINVAL. */
int ap_threshold_parse(const char *s, struct ap_threshold *t);

/* Whether failed out of total targets is beyond t (never, when unset). */
int ap_threshold_exceeded(const struct ap_threshold *t, uint64_t failed,
                          uint64_t total);

/* --rta and --pl: check_icmp's thresholds for each target.  A target
 * whose round-trip average reaches rta_crit_ms, or whose loss reaches
 * pl_crit percent, is CRITICAL; else one that reaches a warning value is
 * WARNING.  A target with no reply at all is CRITICAL. */
struct ap_hostlim {
  int rta;            /* --rta given */
  int pl;             /* --pl given */
  double rta_warn_ms;
  double rta_crit_ms;
  double pl_warn;     /* percent */
  double pl_crit;
};

/* The probes per target --rta and --pl imply without -c or -C, as
 * check_icmp sends by default. */
#define AP_HOSTLIM_COUNT 5

/* Parses "WARN,CRIT": milliseconds (0.001 to 3600000, an "ms" after a
 * value allowed) when pl is 0, percentages (0 to 100, a "%" after a value
 * allowed) when pl is 1; WARN may not be over CRIT.  Returns 0 or
 * UV_EINVAL. */
int ap_hostlim_parse(const char *s, int pl, double *warn, double *crit);

/* Nagios / monitoring-plugin status. */
enum ap_nagios_status {
  AP_NAGIOS_OK = 0,
  AP_NAGIOS_WARNING = 1,
  AP_NAGIOS_CRITICAL = 2,
  AP_NAGIOS_UNKNOWN = 3
};

#define AP_NAGIOS_LIST 10  /* failed targets named in the status line */
#define AP_NAGIOS_HOSTS 20 /* with --rta or --pl, up to this many targets
                              get performance data of their own */

/* A target as the line shows it with --rta or --pl. */
struct ap_nagios_host {
  char who[256];   /* as shown, cut at 255 bytes */
  char why[96];    /* "host unreachable from X", "checks failed", or "" */
  int status;      /* enum ap_nagios_status */
  unsigned sent;
  unsigned received;
  uint64_t rta_ns; /* meaningless when received is 0 */
  uint64_t min_ns;
  uint64_t max_ns;
};

struct ap_nagios {
  struct ap_threshold warn;
  struct ap_threshold crit;
  struct ap_hostlim lim;
  /* Service checks ran (--tcp, --telnet): a target's status is more than
   * its ping, so the line counts targets that are OK or failed rather
   * than alive or unreachable, and the perfdata adds 'ok'. */
  int services;
  /* The first failed (or, with --state, changed) targets, "who" or
   * "who (was status)"; with --rta or --pl, the first targets that are
   * not OK, "who: rta 1.234ms, lost 0%"; and how many there were in
   * all. */
  char list[AP_NAGIOS_LIST][400];
  size_t nlist;
  uint64_t nlisted;
  /* With --rta or --pl: the first targets, and the count of targets by
   * status (enum ap_nagios_status). */
  struct ap_nagios_host hosts[AP_NAGIOS_HOSTS];
  size_t nhosts;
  uint64_t nstatus[4];
};

/* Whether --rta or --pl judge each target. */
int ap_nagios_per_host(const struct ap_nagios *n);

/* The status of one target under l (--rta, --pl): CRITICAL when it is not
 * OK (no reply; a service check failed), else by its statistics.  Pure. */
int ap_nagios_host_status(const struct ap_hostlim *l,
                          const struct ap_result *r);

/* Takes one target's record for the line (not for an unfinished one):
 * with --rta or --pl its status, counted and remembered; else, if it
 * failed (or with --state changed: prev set), its name in the list. */
void ap_nagios_note(struct ap_nagios *n, const struct ap_rec *rec);

/* The status the totals come to: UNKNOWN when some target is unfinished;
 * with --rta or --pl the worst target's status (a name that did not
 * resolve is CRITICAL); else CRITICAL or WARNING as the failed targets
 * (not OK, or names that did not resolve) cross the thresholds, and with
 * neither threshold given any failed target is CRITICAL. */
int ap_nagios_status(const struct ap_nagios *n, const struct ap_totals *t);

/* Writes the status line with its performance data; returns the status. */
int ap_nagios_line(FILE *f, const struct ap_nagios *n,
                   const struct ap_totals *t);

#endif
