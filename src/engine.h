/* engine.h - the interface between the scheduler and a probe engine.
 *
 * The scheduler decides what to probe and when; an engine turns a probe
 * into packets (or processes, or connections) and reports what came back
 * through ap_scan_reply() and ap_scan_fail() in scan.h.
 */
#ifndef AP_ENGINE_H
#define AP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define ap_container_of(ptr, type, member) \
  ((type *) ((char *) (ptr) - offsetof(type, member)))

struct ap_scan;

struct ap_probe {
  uint64_t idx;        /* target index in the target set */
  struct ap_addr addr; /* target address */
  unsigned attempt;    /* 0 for the first probe, then 1, 2, ... */
};

struct ap_engine;

struct ap_engine_ops {
  const char *name;
  /* Starts up to n probes at now_ns.  Returns how many of them it took
   * (always a prefix of p; a probe that failed at once is taken and reported
   * through ap_scan_fail()), or a negative UV_E* code on a failure that ends
   * the scan.  Taking fewer than n means "busy, try the rest later". */
  int (*send)(struct ap_engine *e, const struct ap_probe *p, size_t n,
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
};

struct ap_engine {
  const struct ap_engine_ops *ops;
  struct ap_scan *scan;
  /* After send() took fewer probes than offered: the UV_E* code with which
   * the kernel refused the rest (UV_ENOBUFS, UV_EAGAIN), or 0 when the
   * engine held them back itself.  The scheduler gives up on probes the
   * kernel keeps refusing for a whole probe timeout. */
  int refused;
};

#endif
