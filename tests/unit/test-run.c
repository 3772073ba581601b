/* test-run.c - the run end: the exit status policy, the status aping
 * ends with, and a run stopped by its deadline listing exactly the
 * targets it left without a verdict, in order, its shard's only. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "cli.h"
#include "run.h"
#include "even.h"
#include "tap.h"

static void test_status_policy(void) {
  struct ap_outcome o = { .targets = 10, .ok = 10 };

  EXPECT(ap_run_status(&o) == AP_EXIT_OK);
  o.ok = 9;
  EXPECT(ap_run_status(&o) == AP_EXIT_DOWN);
  o.have_min_ok = 1;
  o.min_ok = 9;
  EXPECT(ap_run_status(&o) == AP_EXIT_OK);
  o.min_ok = 10;
  EXPECT(ap_run_status(&o) == AP_EXIT_DOWN);
  o.have_min_ok = 0;
  o.state = 1;
  EXPECT(ap_run_status(&o) == AP_EXIT_OK); /* nothing changed */
  o.changed = 2;
  EXPECT(ap_run_status(&o) == AP_EXIT_CHANGED);
  o.unresolved = 1;
  EXPECT(ap_run_status(&o) == AP_EXIT_NONAME);
  o.unfinished = 3;
  EXPECT(ap_run_status(&o) == AP_EXIT_DEADLINE);
  o.signum = SIGTERM;
  EXPECT(ap_run_status(&o) == 143);
  o.signum = SIGINT;
  EXPECT(ap_run_status(&o) == 130);
  /* Nagios: the plugin's status, UNKNOWN after a signal. */
  o.nagios = 1;
  o.nagios_status = AP_NAGIOS_WARNING;
  EXPECT(ap_run_status(&o) == AP_NAGIOS_UNKNOWN);
  o.signum = 0;
  EXPECT(ap_run_status(&o) == AP_NAGIOS_WARNING);
}

static void test_exit_code(void) {
  int unknown;

  EXPECT(ap_run_exit_code(1, 0, 0, 0, &unknown) == 1 && !unknown);
  EXPECT(ap_run_exit_code(7, 0, 0, 1, &unknown) == 141 && !unknown);
  EXPECT(ap_run_exit_code(2, 1, 1, 0, &unknown) == 2 && !unknown);
  EXPECT(ap_run_exit_code(130, 1, 1, 0, &unknown) == 3 && !unknown);
  /* An error before the status line: an UNKNOWN line of its own. */
  EXPECT(ap_run_exit_code(4, 1, 0, 0, &unknown) == 3 && unknown);
  EXPECT(ap_run_exit_code(3, 1, 0, 0, &unknown) == 3 && unknown);
}

/* Runs 192.0.2.1-254, shard 2 of 3 in address order, with a deadline of
 * 2 s (long enough for every probe to be sent and every even target to
 * answer even under valgrind on a loaded machine, where 100 ms was not);
 * the odd targets never answer within the 60 s timeout.  The output goes
 * to path. */
static int stopped_run(const char *path, char **summary) {
  const char *argv[] = { "aping", "--order", "sequential", "--shard", "2/3",
                         "--deadline", "2", "-t", "60000", "--rate",
                         "0", "-m", "icmp", "-s", "-o", path,
                         "192.0.2.1-254", NULL };
  const uint8_t key[16] = { 0 };
  struct ap_pinger_cfg exec = { .method = AP_METHOD_EXEC };
  struct ap_config cfg;
  struct ap_pinger ping;
  struct ap_run run;
  struct ap_err err = { 0 };
  uv_loop_t loop;
  size_t len = 0;
  FILE *diag = open_memstream(summary, &len);
  int rc;

  ap_config_defaults(&cfg);
  EXPECT(ap_cli_parse(&cfg, 17, (char **) argv, &err) == AP_CLI_RUN);
  EXPECT(uv_loop_init(&loop) == 0);
  /* A pinger whose IPv4 "socket" is the engine above. */
  ap_pinger_open(&ping, &exec, key, diag);
  ping.cfg = &cfg.ping;
  ping.echo.sock[0].kind = AP_ECHO_RAW;
  ping.echo.base.ops = &even_ops;
  ap_run_init(&run, &loop, &cfg, &ping, diag);
  rc = ap_run_go(&run, &err);
  if (err.code != 0)
    printf("# %s\n", err.msg);
  ap_run_release(&run);
  ap_pinger_release(&ping);
  ap_cli_release(&cfg);
  uv_run(&loop, UV_RUN_NOWAIT);
  EXPECT(uv_loop_close(&loop) == 0);
  fclose(diag);
  return rc;
}

static void test_unfinished_listed(void) {
  char path[] = "/tmp/test-run.XXXXXX", line[128], want[128];
  char *summary = NULL;
  int fd = mkstemp(path), alive = 0, unfinished = 0, last = 0, k, ok = 1;
  FILE *f;

  EXPECT(fd >= 0);
  EXPECT(stopped_run(path, &summary) == AP_EXIT_DEADLINE);
  f = fopen(path, "r");
  EXPECT(f != NULL);
  while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
    if (sscanf(line, "192.0.2.%d is alive", &k) == 1 &&
        strstr(line, "is alive") != NULL) {
      ok &= k % 2 == 0 && k % 3 == 2 && unfinished == 0;
      alive++;
    } else if (sscanf(line, "192.0.2.%d is unfinished", &k) == 1) {
      /* Odd, this shard's own (positions 1, 4, 7...: index % 3 == 1,
       * address index + 1), each once, in order. */
      ok &= k % 2 == 1 && k % 3 == 2 && k > last;
      last = k;
      unfinished++;
    } else {
      printf("# unexpected line: %s", line);
      ok = 0;
    }
  }
  if (f != NULL)
    fclose(f);
  /* Shard 2/3 of 254 targets: indices 1, 4, ... 253, addresses 2, 5, ...
   * 254: 85 targets, 42 of them odd. */
  EXPECT(ok);
  EXPECT(alive == 43);
  EXPECT(unfinished == 42);
  snprintf(want, sizeof(want), " %12u unfinished\n", 42);
  EXPECT(summary != NULL && strstr(summary, want) != NULL);
  EXPECT(summary != NULL && strstr(summary, "85 targets") != NULL);
  free(summary);
  unlink(path);
  close(fd);
}

int main(void) {
  RUN(test_status_policy);
  RUN(test_exit_code);
  RUN(test_unfinished_listed);
  return tap_done();
}
