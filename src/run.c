/* run.c - see run.h. */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "atomic.h"
#include "loopwatch.h"
#include "nsec.h"

#define LOOP_TURN_MS 100     /* -vv reports loop turns busy this long */
#define DEFAULT_CONNS 256    /* service checks: connections at once */
#define BANNER_IDLE_MS 300   /* a banner ends after this much silence */
/* Targets whose ping verdict may wait for their service checks (and the
 * other way round) beyond those being checked. */
#define CHECKS_AHEAD 4096
/* Bytes the banners of targets whose checks wait for their ping verdict
 * may hold before no new target's checks start: with the connections'
 * own buffers (-j times --banner-bytes), what banners can cost at most. */
#define CHECKS_AHEAD_BYTES (4u << 20)
/* Positions of the order a stopped run walks per loop turn to list its
 * unfinished targets: a turn stays short, and a second signal is seen
 * between two turns. */
#define UNFINISHED_SLICE 4096

static struct ap_lw_kind lw_output = AP_LW_KIND("output");

/* ---- the exit status ---- */

int ap_run_status(const struct ap_outcome *o) {
  if (o->nagios)
    return o->signum != 0 ? AP_NAGIOS_UNKNOWN : o->nagios_status;
  if (o->signum != 0)
    return 128 + o->signum;
  if (o->unfinished > 0)
    return AP_EXIT_DEADLINE;
  if (o->unresolved > 0)
    return AP_EXIT_NONAME;
  if (o->state)
    return o->changed > 0 ? AP_EXIT_CHANGED : AP_EXIT_OK;
  if (o->have_min_ok)
    return o->ok >= o->min_ok ? AP_EXIT_OK : AP_EXIT_DOWN;
  return o->ok == o->targets ? AP_EXIT_OK : AP_EXIT_DOWN;
}

int ap_run_exit_code(int rc, int nagios, int printed, int broken,
                     int *unknown_line) {
  *unknown_line = 0;
  /* As a filter killed by SIGPIPE would, aping ends quietly with 141
   * (128 + SIGPIPE), its stop status. */
  if (broken)
    return 128 + SIGPIPE;
  if (!nagios)
    return rc;
  if (printed)
    return rc <= AP_NAGIOS_UNKNOWN ? rc : AP_NAGIOS_UNKNOWN;
  *unknown_line = 1;
  return AP_NAGIOS_UNKNOWN;
}

int ap_run_finish(struct ap_run *r, int rc) {
  int unknown, code;

  if (r->guard.stdout_broken) {
    (void) fflush(stdout);
  } else if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(r->diag, "aping: cannot write output: %s (exit %d)\n",
            strerror(errno), AP_EXIT_SYSTEM);
    rc = AP_EXIT_SYSTEM;
  }
  code = ap_run_exit_code(rc, r->cfg->out.format == AP_FORMAT_NAGIOS,
                          r->nagios_printed, r->guard.stdout_broken,
                          &unknown);
  if (unknown) {
    printf("APING UNKNOWN - %s (see standard error)\n",
           rc == AP_EXIT_NONAME   ? "no target name could be resolved"
           : rc == AP_EXIT_USAGE  ? "bad usage"
           : rc == AP_EXIT_LOCKED ? "another run holds the lock"
           : rc > 128             ? "stopped at once by a second signal"
           : rc == AP_EXIT_DEADLINE ? "the deadline came before any target"
                                  : "system error");
    fflush(stdout);
  }
  return code;
}

/* The run's targets. */
static const struct ap_tset *targets(const struct ap_run *r) {
  return ap_intake_set(r->in);
}

/* ---- output ---- */

/* Hands one target's result to the output, out of the progress line's
 * way: shown by name (or NULL: by address). */
static void show_as(struct ap_run *r, const struct ap_result *res,
                    const char *name) {
  ap_loopwatch_note(&lw_output);
  if (r->clear_progress)
    ap_progress_clear(&r->progress);
  ap_out_result_as(&r->out, res, name);
}

static void named_cb(struct ap_rdns *d, const struct ap_result *res,
                     const char *name) {
  show_as(ap_container_of(d, struct ap_run, rdns), res, name);
}

/* A target's result: through the reverse lookups with -n and -d; else
 * once for each name it was given by (several names may share an
 * address, probed once), or by its address. */
