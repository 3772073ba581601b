/* progress.h - a one-line progress display on a terminal.
 *
 * A repeating timer redraws "done/total, alive, rate, ETA" on one line of
 * stderr at most AP_PROGRESS_MS apart.  The timer never keeps the loop
 * alive: the scan decides when the run is over.
 */
#ifndef AP_PROGRESS_H
#define AP_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#define AP_PROGRESS_MS 250

struct ap_progress;

/* Asked at every redraw for the counts to show. */
typedef void (*ap_progress_count_cb)(struct ap_progress *p, uint64_t *done,
                                     uint64_t *total, uint64_t *alive);

struct ap_progress {
  uv_timer_t timer;
  FILE *f;
  ap_progress_count_cb count;
  void *data;
  uint64_t start_ns;
  int started; /* the timer is initialised and must be closed */
  int drawn;   /* a progress line is on the screen */
};

/* Formats the progress line (no line end) into buf.  Returns buf. */
const char *ap_progress_format(char *buf, size_t len, uint64_t done,
                               uint64_t total, uint64_t alive,
                               uint64_t elapsed_ns);

/* Starts redrawing on f.  Returns 0 or a negative UV_E* code. */
int ap_progress_start(struct ap_progress *p, uv_loop_t *loop, FILE *f,
                      ap_progress_count_cb cb);

/* Erases the line, if one is drawn, so that other output to the same
 * terminal starts on a clean line; the next redraw puts it back. */
void ap_progress_clear(struct ap_progress *p);

/* Erases the line and closes the timer (the loop must run once more for
 * the close to complete).  Harmless if never started. */
void ap_progress_close(struct ap_progress *p);

#endif
