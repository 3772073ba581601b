/* test-guard.c - what stops a run: each signal whose default would end
 * aping (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM) is a
 * stop named as the formats name it; SIGHUP is not when it reloads (a
 * continuous run) and yet does not end the process; a second stopping
 * signal hurries the run, a deadline after a signal does not; a deadline
 * that came early (ap_guard_expire()) is a stop by the deadline. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "guard.h"
#include "tap.h"

static int stops;

static int stop_cb(void *ctx) {
  (void) ctx;
  stops++;
  return 1;
}

static void idle_cb(uv_idle_t *h) {
  (void) h;
}

/* Sends sig (unless 0) to this process and lets the loop deliver it
 * (the guard's handles do not keep a loop alive: an idle handle does,
 * meanwhile). */
static void deliver(uv_loop_t *loop, int sig) {
  uv_idle_t idle;

  uv_idle_init(loop, &idle);
  uv_idle_start(&idle, idle_cb);
  if (sig != 0)
    raise(sig);
  uv_run(loop, UV_RUN_NOWAIT);
  uv_run(loop, UV_RUN_NOWAIT);
  uv_close((uv_handle_t *) &idle, NULL);
  uv_run(loop, UV_RUN_NOWAIT);
}

/* A guard on a fresh loop (deadline_ms 0: none). */
static void start(struct ap_guard *g, uv_loop_t *loop, uint64_t deadline_ms,
                  int hup_reloads) {
  memset(g, 0, sizeof(*g));
  uv_loop_init(loop);
  ap_guard_start(g, loop, deadline_ms, uv_hrtime(), hup_reloads);
  ap_guard_watch(g, stop_cb, NULL);
  stops = 0;
}

static void finish(struct ap_guard *g, uv_loop_t *loop) {
  ap_guard_close(g, loop, 0);
  EXPECT(uv_loop_close(loop) == 0);
}

static void test_guard_each_signal_stops(void) {
  static const struct { int sig; const char *name; } each[] = {
    { SIGINT, "SIGINT" },   { SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" },
    { SIGQUIT, "SIGQUIT" }, { SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
    { SIGALRM, "SIGALRM" },
  };
  struct ap_guard g;
  uv_loop_t loop;
  size_t i;

  for (i = 0; i < sizeof(each) / sizeof(each[0]); i++) {
    start(&g, &loop, 0, 0);
    EXPECT(!ap_guard_stopped(&g) && ap_guard_why(&g) == NULL);
    deliver(&loop, each[i].sig);
    EXPECT(ap_guard_stopped(&g) && stops == 1 && !ap_guard_hurried(&g));
    EXPECT(g.signum == each[i].sig);
    EXPECT(ap_guard_why(&g) != NULL &&
           strcmp(ap_guard_why(&g), each[i].name) == 0);
    finish(&g, &loop);
  }
}

static void test_guard_hup_reloads(void) {
  struct ap_guard g;
  uv_loop_t loop;

  start(&g, &loop, 0, 1);
  deliver(&loop, SIGHUP); /* caught: this process is still here */
  EXPECT(!ap_guard_stopped(&g) && stops == 0);
  deliver(&loop, SIGQUIT);
  EXPECT(ap_guard_stopped(&g) && g.signum == SIGQUIT);
  finish(&g, &loop);
}

static void test_guard_second_signal_hurries(void) {
  struct ap_guard g;
  uv_loop_t loop;

  start(&g, &loop, 0, 0);
  deliver(&loop, SIGINT);
  EXPECT(!ap_guard_hurried(&g));
  deliver(&loop, SIGUSR1);
  EXPECT(ap_guard_hurried(&g) && stops == 2 && g.signum == SIGUSR1);
  finish(&g, &loop);

  /* After the deadline, the first signal is the second stop. */
  start(&g, &loop, 0, 0);
  ap_guard_expire(&g);
  EXPECT(ap_guard_stopped(&g) && ap_guard_why(&g) != NULL &&
         strcmp(ap_guard_why(&g), "deadline") == 0);
  deliver(&loop, SIGTERM);
  EXPECT(ap_guard_hurried(&g) && g.signum == SIGTERM);
  finish(&g, &loop);
}

static void test_guard_deadline_after_signal(void) {
  struct ap_guard g;
  uv_loop_t loop;

  /* Alone, the deadline stops the run, in the same steps as below. */
  start(&g, &loop, 20, 0);
  usleep(40000);
  deliver(&loop, 0);
  EXPECT(stops == 1 && g.deadline_hit && !ap_guard_hurried(&g));
  finish(&g, &loop);

  start(&g, &loop, 20, 0);
  deliver(&loop, SIGINT);
  usleep(40000);
  deliver(&loop, 0); /* no signal: the deadline's timer runs */
  EXPECT(stops == 1 && !g.deadline_hit && !ap_guard_hurried(&g));
  EXPECT(ap_guard_why(&g) != NULL &&
         strcmp(ap_guard_why(&g), "SIGINT") == 0);
  finish(&g, &loop);
}

int main(void) {
  RUN(test_guard_each_signal_stops);
  RUN(test_guard_hup_reloads);
  RUN(test_guard_second_signal_hurries);
  RUN(test_guard_deadline_after_signal);
  return tap_done();
}
