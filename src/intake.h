/* intake.h - from arguments, files and names to the target set.
 *
 * The intake reads the targets and exclusions given as operands, in -f
 * and --exclude-file files and with --exclude; parses each (target.h);
 * queues host names and resolves them on the loop, a bounded number at
 * once (resolve.h); and finishes the set: sorted, merged, exclusions
 * removed, numbered.  It keeps the name table that lets a verdict show the
 * name a target was given by.
 *
 * Memory: the set is intervals, not addresses (a /8 is one); one string
 * per name given, and one entry per address a name resolved to (its first
 * only, unless --all-addresses); several names of one address are one
 * target, probed once, and each is reported.  A link-local target's zone (fe80::1%eth0)
 * is looked up here, and kept in its addresses (addr.h).
 */
#ifndef AP_INTAKE_H
#define AP_INTAKE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "addr.h"
#include "config.h"
#include "err.h"
#include "resolve.h"
#include "target.h"

/* Host names given as targets, so that their verdicts show the name. */
struct ap_name {
  struct ap_addr addr;
  char *name;
  size_t seq; /* order given */
};

struct ap_names {
  struct ap_name *v;
  size_t n;
  size_t cap;
};

/* Adds name for addr (the name is copied), given in place seq of the
 * names (ap_names_add: after those added so far).  Returns 0 or
 * UV_ENOMEM.  ap_names_sort() before lookups: then every name given for an
 * address is kept, once, in the order given. */
int ap_names_add_at(struct ap_names *t, const struct ap_addr *addr,
                    const char *name, size_t seq);
int ap_names_add(struct ap_names *t, const struct ap_addr *addr,
                 const char *name);
void ap_names_sort(struct ap_names *t);

/* The names addr was given by: how many (0 also when t is NULL), and in
 * *first the first of them, the rest following it in the order given. */
size_t ap_names_all(const struct ap_names *t, const struct ap_addr *a,
                    const struct ap_name **first);

/* The first name addr was given by, or NULL (also when t is NULL). */
const char *ap_names_find(const struct ap_names *t, const struct ap_addr *a);
void ap_names_release(struct ap_names *t);

struct ap_intake {
  const struct ap_intake_cfg *cfg;
  FILE *diag;           /* where names that do not resolve are reported */
  struct ap_tset set;   /* the targets */
  struct ap_tset excl;  /* what is never probed */
  char **names;         /* names to resolve, in the order given */
  size_t nnames;
  size_t capnames;
  struct ap_names shown;
  uint64_t unresolved;  /* names that did not resolve */
  uint64_t extra;       /* names of a target beside its first */
  size_t *failed;       /* the names that did not resolve, by place */
  size_t nfailed;
  size_t capfailed;
  struct ap_resolve res;
  size_t pending;       /* names a stop left unanswered */
  size_t answered;      /* names answered */
  int started;          /* res was started */
  int oom;
  uint64_t until_ns;    /* when reading files must stop (uv_hrtime()), or
                           0: --deadline */
  int cut;              /* the deadline cut the reading short */
  /* Called, if set, once every name is answered (a resolution on a loop
   * that goes on running: a reload). */
  void (*done_cb)(struct ap_intake *in);
  void *data;
};

void ap_intake_init(struct ap_intake *in, const struct ap_intake_cfg *cfg,
                    FILE *diag);

/* Reads the operands, the files and the exclusions.  Returns 0, or an
 * exit status with err set (a bad target names itself and where it was:
 * "hosts.txt:3: bad target '192.0.2.300': octet 300 over 255").  A file
 * is read as its data comes (a pipe, a FIFO: never blocked in open());
 * when the time given to ap_intake_until() comes first, the reading
 * stops there, with what was read so far: ap_intake_cut() says so. */
int ap_intake_collect(struct ap_intake *in, struct ap_err *err);

/* Reading files must end by until_ns (uv_hrtime()); 0: no limit. */
void ap_intake_until(struct ap_intake *in, uint64_t until_ns);

/* Whether the time ap_intake_until() gave cut the reading short (the
 * rest of the file and every later one unread). */
int ap_intake_cut(const struct ap_intake *in);

/* Starts resolving the names collected, all at once on loop: the caller
 * runs the loop until it returns, or until done_cb is called.  Returns 0
 * or an exit status.  done_cb is not called when there is no name to
 * resolve: ap_intake_resolved() says so at once. */
int ap_intake_resolve(struct ap_intake *in, uv_loop_t *loop,
                      struct ap_err *err);

/* Whether every name has its answer. */
int ap_intake_resolved(const struct ap_intake *in);

/* Stops resolving (a signal, the deadline): whatever is unanswered stays
 * so, and the loop returns at once rather than wait for lookups the
 * resolver may hold for seconds. */
void ap_intake_stop(struct ap_intake *in);

/* The same without stopping the loop: for a resolution beside other work
 * (a reload). */
void ap_intake_abandon(struct ap_intake *in);

/* After the loop: the resolved names join the set, the exclusions go, and
 * the set is numbered.  Returns 0 or an exit status. */
int ap_intake_finish(struct ap_intake *in, struct ap_err *err);

/* The names still unanswered after a stop, in the order given. */
void ap_intake_each_unanswered(const struct ap_intake *in,
                               void (*cb)(const char *name, void *ctx),
                               void *ctx);

/* The names that did not resolve, in the order answered. */
void ap_intake_each_unresolved(const struct ap_intake *in,
                               void (*cb)(const char *name, void *ctx),
                               void *ctx);

/* Whether lookups a stop abandoned may still be running: then the intake
 * must not be released, and the process must end by _exit() (resolve.h). */
int ap_intake_abandoned(const struct ap_intake *in);

/* The finished set, and the name table for the output. */
const struct ap_tset *ap_intake_set(const struct ap_intake *in);
const struct ap_names *ap_intake_names(const struct ap_intake *in);

/* Names that did not resolve, and names a stop left unanswered. */
uint64_t ap_intake_unresolved(const struct ap_intake *in);
size_t ap_intake_pending(const struct ap_intake *in);

/* Names that share a target's address with a name given before them:
 * each is reported as a target of its own, so the output has this many
 * more targets than the set. */
uint64_t ap_intake_extra(const struct ap_intake *in);

/* Which families the finished set holds. */
void ap_intake_families(const struct ap_intake *in, int *v4, int *v6);

void ap_intake_release(struct ap_intake *in);

#endif