static void show(struct ap_run *r, const struct ap_result *res) {
  const struct ap_name *v;
  size_t n, i;

  if (r->naming) {
    ap_rdns_result(&r->rdns, res);
    return;
  }
  n = ap_names_all(ap_intake_names(r->in), &res->addr, &v);
  if (n == 0)
    show_as(r, res, NULL);
  for (i = 0; i < n; i++)
    show_as(r, res, v[i].name);
}

static void progress_count_cb(struct ap_progress *p, uint64_t *done,
                              uint64_t *total, uint64_t *alive) {
  struct ap_run *r = ap_container_of(p, struct ap_run, progress);
  struct ap_totals t;

  ap_out_tally(&r->out, &t);
  *total = r->total;
  *done = r->checking  ? ap_combine_emitted(&r->comb)
          : r->threaded ? r->total - ap_workers_missing(&r->workers)
                        : r->total - ap_scan_missing(&r->scan);
  *alive = t.alive;
}

/* An auto/always/never setting: auto is on when fd is a terminal. */
static int when_on(int when, int fd) {
  return when == AP_WHEN_ALWAYS || (when == AP_WHEN_AUTO && isatty(fd));
}

/* Starts the progress line (which does not keep the loop alive). */
static void start_progress(struct ap_run *r) {
  if (when_on(r->cfg->run.progress, STDERR_FILENO) &&
      ap_progress_start(&r->progress, r->loop, r->diag,
                        progress_count_cb) == 0)
    r->clear_progress =
        r->cfg->out.outfile == NULL && isatty(STDOUT_FILENO);
}

/* Closes it and lets the loop finish (but for lookups abandoned, which
 * it would wait for). */
static void stop_progress(struct ap_run *r) {
  ap_progress_close(&r->progress);
  r->clear_progress = 0;
  ap_loopwatch_run(r->loop, ap_run_abandoned(r) ? UV_RUN_NOWAIT
                                                : UV_RUN_DEFAULT);
}

static int open_output(struct ap_run *r, struct ap_err *err) {
  const struct ap_config *c = r->cfg;
  int rc = ap_out_open(&r->out, &c->out, &r->files, ap_intake_names(r->in),
                       c->scan.count > 0,
                       c->svc.ports.n > 0 || c->svc.telnet_port != 0, err);

  r->out_open = rc == 0;
  if (rc == 0 && c->out.vcount)
    ap_out_vcount(&r->out, r->diag);
  return rc;
}

/* ---- the unfinished ---- */

static void unfinished_cb(uint64_t idx, void *ctx) {
  struct ap_run *r = ctx;
  struct ap_result res;

  memset(&res, 0, sizeof(res));
  res.idx = idx;
  res.verdict = AP_UNFINISHED;
  ap_tset_at(targets(r), idx, &res.addr);
  ap_out_result(&r->out, &res);
}

static void unanswered_cb(const char *name, void *ctx) {
  ap_out_unfinished_name(&((struct ap_run *) ctx)->out, name);
}

static void list_turn_cb(uv_idle_t *h) {
  struct ap_run *r = ap_container_of(h, struct ap_run, lister);

  if (ap_order_missing_slice(&r->again, r->ldone, &r->lmissing,
                             UNFINISHED_SLICE, unfinished_cb, r))
    return;
  uv_close((uv_handle_t *) h, NULL);
  uv_stop(r->loop); /* lookups a stop abandoned may keep it alive */
}

/* The guard's stop while listing: only a second signal ends the listing
 * (the deadline or a SIGPIPE that comes meanwhile does not). */
static int stop_listing(void *ctx) {
  struct ap_run *r = ctx;

  if (!ap_guard_hurried(&r->guard) ||
      uv_is_closing((uv_handle_t *) &r->lister))
    return 0;
  uv_close((uv_handle_t *) &r->lister, NULL);
  uv_stop(r->loop);
  return 1;
}

static void unresolved_cb(const char *name, void *ctx) {
  ap_out_keep_name(&((struct ap_run *) ctx)->out, name);
}

/* Lists what a stopped run left without a result, walking its order
 * again on the loop, a slice per turn: the targets the last stage (the
 * combiner, else the scan) did not finish; before probing began, every
 * target, and every name whose lookup was still unanswered.  When no
 * record of them would be seen (-q, -a, -u, nagios: see
 * ap_out_lists_unfinished()) they are only counted. */
