/* resolve.h - resolving host names on the loop, a bounded number at once.
 *
 * uv_getaddrinfo() runs each lookup on libuv's thread pool, so the loop
 * never blocks; at most `inflight` lookups are queued at a time so that a
 * file of ten thousand names does not queue ten thousand requests.
 *
 * A lookup that has started on the pool cannot be interrupted (the C
 * library's resolver may wait seconds for a dead server), so stopping
 * early abandons such lookups: see ap_resolve_stop().
 */
#ifndef AP_RESOLVE_H
#define AP_RESOLVE_H

#include <stddef.h>
#include <uv.h>

#include "addr.h"

struct ap_resolve;

/* Called once per name, in completion order: status 0 with the n >= 1
 * addresses of the allowed family in the resolver's order (the first is
 * the one to use when only one is), each once; or a UV_EAI_* code (or
 * UV_ENOMEM) with none.  addr is valid during the call. */
typedef void (*ap_resolve_cb)(struct ap_resolve *r, size_t i, int status,
                              const struct ap_addr *addr, size_t n);

struct ap_resolve_req {
  uv_getaddrinfo_t req;
  struct ap_resolve *r;
  size_t i;
  int busy; /* a lookup is under way in this slot */
};

struct ap_resolve {
  uv_loop_t *loop;
  char *const *names;
  size_t n;
  size_t next;       /* next name to start */
  size_t inflight;   /* lookups under way */
  int family;        /* AF_INET, AF_INET6 or AF_UNSPEC */
  ap_resolve_cb cb;
  void *data;
  struct ap_resolve_req *req; /* one slot per allowed lookup in flight */
  size_t nreq;
  size_t *free_slot;
  size_t nfree;
  unsigned char *answered; /* per name: its callback has run */
  int stopped;             /* ap_resolve_stop() was called */
};

/* Starts resolving names[0..n) with at most max_inflight lookups at once.
 * The caller runs the loop; every callback has run when it returns.
 * Returns 0 or UV_ENOMEM; names must outlive the resolution. */
int ap_resolve_start(struct ap_resolve *r, uv_loop_t *loop,
                     char *const *names, size_t n, int family,
                     size_t max_inflight, ap_resolve_cb cb);

/* Stops resolving: names not yet started never will be, lookups still
 * queued are cancelled, and lookups already running are abandoned.  No
 * callback runs after this.  Returns how many names are left without an
 * answer (ap_resolve_answered() tells which).  While lookups are abandoned
 * (ap_resolve_abandoned()), the pool still uses r, its requests and the
 * names: they must stay allocated and the loop unclosed until the process
 * ends, which must then be by _exit(), since libuv joins its pool's
 * threads at exit(). */
size_t ap_resolve_stop(struct ap_resolve *r);

/* Whether name i has had its callback. */
int ap_resolve_answered(const struct ap_resolve *r, size_t i);

/* Whether lookups that ap_resolve_stop() abandoned may still be running. */
int ap_resolve_abandoned(const struct ap_resolve *r);

/* Frees what ap_resolve_start() allocated, once the loop ran out; after
 * ap_resolve_stop() abandoned lookups it frees nothing (see there). */
void ap_resolve_release(struct ap_resolve *r);

#endif
