/* main.c - aping: which of these hosts are reachable right now?
 *
 * The order of work follows OpenBSD ping: parse the options; open the
 * probing sockets with CAP_NET_RAW raised and drop every privilege (the
 * sequence in priv.h); only then read target files, resolve names and
 * probe (run.h).  This is the only file that prints a fatal error and
 * ends the process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <uv.h>

#include "cli.h"
#include "version.h"
#include "err.h"
#include "loopwatch.h"
#include "pinger.h"
#include "priv.h"
#include "run.h"

#define LOOP_TURN_MS 100 /* -vv reports loop turns busy this long */

/* The privilege sequence's steps (priv.h), over the pinger. */
struct open_ctx {
  struct ap_pinger *ping;
  const struct ap_pinger_cfg *cfg;
  const uint8_t *key;
};

static void open_cb(void *ctx) {
  struct open_ctx *o = ctx;

  ap_pinger_open(o->ping, o->cfg, o->key, stderr);
}

static int may_spawn_cb(void *ctx) {
  return ap_pinger_may_spawn(((struct open_ctx *) ctx)->ping);
}

/* Ends aping after a command-line error: the message, and its status. */
static _Noreturn void fatal(const struct ap_err *err) {
  fprintf(stderr, "aping: %s\n", err->msg);
  exit(err->code);
}

/* Parses the command line; returns only when there is something to run. */
static void parse(struct ap_config *cfg, int argc, char **argv) {
  struct ap_err err;
  size_t i;

  switch (ap_cli_parse(cfg, argc, argv, &err)) {
  case AP_CLI_RUN:
    for (i = 0; i < cfg->nwarn; i++)
      fprintf(stderr, "aping: warning: %s\n", cfg->warn[i]);
    return;
  case AP_CLI_HELP:
    ap_cli_help(stdout);
    exit(fflush(stdout) == 0 ? AP_EXIT_OK : AP_EXIT_SYSTEM);
  case AP_CLI_VERSION:
    printf("aping %s\n", AP_VERSION);
    exit(fflush(stdout) == 0 ? AP_EXIT_OK : AP_EXIT_SYSTEM);
  case AP_CLI_USAGE:
    ap_cli_usage(stderr);
    exit(AP_EXIT_USAGE);
  default:
    fatal(&err);
  }
}

/* Sets up what the run needs: the run's secret, the sockets and the
 * privilege drop, the loop.  Returns 0 or an exit status, err set. */
static int setup(struct ap_config *cfg, struct ap_pinger *ping,
                 uv_loop_t *loop, struct ap_err *err) {
  uint8_t key[16];
  struct open_ctx o = { .ping = ping, .cfg = &cfg->ping, .key = key };
  struct ap_priv_plan plan = { .open = open_cb, .may_spawn = may_spawn_cb,
                               .ctx = &o,
                               .admin = cfg->ping.pkt.have_mark };
  int r;

  if (getrandom(key, sizeof(key), 0) != sizeof(key))
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot get random bytes: %s",
                      strerror(errno));
  r = ap_priv_setup(&plan);
  if (r != 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot drop privileges: %s",
                      ap_strerror(r));
  if (uv_loop_init(loop) != 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot start the event loop");
  /* -vv: a loop turn this long is a blocking call to find (loopwatch.h). */
  if (cfg->run.verbose >= 2 &&
      ap_loopwatch_start(loop, LOOP_TURN_MS, stderr) != 0)
    fprintf(stderr, "aping: warning: cannot watch the event loop\n");
  return 0;
}

int main(int argc, char **argv) {
  struct ap_config cfg;
  struct ap_run run;
  struct ap_pinger ping;
  struct ap_err err = { 0 };
  uv_loop_t loop;
  int rc, loop_up;

  ap_config_defaults(&cfg);
  parse(&cfg, argc, argv);
  memset(&ping, 0, sizeof(ping));
  rc = setup(&cfg, &ping, &loop, &err);
  loop_up = rc == 0;
  ap_run_init(&run, &loop, &cfg, &ping, stderr);
  if (rc == 0)
    rc = ap_run_go(&run, &err);
  if (err.code != 0)
    fprintf(stderr, "aping: %s\n", err.msg);
  rc = ap_run_finish(&run, rc);
  /* Lookups a stop abandoned still use the names and the loop, and exit()
   * would wait for them (libuv joins its pool's threads): end now. */
  if (ap_run_abandoned(&run)) {
    fflush(stderr);
    _exit(rc);
  }
  ap_loopwatch_stop();
  if (loop_up)
    uv_run(&loop, UV_RUN_NOWAIT); /* the watcher's close callback */
  ap_run_release(&run);
  ap_pinger_release(&ping);
  ap_cli_release(&cfg);
  if (loop_up && uv_loop_close(&loop) != 0)
    fprintf(stderr, "aping: warning: event loop not closed cleanly\n");
  return rc;
}