static void list_unfinished(struct ap_run *r) {
  const struct ap_order_cfg *oc = &r->cfg->order;

  r->ldone = NULL;
  r->lmissing = r->total;
  if (r->checking) {
    r->ldone = ap_combine_done(&r->comb);
    r->lmissing = r->total - ap_combine_emitted(&r->comb);
  } else if (r->threaded) {
    r->ldone = ap_workers_done(&r->workers);
    r->lmissing = ap_workers_missing(&r->workers);
  } else if (r->pinging) {
    r->ldone = ap_scan_done(&r->scan);
    r->lmissing = ap_scan_missing(&r->scan);
  }
  if (r->lmissing > 0 && ap_out_lists_unfinished(&r->out) &&
      uv_idle_init(r->loop, &r->lister) == 0) {
    ap_order_init(&r->again, targets(r)->count, !oc->sequential, r->seed,
                  oc->shard, oc->nshards);
    uv_idle_start(&r->lister, list_turn_cb);
    ap_guard_watch(&r->guard, stop_listing, r);
    ap_loopwatch_run(r->loop, UV_RUN_DEFAULT);
    ap_guard_watch(&r->guard, NULL, NULL);
  } else {
    ap_out_unfinished(&r->out, r->lmissing);
  }
  if (!r->pinging && !r->checking && !ap_guard_hurried(&r->guard))
    ap_intake_each_unanswered(r->in, unanswered_cb, r);
}

/* ---- the run end ---- */

/* The names beside the first of an address, each reported as a target
 * of its own; with -d and -n an address is reported once, by the name
 * its reverse lookup gives. */
static uint64_t extra_names(const struct ap_run *r) {
  return r->naming ? 0 : ap_intake_extra(r->in);
}

/* The targets the output reports: one per name of an address given by
 * several, and the names a stop left unanswered. */
static uint64_t shown_total(const struct ap_run *r) {
  return r->total + extra_names(r) + ap_intake_pending(r->in);
}

/* How the probing ended: 0, UV_ECANCELED (stopped), or the UV_E* code of
 * what failed. */
static int probe_status(const struct ap_run *r) {
  int status = r->checking ? ap_svc_status(&r->svc) : 0;

  int ping = r->threaded  ? ap_workers_status(&r->workers)
             : r->pinging ? ap_scan_status(&r->scan)
                          : 0;

  if ((status == 0 || status == UV_ECANCELED) && ping != 0)
    status = ping;
  if (r->oom)
    status = UV_ENOMEM;
  return status;
}

/* Frees the stages, once the loop has run out. */
static void release_stages(struct ap_run *r) {
  if (r->threaded)
    ap_workers_release(&r->workers);
  else if (r->pinging)
    ap_scan_release(&r->scan);
  r->threaded = 0;
  if (r->checking && !r->cfg->loop.on)
    ap_combine_release(&r->comb);
  free(r->checks);
  r->checks = NULL;
  r->pinging = r->checking = 0;
}

/* The end of a run that a second signal hurried: what is written stays
 * written, but nothing more is, and no file is put in place (their
 * temporary files are removed, the old ones left whole). */
static int hurried_end(struct ap_run *r) {
  fflush(stdout);
  fprintf(r->diag, "aping: stopped at once by a second signal (%s): "
          "output cut short, no file replaced\n", ap_guard_why(&r->guard));
  release_stages(r);
  ap_out_release(&r->out);
  r->out_open = 0;
  return 128 + r->guard.signum;
}

/* The one end of every run: what it left unfinished, the summary, the
 * counters, the files put in place, the exit status. */
