/* combine.c - see combine.h. */
#include "combine.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "scan.h"

struct ap_crec {
  uint64_t idx;
  struct ap_result ping; /* verdict, rtt, reason, stats; from -> pfrom */
  struct ap_addr pfrom;
  int have_ping;
  size_t ndone;
  struct ap_check checks[]; /* port 0: not in yet */
};

void ap_combine_init(struct ap_combine *v, size_t nchecks, int ping, int any,
                     ap_combine_emit_cb emit) {
  memset(v, 0, sizeof(*v));
  v->nchecks = nchecks;
  v->ping = ping;
  v->any = any;
  v->emit = emit;
}

static size_t slot_of(const struct ap_combine *v, uint64_t idx) {
  return (size_t) ((idx * 0x9e3779b97f4a7c15ULL) >> 17) & (v->cap - 1);
}

static void free_rec(const struct ap_combine *v, struct ap_crec *r) {
  size_t i;

  for (i = 0; i < v->nchecks; i++)
    free((void *) r->checks[i].banner);
  free(r);
}

void ap_combine_release(struct ap_combine *v) {
  size_t i;

  for (i = 0; i < v->cap; i++)
    if (v->tab[i] != NULL)
      free_rec(v, v->tab[i]);
  free(v->tab);
  free(v->shown);
  v->tab = NULL;
  v->shown = NULL;
  v->cap = v->n = 0;
}

int ap_combine_track(struct ap_combine *v, uint64_t n) {
  free(v->shown);
  v->shown = calloc(n / 8 + 1, 1);
  return v->shown != NULL ? 0 : UV_ENOMEM;
}

static int was_shown(const struct ap_combine *v, uint64_t idx) {
  return (v->shown[idx >> 3] >> (idx & 7)) & 1;
}

void ap_combine_each_unfinished(struct ap_combine *v,
                                const struct ap_tset *set,
                                struct ap_order *order,
                                ap_combine_emit_cb emit) {
  struct ap_result r;
  uint64_t idx, left = order->left > v->emitted ? order->left - v->emitted
                                                : 0;

  if (v->shown == NULL)
    return;
  while (left > 0 && ap_order_next(order, &idx)) {
    if (was_shown(v, idx))
      continue;
    left--;
    memset(&r, 0, sizeof(r));
    r.idx = idx;
    r.verdict = AP_UNFINISHED;
    ap_tset_at(set, idx, &r.addr);
    emit(v, &r);
  }
}

static struct ap_crec **lookup(const struct ap_combine *v, uint64_t idx) {
  size_t i;

  if (v->cap == 0)
    return NULL;
  for (i = slot_of(v, idx); v->tab[i] != NULL; i = (i + 1) & (v->cap - 1))
    if (v->tab[i]->idx == idx)
      return &v->tab[i];
  return &v->tab[i];
}

/* Doubles the table (or makes the first one).  Returns 0 or UV_ENOMEM. */
static int grow(struct ap_combine *v) {
  struct ap_crec **old = v->tab;
  size_t oldcap = v->cap, i;

  v->cap = oldcap ? oldcap * 2 : 64;
  v->tab = calloc(v->cap, sizeof(*v->tab));
  if (v->tab == NULL) {
    v->tab = old;
    v->cap = oldcap;
    return UV_ENOMEM;
  }
  for (i = 0; i < oldcap; i++)
    if (old[i] != NULL)
      *lookup(v, old[i]->idx) = old[i];
  free(old);
  return 0;
}

/* The record of idx, made if there is none.  NULL when out of memory. */
static struct ap_crec *get(struct ap_combine *v, uint64_t idx,
                           const struct ap_addr *addr) {
  struct ap_crec **p = lookup(v, idx), *r;

  if (p != NULL && *p != NULL)
    return *p;
  if ((v->n + 1) * 2 > v->cap && grow(v) != 0)
    return NULL;
  r = calloc(1, sizeof(*r) + v->nchecks * sizeof(r->checks[0]));
  if (r == NULL)
    return NULL;
  r->idx = idx;
  r->ping.idx = idx;
  r->ping.addr = *addr;
  *lookup(v, idx) = r;
  v->n++;
  return r;
}

/* Removes the record at slot p, shifting back the ones after it that
 * belong earlier, so that no lookup meets a hole. */
