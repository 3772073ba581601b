/* runloop.c - the continuous shape of a run (-l, -Q, --listen): see
 * run.h.
 *
 * The monitor (monitor.h) probes every target every period and hands each
 * completed probe here; the service checks (svcloop.h) ride on the same
 * schedule.  What comes back goes to the output as it comes (outloop.h),
 * or every -Q seconds as statistics, and is served at /metrics
 * (httpd.h, metrics.h) from the same records.  SIGHUP gathers the targets
 * again beside the probing and moves the records over once the new set is
 * complete.  A stop (SIGINT, SIGTERM, --deadline) closes everything; the
 * run then ends with each target's totals.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loopwatch.h"
#include "outloop.h"
#include "run.h"
#include "version.h"

static struct ap_lw_kind lw_reload = AP_LW_KIND("reload");

static struct ap_run *of_mon(struct ap_monitor *m) {
  return ap_container_of(m, struct ap_run, mon);
}

static void probe_cb(struct ap_monitor *m, uint64_t idx,
                     const struct ap_mstat *st, const struct ap_mevent *ev) {
  struct ap_run *r = of_mon(m);
  struct ap_addr a;

  if (r->cfg->loop.squiet_s > 0)
    return; /* -Q: the statistics only */
  ap_tset_at(ap_monitor_set(m), idx, &a);
  ap_out_probe(&r->out, &a, st, ev);
}

static void due_cb(struct ap_monitor *m, uint64_t idx) {
  struct ap_run *r = of_mon(m);

  if (r->checking)
    ap_svcloop_due(&r->svcl, idx);
}

static void check_cb(struct ap_svcloop *s, const struct ap_addr *a,
                     const struct ap_check *c,
                     const struct ap_svc_last *last) {
  struct ap_run *r = ap_container_of(s, struct ap_run, svcl);

  if (r->cfg->loop.squiet_s == 0)
    ap_out_check(&r->out, a, c, last->runs - 1, last->connect_ns);
}

/* -Q: every target's statistics of the interval (or since the start). */
static void squiet_cb(uv_timer_t *t) {
  struct ap_run *r = t->data;
  const struct ap_mstat *st;
  struct ap_addr a;
  uint64_t k, idx;

  ap_out_interval_head(&r->out);
  for (k = 0; k < ap_monitor_count(&r->mon); k++) {
    st = ap_monitor_nth(&r->mon, k, &idx);
    ap_tset_at(ap_monitor_set(&r->mon), idx, &a);
    ap_out_interval(&r->out, &a,
                    r->cfg->loop.cumulative ? &st->all : &st->ival);
  }
  if (!r->cfg->loop.cumulative)
    ap_monitor_new_interval(&r->mon);
  fflush(r->out.f);
}

/* ---- /metrics ---- */

static void *scrape_open(void *ctx) {
  struct ap_run *r = ctx;
  uint64_t last = ap_monitor_last_period(&r->mon);
  struct timespec now;

  /* The period's end, from the monotonic clock to the wall clock. */
  clock_gettime(CLOCK_REALTIME, &now);
  r->metrics.last_period_ms =
      last == 0 ? 0
                : ((uint64_t) now.tv_sec * 1000000000ULL +
                   (uint64_t) now.tv_nsec - (uv_hrtime() - last)) /
                      1000000;
  return ap_scrape_open(&r->metrics);
}

static ssize_t scrape_read(void *scrape, char *buf, size_t max) {
  return ap_scrape_read(scrape, buf, max);
}

static void scrape_close(void *scrape) {
  ap_scrape_close(scrape);
}

/* Serves /metrics, before any probe is sent.  Returns 0 or an exit
 * status. */
static int listen_up(struct ap_run *r, struct ap_err *err) {
  struct ap_httpd_source src = { .open = scrape_open, .read = scrape_read,
                                 .close = scrape_close, .ctx = r };
  char where[80];
  int e;

  if (!r->cfg->loop.listen)
    return 0;
  e = ap_httpd_start(&r->httpd, r->loop, &r->cfg->loop.listen_addr, &src);
  ap_httpd_addr_str(&r->cfg->loop.listen_addr, where, sizeof(where));
  if (e != 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot listen on %s: %s", where,
                      ap_strerror(e));
  if (r->cfg->run.verbose)
    fprintf(r->diag, "aping: serving metrics at http://%s/metrics\n", where);
  return 0;
}

/* ---- SIGHUP ---- */

static void reload_end(struct ap_run *r, const char *why) {
  if (why != NULL)
    fprintf(r->diag, "aping: reload: %s; the targets stay as they were\n",
            why);
  if (r->next != NULL)
    ap_intake_release(r->next);
  r->next = NULL;
  r->reloading = 0;
}