static int run_end(struct ap_run *r, int status, struct ap_err *err) {
  const struct ap_config *c = r->cfg;
  uint64_t elapsed, retries, backoffs;
  struct ap_outcome o;
  struct ap_totals t;
  int rc;

  if (r->naming)
    ap_rdns_end(&r->rdns); /* held verdicts out before the unfinished */
  if (status == UV_ECANCELED && !ap_guard_hurried(&r->guard))
    list_unfinished(r);
  if (ap_guard_hurried(&r->guard))
    return hurried_end(r);
  /* A name that did not resolve keeps its --state history. */
  ap_intake_each_unresolved(r->in, unresolved_cb, r);
  fflush(stdout); /* the verdicts before the summary, on a shared tty */
  elapsed = uv_hrtime() - r->start_ns;
  if (c->run.summary)
    ap_out_summary(&r->out, r->diag, shown_total(r),
                   ap_intake_unresolved(r->in), elapsed);
  if (c->run.summary && c->run.verbose && r->pinging) {
    if (r->threaded)
      ap_workers_counts(&r->workers, &retries, &backoffs);
    else
      ap_scan_counts(&r->scan, &retries, &backoffs);
    ap_pinger_counters(r->ping, retries, backoffs, r->diag);
  }
  release_stages(r);
  r->out_open = 0;
  if (status != 0 && status != UV_ECANCELED) {
    ap_out_release(&r->out);
    return ap_pinger_failed(r->ping, status, err);
  }
  rc = ap_out_close(&r->out, shown_total(r),
                    ap_intake_unresolved(r->in), elapsed,
                    ap_guard_why(&r->guard), err);
  if (rc != 0)
    return rc;
  r->nagios_printed = c->out.format == AP_FORMAT_NAGIOS;
  ap_out_tally(&r->out, &t);
  memset(&o, 0, sizeof(o));
  o.nagios = c->out.format == AP_FORMAT_NAGIOS;
  o.nagios_status = ap_out_status(&r->out);
  o.signum = r->guard.signum;
  o.targets = r->total + extra_names(r);
  o.ok = t.ok;
  o.unfinished = t.unfinished;
  o.unresolved = ap_intake_unresolved(r->in);
  o.state = c->out.state != NULL;
  o.changed = t.changed;
  o.have_min_ok = c->run.have_min_ok;
  o.min_ok = c->run.min_ok;
  return ap_run_status(&o);
}

/* ---- probing ---- */

/* The random order's seed: --seed, else random bytes, else the clock.
 * Shards of one sweep must share one order: without --seed they all use
 * seed 0 rather than each a random one. */
static uint64_t order_seed(const struct ap_order_cfg *oc, uint64_t now) {
  uint64_t seed = oc->seed;

  if (oc->have_seed || oc->nshards > 1)
    return seed;
  if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
    seed = now;
  return seed;
}

static void set_order(struct ap_run *r, uint64_t now) {
  const struct ap_order_cfg *oc = &r->cfg->order;

  r->seed = order_seed(oc, now);
  ap_order_init(&r->order, targets(r)->count, !oc->sequential, r->seed,
                oc->shard, oc->nshards);
  r->total = r->order.left;
}

static void verdict_cb(struct ap_scan *s, const struct ap_result *res) {
  show(ap_container_of(s, struct ap_run, scan), res);
}

static void ping_cb(struct ap_scan *s, const struct ap_result *res) {
  struct ap_run *r = ap_container_of(s, struct ap_run, scan);

  if (ap_combine_ping(&r->comb, res) != 0) {
    r->oom = 1;
    ap_scan_stop(&r->scan);
    ap_svc_stop(&r->svc);
  }
}

static void emit_cb(struct ap_combine *v, const struct ap_result *res) {
  show(ap_container_of(v, struct ap_run, comb), res);
}

/* The guard's stop while probing: returns whether anything still ran. */
static int stop_probing(void *ctx) {
  struct ap_run *r = ctx;
  int was = 0;

  if (r->threaded)
    was |= ap_workers_stop(&r->workers);
  else if (r->pinging)
    was |= ap_scan_stop(&r->scan);
  if (r->checking)
    was |= ap_svc_stop(&r->svc);
  if (r->naming)
    ap_rdns_end(&r->rdns);
  return was;
}

/* The ping scan ended.  If it failed (ping(8) cannot be run, a socket
 * error), the checks stop too: their targets would wait for ping verdicts
 * that never come. */
static void gate_closed_cb(struct ap_cgate *g) {
  struct ap_run *r = ap_container_of(g, struct ap_run, gate);
  int status = ap_scan_status(&r->scan);

  if (status != 0 && status != UV_ECANCELED)
    (void) ap_svc_stop(&r->svc);
}

