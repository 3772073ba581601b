/* loopwatch.h - -vv: report every loop turn that blocked, and what ran.
 *
 * A blocking call inside the loop (a write to a full pipe, a slow file
 * system, a lookup that went synchronous) holds up every probe in flight
 * and turns into wrong timeouts: it is a bug to find, not to guess.  As
 * asyncio's debug mode does, the watcher measures how long each turn of
 * the loop was busy (its wall time less the time libuv spent waiting in
 * the poll, uv_metrics_idle_time()) and, for a turn over the threshold,
 * prints one line on stderr with a tally of the named callbacks that ran
 * in it:
 *
 *   aping: debug: loop turn took 153 ms: icmp read x4, output x1
 *
 * Callbacks name themselves with ap_loopwatch_note(), an increment whether
 * the watcher is on or not.  The watcher is one unreferenced uv_prepare_t,
 * which runs just before each poll: a turn is measured from one poll to
 * the next.  Time between two uv_run() calls is not a turn: run the loop
 * through ap_loopwatch_run().
 */
#ifndef AP_LOOPWATCH_H
#define AP_LOOPWATCH_H

#include <stdint.h>
#include <stdio.h>
#include <uv.h>

enum ap_loopwatch_kind {
  AP_LW_ICMP_READ = 0, /* an ICMP socket was readable */
  AP_LW_SCAN_TICK,     /* the scheduler sent, retried or timed out */
  AP_LW_SPAWN,         /* ping(8) was spawned (fork and exec) */
  AP_LW_SPAWN_EXIT,    /* a child was reaped */
  AP_LW_CHILD_READ,    /* a child's output was read */
  AP_LW_CHILD_TIMER,   /* a child's deadline */
  AP_LW_TCP_CONNECT,   /* a connect finished */
  AP_LW_TCP_READ,      /* a banner or Telnet read */
  AP_LW_TCP_TIMER,     /* a check's deadline */
  AP_LW_RESOLVED,      /* a getaddrinfo finished */
  AP_LW_OUTPUT,        /* a verdict was written out */
  AP_LW_SIGNAL,        /* SIGINT or SIGTERM */
  AP_LW_NKINDS
};

/* Per-turn counts, by kind; ap_loopwatch_note() is all that touches them
 * outside loopwatch.c. */
extern unsigned ap_loopwatch_counts[AP_LW_NKINDS];

/* Counts one callback of kind k in the current turn. */
static inline void ap_loopwatch_note(enum ap_loopwatch_kind k) {
  ap_loopwatch_counts[k]++;
}

/* Starts watching loop: turns busy for threshold_ms or longer are reported
 * on out.  Returns 0 or a UV_E* code (then nothing is watched). */
int ap_loopwatch_start(uv_loop_t *loop, uint64_t threshold_ms, FILE *out);

/* uv_run(loop, mode), with the time before it left out of its first
 * turn.  Returns what uv_run() returns. */
int ap_loopwatch_run(uv_loop_t *loop, uv_run_mode mode);

/* Stops watching and closes the handle (the loop must run once more for
 * its close callback, as for every handle). */
void ap_loopwatch_stop(void);

/* Formats a report line for a turn busy for ms with counts (pure, for the
 * unit test): "loop turn took 153 ms: icmp read x4, output x1".  Returns
 * the length snprintf would give. */
int ap_loopwatch_format(char *buf, size_t len, uint64_t ms,
                        const unsigned counts[AP_LW_NKINDS]);

#endif
