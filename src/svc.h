/* svc.h - the scheduler of service checks.
 *
 * It takes targets from an order (the same order the ping scan uses, so
 * that both work through the targets together), starts each target's
 * checks as connection slots free up, at most max_conns at once and at
 * most `rate` starts a second, and reports every check to the combiner.
 * It holds back new targets while `ahead_limit` targets have all their
 * checks done but still wait for their ping verdict, or while the banners
 * of targets waiting in the combiner hold `ahead_bytes` bytes.
 *
 * Memory: one struct ap_svc_conn (about 2 KiB) plus the banner buffer
 * (cap + 1 bytes) per connection open, nothing per target; a finished
 * check keeps only its trimmed banner (ap_svc_result()), and those waiting
 * take at most ahead_bytes plus what the connections open when the limit
 * was reached bring in: ahead_bytes + max_conns * (cap + 1) for the
 * banners in all, whatever the peers send.
 */
#ifndef AP_SVC_H
#define AP_SVC_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "bucket.h"
#include "combine.h"
#include "order.h"
#include "ports.h"
#include "target.h"
#include "tcp.h"

/* File descriptors left for everything else (and cfg.fd_reserve more)
 * when the number of connections is bounded by RLIMIT_NOFILE. */
#define AP_SVC_FD_RESERVE 32

/* One check of every target: a port and how to check it. */
struct ap_svc_check {
  uint16_t port;
  int mode; /* enum ap_tcp_mode */
};

struct ap_svc_cfg {
  const struct ap_svc_check *checks;
  size_t nchecks;
  struct ap_tcp_cfg tcp;
  const regex_t *expect; /* a banner must match it to pass, or NULL */
  unsigned max_conns;    /* connections at once (1 or more) */
  unsigned fd_reserve;   /* descriptors others hold at once (ping(8)
                            children), beyond AP_SVC_FD_RESERVE */
  double rate;           /* connection starts a second, 0 for no limit */
  size_t ahead_limit;    /* see above; 0 for no limit */
  size_t ahead_bytes;    /* see above; 0 for no limit */
};

struct ap_svc;

struct ap_svc_conn {
  struct ap_tcp tcp;
  struct ap_svc *svc;
  uint64_t idx;
  struct ap_addr addr;
  size_t check; /* index in cfg.checks */
  struct ap_svc_conn *prev, *next;
};

struct ap_svc {
  uv_loop_t *loop;
  uv_timer_t timer; /* waits for the rate or the combiner */
  const struct ap_tset *set;
  struct ap_order *order;
  struct ap_combine *comb;
  struct ap_svc_cfg cfg;
  uint64_t idx;       /* the target whose checks are being started */
  struct ap_addr addr;
  size_t next_check;  /* its next check to start */
  int have_target;
  unsigned active;    /* connections open */
  struct ap_svc_conn *live;
  struct ap_bucket bucket; /* the rate: a token per connection start */
  uint64_t started;   /* checks started */
  uint64_t reported;  /* checks reported to the combiner */
  int closing;
  int timer_closed;
  int status;         /* 0, or the UV_E* code that ended the checks */
};

/* The checks of every target: the --tcp ports in their order (with banner:
 * reading banners), then telnet_port unless ports has it (then that one
 * speaks Telnet); telnet_port 0 for none.  *checks is the caller's to
 * free.  Returns 0 or UV_ENOMEM. */
int ap_svc_checks(const struct ap_ports *ports, int banner,
                  uint16_t telnet_port, struct ap_svc_check **checks,
                  size_t *n);

/* Appends a plain connect check of each of ports to *checks (n of them so
 * far; *n grows): --tcp-ping's.  Returns 0 or UV_ENOMEM (then nothing
 * changed). */
int ap_svc_checks_add(struct ap_svc_check **checks, size_t *n,
                      const struct ap_ports *ports);

/* How many connections at most the open-file limit allows for want, with
 * reserve descriptors (beyond AP_SVC_FD_RESERVE) left for others, after
 * raising the soft limit as far as needed and permitted. */
unsigned ap_svc_fd_room(unsigned want, unsigned reserve);

/* The result of a finished check t of sc: its state, whether it passed
 * (open, and the banner matches expect when given), and its banner,
 * trimmed, in a buffer of banner_len + 1 bytes that t's buffer becomes
 * (t->buf is then NULL; the caller frees c->banner). */
void ap_svc_result(const struct ap_svc_check *sc, struct ap_tcp *t,
                   const regex_t *expect, struct ap_check *c);

/* Prepares the checks of the targets that order gives (the order is the
 * caller's and must outlive the run).  cfg->max_conns is lowered to what
 * RLIMIT_NOFILE allows (raising the soft limit towards the hard one first);
 * s->cfg.max_conns says what it came to.  Returns 0 or UV_EINVAL. */
int ap_svc_init(struct ap_svc *s, uv_loop_t *loop, const struct ap_tset *set,
                struct ap_order *order, struct ap_combine *comb,
                const struct ap_svc_cfg *cfg);

/* Starts checking.  The loop runs until every check is reported or the
 * checks are stopped; then s->status says how it ended. */
int ap_svc_start(struct ap_svc *s);

/* Stops early (a signal, an error elsewhere): open connections are closed
 * and their checks are not reported.  Returns whether the checks were
 * still under way. */
int ap_svc_stop(struct ap_svc *s);

/* How the checks ended: 0, UV_ECANCELED (stopped), or the UV_E* code of
 * what failed; 0 while they run. */
int ap_svc_status(const struct ap_svc *s);

/* Connections at once, after the open-file limit had its say. */
unsigned ap_svc_conns(const struct ap_svc *s);

#endif
