/* exec.h - the ping(8) engine: one child process per target.
 *
 * For machines where no ICMP socket is allowed, each target is probed by
 * running the system's ping(8) through uv_spawn(): an argv array, never a
 * shell, so a target can never become a command.  Its standard output and
 * error are piped into the loop and read as they come (pingout.h); its exit
 * status decides the verdict.  Per target:
 *
 *   ping [-6] -n -c COUNT [-i INTERVAL] -W WAIT -w DEADLINE [OPTIONS] ADDR
 *
 * OPTIONS are the packet options in iputils ping's letters: -I SOURCE
 * (-S) or -I IFACE (-I), -s SIZE (-b), -t TTL (--ttl), -Q TOS (--tos), -M
 * do (--df).
 * WAIT is the timeout rounded up to whole seconds (BusyBox takes no
 * fractions), DEADLINE = COUNT - 1 + WAIT, as ping sends one request a
 * second; with -p (-c only), INTERVAL is -p in seconds and DEADLINE
 * (COUNT - 1) * INTERVAL, rounded up, + WAIT.  ping should end by itself
 * at DEADLINE; one that has not a grace period later is sent SIGTERM, and
 * SIGKILL a grace period after that, as
 * a whole process group (each child leads its own), so that nothing it
 * started outlives it either.
 *
 * At most `jobs` children exist at once (counted from spawn until all their
 * handles are closed); send() takes no more than that, so the scheduler
 * starts the next one as one finishes.  A child is reported, and its slot
 * freed, once its process has been reaped and both pipes are closed: no
 * zombie and no descriptor is left behind.
 */
#ifndef AP_EXEC_H
#define AP_EXEC_H

#include <stdint.h>
#include <uv.h>

#include "engine.h"
#include "pktopt.h"

#define AP_EXEC_GRACE_MS 1000

struct ap_exec_cfg {
  const char *command; /* ping(8): a path, or a name looked up in PATH;
                          NULL for "ping" */
  unsigned count;      /* -c: echo requests per target (ping -c), and the
                          verdicts carry ping's statistics; 0 for one
                          request and no statistics (stats.sent 0), as
                          with the ICMP engine */
  uint64_t timeout_ms; /* wait for a reply (ping -W, rounded up to s) */
  uint64_t period_ms;  /* between the requests (ping -i), 0 for ping's
                          default of a second */
  unsigned jobs;       /* children at once, 1 or more */
  const struct ap_pkt_cfg *pkt; /* the packet options, or NULL; no
                                   --fwmark, and not -S with -I */
};

struct ap_exec_child;

struct ap_exec {
  struct ap_engine base;
  uv_loop_t *loop;
  char *path;  /* ping(8), found */
  char *path6; /* a separate ping6(8) for IPv6, or NULL: path -6 */
  char **env;  /* the children's environment: ours, with LC_ALL=C */
  unsigned count;   /* ping -c: 1 or more */
  int stats;        /* -c given: verdicts carry the statistics */
  unsigned wait_s;
  unsigned deadline_s;
  uint64_t kill_ms; /* after the spawn: SIGTERM then, SIGKILL a grace later */
  unsigned jobs;
  unsigned nchildren; /* children not yet freed */
  unsigned running;   /* children spawned and not yet reaped */
  struct ap_exec_child *children;
  int closing;
  int fatal;          /* the UV_E* of a spawn failure that ended the scan */
  uint64_t spawned;
  char arg_count[16];
  char arg_wait[16];
  char arg_deadline[16];
  char arg_interval[24]; /* ping -i, or "" */
  char *extra[2][12];  /* the packet options' arguments, IPv4 and IPv6 */
  char arg_src[2][46];
  char arg_size[16];
  char arg_ttl[8];
  char arg_tos[8];
  char reason[96];    /* a spawn failure's reason, while it is reported */
  char buf[4096];     /* what a read brings */
};

/* Finds ping(8) (cfg->command, or "ping" in PATH and then in the usual
 * directories) and prepares the engine on loop.  Returns 0, UV_ENOENT when
 * there is no such program, UV_EACCES when it cannot be run, UV_EINVAL for
 * a bad cfg, or UV_ENOMEM.  e->path names what was found; on error, call
 * ap_exec_release() all the same. */
int ap_exec_init(struct ap_exec *e, uv_loop_t *loop,
                 const struct ap_exec_cfg *cfg);

/* Frees what ap_exec_init() allocated, once the loop has run out. */
void ap_exec_release(struct ap_exec *e);

/* How long the scheduler should let a target wait: longer than a child can
 * live, so that the engine, not the scheduler, gives every verdict. */
uint64_t ap_exec_timeout_ms(const struct ap_exec *e);

/* The default number of children at once: min(256, (soft RLIMIT_NOFILE -
 * 32) / 4), at least 1.  A child holds two descriptors in aping (its
 * pipes) and six while it is being spawned. */
unsigned ap_exec_default_jobs(void);

/* The most descriptors the engine holds at once: two pipes per child, and
 * four more while one is being spawned. */
unsigned ap_exec_fds(const struct ap_exec *e);

/* Children at once. */
unsigned ap_exec_jobs(const struct ap_exec *e);

/* The UV_E* code of a spawn failure that ended the scan, or 0; *path is
 * then the ping(8) that was run. */
int ap_exec_failure(const struct ap_exec *e, const char **path);

/* Describes the command lines the engine runs, for -v. */
void ap_exec_describe(const struct ap_exec *e, char *buf, size_t len);

#endif