static void unlink_slot(struct ap_combine *v, struct ap_crec **p) {
  size_t hole = (size_t) (p - v->tab), i = hole, home;

  v->tab[hole] = NULL;
  v->n--;
  for (;;) {
    i = (i + 1) & (v->cap - 1);
    if (v->tab[i] == NULL)
      return;
    home = slot_of(v, v->tab[i]->idx);
    /* Move it when its home is not in (hole, i], cyclically. */
    if ((i > hole && (home <= hole || home > i)) ||
        (i < hole && home <= hole && home > i)) {
      v->tab[hole] = v->tab[i];
      v->tab[i] = NULL;
      hole = i;
    }
  }
}

static int passed(const struct ap_combine *v, const struct ap_crec *r) {
  size_t i, pass = 0, all = v->nchecks + (v->ping != 0);

  if (v->ping && r->ping.verdict == AP_ALIVE)
    pass++;
  for (i = 0; i < v->nchecks; i++)
    pass += r->checks[i].pass != 0;
  return v->any ? pass > 0 : pass == all;
}

/* Hands the record on if it is complete, and drops it. */
static void settle(struct ap_combine *v, struct ap_crec *r) {
  struct ap_result res;
  int checks_done = r->ndone == v->nchecks;

  if ((v->ping && !r->have_ping) || !checks_done)
    return;
  res = r->ping;
  if (!v->ping)
    res.verdict = AP_NOT_PINGED;
  res.from = r->ping.from != NULL ? &r->pfrom : NULL;
  res.checks = r->checks;
  res.nchecks = v->nchecks;
  res.ok = passed(v, r);
  unlink_slot(v, lookup(v, r->idx));
  v->emitted++;
  if (v->shown != NULL)
    v->shown[r->idx >> 3] |= (uint8_t) (1u << (r->idx & 7));
  v->emit(v, &res);
  free_rec(v, r);
}

int ap_combine_ping(struct ap_combine *v, const struct ap_result *res) {
  struct ap_crec *r = v->ping ? get(v, res->idx, &res->addr) : NULL;

  if (!v->ping)
    return UV_EINVAL;
  if (r == NULL)
    return UV_ENOMEM;
  if (r->have_ping)
    return 0;
  r->ping = *res;
  if (res->from != NULL)
    r->pfrom = *res->from;
  r->ping.checks = NULL;
  r->ping.nchecks = 0;
  r->have_ping = 1;
  if (r->ndone == v->nchecks)
    v->checks_ahead--;
  else
    v->ping_ahead++;
  settle(v, r);
  return 0;
}

int ap_combine_check(struct ap_combine *v, uint64_t idx,
                     const struct ap_addr *addr, size_t i,
                     const struct ap_check *c) {
  struct ap_crec *r = i < v->nchecks ? get(v, idx, addr) : NULL;

  if (r == NULL || r->checks[i].port != 0 || c->port == 0) {
    free((void *) c->banner);
    return r == NULL && i < v->nchecks ? UV_ENOMEM : UV_EINVAL;
  }
  r->checks[i] = *c;
  r->ndone++;
  if (r->ndone == v->nchecks && v->ping) {
    if (r->have_ping)
      v->ping_ahead--;
    else
      v->checks_ahead++;
  }
  settle(v, r);
  return 0;
}

static int gate_send(struct ap_engine *e, const struct ap_probe *p, size_t n,
                     uint64_t now_ns) {
  struct ap_cgate *g = (struct ap_cgate *) e;
  size_t waiting = g->v->ping_ahead + (size_t) g->base.scan->inflight;
  size_t room = waiting < g->limit ? g->limit - waiting : 0, k;
  int taken;

  for (k = 0; k < n; k++) {
    if (p[k].attempt == 0) {
      if (room == 0)
        break;
      room--;
    }
  }
  g->base.refused = 0;
  if (k == 0)
    return 0;
  taken = g->inner->ops->send(g->inner, p, k, now_ns);
  g->base.refused = g->inner->refused;
  return taken;
}

static void gate_close(struct ap_engine *e) {
  struct ap_cgate *g = (struct ap_cgate *) e;

  g->inner->ops->close(g->inner);
  if (g->closed_cb != NULL)
    g->closed_cb(g);
}

static const struct ap_engine_ops gate_ops = {
  .name = "gate", .send = gate_send, .close = gate_close
};

void ap_cgate_init(struct ap_cgate *g, struct ap_engine *inner,
                   const struct ap_combine *v, size_t limit) {
  memset(g, 0, sizeof(*g));
  g->base.ops = &gate_ops;
  g->inner = inner;
  g->v = v;
  g->limit = limit;
}

void ap_cgate_attach(struct ap_cgate *g) {
  g->inner->scan = g->base.scan;
}
