/* test-loopwatch.c - the -vv report of slow loop turns. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loopwatch.h"
#include "tap.h"

/* Kinds of callbacks, as callers define them: a list in the order of
 * their first note. */
static struct ap_lw_kind lw_read = AP_LW_KIND("icmp read");
static struct ap_lw_kind lw_tick = AP_LW_KIND("scan tick");
static struct ap_lw_kind lw_output = AP_LW_KIND("output");

static void test_format(void) {
  struct ap_lw_kind read = AP_LW_KIND("icmp read");
  struct ap_lw_kind tick = AP_LW_KIND("scan tick");
  struct ap_lw_kind out = AP_LW_KIND("output");
  char buf[256];
  int n;

  read.next = &tick;
  tick.next = &out;
  read.count = 4;
  out.count = 1;
  n = ap_loopwatch_format(buf, sizeof(buf), 153, &read);
  EXPECT(strcmp(buf, "loop turn took 153 ms: icmp read x4, output x1") == 0);
  EXPECT(n == (int) strlen(buf));
  read.count = out.count = 0;
  ap_loopwatch_format(buf, sizeof(buf), 100, &read);
  EXPECT(strcmp(buf, "loop turn took 100 ms: no named callback") == 0);
  ap_loopwatch_format(buf, sizeof(buf), 100, NULL);
  EXPECT(strcmp(buf, "loop turn took 100 ms: no named callback") == 0);
}

static void test_format_truncated(void) {
  struct ap_lw_kind k[12];
  char buf[16], whole[512], name[12][16];
  int i, n;

  for (i = 0; i < 12; i++) {
    snprintf(name[i], sizeof(name[i]), "kind%d", i);
    k[i] = (struct ap_lw_kind) AP_LW_KIND(name[i]);
    k[i].count = 1000000 + (unsigned) i;
    k[i].next = i < 11 ? &k[i + 1] : NULL;
  }
  n = ap_loopwatch_format(whole, sizeof(whole), 5, k);
  EXPECT(n == (int) strlen(whole));
  EXPECT(strstr(whole, "kind11 x1000011") != NULL);
  EXPECT(ap_loopwatch_format(buf, sizeof(buf), 5, k) == n);
  EXPECT(strlen(buf) == sizeof(buf) - 1);
  EXPECT(strncmp(buf, whole, sizeof(buf) - 1) == 0);
}

/* A timer callback that blocks the loop for 200 ms, as a write to a full
 * pipe would. */
static void block_cb(uv_timer_t *t) {
  struct timespec ts = { .tv_sec = 0, .tv_nsec = 200000000 };

  (void) t;
  ap_loopwatch_note(&lw_tick);
  ap_loopwatch_note(&lw_output);
  ap_loopwatch_note(&lw_output);
  while (nanosleep(&ts, &ts) != 0)
    ;
}

static void test_blocked_turn(void) {
  uv_loop_t loop;
  uv_timer_t timer;
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  unsigned long ms = 0;
  char *line, *next;
  int blocked;

  EXPECT(out != NULL);
  EXPECT(uv_loop_init(&loop) == 0);
  EXPECT(ap_loopwatch_start(&loop, 100, out) == 0);
  uv_timer_init(&loop, &timer);
  uv_timer_start(&timer, block_cb, 10, 0);
  ap_loopwatch_run(&loop, UV_RUN_DEFAULT);
  uv_close((uv_handle_t *) &timer, NULL);
  ap_loopwatch_stop();
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(uv_loop_close(&loop) == 0);
  fclose(out);
  /* A line for the blocked turn: no less than the 200 ms it slept, and
   * naming what ran.  A slow machine (valgrind, a loaded CI) may add a
   * line for some other turn; every line must still be in the format. */
  EXPECT(text != NULL);
  blocked = 0;
  for (line = text; line != NULL && *line != '\0'; line = next) {
    next = strchr(line, '\n');
    if (next != NULL)
      *next++ = '\0';
    EXPECT(sscanf(line, "aping: debug: loop turn took %lu ms:", &ms) == 1);
    /* In the order the kinds were first noted, the one not noted left
     * out. */
    if (ms >= 200 && strstr(line, ": scan tick x1, output x2") != NULL &&
        strstr(line, "icmp read") == NULL)
      blocked++;
  }
  EXPECT(blocked == 1);
  EXPECT(lw_read.listed == 0 && lw_tick.listed && lw_output.listed);
  free(text);
}

/* --threads: a loop per thread, each with a watcher of its own. */
static _Thread_local struct ap_lw_kind lw_work = AP_LW_KIND("work");

struct watched {
  uv_thread_t tid;
  const char *name;
  char *text;
  size_t len;
};

static void work_cb(uv_timer_t *t) {
  struct timespec ts = { .tv_sec = 0, .tv_nsec = 200000000 };

  (void) t;
  ap_loopwatch_note(&lw_work);
  while (nanosleep(&ts, &ts) != 0)
    ;
}

static void watched_thread(void *arg) {
  struct watched *w = arg;
  FILE *out = open_memstream(&w->text, &w->len);
  uv_loop_t loop;
  uv_timer_t timer;

  if (out == NULL || uv_loop_init(&loop) != 0)
    return;
  ap_loopwatch_name(w->name);
  if (ap_loopwatch_start(&loop, 100, out) == 0) {
    uv_timer_init(&loop, &timer);
    uv_timer_start(&timer, work_cb, 10, 0);
    ap_loopwatch_run(&loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *) &timer, NULL);
    ap_loopwatch_stop();
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  (void) uv_loop_close(&loop);
  fclose(out);
}

/* The lines of text that report a turn of at least 200 ms by name, with
 * one "work" callback. */
static int reports(char *text, const char *name) {
  char want[64], *line, *next;
  unsigned long ms;
  int n = 0;

  snprintf(want, sizeof(want), "aping: debug: %s: loop turn took %%lu ms:",
           name);
  for (line = text; line != NULL && *line != '\0'; line = next) {
    next = strchr(line, '\n');
    if (next != NULL)
      *next++ = '\0';
    if (sscanf(line, want, &ms) == 1 && ms >= 200 &&
        strstr(line, ": work x1") != NULL)
      n++;
  }
  return n;
}

static void test_threads_each_watched(void) {
  struct watched w[2] = { { .name = "thread 1" }, { .name = "thread 2" } };
  int i;

  for (i = 0; i < 2; i++)
    EXPECT(uv_thread_create(&w[i].tid, watched_thread, &w[i]) == 0);
  for (i = 0; i < 2; i++) {
    EXPECT(uv_thread_join(&w[i].tid) == 0);
    EXPECT(w[i].text != NULL && reports(w[i].text, w[i].name) == 1);
    free(w[i].text);
  }
  /* This thread's copy of the kind was never noted. */
  EXPECT(lw_work.listed == 0 && lw_work.count == 0);
}

int main(void) {
  RUN(test_format);
  RUN(test_format_truncated);
  RUN(test_blocked_turn);
  RUN(test_threads_each_watched);
  return tap_done();
}
