/* svc.c - see svc.h. */
#include "svc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "banner.h"
#include "engine.h"

#define GATE_WAIT_MS 5 /* retry after this when the combiner is full */

unsigned ap_svc_fd_room(unsigned want, unsigned reserve) {
  struct rlimit rl;
  rlim_t keep = (rlim_t) reserve + AP_SVC_FD_RESERVE;
  rlim_t need = (rlim_t) want + keep;

  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return want;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need
                      ? need : rl.rlim_max;
    (void) setrlimit(RLIMIT_NOFILE, &rl);
    (void) getrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
    return want;
  if (rl.rlim_cur <= keep + 1)
    return 1;
  return (unsigned) (rl.rlim_cur - keep);
}

int ap_svc_init(struct ap_svc *s, uv_loop_t *loop, const struct ap_tset *set,
                struct ap_order *order, struct ap_combine *comb,
                const struct ap_svc_cfg *cfg) {
  memset(s, 0, sizeof(*s));
  if (cfg->nchecks == 0 || cfg->max_conns == 0 || cfg->rate < 0 ||
      cfg->tcp.cap == 0 || cfg->tcp.timeout_ms == 0 ||
      cfg->nchecks != comb->nchecks)
    return UV_EINVAL;
  s->loop = loop;
  s->set = set;
  s->order = order;
  s->comb = comb;
  s->cfg = *cfg;
  s->cfg.max_conns = ap_svc_fd_room(cfg->max_conns, cfg->fd_reserve);
  return 0;
}

static void pump(struct ap_svc *s);

static void timer_cb(uv_timer_t *t) {
  pump(t->data);
}

/* Closes the timer once no connection is left: the loop can then end. */
static void wind_down(struct ap_svc *s) {
  if (s->active == 0 && !s->timer_closed) {
    s->timer_closed = 1;
    uv_close((uv_handle_t *) &s->timer, NULL);
  }
}

static void finish(struct ap_svc *s, int status) {
  struct ap_svc_conn *k;

  if (status != 0 && s->status == 0)
    s->status = status;
  if (!s->closing) {
    s->closing = 1;
    uv_timer_stop(&s->timer);
    for (k = s->live; k != NULL; k = k->next)
      ap_tcp_cancel(&k->tcp);
  }
  wind_down(s);
}

static int report(struct ap_svc *s, struct ap_svc_conn *k) {
  struct ap_check c;

  ap_svc_result(&s->cfg.checks[k->check], &k->tcp, s->cfg.expect, &c);
  s->reported++;
  return ap_combine_check(s->comb, k->idx, &k->addr, k->check, &c);
}

static void conn_done(struct ap_tcp *t) {
  struct ap_svc_conn *k = ap_container_of(t, struct ap_svc_conn, tcp);
  struct ap_svc *s = k->svc;
  int err = 0;

  if (k->prev != NULL)
    k->prev->next = k->next;
  else
    s->live = k->next;
  if (k->next != NULL)
    k->next->prev = k->prev;
  s->active--;
  if (!t->canceled && !s->closing)
    err = report(s, k);
  free(t->buf);
  free(k);
  if (err != 0)
    finish(s, err);
  else if (s->closing)
    wind_down(s);
  else
    pump(s);
}

static int start_one(struct ap_svc *s) {
  struct ap_svc_conn *k = calloc(1, sizeof(*k));

  if (k == NULL)
    return UV_ENOMEM;
  k->svc = s;
  k->idx = s->idx;
  k->addr = s->addr;
  k->check = s->next_check;
  k->next = s->live;
  if (s->live != NULL)
    s->live->prev = k;
  s->live = k;
  s->active++;
  s->started++;
  ap_tcp_start(&k->tcp, s->loop, &s->addr, s->cfg.checks[k->check].port,
               s->cfg.checks[k->check].mode, &s->cfg.tcp, conn_done);
  return 0;
}

/* Takes a token for one start.  Returns 0, or the ms to wait for one
 * (rounded up, so that the timer does not fire just before it). */
static uint64_t token(struct ap_svc *s) {
  if (s->cfg.rate <= 0)
    return 0;
  ap_bucket_refill(&s->bucket, uv_hrtime());
  if (ap_bucket_avail(&s->bucket) >= 1) {
    ap_bucket_take(&s->bucket, 1);
    return 0;
  }
  return ap_bucket_wait_ns(&s->bucket, 1) / AP_NS_PER_MS + 1;
}

