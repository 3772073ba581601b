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

static void signal_cb(uv_signal_t *h, int signum) {
  struct ap_guard *g = h->data;

  ap_loopwatch_note(&lw_signal);
  if (signum == SIGPIPE && !stdout_gone())
    return;
  if (signum == SIGPIPE)
    g->stdout_broken = 1;
  /* A broken pipe after a stop (the unfinished targets written to a
   * reader gone meanwhile) does not hide what stopped the run. */
  if (signum != SIGPIPE || g->signum == 0)
    g->signum = signum;
  if (g->stop != NULL)
    g->stop(g->ctx);
}

static void deadline_cb(uv_timer_t *h) {
  struct ap_guard *g = h->data;

  if (g->stop != NULL && g->stop(g->ctx))
    g->deadline_hit = 1;
}

void ap_guard_start(struct ap_guard *g, uv_loop_t *loop,
                    uint64_t deadline_ms, uint64_t start_ns) {
  static const int which[AP_GUARD_NSIGS] = { SIGINT, SIGTERM, SIGPIPE };
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

int ap_guard_stopped(const struct ap_guard *g) {
  return g->signum != 0 || g->deadline_hit;
}

const char *ap_guard_why(const struct ap_guard *g) {
  switch (g->signum) {
  case SIGINT: return "SIGINT";
  case SIGTERM: return "SIGTERM";
  case SIGPIPE: return "SIGPIPE";
  default: return g->deadline_hit ? "deadline" : NULL;
  }
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
