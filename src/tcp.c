/* tcp.c - see tcp.h. */
#include "tcp.h"

#include <stdlib.h>
#include <string.h>

#include "banner.h"
#include "engine.h"
#include "loopwatch.h"
#include "result.h"

static struct ap_lw_kind lw_deadline = AP_LW_KIND("tcp deadline");
static struct ap_lw_kind lw_read = AP_LW_KIND("tcp read");
static struct ap_lw_kind lw_connect = AP_LW_KIND("tcp connect");

const char *ap_tcp_reason(int err) {
  switch (err) {
  case UV_EHOSTUNREACH: return "host unreachable";
  case UV_ENETUNREACH: return "network unreachable";
  case UV_EHOSTDOWN: return "host down";
  case UV_ENOPROTOOPT: return "protocol unreachable";
  case UV_EACCES:
  case UV_EPERM: return "permission denied";
  case UV_EADDRNOTAVAIL: return "no local address";
  case UV_EMFILE:
  case UV_ENFILE: return "too many open files";
  case UV_ENOMEM:
  case UV_ENOBUFS: return "out of memory";
  default: return uv_strerror(err);
  }
}

static void close_cb(uv_handle_t *h) {
  struct ap_tcp *c = h->data;

  if (--c->handles == 0)
    c->cb(c);
}

/* Closes the handles; the callback runs when both are closed.  A pending
 * connect or write is then canceled and its callback only books it. */
static void end(struct ap_tcp *c) {
  if (c->ending)
    return;
  c->ending = 1;
  uv_close((uv_handle_t *) &c->tcp, close_cb);
  uv_close((uv_handle_t *) &c->timer, close_cb);
}

/* The verdict of a failed connection attempt. */
static void refused(struct ap_tcp *c, int err) {
  if (err == UV_ECONNREFUSED) {
    c->state = AP_CHECK_CLOSED;
    c->connect_ns = uv_hrtime() - c->start_ns;
  } else if (err == UV_ETIMEDOUT) {
    c->state = AP_CHECK_FILTERED;
  } else {
    c->state = AP_CHECK_ERROR;
    c->reason = ap_tcp_reason(err);
  }
  end(c);
}

static void write_cb(uv_write_t *req, int status);

/* Sends the Telnet replies not yet sent, one write at a time.  They never
 * exceed AP_TELNET_REPLY_MAX bytes in all, however much the peer asks. */
static void flush(struct ap_tcp *c) {
  uv_buf_t b;

  if (c->ending || c->wdead || c->wlen > 0 || c->wsent == c->tn.nreply)
    return;
  b = uv_buf_init((char *) c->tn.reply + c->wsent,
                  (unsigned) (c->tn.nreply - c->wsent));
  if (uv_write(&c->wreq, (uv_stream_t *) &c->tcp, &b, 1, write_cb) != 0) {
    c->wdead = 1;
    return;
  }
  c->wlen = b.len;
}

static void write_cb(uv_write_t *req, int status) {
  struct ap_tcp *c = ap_container_of(req, struct ap_tcp, wreq);

  if (status == UV_ECANCELED)
    return;
  if (status != 0) {
    c->wdead = 1;
    return;
  }
  c->wsent += c->wlen;
  c->wlen = 0;
  flush(c);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b) {
  struct ap_tcp *c = h->data;

  (void) suggested;
  /* Reading stops when the buffer is full, so there is always room. */
  *b = uv_buf_init((char *) c->buf + c->len, (unsigned) (c->cfg->cap - c->len));
}

static int banner_done(const struct ap_tcp *c) {
  if (c->len >= c->cfg->cap || c->raw >= AP_TCP_RAW_FACTOR * c->cfg->cap)
    return 1;
  if (c->mode == AP_TCP_TELNET)
    return ap_banner_prompt(c->buf, c->len);
  return ap_banner_line_done(c->buf, c->len);
}

/* The deadline: no answer yet is "filtered"; a banner ends with it, and
 * with the idle time. */
static void timer_cb(uv_timer_t *t) {
  struct ap_tcp *c = t->data;

  ap_loopwatch_note(&lw_deadline);
  if (!c->connected)
    c->state = AP_CHECK_FILTERED;
  end(c);
}