/* A check takes at most as long as a silent target's pings: -t, and the
 * wait of each retry. */
static uint64_t check_timeout(const struct ap_scan_cfg *sc) {
  double wait = (double) sc->timeout_ms, all = 0;
  unsigned k;

  for (k = 0; k <= sc->retries; k++, wait *= sc->backoff)
    all += wait;
  return all > 86400000.0 ? 86400000 : (uint64_t) all;
}

/* Sets up the service checks, behind which the ping scan (unless -m none)
 * waits at its gate.  Returns 0 or a UV_E* code. */
static int init_checks(struct ap_run *r) {
  const struct ap_config *c = r->cfg;
  unsigned conns = c->ping.jobs > 0 ? c->ping.jobs : DEFAULT_CONNS;
  struct ap_svc_cfg cfg = {
    .checks = r->checks,
    .nchecks = r->nchecks,
    .tcp = { .timeout_ms = check_timeout(&c->scan),
             .idle_ms = BANNER_IDLE_MS, .cap = c->svc.banner_bytes,
             .pkt = &c->ping.pkt },
    .expect = c->svc.have_expect ? &c->svc.expect : NULL,
    .max_conns = conns,
    .fd_reserve = ap_pinger_fds(r->ping),
    .rate = c->scan.rate,
    .ahead_limit = r->pinging ? CHECKS_AHEAD + conns : 0,
    .ahead_bytes = r->pinging ? CHECKS_AHEAD_BYTES : 0,
  };
  int err;

  r->svc_order = r->order;
  ap_combine_init(&r->comb, r->nchecks, r->pinging, c->svc.any, emit_cb);
  ap_combine_discovery(&r->comb, c->svc.tcp_ping.n);
  err = ap_combine_track(&r->comb, targets(r)->count);
  if (err == 0)
    err = ap_svc_init(&r->svc, r->loop, targets(r), &r->svc_order,
                      &r->comb, &cfg);
  if (err == 0 && r->pinging)
    ap_cgate_init(&r->gate, ap_pinger_engine(r->ping), &r->comb,
                  CHECKS_AHEAD + conns, gate_closed_cb);
  return err;
}

/* Sets up the reverse lookups of -n and -d, and the engine in front of
 * *engine (if any) that starts them.  Returns 0 or a UV_E* code. */
static int init_naming(struct ap_run *r, struct ap_engine **engine) {
  struct ap_rdns_cfg cfg = {
    .mode = r->cfg->out.rdns,
    .given = ap_intake_names(r->in),
    .expect = r->total,
    .wait_ms = AP_RDNS_WAIT_MS,
    .inflight = AP_RDNS_INFLIGHT,
  };
  int err = ap_rdns_init(&r->rdns, r->loop, &cfg, named_cb);

  if (err != 0)
    return err;
  r->naming = 1;
  if (*engine != NULL) {
    ap_rdns_gate_init(&r->rgate, *engine, &r->rdns);
    *engine = &r->rgate.base;
  }
  return 0;
}

/* ---- the sweep on several loops (--threads) ---- */

static void worker_cb(struct ap_workers *ws, const struct ap_result *res) {
  show(ap_container_of(ws, struct ap_run, workers), res);
}

/* How many loops the ping scan takes: several only for an echo sweep on
 * its own (no service checks, no reverse lookups), as many as pay. */
static unsigned sweep_loops(const struct ap_run *r) {
  const struct ap_config *c = r->cfg;
  unsigned parts = ap_pinger_parts(r->ping);

  if (parts < 2 || r->checking || c->out.rdns != AP_RDNS_OFF)
    return 1;
  return ap_workers_count(parts, c->ping.threads != 0, r->total,
                          targets(r)->count, c->scan.rate, c->ping.jobs);
}

/* What the loops' sockets are, for -v. */
static const char *sockets_of(const struct ap_echo *e) {
  int raw = 0, dgram = 0, f;

  for (f = 0; f < 2; f++) {
    raw |= ap_echo_kind(e, f) == AP_ECHO_RAW;
    dgram |= ap_echo_kind(e, f) == AP_ECHO_DGRAM;
  }
  if (raw && dgram)
    return "raw sockets (each loop's replies filtered by identifier) "
           "and datagram sockets";
  return raw ? "raw sockets, each loop's replies filtered by identifier"
             : "datagram sockets, each loop's replies sorted by the kernel";
}

