/* run.h - one run of aping, from the targets to the exit status.
 *
 * A run takes the lock (--lock), gathers and resolves the targets
 * (intake.h), chooses how to ping them (pinger.h), and probes them in one
 * of its shapes: the ping scan alone, or the scan and the service checks
 * side by side with the combiner between them and the output, or the
 * checks alone (-m none).  It owns the guard (signals, --deadline), the
 * output (-o, --state), the progress line, and the one run end: the
 * targets left without a verdict listed as unfinished, the summary, the
 * files put in place, the exit status decided.
 *
 * A struct ap_run holds everything a run needs; there is no state
 * anywhere else.  It is large (the scheduler's batch): give it static or
 * heap storage, or main's stack.
 */
#ifndef AP_RUN_H
#define AP_RUN_H

#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "combine.h"
#include "config.h"
#include "err.h"
#include "guard.h"
#include "httpd.h"
#include "intake.h"
#include "metrics.h"
#include "monitor.h"
#include "order.h"
#include "output.h"
#include "pinger.h"
#include "progress.h"
#include "rdns.h"
#include "scan.h"
#include "svc.h"
#include "svcloop.h"
#include "workers.h"

/* What decides the exit status of a run that got to its end. */
struct ap_outcome {
  int nagios;          /* --format nagios */
  int nagios_status;   /* the status line's (enum ap_nagios_status) */
  int signum;          /* the signal that stopped the run, or 0 */
  uint64_t targets;    /* targets the run was to probe */
  uint64_t ok;         /* targets that passed */
  uint64_t unfinished; /* targets left without a verdict */
  uint64_t unresolved; /* names that did not resolve */
  int state;           /* --state given */
  uint64_t changed;    /* targets whose status changed (--state) */
  int have_min_ok;     /* -x given */
  uint64_t min_ok;
};

/* The exit status policy (the manual's EXIT STATUS), in order: nagios
 * gives the plugin's status (UNKNOWN after a signal); a signal gives 128 +
 * its number; unfinished targets 7; unresolved names 2; --state 5 when
 * something changed, else 0; -x 0 when at least N are OK; else 0 when all
 * are OK, 1 when not.  Pure. */
int ap_run_status(const struct ap_outcome *o);

/* The status aping ends with once rc is known and standard output
 * flushed: after a SIGPIPE (broken) 141, quietly; with --format nagios
 * (nagios) a plugin status, and *unknown_line is set when standard output
 * has no status line yet (printed is 0) and needs an UNKNOWN one for rc
 * (see ap_run_finish()).  Pure. */
int ap_run_exit_code(int rc, int nagios, int printed, int broken,
                     int *unknown_line);

struct ap_run {
  uv_loop_t *loop;
  const struct ap_config *cfg;
  struct ap_pinger *ping;
  FILE *diag;               /* standard error */
  struct ap_intake intakes[2]; /* the targets, and a reload's */
  struct ap_intake *in;     /* the targets: one of intakes */
  struct ap_guard guard;
  struct ap_out out;
  struct ap_out_files files; /* -o, --state: opened before the probing */
  uv_timer_t retry;         /* -o FIFO: tries again for a reader */
  int retry_rc;             /* what the last try gave */
  struct ap_err *retry_err;
  struct ap_progress progress;
  int out_open;             /* out must be closed or released */
  int clear_progress;       /* progress and verdicts share a terminal */
  int nagios_printed;       /* the Nagios status line is out */
  /* The probing. */
  struct ap_order order;    /* the scan's (and the checks') order */
  uint64_t seed;
  uint64_t start_ns;        /* when probing started, or aping did */
  uint64_t total;           /* targets this run gives a result */
  int pinging;              /* the ping scan runs */
  int checking;             /* the service checks run */
  struct ap_scan scan;
  int threaded;             /* the sweep runs on workers, not scan */
  struct ap_workers workers;
  struct ap_svc svc;
  struct ap_combine comb;
  struct ap_cgate gate;
  struct ap_order svc_order;
  int naming;               /* -n, -d: verdicts go through rdns */
  struct ap_rdns rdns;
  struct ap_rdns_gate rgate;
  struct ap_svc_check *checks;
  size_t nchecks;
  int oom;
  /* The listing of the targets a stopped run left unfinished. */
  uv_idle_t lister;         /* a slice of them per loop turn */
  struct ap_order again;    /* the run's order, walked again */
  const struct ap_bitmap *ldone; /* the targets with a verdict */
  uint64_t lmissing;        /* those still to list */
  /* The continuous shape (-l, runloop.c). */
  struct ap_monitor mon;
  struct ap_svcloop svcl;
  struct ap_httpd httpd;
  struct ap_metrics metrics;
  uv_timer_t squiet;        /* -Q */
  uv_signal_t hup;          /* SIGHUP: reload */
  uv_timer_t reload;        /* a reload's end, out of the resolver's way */
  struct ap_intake *next;   /* the targets a reload is gathering, or
                               NULL */
  int looping;              /* mon (and what goes with it) is set up */
  int reloading;            /* next is resolving */
};

/* Prepares a run of cfg on loop, pinging with ping (opened), telling
 * diag (standard error) what it must. */
void ap_run_init(struct ap_run *r, uv_loop_t *loop,
                 const struct ap_config *cfg, struct ap_pinger *ping,
                 FILE *diag);

/* The continuous shape of a run (runloop.c): probes every target every
 * period until stopped; called by ap_run_go() with the targets gathered
 * and the engine chosen.  Returns an exit status, with err set when an
 * error ended it. */
int ap_run_loop(struct ap_run *r, struct ap_err *err);

/* The exit status of a continuous run that got to its end (-l): 0 when
 * every target answered at least once (with --listen: always, a stop being
 * its normal end), else 1; 2 when a name could not be resolved.  Pure. */
int ap_run_loop_status(int listen, uint64_t targets, uint64_t answered,
                       uint64_t unresolved);

/* Runs it: returns the exit status, with err set when an error ended it
 * (err->code is then that status). */
int ap_run_go(struct ap_run *r, struct ap_err *err);

/* Flushes standard output and gives the status aping exits with for rc
 * (ap_run_exit_code()), printing the UNKNOWN status line that --format
 * nagios owes when an error came before its line. */
int ap_run_finish(struct ap_run *r, int rc);

/* Whether lookups a stop abandoned may still run: then nothing may be
 * released and the process must end by _exit() (resolve.h). */
int ap_run_abandoned(const struct ap_run *r);

/* Frees what the run holds, once the loop has run out. */
void ap_run_release(struct ap_run *r);

#endif