/* Waits for more of the banner: the idle time, but not past the deadline. */
static void wait_more(struct ap_tcp *c) {
  uint64_t now = uv_now(c->tcp.loop), left;

  left = c->deadline > now ? c->deadline - now : 0;
  uv_timer_start(&c->timer, timer_cb,
                 left < c->cfg->idle_ms ? left : c->cfg->idle_ms, 0);
}

static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *b) {
  struct ap_tcp *c = s->data;
  size_t n;

  ap_loopwatch_note(&lw_read);
  if (nread == 0 || c->ending)
    return;
  if (nread < 0) { /* the end of the stream, or a reset: what we have */
    end(c);
    return;
  }
  c->raw += (size_t) nread;
  n = (size_t) nread;
  if (c->mode == AP_TCP_TELNET) {
    n = ap_telnet_feed(&c->tn, (uint8_t *) b->base, n, (uint8_t *) b->base,
                       n);
    flush(c);
  }
  c->len += n;
  c->buf[c->len] = '\0';
  if (banner_done(c))
    end(c);
  else
    wait_more(c);
}

static void connect_cb(uv_connect_t *req, int status) {
  struct ap_tcp *c = ap_container_of(req, struct ap_tcp, req);

  ap_loopwatch_note(&lw_connect);
  if (status == UV_ECANCELED || c->ending)
    return;
  if (status != 0) {
    refused(c, status);
    return;
  }
  c->connected = 1;
  c->connect_ns = uv_hrtime() - c->start_ns;
  c->state = AP_CHECK_OPEN;
  if (c->mode == AP_TCP_CONNECT) {
    end(c);
    return;
  }
  c->buf = malloc(c->cfg->cap + 1);
  if (c->buf == NULL) {
    refused(c, UV_ENOMEM);
    return;
  }
  c->buf[0] = '\0';
  if (c->mode == AP_TCP_TELNET)
    ap_telnet_init(&c->tn);
  if (uv_read_start((uv_stream_t *) &c->tcp, alloc_cb, read_cb) != 0)
    end(c);
}

/* Sets the handle up: with -S or -I its socket exists at once, bound to
 * the interface and the source address, so that the connection leaves
 * from there.  Returns 0 or a UV_E* code, the handle set up all the same
 * (to be closed). */
static int tcp_init(struct ap_tcp *c, uv_loop_t *loop, int family) {
  const struct ap_pkt_cfg *pkt = c->cfg->pkt;
  uv_os_fd_t fd;
  int what, err;

  if (pkt == NULL || (pkt->iface == NULL &&
                      !pkt->have_src[family == AF_INET ? 0 : 1])) {
    (void) uv_tcp_init(loop, &c->tcp); /* cannot fail: no socket yet */
    return 0;
  }
  err = uv_tcp_init_ex(loop, &c->tcp, (unsigned) family);
  if (err != 0) {
    (void) uv_tcp_init(loop, &c->tcp);
    return err;
  }
  err = uv_fileno((uv_handle_t *) &c->tcp, &fd);
  if (err == 0)
    err = ap_pkt_apply(fd, family, pkt, 0, &what);
  return err;
}

void ap_tcp_start(struct ap_tcp *c, uv_loop_t *loop, const struct ap_addr *a,
                  uint16_t port, int mode, const struct ap_tcp_cfg *cfg,
                  ap_tcp_cb cb) {
  struct sockaddr_storage ss;
  int err;

  c->cfg = cfg;
  c->cb = cb;
  c->mode = mode;
  c->state = AP_CHECK_ERROR;
  c->handles = 2;
  c->start_ns = uv_hrtime();
  ap_addr_to_sockaddr(a, &ss);
  err = tcp_init(c, loop, ss.ss_family);
  (void) uv_timer_init(loop, &c->timer); /* cannot fail */
  c->tcp.data = c->timer.data = c;
  if (err != 0) {
    refused(c, err);
    return;
  }
  c->deadline = uv_now(loop) + cfg->timeout_ms;
  if (ss.ss_family == AF_INET)
    ((struct sockaddr_in *) &ss)->sin_port = htons(port);
  else
    ((struct sockaddr_in6 *) &ss)->sin6_port = htons(port);
  err = uv_tcp_connect(&c->req, &c->tcp, (struct sockaddr *) &ss,
                       connect_cb);
  if (err != 0) {
    refused(c, err);
    return;
  }
  uv_timer_start(&c->timer, timer_cb, cfg->timeout_ms, 0);
}

void ap_tcp_cancel(struct ap_tcp *c) {
  c->canceled = 1;
  end(c);
}