/* Starts the sweep on n loops (n >= 2) of the pinger's echo engines.
 * Returns 0 or a UV_E* code. */
static int start_workers(struct ap_run *r, unsigned n,
                         const struct ap_scan_cfg *scfg) {
  const struct ap_order_cfg *oc = &r->cfg->order;
  struct ap_echo *eng[64];
  struct ap_workers_cfg wc = {
    .set = targets(r), .nitems = targets(r)->count,
    .random = !oc->sequential, .seed = r->seed,
    .shard = oc->shard, .nshards = oc->nshards,
    .scan = *scfg, .engines = eng, .n = n,
    .watch_ms = r->cfg->run.verbose >= 2 ? LOOP_TURN_MS : 0,
    .diag = r->diag,
  };
  unsigned i;
  int err;

  ap_pinger_use_twins(r->ping);
  for (i = 0; i < n && i < 64; i++)
    eng[i] = ap_pinger_part(r->ping, i);
  err = ap_workers_init(&r->workers, r->loop, &wc, worker_cb);
  if (err != 0)
    return err;
  r->threaded = 1;
  if (r->cfg->run.verbose)
    fprintf(r->diag, "aping: ICMP: %u loops on %u threads, %s\n", n, n,
            sockets_of(eng[0]));
  return ap_workers_start(&r->workers);
}

/* Sets up and starts the stages.  Returns 0 or a UV_E* code. */
static int start_stages(struct ap_run *r) {
  struct ap_engine *engine = ap_pinger_engine(r->ping);
  struct ap_scan_cfg scfg;
  unsigned loops;
  int err = 0;

  r->pinging = engine != NULL;
  r->checking = r->cfg->svc.ports.n > 0 || r->cfg->svc.telnet_port != 0 ||
                r->cfg->svc.tcp_ping.n > 0;
  if (r->checking) {
    err = ap_svc_checks(&r->cfg->svc.ports, r->cfg->svc.banner,
                        r->cfg->svc.telnet_port, &r->checks, &r->nchecks);
    if (err == 0)
      err = ap_svc_checks_add(&r->checks, &r->nchecks,
                              &r->cfg->svc.tcp_ping);
    if (err == 0)
      err = init_checks(r);
    if (r->pinging)
      engine = &r->gate.base;
  }
  if (err == 0 && r->cfg->out.rdns != AP_RDNS_OFF)
    err = init_naming(r, &engine);
  if (err == 0 && r->pinging) {
    ap_pinger_scan_cfg(r->ping, &r->cfg->scan, &scfg);
    loops = sweep_loops(r);
    ap_pinger_keep_parts(r->ping, loops);
    if (loops > 1)
      return start_workers(r, loops, &scfg);
    err = ap_scan_init(&r->scan, r->loop, targets(r), &r->order, engine,
                       &scfg, r->checking ? ping_cb : verdict_cb);
    if (err == 0 && r->naming)
      ap_rdns_gate_attach(&r->rgate);
    if (err == 0 && r->checking)
      ap_cgate_attach(&r->gate, &r->scan);
    if (err == 0)
      err = ap_pinger_start(r->ping, r->loop);
    if (err == 0)
      err = ap_scan_start(&r->scan);
  }
  if (err == 0 && r->checking)
    err = ap_svc_start(&r->svc);
  return err;
}

/* Probes every target (pings, checks, or both), then ends the run. */
static int probe(struct ap_run *r, struct ap_err *err) {
  int rc, status;

  r->start_ns = uv_hrtime();
  set_order(r, r->start_ns);
  rc = open_output(r, err);
  if (rc != 0)
    return rc;
  status = start_stages(r);
  if (status != 0) {
    if (r->naming)
      ap_rdns_end(&r->rdns);
    ap_out_release(&r->out);
    r->out_open = 0;
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot start: %s",
                      ap_strerror(status));
  }
  if (r->checking && r->cfg->run.verbose)
    fprintf(r->diag, "aping: TCP: at most %u connections at once\n",
            ap_svc_conns(&r->svc));
  ap_guard_watch(&r->guard, stop_probing, r);
  start_progress(r);
  ap_loopwatch_run(r->loop, UV_RUN_DEFAULT);
  ap_guard_watch(&r->guard, NULL, NULL);
  stop_progress(r);
  return run_end(r, probe_status(r), err);
}