/* The new set is complete: the records move over to it. */
static void reload_cb(uv_timer_t *t) {
  struct ap_run *r = t->data;
  struct ap_intake *old = r->in;
  uint64_t before = ap_monitor_count(&r->mon);
  struct ap_err err;

  ap_loopwatch_note(&lw_reload);
  if (ap_intake_finish(r->next, &err) != 0) {
    reload_end(r, err.msg);
    return;
  }
  if (ap_intake_set(r->next)->count == 0) {
    reload_end(r, "no target left to probe");
    return;
  }
  if (ap_monitor_retarget(&r->mon, ap_intake_set(r->next)) != 0) {
    reload_end(r, "out of memory");
    return;
  }
  r->in = r->next;
  r->next = old;
  ap_out_names(&r->out, ap_intake_names(r->in));
  r->metrics.names = ap_intake_names(r->in);
  r->metrics.gen++;
  fprintf(r->diag, "aping: reloaded: %llu targets (%llu before)\n",
          (unsigned long long) ap_monitor_count(&r->mon),
          (unsigned long long) before);
  reload_end(r, NULL);
}

/* Resolution is over; the rest waits for the resolver's callback to
 * return. */
static void resolved_cb(struct ap_intake *in) {
  struct ap_run *r = in->data;

  uv_timer_start(&r->reload, reload_cb, 0, 0);
}

/* Whether -f - gave targets: standard input is read once only. */
static int from_stdin(const struct ap_intake_cfg *c) {
  size_t i;

  for (i = 0; i < c->files.n; i++)
    if (strcmp(c->files.v[i], "-") == 0)
      return 1;
  return 0;
}

static void hup_cb(uv_signal_t *h, int signum) {
  struct ap_run *r = h->data;
  struct ap_err err;

  (void) signum;
  ap_loopwatch_note(&lw_reload);
  if (r->reloading) {
    fprintf(r->diag, "aping: reload: one is already under way\n");
    return;
  }
  if (from_stdin(&r->cfg->intake)) {
    fprintf(r->diag, "aping: cannot reload: targets came from standard "
            "input (-f -)\n");
    return;
  }
  r->reloading = 1;
  r->next = &r->intakes[r->in == &r->intakes[0]];
  ap_intake_init(r->next, &r->cfg->intake, r->diag);
  if (ap_intake_collect(r->next, &err) != 0 ||
      ap_intake_resolve(r->next, r->loop, &err) != 0) {
    reload_end(r, err.msg);
    return;
  }
  r->next->done_cb = resolved_cb;
  r->next->data = r;
  if (ap_intake_resolved(r->next))
    uv_timer_start(&r->reload, reload_cb, 0, 0);
}

/* ---- the run ---- */

/* The guard's stop: everything closes, and the loop runs out. */
static int stop_loop(void *ctx) {
  struct ap_run *r = ctx;

  if (!r->looping)
    return 0;
  r->looping = 0;
  if (r->reloading) {
    ap_intake_abandon(r->next);
    r->reloading = 0;
  }
  ap_monitor_stop(&r->mon);
  if (r->checking)
    ap_svcloop_stop(&r->svcl);
  ap_httpd_close(&r->httpd);
  uv_close((uv_handle_t *) &r->squiet, NULL);
  uv_close((uv_handle_t *) &r->hup, NULL);
  uv_close((uv_handle_t *) &r->reload, NULL);
  return 1;
}

/* The monitor, and with it the checks.  Returns 0 or a UV_E* code. */
static int start_monitor(struct ap_run *r) {
  const struct ap_config *c = r->cfg;
  struct ap_monitor_cfg mc = {
    .period_ms = c->loop.period_ms, .timeout_ms = c->scan.timeout_ms,
    .sequential = c->order.sequential, .seed = r->seed,
    .shard = c->order.shard, .nshards = c->order.nshards,
    .buckets = c->loop.buckets,
  };
  struct ap_svcloop_cfg sc = {
    .tcp = { .timeout_ms = c->scan.timeout_ms, .idle_ms = 300,
             .cap = c->svc.banner_bytes, .pkt = &c->ping.pkt },
    .expect = c->svc.have_expect ? &c->svc.expect : NULL,
    .max_conns = c->ping.jobs > 0 ? c->ping.jobs : 256,
  };
  int err = 0;

  r->checking = c->svc.ports.n > 0 || c->svc.telnet_port != 0;
  if (r->checking)
    err = ap_svc_checks(&c->svc.ports, c->svc.banner, c->svc.telnet_port,
                        &r->checks, &r->nchecks);
  mc.ext_size = ap_svcloop_ext_size(r->nchecks);
  if (err == 0)
    err = ap_monitor_init(&r->mon, r->loop, ap_intake_set(r->in),
                          ap_pinger_engine(r->ping), &mc, probe_cb, due_cb);
  if (err != 0)
    return err;
  sc.checks = r->checks;
  sc.nchecks = r->nchecks;
  if (r->checking)
    ap_svcloop_init(&r->svcl, r->loop, &r->mon, &sc, check_cb);
  err = ap_pinger_start(r->ping, r->loop);
  return err == 0 ? ap_monitor_start(&r->mon) : err;
}