/* Starts checks while there are slots, tokens and targets. */
static void pump(struct ap_svc *s) {
  uint64_t wait;
  int err;

  while (!s->closing && s->active < s->cfg.max_conns) {
    if (!s->have_target) {
      if ((s->cfg.ahead_limit > 0 &&
           s->comb->checks_ahead >= s->cfg.ahead_limit) ||
          (s->cfg.ahead_bytes > 0 && s->comb->held >= s->cfg.ahead_bytes)) {
        uv_timer_start(&s->timer, timer_cb, GATE_WAIT_MS, 0);
        return;
      }
      if (!ap_order_next(s->order, &s->idx))
        break;
      ap_tset_at(s->set, s->idx, &s->addr);
      s->have_target = 1;
      s->next_check = 0;
    }
    wait = token(s);
    if (wait > 0) {
      uv_timer_start(&s->timer, timer_cb, wait, 0);
      return;
    }
    err = start_one(s);
    if (err != 0) {
      finish(s, err);
      return;
    }
    if (++s->next_check == s->cfg.nchecks)
      s->have_target = 0;
  }
  if (!s->closing && !s->have_target && s->active == 0 &&
      s->order->left == 0)
    finish(s, 0);
}

int ap_svc_start(struct ap_svc *s) {
  int err = uv_timer_init(s->loop, &s->timer);

  if (err != 0)
    return err;
  s->timer.data = s;
  ap_bucket_init(&s->bucket, s->cfg.rate, AP_BUCKET_BURST_NS, uv_hrtime());
  pump(s);
  return 0;
}

int ap_svc_stop(struct ap_svc *s) {
  int was = !s->closing;

  finish(s, UV_ECANCELED);
  return was;
}

int ap_svc_status(const struct ap_svc *s) {
  return s->status;
}

unsigned ap_svc_conns(const struct ap_svc *s) {
  return s->cfg.max_conns;
}

/* Whether the banner passes --expect.  b is NUL-terminated. */
static int matches(const regex_t *re, const uint8_t *b, size_t len) {
  regmatch_t m[1];

  m[0].rm_so = 0;
  m[0].rm_eo = (regoff_t) len;
  return regexec(re, (const char *) b, 1, m, REG_STARTEND) == 0;
}

/* Turns a finished connection into a check for the combiner, handing it
 * the banner in a buffer of its own size: the one of cap + 1 bytes the
 * connection read into is given back at once. */
void ap_svc_result(const struct ap_svc_check *sc, struct ap_tcp *t,
                   const regex_t *expect, struct ap_check *c) {
  size_t off, len = t->len;
  uint8_t *small;

  memset(c, 0, sizeof(*c));
  c->port = sc->port;
  c->telnet = sc->mode == AP_TCP_TELNET;
  c->state = t->state;
  c->reason = t->reason;
  c->pass = t->state == AP_CHECK_OPEN;
  if (t->state == AP_CHECK_OPEN || t->state == AP_CHECK_CLOSED)
    c->rtt_ns = t->connect_ns;
  if (t->buf == NULL)
    return;
  off = ap_banner_trim(t->buf, &len);
  memmove(t->buf, t->buf + off, len);
  t->buf[len] = '\0';
  /* Shrinking cannot fail in practice; if it did, the big buffer serves. */
  small = realloc(t->buf, len + 1);
  c->banner = small != NULL ? small : t->buf;
  c->banner_len = len;
  t->buf = NULL;
  if (c->pass && expect != NULL && !matches(expect, c->banner, len)) {
    c->pass = 0;
    c->reason = "banner does not match";
  }
}

int ap_svc_checks(const struct ap_ports *ports, int banner,
                  uint16_t telnet_port, struct ap_svc_check **checks,
                  size_t *n) {
  struct ap_svc_check *c = calloc(ports->n + 1, sizeof(*c));
  size_t i, k = ports->n;

  if (c == NULL)
    return UV_ENOMEM;
  for (i = 0; i < ports->n; i++) {
    c[i].port = ports->v[i];
    c[i].mode = banner ? AP_TCP_BANNER : AP_TCP_CONNECT;
    if (ports->v[i] == telnet_port)
      c[i].mode = AP_TCP_TELNET;
  }
  if (telnet_port != 0 && ap_ports_find(ports, telnet_port) < 0)
    c[k++] = (struct ap_svc_check){ .port = telnet_port,
                                    .mode = AP_TCP_TELNET };
  *checks = c;
  *n = k;
  return 0;
}

int ap_svc_checks_add(struct ap_svc_check **checks, size_t *n,
                      const struct ap_ports *ports) {
  struct ap_svc_check *c;
  size_t i;

  if (ports->n == 0)
    return 0;
  c = realloc(*checks, (*n + ports->n) * sizeof(*c));
  if (c == NULL)
    return UV_ENOMEM;
  for (i = 0; i < ports->n; i++)
    c[*n + i] = (struct ap_svc_check){ .port = ports->v[i],
                                       .mode = AP_TCP_CONNECT };
  *checks = c;
  *n += ports->n;
  return 0;
}