/* A stop while names were still resolving: nothing is probed, and every
 * target and every name still unanswered is unfinished. */
static int stopped_early(struct ap_run *r, struct ap_err *err) {
  int rc;

  r->start_ns = r->cfg->run.start_ns;
  set_order(r, uv_hrtime());
  rc = open_output(r, err);
  return rc != 0 ? rc : run_end(r, UV_ECANCELED, err);
}

/* ---- the run ---- */

void ap_run_init(struct ap_run *r, uv_loop_t *loop,
                 const struct ap_config *cfg, struct ap_pinger *ping,
                 FILE *diag) {
  memset(r, 0, sizeof(*r));
  r->loop = loop;
  r->cfg = cfg;
  r->ping = ping;
  r->diag = diag;
  r->in = &r->intakes[0];
  ap_intake_init(r->in, &cfg->intake, diag);
}

static int take_lock(const char *path, struct ap_err *err) {
  unsigned owner = 0;
  int e;

  if (path == NULL)
    return 0;
  if (path[0] == '\0')
    return ap_err_set(err, AP_EXIT_USAGE, "--lock: empty file name");
  e = ap_lock_take(path, &owner);
  if (e == UV_EBUSY)
    return ap_err_set(err, AP_EXIT_LOCKED, "another run holds the lock "
                      "'%s'", path);
  if (e == UV_EPERM)
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot lock '%s': it belongs "
                      "to uid %u, not to uid %u", path, owner,
                      (unsigned) geteuid());
  if (e == UV_EINVAL || e == UV_ELOOP)
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot lock '%s': %s", path,
                      e == UV_ELOOP ? "a symbolic link" : "not a regular "
                      "file");
  if (e != 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot lock '%s': %s", path,
                      ap_strerror(e));
  return 0;
}

/* ---- the files ---- */

#define RETRY_MS 50 /* how often a FIFO (-o) is tried for a reader */

static void retry_cb(uv_timer_t *t) {
  struct ap_run *r = ap_container_of(t, struct ap_run, retry);

  r->retry_rc = ap_out_files_open(&r->files, &r->cfg->out, r->retry_err);
  if (r->retry_rc != AP_OUT_WAIT)
    uv_timer_stop(t);
}

static int stop_waiting(void *ctx) {
  uv_timer_stop(ctx);
  return 1;
}

/* Opens -o and --state before anything is probed.  A FIFO without a
 * reader is tried again on a timer, not waited for in open(2), so that a
 * signal or the deadline ends the wait.  Returns 0 or an exit status. */
static int open_files(struct ap_run *r, struct ap_err *err) {
  r->retry_rc = ap_out_files_open(&r->files, &r->cfg->out, err);
  if (r->retry_rc != AP_OUT_WAIT)
    return r->retry_rc;
  if (r->cfg->run.verbose)
    fprintf(r->diag, "aping: waiting for a reader of '%s'\n",
            r->cfg->out.outfile);
  r->retry_err = err;
  uv_timer_init(r->loop, &r->retry);
  uv_timer_start(&r->retry, retry_cb, RETRY_MS, RETRY_MS);
  ap_guard_watch(&r->guard, stop_waiting, &r->retry);
  ap_loopwatch_run(r->loop, UV_RUN_DEFAULT);
  ap_guard_watch(&r->guard, NULL, NULL);
  uv_close((uv_handle_t *) &r->retry, NULL);
  if (r->retry_rc != AP_OUT_WAIT)
    return r->retry_rc;
  ap_out_files_release(&r->files);
  return ap_err_set(err, r->guard.signum != 0 ? 128 + r->guard.signum
                    : AP_EXIT_SYSTEM, "cannot open '%s': no reader opened "
                    "the FIFO before %s", r->cfg->out.outfile,
                    r->guard.signum != 0 ? ap_guard_why(&r->guard)
                                         : "the deadline");
}

static int stop_resolving(void *ctx) {
  ap_intake_stop(ctx);
  return 1;
}

/* Resolves the names, until they are all answered or the guard stops it.
 * Returns 0 or an exit status. */
