/* rdns.c - see rdns.h. */
#include "rdns.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>

enum { REC_QUEUED = 1, REC_RUNNING, REC_DONE };

/* What is known of a target probed whose verdict is not out yet.  Records
 * live in the map and move when it changes (imap.h). */
struct rec {
  struct ap_addr addr;
  char *name;             /* REC_DONE: the name found, or NULL */
  struct ap_result *held; /* the verdict waiting for the name, or NULL */
  int state;
};

_Static_assert(_Alignof(struct rec) <= AP_IMAP_ALIGN,
               "a record fits the map's alignment");

/* A held verdict: the result and what it points to, copied. */
struct held {
  struct ap_result r;
  struct ap_addr from;
  struct ap_check checks[];
};

/* ---- queues ---- */

static int fifo_push(struct ap_rdns_fifo *f, uint64_t idx, uint64_t due) {
  size_t cap = f->cap ? 2 * f->cap : 64, i, k;
  uint64_t *v, *w = NULL;

  if (f->n == f->cap) {
    v = malloc(cap * sizeof(*v));
    if (v != NULL && f->timed && (w = malloc(cap * sizeof(*w))) == NULL) {
      free(v);
      v = NULL;
    }
    if (v == NULL)
      return UV_ENOMEM;
    for (i = 0; i < f->n; i++) {
      k = (f->head + i) % f->cap;
      v[i] = f->idx[k];
      if (w != NULL)
        w[i] = f->due[k];
    }
    free(f->idx);
    free(f->due);
    f->idx = v;
    f->due = w;
    f->head = 0;
    f->cap = cap;
  }
  i = (f->head + f->n) % f->cap;
  f->idx[i] = idx;
  if (f->timed)
    f->due[i] = due;
  f->n++;
  return 0;
}

static uint64_t fifo_pop(struct ap_rdns_fifo *f) {
  uint64_t idx = f->idx[f->head];

  f->head = (f->head + 1) % f->cap;
  f->n--;
  return idx;
}

static void fifo_release(struct ap_rdns_fifo *f) {
  free(f->idx);
  free(f->due);
  memset(f, 0, sizeof(*f));
}

/* ---- held verdicts ---- */

static void free_held(struct ap_result *r) {
  size_t i;

  if (r == NULL)
    return;
  for (i = 0; i < r->nchecks; i++)
    free((void *) r->checks[i].banner);
  free(r);
}

/* A copy of r that owns its checks and banners, or NULL. */
static struct ap_result *copy_result(const struct ap_result *r) {
  struct held *h = malloc(sizeof(*h) + r->nchecks * sizeof(h->checks[0]));
  struct ap_check *c;
  size_t i;

  if (h == NULL)
    return NULL;
  h->r = *r;
  if (r->from != NULL) {
    h->from = *r->from;
    h->r.from = &h->from;
  }
  h->r.checks = h->checks;
  for (i = 0; i < r->nchecks; i++) {
    c = &h->checks[i];
    *c = r->checks[i];
    if (c->banner == NULL)
      continue;
    c->banner = malloc(c->banner_len > 0 ? c->banner_len : 1);
    if (c->banner == NULL) {
      h->r.nchecks = i;
      free_held(&h->r);
      return NULL;
    }
    memcpy((void *) c->banner, r->checks[i].banner, c->banner_len);
  }
  return &h->r;
}

/* ---- the output ---- */

/* The name given for a, if any: a verdict's name when none was found. */
static const char *given(const struct ap_rdns *d, const struct ap_addr *a) {
  return ap_names_find(d->cfg.given, a);
}

/* Sends the held verdict of target idx out with name (or the name given)
 * and forgets the target. */
static void give_out(struct ap_rdns *d, uint64_t idx, struct rec *x,
                     const char *name) {
  struct ap_result *r = x->held;
  char *own = x->name;

  x->held = NULL;
  d->nheld--;
  ap_imap_del(&d->recs, idx);
  if (name != NULL)
    d->named++;
  d->emit(d, r, name != NULL ? name : given(d, &r->addr));
  free_held(r);
  free(own);
}

/* Every verdict came and went out: the end. */
static void check_end(struct ap_rdns *d) {
  if (d->got >= d->cfg.expect && d->nheld == 0)
    ap_rdns_end(d);
}

/* ---- lookups ---- */

static void got_cb(uv_getnameinfo_t *req, int status, const char *host,
                   const char *service);

/* Starts the lookup of target idx in a free slot. */
static void start(struct ap_rdns *d, uint64_t idx, struct rec *x) {
  struct ap_rdns_req *q = &d->req[d->free_slot[--d->nfree]];
  struct sockaddr_storage ss;
  int err;

  q->d = d;
  q->idx = idx;
  ap_addr_to_sockaddr(&x->addr, &ss);
  /* NI_NAMEREQD: no name is a failure, not the address as text. */
  err = uv_getnameinfo(d->loop, &q->req, got_cb, (struct sockaddr *) &ss,
                       NI_NAMEREQD);
  if (err != 0) {
    /* The callback will not run: no name, and the verdict out if it
     * waits. */
    d->free_slot[d->nfree++] = (size_t) (q - d->req);
    x->state = REC_DONE;
    if (x->held != NULL) {
      give_out(d, idx, x, NULL);
      check_end(d);
    }
    return;
  }
  q->busy = 1;
  d->running++;
  x->state = REC_RUNNING;
}

