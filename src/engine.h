/* engine.h - the interface between a scheduler and a probe engine.
 *
 * The scheduler decides what to probe and when; an engine turns a probe
 * into packets (or processes, or connections) and reports what came back
 * to the scheduler's sink: the one-shot scan (scan.h), which gives every
 * target one verdict, or the monitor (monitor.h), which probes every
 * target again every period.
 */
#ifndef AP_ENGINE_H
#define AP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "result.h"

#define ap_container_of(ptr, type, member) \
  ((type *) ((char *) (ptr) - offsetof(type, member)))

/* Where an engine reports.  Each report returns 1 when it counted, 0 when
 * the scheduler ignored it (not a target, no probe of that send time
 * awaiting an answer: late, a duplicate). */
struct ap_sink;

/* What a reply tells beside its round trip, for the output. */
struct ap_reply_meta {
  int ttl; /* the reply's TTL (IPv4) or hop limit (IPv6), -1 if unknown */
};

struct ap_sink_ops {
  /* A valid echo reply from addr to the probe sent at sent_ns (the time
   * the probe carries), rtt_ns after it was sent; meta (NULL: nothing
   * known) is valid during the call. */
  int (*reply)(struct ap_sink *k, const struct ap_addr *addr,
               uint64_t sent_ns, uint64_t rtt_ns,
               const struct ap_reply_meta *meta);
  /* The probe sent to addr at sent_ns failed: an ICMP error (from says
   * who sent it) or the local system's refusal (from NULL); reason is
   * valid during the call. */
  int (*fail)(struct ap_sink *k, const struct ap_addr *addr,
              uint64_t sent_ns, const char *reason,
              const struct ap_addr *from);
  /* For engines that decide a whole target at once (ping(8) -c N): r
   * gives the verdict, reason and statistics; r->idx and r->addr are
   * filled in by the scheduler. */
  void (*settle)(struct ap_sink *k, const struct ap_addr *addr,
                 struct ap_result *r);
  /* The engine cannot go on: the scheduler ends with err (a UV_E* code;
   * UV_ECANCELED ends it as a stop would). */
  void (*abort)(struct ap_sink *k, int err);
};

struct ap_sink {
  const struct ap_sink_ops *ops;
  int closing; /* the scheduler is ending: report nothing more */
};

static inline int ap_sink_reply(struct ap_sink *k, const struct ap_addr *a,
                                uint64_t sent_ns, uint64_t rtt_ns,
                                const struct ap_reply_meta *meta) {
  return k->ops->reply(k, a, sent_ns, rtt_ns, meta);
}

static inline int ap_sink_fail(struct ap_sink *k, const struct ap_addr *a,
                               uint64_t sent_ns, const char *reason,
                               const struct ap_addr *from) {
  return k->ops->fail(k, a, sent_ns, reason, from);
}

static inline void ap_sink_settle(struct ap_sink *k,
                                  const struct ap_addr *a,
                                  struct ap_result *r) {
  k->ops->settle(k, a, r);
}

static inline void ap_sink_abort(struct ap_sink *k, int err) {
  k->ops->abort(k, err);
}

struct ap_probe {
  uint64_t idx;        /* target index in the target set */
  struct ap_addr addr; /* target address */
  unsigned attempt;    /* 0 for the first probe, then 1, 2, ... */
  /* The send time the probe carries, on the uv_hrtime() clock.  The
   * scheduler sets it to the turn's time before send(); an engine that
   * stamps its probes later, as close to the actual send as it can,
   * writes its stamp here before it reports anything about the probe, and
   * the scheduler books what it finds here once send() returns.  Replies
   * and errors are matched by it. */
  uint64_t sent_ns;
};

struct ap_engine;

struct ap_engine_ops {
  const char *name;
  /* Starts up to n probes at now_ns (or later: each probe's sent_ns says
   * when).  Returns how many of them it took (always a prefix of p; a
   * probe that failed at once is taken and reported through
   * ap_sink_fail()), or a negative UV_E* code on a failure that ends the
   * scheduler.  Taking fewer than n means "busy, try the rest later". */
  int (*send)(struct ap_engine *e, struct ap_probe *p, size_t n,
              uint64_t now_ns);
  /* Closes the engine's handles; the loop then runs out on its own. */
  void (*close)(struct ap_engine *e);
  /* Optional (NULL: nothing to do).  Called at the end of every turn of
   * the scheduler; again says whether it sends once more on the next turn
   * without waiting.  While it keeps sending, an engine may stop watching
   * its descriptors (readiness callbacks cost the kernel time for every
   * reply) and read what has arrived here instead; when again is 0 it must
   * watch again before the loop blocks. */
  void (*pump)(struct ap_engine *e, int again);
  /* Optional (NULL: nothing can wait unread).  Reads at once, without
   * blocking, everything that has already arrived for the engine's probes
   * (non-blocking reads until the kernel has nothing more) and reports it
   * to the sink.  The scheduler calls it before it gives up on any probe,
   * so that no timeout fires while its answer waits in a socket buffer;
   * it costs a system call per socket, so only when something is due. */
  void (*drain)(struct ap_engine *e);
};

struct ap_engine {
  const struct ap_engine_ops *ops;
  struct ap_sink *sink; /* set by the scheduler the engine serves */
  /* After send() took fewer probes than offered: the UV_E* code with which
   * the kernel refused the rest (UV_ENOBUFS, UV_EAGAIN), or 0 when the
   * engine held them back itself.  The scheduler gives up on probes the
   * kernel keeps refusing for a whole probe timeout. */
  int refused;
};

#endif