static int resolve(struct ap_run *r, struct ap_err *err) {
  int rc = ap_intake_resolve(r->in, r->loop, err);

  if (rc != 0)
    return rc;
  ap_guard_watch(&r->guard, stop_resolving, r->in);
  ap_loopwatch_run(r->loop, UV_RUN_DEFAULT);
  ap_guard_watch(&r->guard, NULL, NULL);
  return ap_intake_finish(r->in, err);
}

/* Chooses how to ping what there is to probe, and probes it. */
static int probe_all(struct ap_run *r, struct ap_err *err) {
  int rc, v4, v6;

  if (targets(r)->count == 0) {
    if (ap_intake_unresolved(r->in) > 0)
      return AP_EXIT_NONAME;
    return ap_err_set(err, AP_EXIT_USAGE, "no targets left to probe");
  }
  ap_intake_families(r->in, &v4, &v6);
  rc = ap_pinger_choose(r->ping, r->loop, v4, v6, &r->cfg->scan, err);
  if (rc != 0)
    return rc;
  /* ping(8) reports no round-trip time per probe. */
  if (r->cfg->out.vcount && ap_pinger_spawns(r->ping))
    return ap_err_set(err, AP_EXIT_SYSTEM, "-C needs an ICMP socket, and "
                      "there is none: run as root, give aping the capability "
                      "(setcap cap_net_raw+ep aping), or let your group use "
                      "ICMP datagram sockets (sysctl "
                      "net.ipv4.ping_group_range)");
  if (r->cfg->loop.on) {
    ap_pinger_keep_parts(r->ping, 1);
    set_order(r, uv_hrtime());
    return ap_run_loop(r, err);
  }
  return probe(r, err);
}

/* The deadline came while target files were read: nothing is probed,
 * and what was read is unfinished; when that is nothing, it is an error
 * (the status is the deadline's, 7). */
static int cut_short(struct ap_run *r, struct ap_err *err) {
  int rc = ap_intake_finish(r->in, err);

  if (rc != 0)
    return rc;
  if (targets(r)->count == 0 && ap_intake_pending(r->in) == 0)
    return ap_err_set(err, AP_EXIT_DEADLINE, "the deadline came before any "
                      "target was read");
  fprintf(r->diag, "aping: the deadline came while target files were "
          "read: nothing probed\n");
  ap_guard_expire(&r->guard);
  return stopped_early(r, err);
}

int ap_run_go(struct ap_run *r, struct ap_err *err) {
  int rc;

  err->code = 0;
  if (r->cfg->run.deadline_ms > 0)
    ap_intake_until(r->in, r->cfg->run.start_ns +
                           r->cfg->run.deadline_ms * AP_NS_PER_MS);
  rc = take_lock(r->cfg->run.lock, err);
  if (rc == 0)
    rc = ap_intake_collect(r->in, err);
  if (rc != 0)
    return rc;
  ap_guard_start(&r->guard, r->loop, r->cfg->run.deadline_ms,
                 r->cfg->run.start_ns, r->cfg->loop.on);
  rc = open_files(r, err);
  if (rc == 0 && ap_intake_cut(r->in)) {
    rc = cut_short(r, err);
    ap_guard_close(&r->guard, r->loop, 0);
    return rc;
  }
  if (rc == 0)
    rc = resolve(r, err);
  if (rc == 0 && ap_guard_stopped(&r->guard))
    rc = stopped_early(r, err);
  else if (rc == 0)
    rc = probe_all(r, err);
  ap_guard_close(&r->guard, r->loop, ap_run_abandoned(r));
  return rc;
}

int ap_run_abandoned(const struct ap_run *r) {
  return ap_intake_abandoned(r->in) ||
         (r->next != NULL && ap_intake_abandoned(r->next)) ||
         (r->naming && ap_rdns_abandoned(&r->rdns));
}

void ap_run_release(struct ap_run *r) {
  if (r->out_open)
    ap_out_release(&r->out);
  r->out_open = 0;
  ap_out_files_release(&r->files);
  release_stages(r);
  if (r->naming)
    ap_rdns_release(&r->rdns);
  r->naming = 0;
  ap_monitor_release(&r->mon);
  ap_intake_release(r->in);
  if (r->next != NULL)
    ap_intake_release(r->next);
}
