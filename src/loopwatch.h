/* loopwatch.h - -vv: report every loop turn that blocked, and what ran.
 *
 * A blocking call inside the loop (a write to a full pipe, a slow file
 * system, a lookup that went synchronous) holds up every probe in flight
 * and turns into wrong timeouts: it is a bug to find, not to guess.  As
 * asyncio's debug mode does, the watcher measures how long each turn of
 * the loop was busy (its wall time less the time libuv spent waiting in
 * the poll, uv_metrics_idle_time()) and, for a turn over the threshold,
 * prints one line on stderr with a tally of the named callbacks that ran
 * in it, in the order their kinds were first noted:
 *
 *   aping: debug: loop turn took 153 ms: icmp read x4, output x1
 *
 * Callbacks name themselves with ap_loopwatch_note() on a kind of their
 * own (struct ap_lw_kind below), an increment whether the watcher is on or
 * not: the watcher knows no caller.  The watcher is one unreferenced
 * uv_prepare_t, which runs just before each poll: a turn is measured from
 * one poll to the next.  Time between two uv_run() calls is not a turn:
 * run the loop through ap_loopwatch_run().
 *
 * With --threads every thread has a watcher of its own over its own loop,
 * and a kind noted on a worker thread must be declared _Thread_local (as
 * scan.c's and echo.c's are): the watcher and its list are per thread.
 */
#ifndef AP_LOOPWATCH_H
#define AP_LOOPWATCH_H

#include <stdint.h>
#include <stdio.h>
#include <uv.h>

/* A kind of callback: a caller defines one per kind, file-static, and
 * names it; it joins the watcher's list the first time it is noted.
 *
 *   static struct ap_lw_kind lw_read = AP_LW_KIND("icmp read");
 *   ...
 *   ap_loopwatch_note(&lw_read);
 */
struct ap_lw_kind {
  const char *name;
  unsigned count; /* in the current turn */
  int listed;     /* on the watcher's list */
  struct ap_lw_kind *next;
};

#define AP_LW_KIND(kind_name) { .name = (kind_name), .next = NULL }

/* Puts k on the watcher's list (ap_loopwatch_note() does it). */
void ap_loopwatch_list(struct ap_lw_kind *k);

/* Counts one callback of kind k in the current turn. */
static inline void ap_loopwatch_note(struct ap_lw_kind *k) {
  k->count++;
  if (!k->listed)
    ap_loopwatch_list(k);
}

/* Starts watching loop: turns busy for threshold_ms or longer are reported
 * on out.  Returns 0 or a UV_E* code (then nothing is watched). */
int ap_loopwatch_start(uv_loop_t *loop, uint64_t threshold_ms, FILE *out);

/* Names the calling thread's loop in its reports ("thread 2"); name must
 * outlive the watcher.  The main loop's reports carry no name. */
void ap_loopwatch_name(const char *name);

/* uv_run(loop, mode), with the time before it left out of its first
 * turn.  Returns what uv_run() returns. */
int ap_loopwatch_run(uv_loop_t *loop, uv_run_mode mode);

/* Stops watching and closes the handle (the loop must run once more for
 * its close callback, as for every handle). */
void ap_loopwatch_stop(void);

/* Formats a report line for a turn busy for ms, with the counts of the
 * kinds on the list that starts at kinds (pure, for the unit test):
 * "loop turn took 153 ms: icmp read x4, output x1".  Returns the length
 * snprintf would give. */
int ap_loopwatch_format(char *buf, size_t len, uint64_t ms,
                        const struct ap_lw_kind *kinds);

#endif
