/* combine.h - one verdict per target over its ping and its service checks.
 *
 * The ping scan and the service checks run side by side and finish each
 * target in their own time.  The combiner keeps a record only for a target
 * that has some but not all of its results, and hands one struct ap_result
 * per target to its callback once the last one is in: ok when every check
 * passes (the ping, when there is one, is a check that passes when the
 * target is alive), or with `any` when one does.
 *
 * Memory: a record (about 150 bytes plus 40 per service check, stored in
 * a map at most half full: see imap.h) and the banners per target in that
 * state, and with ap_combine_track() one bit per target.  The scan and the
 * service checks take targets in the same order; so that neither runs far
 * ahead of the other and leaves a record per target behind, the gate below
 * holds back new pings, and the service scheduler new targets, while too
 * many records wait for the other side, and the service scheduler also
 * while their banners hold too many bytes (held, below), so that peers
 * that send all they may cannot make the records big.
 */
#ifndef AP_COMBINE_H
#define AP_COMBINE_H

#include <stddef.h>
#include <stdint.h>

#include "bitmap.h"
#include "engine.h"
#include "imap.h"
#include "result.h"

struct ap_combine;

/* Called once per target with everything known about it; r and what it
 * points to are valid during the call only, which must not hand the
 * combiner another result. */
typedef void (*ap_combine_emit_cb)(struct ap_combine *v,
                                   const struct ap_result *r);

struct ap_combine {
  size_t nchecks;    /* checks per target: the service checks, then ndisc
                        discovery checks (--tcp-ping) */
  size_t ndisc;
  int ping;          /* each target also gets a ping verdict */
  int any;           /* ok when one check passes, not all */
  ap_combine_emit_cb emit;
  void *data;
  struct ap_imap recs;  /* target index -> its record so far */
  size_t ping_ahead;    /* records with the ping verdict, checks missing */
  size_t checks_ahead;  /* records with every check, the ping missing */
  size_t held;          /* bytes of the banners in records: each one's
                           length plus its NUL */
  uint64_t emitted;
  struct ap_bitmap shown; /* bit per target index: emitted; or no bits */
};

void ap_combine_init(struct ap_combine *v, size_t nchecks, int ping, int any,
                     ap_combine_emit_cb emit);

/* The last ndisc of the checks are --tcp-ping's: a port that answers
 * (open, or refused) shows the target alive as an echo reply would; they
 * are not service checks of the result (r->evidence names the one that
 * made the target alive, when the echo did not). */
void ap_combine_discovery(struct ap_combine *v, size_t ndisc);

/* Frees every record still open (a stopped run); their targets get no
 * verdict. */
void ap_combine_release(struct ap_combine *v);

/* Keeps one bit per target index below n, set when the target's result is
 * emitted, for ap_combine_done().  Returns 0 or UV_ENOMEM. */
int ap_combine_track(struct ap_combine *v, uint64_t n);

/* With ap_combine_track() in use, the targets whose result was emitted:
 * one bit per target index, valid until ap_combine_release(); else NULL.
 * After a stopped run, the caller lists the others (which may have had
 * some of their results, not all) with ap_order_each_missing() over a
 * fresh copy of the run's order, as many as that order gives less
 * ap_combine_emitted(). */
const struct ap_bitmap *ap_combine_done(const struct ap_combine *v);

/* How many results were emitted. */
uint64_t ap_combine_emitted(const struct ap_combine *v);

/* How many targets have some of their results in, not all. */
size_t ap_combine_pending(const struct ap_combine *v);

/* The ping verdict of target r->idx (r as the scan gives it; copied; a
 * second one is ignored).  Returns 0, UV_ENOMEM, or UV_EINVAL when the
 * combiner expects no pings. */
int ap_combine_ping(struct ap_combine *v, const struct ap_result *r);

/* The result of service check i (0 <= i < nchecks) of target idx at addr.
 * c is copied; c->banner, when not NULL, must come from malloc() (held
 * counts banner_len + 1 bytes for it until it is freed) and
 * becomes the combiner's, which frees it, also on failure.  Returns 0,
 * UV_ENOMEM, or UV_EINVAL for a bad i, port 0, or a check already in. */
int ap_combine_check(struct ap_combine *v, uint64_t idx,
                     const struct ap_addr *addr, size_t i,
                     const struct ap_check *c);

/* An engine in front of the real one that sends new targets' first probes
 * only while fewer than `limit` targets wait for their service checks
 * (ping verdicts already in, plus pings in flight).  Retries always pass. */
struct ap_scan;

struct ap_cgate {
  struct ap_engine base;
  struct ap_engine *inner;
  const struct ap_combine *v;
  const struct ap_scan *scan; /* the scan it gates: its probes in flight */
  size_t limit;
  void (*closed_cb)(struct ap_cgate *g);
};

/* closed_cb, if not NULL, is called once the scan has ended and closed the
 * engine (ap_scan_status() says how it ended). */
void ap_cgate_init(struct ap_cgate *g, struct ap_engine *inner,
                   const struct ap_combine *v, size_t limit,
                   void (*closed_cb)(struct ap_cgate *g));

/* Call after ap_scan_init(scan) was given &g->base: the inner engine
 * reports to the same scan. */
void ap_cgate_attach(struct ap_cgate *g, const struct ap_scan *scan);

#endif
