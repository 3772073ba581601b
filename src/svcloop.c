/* svcloop.c - see svcloop.h. */
#include "svcloop.h"

#include <stdlib.h>
#include <string.h>

struct ap_svcloop_conn {
  struct ap_tcp tcp;
  struct ap_svcloop *s;
  struct ap_addr addr;
  size_t check;
  struct ap_svcloop_conn *prev, *next;
};

size_t ap_svcloop_ext_size(size_t nchecks) {
  return nchecks * sizeof(struct ap_svc_last);
}

void ap_svcloop_init(struct ap_svcloop *s, uv_loop_t *loop,
                     struct ap_monitor *mon, const struct ap_svcloop_cfg *cfg,
                     ap_svcloop_cb cb) {
  memset(s, 0, sizeof(*s));
  s->loop = loop;
  s->mon = mon;
  s->cfg = *cfg;
  s->cfg.max_conns = ap_svc_fd_room(cfg->max_conns ? cfg->max_conns : 1, 0);
  s->cb = cb;
}

/* The records of the target at addr now (a reload may have moved it), or
 * NULL when it is no longer probed. */
static struct ap_svc_last *records(const struct ap_svcloop *s,
                                   const struct ap_addr *addr) {
  uint64_t idx;

  if (ap_tset_index(ap_monitor_set(s->mon), addr, &idx) != 0)
    return NULL;
  return ap_monitor_ext(s->mon, idx);
}

const struct ap_svc_last *ap_svcloop_last(const struct ap_svcloop *s,
                                          uint64_t idx) {
  return ap_monitor_ext(s->mon, idx);
}

const struct ap_svc_check *ap_svcloop_checks(const struct ap_svcloop *s,
                                             size_t *n) {
  *n = s->cfg.nchecks;
  return s->cfg.checks;
}

unsigned ap_svcloop_conns(const struct ap_svcloop *s) {
  return s->cfg.max_conns;
}

static void unlink_conn(struct ap_svcloop *s, struct ap_svcloop_conn *k) {
  if (k->prev != NULL)
    k->prev->next = k->next;
  else
    s->live = k->next;
  if (k->next != NULL)
    k->next->prev = k->prev;
  s->active--;
}

static void done_cb(struct ap_tcp *t) {
  struct ap_svcloop_conn *k = ap_container_of(t, struct ap_svcloop_conn, tcp);
  struct ap_svcloop *s = k->s;
  struct ap_svc_last *last;
  struct ap_check c;

  unlink_conn(s, k);
  last = records(s, &k->addr);
  if (last != NULL)
    last[k->check].busy = 0;
  if (!t->canceled && !s->closing && last != NULL) {
    ap_svc_result(&s->cfg.checks[k->check], t, s->cfg.expect, &c);
    last += k->check;
    last->runs++;
    last->passes += c.pass != 0;
    last->state = (uint8_t) c.state;
    last->pass = c.pass != 0;
    if (c.state == AP_CHECK_OPEN)
      last->connect_ns = t->connect_ns;
    s->cb(s, &k->addr, &c, last);
    free((void *) c.banner);
  }
  free(t->buf);
  free(k);
}

static void start(struct ap_svcloop *s, const struct ap_addr *addr,
                  size_t i) {
  struct ap_svcloop_conn *k = calloc(1, sizeof(*k));

  if (k == NULL) {
    s->skipped++;
    return;
  }
  k->s = s;
  k->addr = *addr;
  k->check = i;
  k->next = s->live;
  if (s->live != NULL)
    s->live->prev = k;
  s->live = k;
  s->active++;
  ap_tcp_start(&k->tcp, s->loop, addr, s->cfg.checks[i].port,
               s->cfg.checks[i].mode, &s->cfg.tcp, done_cb);
}

void ap_svcloop_due(struct ap_svcloop *s, uint64_t idx) {
  struct ap_svc_last *last = ap_monitor_ext(s->mon, idx);
  struct ap_addr addr;
  size_t i;

  if (s->closing || last == NULL)
    return;
  ap_tset_at(ap_monitor_set(s->mon), idx, &addr);
  for (i = 0; i < s->cfg.nchecks; i++) {
    if (last[i].busy || s->active >= s->cfg.max_conns) {
      s->skipped++;
      continue;
    }
    last[i].busy = 1;
    start(s, &addr, i);
  }
}

void ap_svcloop_stop(struct ap_svcloop *s) {
  struct ap_svcloop_conn *k;

  if (s->closing)
    return;
  s->closing = 1;
  for (k = s->live; k != NULL; k = k->next)
    ap_tcp_cancel(&k->tcp);
}
