/* test-progress.c - the progress line and its timer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "progress.h"
#include "tap.h"

#define S 1000000000ULL

static void test_format(void) {
  char b[160];

  EXPECT(strcmp(ap_progress_format(b, sizeof(b), 250, 1000, 100, 5 * S),
                "aping: 250/1000 done (25.0%), 100 alive, 50/s, ETA 0:15") ==
         0);
  /* Nothing done yet: no rate, no ETA to guess. */
  EXPECT(strcmp(ap_progress_format(b, sizeof(b), 0, 65536, 0, S / 4),
                "aping: 0/65536 done (0.0%), 0 alive, 0/s, ETA -:--") == 0);
  /* Hours when there are hours left. */
  EXPECT(strcmp(ap_progress_format(b, sizeof(b), 1000, 16777216, 7, 10 * S),
                "aping: 1000/16777216 done (0.0%), 7 alive, 100/s, "
                "ETA 46:36:02") == 0);
  EXPECT(strcmp(ap_progress_format(b, sizeof(b), 10, 10, 10, 2 * S),
                "aping: 10/10 done (100.0%), 10 alive, 5/s, ETA 0:00") == 0);
}

static uint64_t done_now;
static int asked;

static void count_cb(struct ap_progress *p, uint64_t *done, uint64_t *total,
                     uint64_t *alive) {
  (void) p;
  asked++;
  *done = done_now;
  *total = 100;
  *alive = done_now / 2;
}

/* Something to keep the loop busy for a while, as a scan would. */
static void work_cb(uv_timer_t *t) {
  done_now += 10;
  if (done_now == 100)
    uv_close((uv_handle_t *) t, NULL);
}

static void test_timer(void) {
  struct ap_progress p;
  uv_timer_t work;
  uv_loop_t loop;
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  uint64_t t0;

  memset(&p, 0, sizeof(p));
  uv_loop_init(&loop);
  /* Alone, the progress timer does not keep the loop running. */
  EXPECT(ap_progress_start(&p, &loop, f, count_cb) == 0);
  t0 = uv_hrtime();
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(uv_hrtime() - t0 < AP_PROGRESS_MS * 1000000ULL);
  EXPECT(asked == 0);
  /* While something else runs (1 s), it redraws about 4 times a second. */
  uv_timer_init(&loop, &work);
  uv_timer_start(&work, work_cb, 100, 100);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(asked >= 3 && asked <= 5);
  EXPECT(p.drawn);
  ap_progress_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(uv_loop_close(&loop) == 0);
  fclose(f);
  /* Each redraw returns to the start of the line and erases the rest;
   * closing erases the line. */
  EXPECT(strncmp(text, "\raping: ", 8) == 0);
  EXPECT(strstr(text, "\033[K\raping: ") != NULL);
  EXPECT(len >= 4 && strcmp(text + len - 4, "\r\033[K") == 0);
  EXPECT(strchr(text, '\n') == NULL);
  free(text);
}

static void test_close_unstarted(void) {
  struct ap_progress p;

  memset(&p, 0, sizeof(p));
  ap_progress_clear(&p);
  ap_progress_close(&p);
  EXPECT(!p.started && !p.drawn);
}

int main(void) {
  RUN(test_format);
  RUN(test_timer);
  RUN(test_close_unstarted);
  return tap_done();
}
