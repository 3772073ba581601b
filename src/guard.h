/* guard.h - what ends a run early: SIGINT, SIGTERM, SIGPIPE, --deadline,
 * and the other signals whose default would end aping with its temporary
 * files left behind: SIGHUP (but in a continuous run, where it reloads),
 * SIGQUIT, SIGUSR1, SIGUSR2 and SIGALRM, each a stop as SIGTERM is.
 *
 * A second stopping signal after the run was stopped (by a signal or the
 * deadline) hurries it: the run ends at once, without finishing its
 * listing of the unfinished targets or putting its files in place.
 *
 * SIGPIPE counts only when standard output is a pipe or socket whose
 * reader has gone (`aping ... | head -1`); a SIGPIPE from anything else
 * (a write to stderr, a peer of a service check, kill -PIPE) is no reason
 * to stop, and its write fails on its own with EPIPE.  The guard watches
 * from before the first name lookup until the output is written and stops
 * whatever stage is under way then: the lookups, then the pings and
 * service checks.  None of its handles keeps the loop alive.
 */
#ifndef AP_GUARD_H
#define AP_GUARD_H

#include <stdint.h>
#include <uv.h>

#define AP_GUARD_NSIGS 8

/* Stops what is under way; returns whether it still was. */
typedef int (*ap_guard_stop_fn)(void *ctx);

struct ap_guard {
  uv_signal_t sig[AP_GUARD_NSIGS];
  uv_timer_t deadline;
  int started;
  int deadline_on;
  int signum;        /* the signal that stopped the run, or 0 */
  int deadline_hit;  /* --deadline stopped the run */
  int stdout_broken; /* a SIGPIPE came: standard output has no reader */
  int hurried;       /* a second stopping signal came */
  int hup_reloads;   /* SIGHUP is a continuous run's reload: not a stop */
  ap_guard_stop_fn stop;
  void *ctx;
};

/* Starts watching the signals and, unless deadline_ms is 0, the deadline
 * counted from start_ns (uv_hrtime()).  hup_reloads: SIGHUP is left to
 * the continuous run's reload (it is still caught from now on, so that it
 * never ends aping by its default action). */
void ap_guard_start(struct ap_guard *g, uv_loop_t *loop,
                    uint64_t deadline_ms, uint64_t start_ns,
                    int hup_reloads);

/* The deadline came while the guard was not yet watching (a target file
 * read too slowly): the run is stopped by it. */
void ap_guard_expire(struct ap_guard *g);

/* Whether a second stopping signal came after the run was stopped: then
 * it must end at once (ap_run_go()). */
int ap_guard_hurried(const struct ap_guard *g);

/* Hands the guard to the stage under way (stop NULL: none is). */
void ap_guard_watch(struct ap_guard *g, ap_guard_stop_fn stop, void *ctx);

/* Whether a signal or the deadline stopped the run. */
int ap_guard_stopped(const struct ap_guard *g);

/* What stopped it, as the output formats name it: "SIGINT", "SIGTERM",
 * "SIGPIPE", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM",
 * "deadline", or NULL. */
const char *ap_guard_why(const struct ap_guard *g);

/* Closes the handles and runs the loop for their close callbacks: once,
 * without waiting, when lookups were abandoned (the loop never runs out
 * then). */
void ap_guard_close(struct ap_guard *g, uv_loop_t *loop, int abandoned);

#endif
