/* guard.c - see guard.h. */
#include "guard.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "loopwatch.h"

static struct ap_lw_kind lw_signal = AP_LW_KIND("signal");

/* Whether standard output is a pipe or socket whose reader has gone. */
static int stdout_gone(void) {
  struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };

  return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

static const int which[AP_GUARD_NSIGS] = { SIGINT, SIGTERM, SIGPIPE, SIGHUP,
                                           SIGQUIT, SIGUSR1, SIGUSR2,
                                           SIGALRM };
static const char *const names[AP_GUARD_NSIGS] = {
  "SIGINT", "SIGTERM", "SIGPIPE", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2",
  "SIGALRM"
};

static void signal_cb(uv_signal_t *h, int signum) {
  struct ap_guard *g = h->data;

  ap_loopwatch_note(&lw_signal);
  if ((signum == SIGPIPE && !stdout_gone()) ||
      (signum == SIGHUP && g->hup_reloads))
    return;
  if (signum == SIGPIPE)
    g->stdout_broken = 1;
  else if (ap_guard_stopped(g))
    g->hurried = 1;
  /* A broken pipe after a stop (the unfinished targets written to a
   * reader gone meanwhile) does not hide what stopped the run. */
  if (signum != SIGPIPE || g->signum == 0)
    g->signum = signum;
  if (g->stop != NULL)
    g->stop(g->ctx);
}

static void deadline_cb(uv_timer_t *h) {
  struct ap_guard *g = h->data;

  if (ap_guard_stopped(g))
    return; /* a signal came first: the deadline stops nothing more */
  if (g->stop != NULL && g->stop(g->ctx))
    g->deadline_hit = 1;
}

void ap_guard_start(struct ap_guard *g, uv_loop_t *loop,
                    uint64_t deadline_ms, uint64_t start_ns,
                    int hup_reloads) {
  uint64_t spent = (uv_hrtime() - start_ns) / 1000000;
  int i;

  for (i = 0; i < AP_GUARD_NSIGS; i++) {
    uv_signal_init(loop, &g->sig[i]);
    g->sig[i].data = g;
    uv_signal_start(&g->sig[i], signal_cb, which[i]);
    /* What runs, not a watcher, decides when the loop is done. */
    uv_unref((uv_handle_t *) &g->sig[i]);
  }
  g->started = 1;
  g->hup_reloads = hup_reloads;
  if (deadline_ms > 0 && uv_timer_init(loop, &g->deadline) == 0) {
    g->deadline_on = 1;
    g->deadline.data = g;
    uv_timer_start(&g->deadline, deadline_cb,
                   spent < deadline_ms ? deadline_ms - spent : 0, 0);
    uv_unref((uv_handle_t *) &g->deadline);
  }
}

void ap_guard_watch(struct ap_guard *g, ap_guard_stop_fn stop, void *ctx) {
  g->stop = stop;
  g->ctx = ctx;
}

void ap_guard_expire(struct ap_guard *g) {
  g->deadline_hit = 1;
}

int ap_guard_stopped(const struct ap_guard *g) {
  return g->signum != 0 || g->deadline_hit;
}

int ap_guard_hurried(const struct ap_guard *g) {
  return g->hurried;
}

const char *ap_guard_why(const struct ap_guard *g) {
  int i;

  for (i = 0; g->signum != 0 && i < AP_GUARD_NSIGS; i++)
    if (which[i] == g->signum)
      return names[i];
  return g->deadline_hit ? "deadline" : NULL;
}

void ap_guard_close(struct ap_guard *g, uv_loop_t *loop, int abandoned) {
  int i;

  if (!g->started)
    return;
  for (i = 0; i < AP_GUARD_NSIGS; i++)
    uv_close((uv_handle_t *) &g->sig[i], NULL);
  if (g->deadline_on)
    uv_close((uv_handle_t *) &g->deadline, NULL);
  g->deadline_on = 0;
  g->started = 0;
  g->stop = NULL;
  ap_loopwatch_run(loop, abandoned ? UV_RUN_NOWAIT : UV_RUN_DEFAULT);
}
