/* progress.c - see progress.h. */
#include "progress.h"

#include <string.h>

/* Seconds as m:ss, or h:mm:ss from an hour up. */
static void duration(char *buf, size_t len, uint64_t s) {
  if (s >= 3600)
    snprintf(buf, len, "%llu:%02u:%02u", (unsigned long long) (s / 3600),
             (unsigned) (s / 60 % 60), (unsigned) (s % 60));
  else
    snprintf(buf, len, "%u:%02u", (unsigned) (s / 60), (unsigned) (s % 60));
}

const char *ap_progress_format(char *buf, size_t len, uint64_t done,
                               uint64_t total, uint64_t alive,
                               uint64_t elapsed_ns) {
  double secs = (double) elapsed_ns / 1e9;
  double rate = secs > 0 ? (double) done / secs : 0;
  char eta[32];

  if (rate > 0 && done <= total)
    duration(eta, sizeof(eta), (uint64_t) ((double) (total - done) / rate +
                                           0.5));
  else
    snprintf(eta, sizeof(eta), "-:--");
  snprintf(buf, len, "aping: %llu/%llu done (%.1f%%), %llu alive, %.0f/s, "
           "ETA %s", (unsigned long long) done, (unsigned long long) total,
           total ? 100.0 * (double) done / (double) total : 100.0,
           (unsigned long long) alive, rate, eta);
  return buf;
}

static void redraw_cb(uv_timer_t *t) {
  struct ap_progress *p = t->data;
  uint64_t done = 0, total = 0, alive = 0;
  char line[160];

  p->count(p, &done, &total, &alive);
  ap_progress_format(line, sizeof(line), done, total, alive,
                     uv_hrtime() - p->start_ns);
  /* Write first, then erase what an older, longer line left behind. */
  fprintf(p->f, "\r%s\033[K", line);
  fflush(p->f);
  p->drawn = 1;
}

int ap_progress_start(struct ap_progress *p, uv_loop_t *loop, FILE *f,
                      ap_progress_count_cb cb) {
  int err;

  p->f = f;
  p->count = cb;
  p->start_ns = uv_hrtime();
  p->drawn = 0;
  err = uv_timer_init(loop, &p->timer);
  if (err != 0)
    return err;
  p->started = 1;
  p->timer.data = p;
  uv_unref((uv_handle_t *) &p->timer);
  return uv_timer_start(&p->timer, redraw_cb, AP_PROGRESS_MS,
                        AP_PROGRESS_MS);
}

void ap_progress_clear(struct ap_progress *p) {
  if (!p->drawn)
    return;
  fputs("\r\033[K", p->f);
  fflush(p->f);
  p->drawn = 0;
}

void ap_progress_close(struct ap_progress *p) {
  ap_progress_clear(p);
  if (p->started)
    uv_close((uv_handle_t *) &p->timer, NULL);
  p->started = 0;
}