/* The timers and the signal of the continuous run, which keep nothing
 * alive: the monitor does. */
static void start_watchers(struct ap_run *r) {
  uv_timer_init(r->loop, &r->squiet);
  uv_timer_init(r->loop, &r->reload);
  uv_signal_init(r->loop, &r->hup);
  r->squiet.data = r->reload.data = r->hup.data = r;
  if (r->cfg->loop.squiet_s > 0)
    uv_timer_start(&r->squiet, squiet_cb, r->cfg->loop.squiet_s * 1000,
                   r->cfg->loop.squiet_s * 1000);
  uv_signal_start(&r->hup, hup_cb, SIGHUP);
  uv_unref((uv_handle_t *) &r->squiet);
  uv_unref((uv_handle_t *) &r->hup);
}

int ap_run_loop_status(int listen, uint64_t targets, uint64_t answered,
                       uint64_t unresolved) {
  if (listen)
    return AP_EXIT_OK;
  if (unresolved > 0)
    return AP_EXIT_NONAME;
  return answered == targets ? AP_EXIT_OK : AP_EXIT_DOWN;
}

/* Whether the target answered at least once: a reply, or with -m none a
 * check that passed. */
static int answered(const struct ap_run *r, uint64_t idx,
                    const struct ap_mstat *st) {
  const struct ap_svc_last *last;
  size_t i;

  if (ap_pinger_pings(r->ping))
    return st->all.replies > 0;
  last = r->checking ? ap_svcloop_last(&r->svcl, idx) : NULL;
  for (i = 0; last != NULL && i < r->nchecks; i++)
    if (last[i].passes > 0)
      return 1;
  return 0;
}

/* The end: each target's totals in address order, the summary, the
 * files in place. */
static int loop_end(struct ap_run *r, struct ap_err *err) {
  const struct ap_mstat *st;
  uint64_t k, idx, n = ap_monitor_count(&r->mon), ok = 0;
  uint64_t unresolved = ap_intake_unresolved(r->in);
  uint64_t shown = n + ap_intake_extra(r->in); /* a total per name */
  struct ap_addr a;
  int rc, status = ap_monitor_status(&r->mon);

  for (k = 0; k < n; k++) {
    st = ap_monitor_nth(&r->mon, k, &idx);
    ok += (uint64_t) answered(r, idx, st);
    ap_tset_at(ap_monitor_set(&r->mon), idx, &a);
    if (ap_pinger_pings(r->ping))
      ap_out_total(&r->out, &a, &st->all);
  }
  fflush(stdout);
  if (r->cfg->run.summary)
    ap_out_summary(&r->out, r->diag, shown, unresolved,
                   uv_hrtime() - r->start_ns);
  r->out_open = 0;
  if (status != 0 && status != UV_ECANCELED) {
    ap_out_release(&r->out);
    return ap_pinger_failed(r->ping, status, err);
  }
  rc = ap_out_close(&r->out, shown, unresolved, uv_hrtime() - r->start_ns,
                    ap_guard_why(&r->guard), err);
  if (rc != 0)
    return rc;
  return ap_run_loop_status(r->cfg->loop.listen, n, ok, unresolved);
}

int ap_run_loop(struct ap_run *r, struct ap_err *err) {
  const struct ap_config *c = r->cfg;
  int rc;

  if (ap_pinger_spawns(r->ping))
    return ap_err_set(err, AP_EXIT_SYSTEM, "-l needs an ICMP socket, and "
                      "there is none: run as root, give aping the capability "
                      "(setcap cap_net_raw+ep aping), or let your group use "
                      "ICMP datagram sockets (sysctl "
                      "net.ipv4.ping_group_range)");
  r->start_ns = uv_hrtime();
  rc = ap_out_open(&r->out, &c->out, &r->files, ap_intake_names(r->in), 1,
                   c->svc.ports.n > 0 || c->svc.telnet_port != 0, err);
  if (rc != 0)
    return rc;
  r->out_open = 1;
  r->metrics = (struct ap_metrics){ .mon = &r->mon,
                                    .names = ap_intake_names(r->in),
                                    .version = AP_VERSION,
                                    .pinging = ap_pinger_pings(r->ping) };
  rc = listen_up(r, err);
  if (rc == 0 && (rc = start_monitor(r)) != 0)
    rc = ap_err_set(err, AP_EXIT_SYSTEM, "cannot start: %s", ap_strerror(rc));
  if (rc != 0) {
    ap_httpd_close(&r->httpd);
    ap_out_release(&r->out);
    r->out_open = 0;
    ap_loopwatch_run(r->loop, UV_RUN_DEFAULT);
    return rc;
  }
  r->metrics.svc = r->checking ? &r->svcl : NULL;
  r->looping = 1;
  start_watchers(r);
  ap_guard_watch(&r->guard, stop_loop, r);
  ap_loopwatch_run(r->loop, UV_RUN_DEFAULT);
  ap_guard_watch(&r->guard, NULL, NULL);
  return loop_end(r, err);
}
