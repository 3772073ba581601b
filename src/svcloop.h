/* svcloop.h - service checks again every period (-l with --tcp, --telnet).
 *
 * The monitor (monitor.h) says when a target is due; then each of the
 * target's checks starts, at most max_conns connections at once: a check
 * due while they are all busy, or while its previous run has not ended, is
 * skipped this period and counted.  The last result of every check of
 * every target is kept in the monitor's per-target space, where it moves
 * with its target on a reload, and every result is handed to the
 * callback.
 *
 * Memory: a struct ap_svc_last per check per target, and one connection
 * (about 2 KiB, plus the banner buffer) per check running.
 */
#ifndef AP_SVCLOOP_H
#define AP_SVCLOOP_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "monitor.h"
#include "result.h"
#include "svc.h"
#include "tcp.h"

/* The last result of one check of one target. */
struct ap_svc_last {
  uint64_t runs;       /* checks completed */
  uint64_t passes;
  uint64_t connect_ns; /* of the last one that connected */
  uint8_t state;       /* enum ap_check_state of the last one */
  uint8_t pass;        /* it passed */
  uint8_t busy;        /* one is running */
};

struct ap_svcloop_cfg {
  const struct ap_svc_check *checks;
  size_t nchecks;
  struct ap_tcp_cfg tcp;
  const regex_t *expect;
  unsigned max_conns;
};

struct ap_svcloop;

/* A check of target idx at addr ended: c is its result (valid during the
 * call: the banner is freed after it), last its record. */
typedef void (*ap_svcloop_cb)(struct ap_svcloop *s, const struct ap_addr *addr,
                              const struct ap_check *c,
                              const struct ap_svc_last *last);

struct ap_svcloop_conn;

struct ap_svcloop {
  uv_loop_t *loop;
  struct ap_monitor *mon;
  struct ap_svcloop_cfg cfg;
  ap_svcloop_cb cb;
  void *data;
  struct ap_svcloop_conn *live;
  unsigned active;
  uint64_t skipped; /* checks not started: all connections busy */
  int closing;
};

/* The per-target bytes the monitor must keep for nchecks checks
 * (struct ap_monitor_cfg's ext_size). */
size_t ap_svcloop_ext_size(size_t nchecks);

/* Prepares the checks; cfg->max_conns is lowered to what the open-file
 * limit allows (ap_svc_fd_room()). */
void ap_svcloop_init(struct ap_svcloop *s, uv_loop_t *loop,
                     struct ap_monitor *mon, const struct ap_svcloop_cfg *cfg,
                     ap_svcloop_cb cb);

/* Target idx is due: starts its checks (from the monitor's due_cb). */
void ap_svcloop_due(struct ap_svcloop *s, uint64_t idx);

/* The records of target idx's checks (nchecks of them), or NULL. */
const struct ap_svc_last *ap_svcloop_last(const struct ap_svcloop *s,
                                          uint64_t idx);

/* The checks of every target, and how many there are. */
const struct ap_svc_check *ap_svcloop_checks(const struct ap_svcloop *s,
                                             size_t *n);

/* Connections at once, after the open-file limit. */
unsigned ap_svcloop_conns(const struct ap_svcloop *s);

/* Cancels the checks running; none starts after. */
void ap_svcloop_stop(struct ap_svcloop *s);

#endif