/* Starts queued lookups while slots are free; a target whose verdict went
 * out meanwhile is skipped. */
static void pump(struct ap_rdns *d) {
  struct rec *x;
  uint64_t idx;

  while (d->nfree > 0 && d->queue.n > 0 && !d->ended) {
    idx = fifo_pop(&d->queue);
    x = ap_imap_find(&d->recs, idx);
    if (x != NULL && x->state == REC_QUEUED)
      start(d, idx, x);
  }
}

static void got_cb(uv_getnameinfo_t *req, int status, const char *host,
                   const char *service) {
  struct ap_rdns_req *q = ap_container_of(req, struct ap_rdns_req, req);
  struct ap_rdns *d = q->d;
  const char *name = status == 0 && ap_rdns_name_ok(host) ? host : NULL;
  struct rec *x;

  (void) service;
  q->busy = 0;
  d->running--;
  d->free_slot[d->nfree++] = (size_t) (q - d->req);
  if (d->ended)
    return; /* every verdict is out */
  x = ap_imap_find(&d->recs, q->idx);
  if (x != NULL && x->state == REC_RUNNING) {
    x->state = REC_DONE;
    if (x->held != NULL) {
      give_out(d, q->idx, x, name);
      check_end(d);
      if (d->ended)
        return;
    } else if (name != NULL) {
      x->name = strdup(name); /* NULL when out of memory: no name */
    }
  }
  pump(d);
}

void ap_rdns_probed(struct ap_rdns *d, uint64_t idx, const struct ap_addr *a) {
  struct rec *x;
  int added;

  if (d->ended || (d->cfg.mode == AP_RDNS_ADDRS && given(d, a) != NULL))
    return;
  x = ap_imap_get(&d->recs, idx, &added);
  if (x == NULL || !added)
    return; /* out of memory, or a second first probe: no lookup */
  x->addr = *a;
  x->state = REC_QUEUED;
  if (fifo_push(&d->queue, idx, 0) != 0) {
    ap_imap_del(&d->recs, idx);
    return;
  }
  pump(d);
}

/* ---- holding ---- */

static void timer_cb(uv_timer_t *t);

/* Sends out every held verdict whose time is up, the oldest first, or
 * (all) every one; then sets the timer for the next. */
static void expire(struct ap_rdns *d, int all) {
  uint64_t now = uv_now(d->loop), idx;
  struct ap_rdns_fifo *f = &d->held;
  struct rec *x;

  while (f->n > 0 && (all || f->due[f->head] <= now)) {
    idx = fifo_pop(f);
    x = ap_imap_find(&d->recs, idx);
    if (x != NULL && x->held != NULL)
      give_out(d, idx, x, NULL);
  }
  if (f->n > 0 && d->timer_open)
    uv_timer_start(&d->timer, timer_cb, f->due[f->head] - now, 0);
}

static void timer_cb(uv_timer_t *t) {
  struct ap_rdns *d = ap_container_of(t, struct ap_rdns, timer);

  expire(d, 0);
  check_end(d);
}

/* Sends the oldest held verdict out now (too many are held). */
static void give_oldest(struct ap_rdns *d) {
  struct rec *x;
  uint64_t idx;

  while (d->held.n > 0) {
    idx = fifo_pop(&d->held);
    x = ap_imap_find(&d->recs, idx);
    if (x != NULL && x->held != NULL) {
      give_out(d, idx, x, NULL);
      return;
    }
  }
}

/* Holds target idx's verdict until its lookup answers or wait_ms pass.
 * Returns 0, or UV_ENOMEM (nothing held). */
static int hold(struct ap_rdns *d, uint64_t idx, const struct ap_result *r) {
  struct ap_result *copy;
  struct rec *x;

  if (d->nheld >= AP_RDNS_HELD)
    give_oldest(d);
  copy = copy_result(r);
  if (copy == NULL)
    return UV_ENOMEM;
  if (fifo_push(&d->held, idx, uv_now(d->loop) + d->cfg.wait_ms) != 0) {
    free_held(copy);
    return UV_ENOMEM;
  }
  x = ap_imap_find(&d->recs, idx); /* give_oldest() may have moved it */
  x->held = copy;
  d->nheld++;
  /* The timer runs while the queue holds anything. */
  if (d->held.n == 1 && d->timer_open)
    uv_timer_start(&d->timer, timer_cb, d->cfg.wait_ms, 0);
  return 0;
}

