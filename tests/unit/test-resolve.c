/* test-resolve.c - bounded lookups on the loop, and stopping them.
 *
 * Only numeric names are looked up, which getaddrinfo() answers without
 * asking any resolver: nothing leaves the machine. */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "resolve.h"
#include "tap.h"

#define N 200

static char *names[N];
static size_t ncalls, nok;
static struct ap_resolve *stop_at_first;

static void cb(struct ap_resolve *r, size_t i, int status,
               const struct ap_addr *addr, size_t n) {
  (void) i;
  ncalls++;
  nok += status == 0 && addr != NULL && n == 1;
  if (stop_at_first == r)
    ap_resolve_stop(r);
}

static void setup(void) {
  char buf[32];
  size_t i;

  for (i = 0; i < N; i++) {
    snprintf(buf, sizeof(buf), "127.0.%zu.%zu", i / 250, i % 250 + 1);
    names[i] = strdup(buf);
  }
}

/* Every name answered, at most 8 at once. */
static void test_all(void) {
  struct ap_resolve r;
  uv_loop_t loop;
  size_t i, answered = 0;

  ncalls = nok = 0;
  memset(&r, 0, sizeof(r));
  EXPECT(uv_loop_init(&loop) == 0);
  EXPECT(ap_resolve_start(&r, &loop, names, N, AF_INET, 8, cb) == 0);
  EXPECT(r.inflight <= 8);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(ncalls == N && nok == N);
  for (i = 0; i < N; i++)
    answered += ap_resolve_answered(&r, i);
  EXPECT(answered == N);
  EXPECT(!ap_resolve_abandoned(&r));
  ap_resolve_release(&r);
  EXPECT(uv_loop_close(&loop) == 0);
}

/* Stopped before the loop runs: no callback, every name left, and once
 * the cancelled lookups came back the loop closes cleanly. */
static void test_stop_at_once(void) {
  struct ap_resolve r;
  uv_loop_t loop;

  ncalls = nok = 0;
  memset(&r, 0, sizeof(r));
  EXPECT(uv_loop_init(&loop) == 0);
  EXPECT(ap_resolve_start(&r, &loop, names, N, AF_INET, 8, cb) == 0);
  EXPECT(ap_resolve_stop(&r) == N);
  EXPECT(ap_resolve_stop(&r) == N); /* twice is harmless */
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT(ncalls == 0);
  EXPECT(r.inflight == 0 && !ap_resolve_abandoned(&r));
  EXPECT(!ap_resolve_answered(&r, 0));
  ap_resolve_release(&r);
  EXPECT(uv_loop_close(&loop) == 0);
}

/* Stopped from the first callback: no later callback, the rest left. */
static void test_stop_in_callback(void) {
  struct ap_resolve r;
  uv_loop_t loop;
  size_t i, answered = 0;

  ncalls = nok = 0;
  memset(&r, 0, sizeof(r));
  EXPECT(uv_loop_init(&loop) == 0);
  stop_at_first = &r;
  EXPECT(ap_resolve_start(&r, &loop, names, N, AF_INET, 8, cb) == 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  stop_at_first = NULL;
  EXPECT(ncalls == 1);
  for (i = 0; i < N; i++)
    answered += ap_resolve_answered(&r, i);
  EXPECT(answered == 1);
  EXPECT(ap_resolve_stop(&r) == N - 1);
  EXPECT(!ap_resolve_abandoned(&r));
  ap_resolve_release(&r);
  EXPECT(uv_loop_close(&loop) == 0);
}

int main(void) {
  size_t i;

  setup();
  RUN(test_all);
  RUN(test_stop_at_once);
  RUN(test_stop_in_callback);
  for (i = 0; i < N; i++)
    free(names[i]);
  return tap_done();
}
