/* pinger.h - how targets are pinged: the ICMP echo engine, or ping(8).
 *
 * -m icmp uses the echo engine (echo.h) and fails when a family among the
 * targets has no socket; -m exec runs ping(8) per target (exec.h); -m auto
 * uses the echo engine when every family among the targets has a socket,
 * else ping(8) for all of them; -m none pings nothing.  The sockets are
 * opened inside the privilege sequence (priv.h), before the targets are
 * known; the choice is made once they are, and says why with -v.
 */
#ifndef AP_PINGER_H
#define AP_PINGER_H

#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "config.h"
#include "echo.h"
#include "engine.h"
#include "err.h"
#include "exec.h"
#include "scan.h"

/* What ap_pinger_decide() comes to. */
enum ap_ping_choice {
  AP_PING_NONE = 0, /* -m none: nothing is pinged */
  AP_PING_ECHO,     /* the echo engine */
  AP_PING_EXEC,     /* ping(8) */
  AP_PING_NOSOCKET  /* -m icmp and a family needed has no socket */
};

/* --threads by default: the usable cores, at most this many. */
#define AP_PINGER_THREADS 8

struct ap_pinger {
  const struct ap_pinger_cfg *cfg;
  FILE *diag;          /* where -v and explanations go */
  struct ap_echo echo; /* the engine, or the first of --threads' */
  struct ap_echo *more; /* the others of --threads: nparts - 1 */
  unsigned nparts;      /* echo engines open */
  struct ap_exec exec;
  int choice;          /* enum ap_ping_choice, once chosen */
  int need[2];         /* the families among the targets */
  int exec_ready;      /* exec was initialised: release it */
  /* -S or -I that a throwaway socket found unusable, for a family the
   * echo engine opened no socket of: its UV_E* code, which option (enum
   * ap_pkt_what) and the family; 0 when none. */
  int chk_err;
  int chk_what;
  int chk_family;
};

/* The choice for a method (enum ap_method), the kinds of the two sockets
 * (enum ap_echo_kind, [0] IPv4, [1] IPv6) and the families the targets
 * need.  Pure. */
int ap_pinger_decide(int method, const int kind[2], const int need[2]);

/* Opens the sockets the method and -4/-6 call for (none for exec and
 * none), with the packet options applied, and checks -S and -I for the
 * families left without one.  Call it inside the privilege sequence
 * (priv.h), as its open step; key is the run's secret. */
void ap_pinger_open(struct ap_pinger *p, const struct ap_pinger_cfg *cfg,
                    const uint8_t key[16], FILE *diag);

/* The loops --threads asks for: n, or with n 0 the cores this process
 * may run on (sched_getaffinity), at most AP_PINGER_THREADS. */
unsigned ap_pinger_threads(unsigned n);

/* How many echo engines are open (1 unless the echo engine was chosen
 * with --threads above 1), and engine i of them. */
unsigned ap_pinger_parts(const struct ap_pinger *p);
struct ap_echo *ap_pinger_part(struct ap_pinger *p, unsigned i);

/* Keeps the first n echo engines (at least 1) and closes the others,
 * which must not have been started. */
void ap_pinger_keep_parts(struct ap_pinger *p, unsigned n);

/* Several loops: every engine kept trades its raw sockets for datagram
 * twins if each of them has them (echo.h: ap_echo_open_twins()), else
 * all keep their raw sockets; the twins left are closed.  Before the
 * engines are started. */
void ap_pinger_use_twins(struct ap_pinger *p);

/* Whether ping(8) may have to be spawned: -m exec, or -m auto with a
 * family that has no socket.  The privilege drop allows for it. */
int ap_pinger_may_spawn(const struct ap_pinger *p);

/* Chooses the engine for targets of the families v4, v6 (scan gives -c
 * and -t, which ping(8) is run with), prepares it on loop, and seals the
 * privileges when no child is to be spawned.  Returns 0, or an exit
 * status with err set: a packet option that cannot be applied is a
 * system error (4) before anything is probed. */
int ap_pinger_choose(struct ap_pinger *p, uv_loop_t *loop, int v4, int v6,
                     const struct ap_scan_cfg *scan, struct ap_err *err);

/* Whether the choice is ping(8). */
int ap_pinger_spawns(const struct ap_pinger *p);

/* Whether targets are pinged at all (not -m none). */
int ap_pinger_pings(const struct ap_pinger *p);

/* The engine chosen; NULL with -m none. */
struct ap_engine *ap_pinger_engine(struct ap_pinger *p);

/* The scheduler's configuration for the engine chosen, from the one the
 * options give: -j bounds the probes in flight; with ping(8), its own -c
 * does the repeats (no retries, no count in the scan), the children bound
 * the probes in flight, and the scan waits longer than a child lives, so
 * that the engine gives every verdict. */
void ap_pinger_scan_cfg(const struct ap_pinger *p,
                        const struct ap_scan_cfg *in,
                        struct ap_scan_cfg *out);

/* Starts the engine's handles, once the scan is set up.  Returns 0 or a
 * UV_E* code. */
int ap_pinger_start(struct ap_pinger *p, uv_loop_t *loop);

/* The most descriptors the engine holds at once beyond its sockets (the
 * children's pipes), for the service checks' share of the open-file
 * limit. */
unsigned ap_pinger_fds(const struct ap_pinger *p);

/* Says why a scan ended with the UV_E* code status.  Returns the exit
 * status (AP_EXIT_SYSTEM). */
int ap_pinger_failed(const struct ap_pinger *p, int status,
                     struct ap_err *err);

/* -s -v: the echo engine's counters (retries and backoffs come from the
 * scheduler); nothing for ping(8). */
void ap_pinger_counters(const struct ap_pinger *p, uint64_t retries,
                        uint64_t backoffs, FILE *f);

/* Closes sockets never started and frees the engine, once the loop has run
 * out. */
void ap_pinger_release(struct ap_pinger *p);

#endif
