/* rdns.h - showing targets by the name their address resolves back to.
 *
 * With -d (every target) or -n (targets given as addresses) each target's
 * address is looked up in reverse with uv_getnameinfo() as soon as it is
 * first probed: an engine in front of the real one starts the lookup as it
 * passes the probe on.  The target's verdict then goes through here: out
 * at once when its lookup has answered, else held until it does, but never
 * longer than wait_ms after the verdict came (then it goes out with the
 * name given, or by address).  A target that was not probed (-m none) is
 * looked up when its verdict comes.
 *
 * Lookups run on libuv's thread pool, at most `inflight` at once; targets
 * probed meanwhile wait their turn, and one whose verdict went out before
 * its lookup started is never looked up.  A lookup that has started cannot
 * be stopped (the C library's resolver may wait seconds for a dead
 * server): once every verdict is out, lookups still running are abandoned
 * and the loop is stopped, as resolve.h does (the process then ends by
 * _exit()).
 *
 * Memory: a record (48 bytes, in a map at most half full) per target
 * probed whose verdict is not out yet, the name of a lookup that answered
 * before the verdict, and a copy of each held verdict (with its checks and
 * banners): bounded by the targets the scan has in flight, and by
 * AP_RDNS_HELD held verdicts (more send the oldest out at once).  Nothing
 * is kept for a target once its verdict is out.
 */
#ifndef AP_RDNS_H
#define AP_RDNS_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "engine.h"
#include "imap.h"
#include "intake.h"
#include "result.h"

#define AP_RDNS_WAIT_MS 1000 /* a verdict waits at most this for its name */
#define AP_RDNS_INFLIGHT 64  /* lookups at once */
#define AP_RDNS_HELD 16384   /* verdicts held at once */

struct ap_rdns;

/* Gives a verdict out, with the name to show it by, or NULL for its
 * address.  r and name are valid during the call. */
typedef void (*ap_rdns_emit_cb)(struct ap_rdns *d, const struct ap_result *r,
                                const char *name);

struct ap_rdns_cfg {
  int mode;                     /* AP_RDNS_ADDRS or AP_RDNS_ALL */
  const struct ap_names *given; /* the names targets were given by */
  uint64_t expect;              /* verdicts to come: then it ends */
  uint64_t wait_ms;             /* AP_RDNS_WAIT_MS, less in tests */
  size_t inflight;              /* AP_RDNS_INFLIGHT */
};

struct ap_rdns_req {
  uv_getnameinfo_t req;
  struct ap_rdns *d;
  uint64_t idx;
  int busy; /* a lookup is under way in this slot */
};

/* A queue of target indices (and, for held verdicts, deadlines). */
struct ap_rdns_fifo {
  int timed;     /* keeps a deadline per entry */
  uint64_t *idx;
  uint64_t *due; /* when timed */
  size_t head;
  size_t n;
  size_t cap;
};

struct ap_rdns {
  uv_loop_t *loop;
  struct ap_rdns_cfg cfg;
  ap_rdns_emit_cb emit;
  void *data;
  struct ap_imap recs;         /* target index -> struct ap_rdns_rec */
  struct ap_rdns_fifo queue;   /* probed, lookup not started */
  struct ap_rdns_fifo held;    /* verdicts held, oldest first */
  size_t nheld;                /* held verdicts still waiting */
  struct ap_rdns_req *req;     /* one slot per lookup at once */
  size_t nfree;
  size_t *free_slot;
  size_t running;              /* lookups under way */
  uint64_t got;                /* verdicts received */
  uint64_t named;              /* verdicts given out with a looked-up name */
  uv_timer_t timer;            /* the oldest held verdict's deadline */
  int timer_open;
  int ended;                   /* no verdict to come: pass them through */
  int abandoned;               /* lookups left running at the end */
};

/* Sets up reverse lookups on loop.  Returns 0 or UV_ENOMEM. */
int ap_rdns_init(struct ap_rdns *d, uv_loop_t *loop,
                 const struct ap_rdns_cfg *cfg, ap_rdns_emit_cb emit);

/* Target idx at a was probed for the first time: looks it up (or queues
 * its lookup) unless -n and it was given by name. */
void ap_rdns_probed(struct ap_rdns *d, uint64_t idx, const struct ap_addr *a);

/* A target's verdict: out now or held (see above).  r is copied. */
void ap_rdns_result(struct ap_rdns *d, const struct ap_result *r);

/* No verdict is to come (a stop, the end of the run): every held verdict
 * goes out now with what is known, the lookups queued are dropped, those
 * running abandoned (the loop stopped).  Runs by itself once cfg.expect
 * verdicts came and went out.  Idempotent. */
void ap_rdns_end(struct ap_rdns *d);

/* Whether lookups were abandoned: then d must stay allocated and the
 * process end by _exit() (resolve.h). */
int ap_rdns_abandoned(const struct ap_rdns *d);

/* Frees what d holds, after ap_rdns_end() and once the loop ran (its
 * timer's close); frees nothing while lookups are abandoned. */
void ap_rdns_release(struct ap_rdns *d);

/* An engine in front of the real one that starts a target's lookup as its
 * first probe is taken. */
struct ap_rdns_gate {
  struct ap_engine base;
  struct ap_engine *inner;
  struct ap_rdns *d;
};

void ap_rdns_gate_init(struct ap_rdns_gate *g, struct ap_engine *inner,
                       struct ap_rdns *d);

/* Call after the scheduler was given &g->base: the inner engine reports to
 * the same sink. */
void ap_rdns_gate_attach(struct ap_rdns_gate *g);

/* Whether name (from a resolver) is fit to show: letters, digits, '-',
 * '_' and '.', at most 253 bytes. */
int ap_rdns_name_ok(const char *name);

#endif