void ap_rdns_result(struct ap_rdns *d, const struct ap_result *r) {
  const char *name = given(d, &r->addr);
  struct rec *x = NULL;

  d->got++;
  if (!d->ended && !(d->cfg.mode == AP_RDNS_ADDRS && name != NULL)) {
    x = ap_imap_find(&d->recs, r->idx);
    if (x == NULL) {
      /* Not probed (-m none): looked up now. */
      ap_rdns_probed(d, r->idx, &r->addr);
      x = ap_imap_find(&d->recs, r->idx);
    }
  }
  if (x != NULL && x->state == REC_DONE) {
    if (x->name != NULL)
      d->named++;
    d->emit(d, r, x->name != NULL ? x->name : name);
    free(x->name);
    ap_imap_del(&d->recs, r->idx);
  } else if (x == NULL || hold(d, r->idx, r) != 0) {
    if (x != NULL)
      ap_imap_del(&d->recs, r->idx);
    d->emit(d, r, name);
  }
  check_end(d);
}

/* ---- setting up and ending ---- */

int ap_rdns_init(struct ap_rdns *d, uv_loop_t *loop,
                 const struct ap_rdns_cfg *cfg, ap_rdns_emit_cb emit) {
  size_t i, n = cfg->inflight > 0 ? cfg->inflight : 1;
  void *data = d->data;

  memset(d, 0, sizeof(*d));
  d->data = data;
  d->loop = loop;
  d->cfg = *cfg;
  d->cfg.inflight = n;
  d->emit = emit;
  d->held.timed = 1;
  ap_imap_init(&d->recs, sizeof(struct rec));
  d->req = calloc(n, sizeof(*d->req));
  d->free_slot = calloc(n, sizeof(*d->free_slot));
  if (d->req == NULL || d->free_slot == NULL ||
      uv_timer_init(loop, &d->timer) != 0) {
    free(d->req);
    free(d->free_slot);
    d->req = NULL;
    d->free_slot = NULL;
    return UV_ENOMEM;
  }
  d->timer_open = 1;
  for (i = 0; i < n; i++)
    d->free_slot[d->nfree++] = n - 1 - i;
  return 0;
}

void ap_rdns_end(struct ap_rdns *d) {
  size_t i;

  if (d->ended || d->req == NULL)
    return;
  expire(d, 1);
  d->ended = 1;
  d->queue.n = 0;
  if (d->timer_open)
    uv_close((uv_handle_t *) &d->timer, NULL);
  d->timer_open = 0;
  /* Queued on the pool: cancelled (their callbacks still run).  Running:
   * abandoned, and the loop must not wait for them. */
  for (i = 0; i < d->cfg.inflight; i++)
    if (d->req[i].busy && uv_cancel((uv_req_t *) &d->req[i].req) != 0)
      d->abandoned = 1;
  if (d->abandoned)
    uv_stop(d->loop);
}

int ap_rdns_abandoned(const struct ap_rdns *d) {
  return d->abandoned && d->running > 0;
}

void ap_rdns_release(struct ap_rdns *d) {
  struct rec *x;
  size_t pos = 0;

  if (ap_rdns_abandoned(d) || d->req == NULL)
    return;
  while ((x = ap_imap_next(&d->recs, &pos, NULL)) != NULL) {
    free(x->name);
    free_held(x->held);
  }
  ap_imap_release(&d->recs);
  fifo_release(&d->queue);
  fifo_release(&d->held);
  free(d->req);
  free(d->free_slot);
  d->req = NULL;
  d->free_slot = NULL;
}

int ap_rdns_name_ok(const char *name) {
  size_t len = strlen(name);

  return len > 0 && len <= 253 &&
         name[strspn(name, "abcdefghijklmnopqrstuvwxyz"
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")] ==
             '\0';
}

/* ---- the engine in front ---- */

static int gate_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                     uint64_t now_ns) {
  struct ap_rdns_gate *g = (struct ap_rdns_gate *) e;
  int taken = g->inner->ops->send(g->inner, p, n, now_ns);
  int k;

  g->base.refused = g->inner->refused;
  for (k = 0; k < taken; k++)
    if (p[k].attempt == 0)
      ap_rdns_probed(g->d, p[k].idx, &p[k].addr);
  return taken;
}

static void gate_close(struct ap_engine *e) {
  struct ap_rdns_gate *g = (struct ap_rdns_gate *) e;

  g->inner->ops->close(g->inner);
}

static void gate_pump(struct ap_engine *e, int again) {
  struct ap_rdns_gate *g = (struct ap_rdns_gate *) e;

  if (g->inner->ops->pump != NULL)
    g->inner->ops->pump(g->inner, again);
}

static void gate_drain(struct ap_engine *e) {
  struct ap_rdns_gate *g = (struct ap_rdns_gate *) e;

  if (g->inner->ops->drain != NULL)
    g->inner->ops->drain(g->inner);
}

static const struct ap_engine_ops gate_ops = {
  .name = "rdns", .send = gate_send, .close = gate_close, .pump = gate_pump,
  .drain = gate_drain
};

void ap_rdns_gate_init(struct ap_rdns_gate *g, struct ap_engine *inner,
                       struct ap_rdns *d) {
  memset(g, 0, sizeof(*g));
  g->base.ops = &gate_ops;
  g->inner = inner;
  g->d = d;
}

void ap_rdns_gate_attach(struct ap_rdns_gate *g) {
  g->inner->sink = g->base.sink;
}
