/* resolve.c - see resolve.h. */
#include "resolve.h"

#include <netdb.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static void got_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res);

/* Starts lookups while there are names left and slots free. */
static void pump(struct ap_resolve *r) {
  struct addrinfo hints;
  struct ap_resolve_req *q;
  int err;

  memset(&hints, 0, sizeof(hints));
  hints.ai_family = r->family;
  hints.ai_socktype = SOCK_RAW;
  while (r->next < r->n && r->nfree > 0) {
    q = &r->req[r->free_slot[--r->nfree]];
    q->r = r;
    q->i = r->next++;
    err = uv_getaddrinfo(r->loop, &q->req, got_cb, r->names[q->i], NULL,
                         &hints);
    if (err != 0) {
      /* The callback will not run: report here and free the slot. */
      r->free_slot[r->nfree++] = (size_t) (q - r->req);
      r->answered[q->i] = 1;
      r->cb(r, q->i, err, NULL, 0);
      continue;
    }
    q->busy = 1;
    r->inflight++;
  }
}

/* The addresses of res, each once, into a (room for max).  Returns how
 * many. */
static size_t collect(const struct addrinfo *res, struct ap_addr *a,
                      size_t max) {
  const struct addrinfo *ai;
  size_t n = 0, k;

  for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
    if (ap_addr_from_sockaddr(&a[n], ai->ai_addr) != 0)
      continue;
    for (k = 0; k < n && ap_addr_cmp(&a[k], &a[n]) != 0; k++)
      ;
    n += k == n;
  }
  return n;
}

static void got_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
  struct ap_resolve_req *q =
      (struct ap_resolve_req *) ((char *) req -
                                 offsetof(struct ap_resolve_req, req));
  struct ap_resolve *r = q->r;
  struct ap_addr few[16], *a = few;
  const struct addrinfo *ai;
  size_t n = 0, max = 0;

  q->busy = 0;
  r->inflight--;
  r->free_slot[r->nfree++] = (size_t) (q - r->req);
  if (status == 0) {
    for (ai = res; ai != NULL; ai = ai->ai_next)
      max++;
    if (max > 16 && (a = malloc(max * sizeof(*a))) == NULL)
      status = UV_ENOMEM;
    else
      n = collect(res, a, max);
    uv_freeaddrinfo(res);
  }
  /* After ap_resolve_stop() the names left are the caller's to report:
   * a cancelled or late answer is dropped. */
  if (!r->stopped) {
    if (status == 0 && n == 0)
      status = UV_EAI_NODATA;
    r->answered[q->i] = 1;
    r->cb(r, q->i, status, status == 0 ? a : NULL, status == 0 ? n : 0);
  }
  if (a != few && a != NULL)
    free(a);
  if (!r->stopped)
    pump(r);
}

int ap_resolve_start(struct ap_resolve *r, uv_loop_t *loop,
                     char *const *names, size_t n, int family,
                     size_t max_inflight, ap_resolve_cb cb) {
  size_t i;
  void *data = r->data;

  memset(r, 0, sizeof(*r));
  r->data = data;
  r->loop = loop;
  r->names = names;
  r->n = n;
  r->family = family;
  r->cb = cb;
  r->nreq = max_inflight < n ? max_inflight : n;
  if (r->nreq == 0)
    return 0;
  r->req = calloc(r->nreq, sizeof(*r->req));
  r->free_slot = calloc(r->nreq, sizeof(*r->free_slot));
  r->answered = calloc(n, 1);
  if (r->req == NULL || r->free_slot == NULL || r->answered == NULL) {
    ap_resolve_release(r);
    return UV_ENOMEM;
  }
  for (i = 0; i < r->nreq; i++)
    r->free_slot[r->nfree++] = r->nreq - 1 - i;
  pump(r);
  return 0;
}

size_t ap_resolve_stop(struct ap_resolve *r) {
  size_t i, left = 0;

  if (!r->stopped) {
    r->stopped = 1;
    r->next = r->n; /* pump() starts nothing more */
    /* Cancelling works only on a lookup that has not started; one that
     * has (UV_EBUSY) is left to finish on its own, unheard. */
    for (i = 0; i < r->nreq; i++)
      if (r->req[i].busy)
        uv_cancel((uv_req_t *) &r->req[i].req);
  }
  for (i = 0; i < r->n; i++)
    left += !r->answered[i];
  return left;
}

int ap_resolve_answered(const struct ap_resolve *r, size_t i) {
  return r->answered != NULL && r->answered[i];
}

int ap_resolve_abandoned(const struct ap_resolve *r) {
  return r->stopped && r->inflight > 0;
}

void ap_resolve_release(struct ap_resolve *r) {
  if (ap_resolve_abandoned(r))
    return;
  free(r->req);
  free(r->free_slot);
  free(r->answered);
  r->req = NULL;
  r->free_slot = NULL;
  r->answered = NULL;
}
