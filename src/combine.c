/* combine.c - see combine.h. */
#include "combine.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "scan.h"

/* The record of a target with some of its results in.  Records live in
 * the map, so they move when another is added or removed: a pointer to
 * one is used only until the next change of the map. */
struct ap_crec {
  uint64_t idx;
  struct ap_result ping; /* verdict, rtt, reason, stats; from -> pfrom;
                            its rtts (-C) a copy the record owns */
  struct ap_addr pfrom;
  int have_ping;
  size_t ndone;
  struct ap_check checks[]; /* port 0: not in yet */
};

_Static_assert(_Alignof(struct ap_crec) <= AP_IMAP_ALIGN,
               "a combiner record fits the map's alignment");

void ap_combine_init(struct ap_combine *v, size_t nchecks, int ping, int any,
                     ap_combine_emit_cb emit) {
  memset(v, 0, sizeof(*v));
  v->nchecks = nchecks;
  v->ping = ping;
  v->any = any;
  v->emit = emit;
  ap_imap_init(&v->recs, sizeof(struct ap_crec) +
                             nchecks * sizeof(struct ap_check));
}

/* Frees what the record owns: its banners, and the ping's round-trip
 * times (-C). */
static void free_banners(struct ap_combine *v, struct ap_crec *r) {
  size_t i;

  for (i = 0; i < v->nchecks; i++) {
    if (r->checks[i].banner != NULL)
      v->held -= r->checks[i].banner_len + 1;
    free((void *) r->checks[i].banner);
  }
  free((void *) r->ping.rtts);
}

void ap_combine_release(struct ap_combine *v) {
  struct ap_crec *r;
  size_t pos = 0;

  while ((r = ap_imap_next(&v->recs, &pos, NULL)) != NULL)
    free_banners(v, r);
  ap_imap_release(&v->recs);
  ap_bitmap_release(&v->shown);
}

int ap_combine_track(struct ap_combine *v, uint64_t n) {
  ap_bitmap_release(&v->shown);
  return ap_bitmap_init(&v->shown, n);
}

const struct ap_bitmap *ap_combine_done(const struct ap_combine *v) {
  return v->shown.bits != NULL ? &v->shown : NULL;
}

uint64_t ap_combine_emitted(const struct ap_combine *v) {
  return v->emitted;
}

size_t ap_combine_pending(const struct ap_combine *v) {
  return ap_imap_count(&v->recs);
}

/* The record of idx, made if there is none.  NULL when out of memory. */
static struct ap_crec *get(struct ap_combine *v, uint64_t idx,
                           const struct ap_addr *addr) {
  struct ap_crec *r;
  int added;

  r = ap_imap_get(&v->recs, idx, &added);
  if (r != NULL && added) {
    r->idx = idx;
    r->ping.idx = idx;
    r->ping.addr = *addr;
  }
  return r;
}

/* The first discovery check that found the target there, or NULL. */
static const struct ap_check *discovered(const struct ap_combine *v,
                                         const struct ap_crec *r) {
  size_t i;

  for (i = v->nchecks - v->ndisc; i < v->nchecks; i++)
    if (r->checks[i].state == AP_CHECK_OPEN ||
        r->checks[i].state == AP_CHECK_CLOSED)
      return &r->checks[i];
  return NULL;
}

/* Whether the result passes: its service checks and, when the target is
 * pinged or discovered, its being alive count as checks. */
static int passed(const struct ap_combine *v, const struct ap_crec *r,
                  int alive) {
  size_t i, pass = 0, nsvc = v->nchecks - v->ndisc;
  size_t all = nsvc + (v->ping || v->ndisc > 0);

  pass += (size_t) (alive != 0);
  for (i = 0; i < nsvc; i++)
    pass += r->checks[i].pass != 0;
  return v->any ? pass > 0 : pass == all;
}

void ap_combine_discovery(struct ap_combine *v, size_t ndisc) {
  v->ndisc = ndisc <= v->nchecks ? ndisc : v->nchecks;
}

/* Hands the record on if it is complete, and drops it.  The result
 * points into the record (its checks, the ping's source), so the record
 * leaves the map only after the emit: removing it first could move
 * another record into its slot. */
static void settle(struct ap_combine *v, struct ap_crec *r) {
  struct ap_result res;
  uint64_t idx = r->idx;
  int checks_done = r->ndone == v->nchecks;

  if ((v->ping && !r->have_ping) || !checks_done)
    return;
  res = r->ping;
  if (!v->ping)
    res.verdict = v->ndisc > 0 ? AP_UNREACHABLE : AP_NOT_PINGED;
  res.from = r->ping.from != NULL ? &r->pfrom : NULL;
  res.checks = r->checks;
  res.nchecks = v->nchecks - v->ndisc;
  if (res.verdict != AP_ALIVE && (res.evidence = discovered(v, r)) != NULL) {
    res.verdict = AP_ALIVE;
    res.rtt_ns = res.evidence->rtt_ns;
    res.reason = NULL;
    res.from = NULL;
  }
  res.ok = passed(v, r, res.verdict == AP_ALIVE);
  v->emitted++;
  if (v->shown.bits != NULL)
    ap_bitmap_set(&v->shown, idx);
  v->emit(v, &res);
  free_banners(v, r);
  (void) ap_imap_del(&v->recs, idx);
}

int ap_combine_ping(struct ap_combine *v, const struct ap_result *res) {
  struct ap_crec *r = v->ping ? get(v, res->idx, &res->addr) : NULL;
  uint64_t *rtts;

  if (!v->ping)
    return UV_EINVAL;
  if (r == NULL)
    return UV_ENOMEM;
  if (r->have_ping)
    return 0;
  r->ping = *res;
  r->ping.rtts = NULL;
  r->ping.nrtts = 0;
  if (res->nrtts > 0) {
    rtts = malloc(res->nrtts * sizeof(*rtts));
    if (rtts == NULL)
      return UV_ENOMEM; /* the ping stays missing: the run stops */
    memcpy(rtts, res->rtts, res->nrtts * sizeof(*rtts));
    r->ping.rtts = rtts;
    r->ping.nrtts = res->nrtts;
  }
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
  if (c->banner != NULL)
    v->held += c->banner_len + 1;
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

static int gate_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                     uint64_t now_ns) {
  struct ap_cgate *g = (struct ap_cgate *) e;
  size_t waiting = g->v->ping_ahead + (size_t) ap_scan_inflight(g->scan);
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

static void gate_drain(struct ap_engine *e) {
  struct ap_cgate *g = (struct ap_cgate *) e;

  if (g->inner->ops->drain != NULL)
    g->inner->ops->drain(g->inner);
}

static const struct ap_engine_ops gate_ops = {
  .name = "gate", .send = gate_send, .close = gate_close, .drain = gate_drain
};

void ap_cgate_init(struct ap_cgate *g, struct ap_engine *inner,
                   const struct ap_combine *v, size_t limit,
                   void (*closed_cb)(struct ap_cgate *g)) {
  memset(g, 0, sizeof(*g));
  g->base.ops = &gate_ops;
  g->inner = inner;
  g->v = v;
  g->limit = limit;
  g->closed_cb = closed_cb;
}

void ap_cgate_attach(struct ap_cgate *g, const struct ap_scan *scan) {
  g->scan = scan;
  g->inner->sink = g->base.sink;
}
