/* monitor.h - the continuous scheduler: every target, every period.
 *
 * Each target is probed once per period (-p), at a fixed offset within
 * it: the targets' positions in the order (order.h) are spread evenly
 * over the period, and probes go out in quanta of at least 10 ms, so that
 * N targets at period P cost one timer wake-up per quantum, not one per
 * probe.  A probe waits the timeout (at most the period) for its reply and
 * is then lost.  A target has at most one probe in flight, and a reply
 * counts only for that probe, by the send time it carries (which the
 * engine's MAC authenticates): a late reply, a duplicate or a reply to an
 * earlier run never counts.
 *
 * It is a sink for the engine (engine.h) as the one-shot scan is.  Every
 * completed probe (reply, timeout, error) is handed to the callback with
 * the target's record (mstat.h); the records stay the monitor's.
 *
 * Memory: a struct ap_mstat per target, plus 16 bytes per probe in flight
 * (at most one per target); nothing grows with the run's length.
 */
#ifndef AP_MONITOR_H
#define AP_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "engine.h"
#include "mstat.h"
#include "order.h"
#include "target.h"

#define AP_MONITOR_QUANTUM_MS 10
#define AP_MONITOR_BATCH 64
#define AP_MONITOR_NREASONS 32 /* distinct error reasons kept apart */

struct ap_monitor_cfg {
  uint64_t period_ms;  /* each target's probes this far apart */
  uint64_t timeout_ms; /* a probe's wait for its reply, <= period_ms */
  int sequential;      /* address order rather than a random one */
  uint64_t seed;
  uint64_t shard;      /* this shard (1-based) of nshards */
  uint64_t nshards;
  struct ap_buckets buckets;
  size_t ext_size;     /* bytes per target kept for the caller, moved
                          with the target's record on a reload */
};

enum ap_mevent_kind { AP_MEVENT_REPLY = 0, AP_MEVENT_TIMEOUT, AP_MEVENT_ERROR };

/* One completed probe. */
struct ap_mevent {
  int kind;                   /* enum ap_mevent_kind */
  uint32_t seq;               /* the probe's sequence number, from 0 */
  uint64_t rtt_ns;            /* AP_MEVENT_REPLY */
  int has_ttl;                /* AP_MEVENT_REPLY: ttl is known */
  uint8_t ttl;                /* the reply's TTL or hop limit */
  const char *reason;         /* AP_MEVENT_ERROR */
  const struct ap_addr *from; /* AP_MEVENT_ERROR: who said so, or NULL */
};

struct ap_monitor;

typedef void (*ap_monitor_cb)(struct ap_monitor *m, uint64_t idx,
                              const struct ap_mstat *st,
                              const struct ap_mevent *ev);

/* Target idx is due in this period: called as its probe goes out (also
 * with no engine, -m none), for what else the caller does each period. */
typedef void (*ap_monitor_due_cb)(struct ap_monitor *m, uint64_t idx);

struct ap_monitor_flight {
  uint64_t pos; /* the target's position */
  uint64_t sent_ns;
};

struct ap_monitor_slot;

struct ap_monitor {
  struct ap_sink sink;
  uv_loop_t *loop;
  uv_timer_t timer;
  struct ap_engine *engine;
  struct ap_monitor_cfg cfg;
  ap_monitor_cb cb;
  ap_monitor_due_cb due_cb;
  void *data;
  const struct ap_tset *set;
  struct ap_order order;  /* positions to target indices */
  uint64_t count;         /* targets: positions per period */
  struct ap_monitor_slot *slots; /* (index, position), by index */
  struct ap_mstat *st;    /* per position */
  unsigned char *ext;     /* ext_size bytes per position */
  struct ap_monitor_flight *flight; /* a ring, in send order */
  size_t fhead, fn, fcap;
  uint64_t period_ns, timeout_ns;
  uint64_t period_start;  /* when the current period began */
  uint64_t pos;           /* the next position to probe in it */
  struct ap_probe batch[AP_MONITOR_BATCH]; /* taken, not yet sent */
  size_t nbatch;
  size_t announced;       /* the first of them due_cb has been told of */
  uint64_t sending_ns;    /* the engine is sending a batch of this turn's
                             time, or 0 */
  uint64_t periods;       /* periods completed */
  uint64_t skipped;       /* probes not sent: the loop fell behind */
  const char *reasons[AP_MONITOR_NREASONS]; /* interned error reasons */
  size_t nreasons;
  int started;
  int closing;
  int status;             /* 0, or the UV_E* code that ended it */
};

/* Prepares to probe set (finished) with engine (NULL: nothing is pinged,
 * only due_cb is called).  due_cb may be NULL.  Returns 0, UV_EINVAL for
 * a bad configuration, or UV_ENOMEM. */
int ap_monitor_init(struct ap_monitor *m, uv_loop_t *loop,
                    const struct ap_tset *set, struct ap_engine *engine,
                    const struct ap_monitor_cfg *cfg, ap_monitor_cb cb,
                    ap_monitor_due_cb due_cb);

/* Starts probing; it goes on until ap_monitor_stop(). */
int ap_monitor_start(struct ap_monitor *m);

/* Stops: no probe more; those in flight stay uncounted.  The engine is
 * closed; the loop then runs out. */
void ap_monitor_stop(struct ap_monitor *m);

/* How it ended: UV_ECANCELED after a stop, or the UV_E* code of the
 * engine's failure. */
int ap_monitor_status(const struct ap_monitor *m);

/* Probes a new set from now on (a reload): the records of targets in both
 * sets move with them, probes in flight included; targets only in the
 * old set are dropped, new ones start afresh.  On failure (UV_ENOMEM)
 * nothing changed. */
int ap_monitor_retarget(struct ap_monitor *m, const struct ap_tset *set);

/* The caller's ext_size bytes of target idx (zeroed at first), or NULL
 * when it is not probed here. */
void *ap_monitor_ext(const struct ap_monitor *m, uint64_t idx);

/* The record of target idx, or NULL when it is not probed here. */
const struct ap_mstat *ap_monitor_stat(const struct ap_monitor *m,
                                       uint64_t idx);

/* The k-th target probed here in address order (0 <= k < count): its
 * index, and its record. */
const struct ap_mstat *ap_monitor_nth(const struct ap_monitor *m, uint64_t k,
                                      uint64_t *idx);

/* Targets probed, and the set they are. */
uint64_t ap_monitor_count(const struct ap_monitor *m);
const struct ap_tset *ap_monitor_set(const struct ap_monitor *m);

/* Target index at position pos (0 <= pos < count) of the order. */
uint64_t ap_monitor_at(const struct ap_monitor *m, uint64_t pos);

/* When (uv_hrtime()) the last complete period ended, or 0 before the
 * first one has. */
uint64_t ap_monitor_last_period(const struct ap_monitor *m);

/* Starts the next -Q interval of every target. */
void ap_monitor_new_interval(struct ap_monitor *m);

/* Frees what init took, once the loop has run out. */
void ap_monitor_release(struct ap_monitor *m);

#endif
