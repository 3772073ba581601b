/* tap.h - a tiny TAP producer for the unit tests.
 *
 * Each test is a function; EXPECT() records a failure with its line and
 * keeps going; RUN() prints one "ok"/"not ok" line per test.  tap_done()
 * prints the plan and returns the exit status.
 */
#ifndef AP_TAP_H
#define AP_TAP_H

#include <stdio.h>

static int tap_count, tap_failed, tap_cur;

#define EXPECT(cond)                                                     \
  do {                                                                   \
    if (!(cond)) {                                                       \
      printf("# %s:%d: expected %s\n", __FILE__, __LINE__, #cond);       \
      tap_cur++;                                                         \
    }                                                                    \
  } while (0)

#define RUN(fn) tap_run(#fn, fn)

static void tap_run(const char *name, void (*fn)(void)) {
  tap_cur = 0;
  fn();
  tap_count++;
  if (tap_cur != 0)
    tap_failed++;
  printf("%sok %d - %s\n", tap_cur ? "not " : "", tap_count, name);
}

static int tap_done(void) {
  printf("1..%d\n", tap_count);
  return tap_failed != 0;
}

#endif
