/* test-loopwatch.c - the -vv report of slow loop turns. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loopwatch.h"
#include "tap.h"

static void test_format(void) {
  unsigned counts[AP_LW_NKINDS] = { 0 };
  char buf[256];
  int n;

  counts[AP_LW_ICMP_READ] = 4;
  counts[AP_LW_OUTPUT] = 1;
  n = ap_loopwatch_format(buf, sizeof(buf), 153, counts);
  EXPECT(strcmp(buf, "loop turn took 153 ms: icmp read x4, output x1") == 0);
  EXPECT(n == (int) strlen(buf));
  memset(counts, 0, sizeof(counts));
  ap_loopwatch_format(buf, sizeof(buf), 100, counts);
  EXPECT(strcmp(buf, "loop turn took 100 ms: no named callback") == 0);
}

static void test_format_truncated(void) {
  unsigned counts[AP_LW_NKINDS];
  char buf[16], whole[512];
  int k, n;

  for (k = 0; k < AP_LW_NKINDS; k++)
    counts[k] = 1000000 + (unsigned) k;
  n = ap_loopwatch_format(whole, sizeof(whole), 5, counts);
  EXPECT(n == (int) strlen(whole));
  EXPECT(strstr(whole, "signal x1000011") != NULL);
  EXPECT(ap_loopwatch_format(buf, sizeof(buf), 5, counts) == n);
  EXPECT(strlen(buf) == sizeof(buf) - 1);
  EXPECT(strncmp(buf, whole, sizeof(buf) - 1) == 0);
}

/* A timer callback that blocks the loop for 200 ms, as a write to a full
 * pipe would. */
static void block_cb(uv_timer_t *t) {
  struct timespec ts = { .tv_sec = 0, .tv_nsec = 200000000 };

  (void) t;
  ap_loopwatch_note(AP_LW_OUTPUT);
  ap_loopwatch_note(AP_LW_OUTPUT);
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
    if (ms >= 200 && strstr(line, ": output x2") != NULL)
      blocked++;
  }
  EXPECT(blocked == 1);
  free(text);
}

int main(void) {
  RUN(test_format);
  RUN(test_format_truncated);
  RUN(test_blocked_turn);
  return tap_done();
}
