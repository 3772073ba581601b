/* loopwatch.c - see loopwatch.h. */
#include "loopwatch.h"

#include <string.h>

/* One watcher per thread: each loop of --threads runs on its own. */
static _Thread_local struct {
  const char *name; /* the thread's, or NULL for the main loop */
  struct ap_lw_kind *kinds; /* in the order first noted */
  struct ap_lw_kind **tail;
  uv_prepare_t prepare;
  uv_loop_t *loop;
  FILE *out;
  uint64_t threshold_ns;
  uint64_t last_ns;   /* uv_hrtime() at the last poll */
  uint64_t last_idle; /* uv_metrics_idle_time() then */
  int on;
} w;

void ap_loopwatch_list(struct ap_lw_kind *k) {
  if (w.tail == NULL)
    w.tail = &w.kinds;
  k->listed = 1;
  k->next = NULL;
  *w.tail = k;
  w.tail = &k->next;
}

int ap_loopwatch_format(char *buf, size_t len, uint64_t ms,
                        const struct ap_lw_kind *kinds) {
  const struct ap_lw_kind *k;
  size_t n;
  int first = 1, r;

  r = snprintf(buf, len, "loop turn took %llu ms:", (unsigned long long) ms);
  n = r > 0 ? (size_t) r : 0;
  for (k = kinds; k != NULL; k = k->next) {
    if (k->count == 0)
      continue;
    r = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
                 "%s %s x%u", first ? "" : ",", k->name, k->count);
    n += r > 0 ? (size_t) r : 0;
    first = 0;
  }
  if (first) {
    r = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
                 " no named callback");
    n += r > 0 ? (size_t) r : 0;
  }
  return (int) n;
}

/* Takes the time and idle time now as the start of the next turn. */
static void mark(void) {
  struct ap_lw_kind *k;

  w.last_ns = uv_hrtime();
  w.last_idle = uv_metrics_idle_time(w.loop);
  for (k = w.kinds; k != NULL; k = k->next)
    k->count = 0;
}

/* Ends a turn: reports it if it was busy for the threshold or longer,
 * and starts the next. */
static void measure(void) {
  uint64_t now = uv_hrtime(), idle = uv_metrics_idle_time(w.loop);
  uint64_t wall = now - w.last_ns, waited = idle - w.last_idle;
  char line[512];

  if (wall > waited && wall - waited >= w.threshold_ns) {
    ap_loopwatch_format(line, sizeof(line), (wall - waited) / 1000000,
                        w.kinds);
    fprintf(w.out, "aping: debug: %s%s%s\n", w.name != NULL ? w.name : "",
            w.name != NULL ? ": " : "", line);
  }
  mark();
}

/* Just before the poll: the turn since the last poll is over. */
static void prepare_cb(uv_prepare_t *h) {
  (void) h;
  measure();
}

int ap_loopwatch_start(uv_loop_t *loop, uint64_t threshold_ms, FILE *out) {
  int err;

  err = uv_loop_configure(loop, UV_METRICS_IDLE_TIME);
  if (err == 0)
    err = uv_prepare_init(loop, &w.prepare);
  if (err != 0)
    return err;
  w.loop = loop;
  w.out = out;
  w.threshold_ns = threshold_ms * 1000000;
  uv_prepare_start(&w.prepare, prepare_cb);
  /* It watches the loop; what runs decides when the loop is done. */
  uv_unref((uv_handle_t *) &w.prepare);
  w.on = 1;
  mark();
  return 0;
}

void ap_loopwatch_name(const char *name) {
  w.name = name;
}

int ap_loopwatch_run(uv_loop_t *loop, uv_run_mode mode) {
  int r;

  if (w.on)
    mark();
  r = uv_run(loop, mode);
  /* The last turn ends with no poll after it. */
  if (w.on)
    measure();
  return r;
}

void ap_loopwatch_stop(void) {
  if (!w.on)
    return;
  w.on = 0;
  uv_close((uv_handle_t *) &w.prepare, NULL);
}
