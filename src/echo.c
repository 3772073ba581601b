/* echo.c - see echo.h. */
#include "echo.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "idfilter.h"
#include "loopwatch.h"
#include "rxmeta.h"
#include "siphash.h"

static _Thread_local struct ap_lw_kind lw_read = AP_LW_KIND("icmp read");

#define RCVBUF (4 << 20)
#define SNDBUF (1 << 20)
#define BATCH 64
#define PKTMAX 2048 /* a receive buffer at least: an ICMP error quotes at
                       most 576 bytes (IPv4) or 1280 (IPv6) */
#define RBUF_BYTES (BATCH * PKTMAX) /* the receive buffers, at most, unless
                                       4 requests of -b need more */
#define IP_HDRMAX 60

static int echo_send(struct ap_engine *base, struct ap_probe *p,
                     size_t n, uint64_t now_ns);
static void echo_close(struct ap_engine *base);
static void echo_pump(struct ap_engine *base, int again);
static void echo_drain(struct ap_engine *base);

static const struct ap_engine_ops echo_ops = { "icmp", echo_send, echo_close,
                                               echo_pump, echo_drain };

int ap_echo_kind(const struct ap_echo *e, int f) {
  return e->sock[f].kind;
}

int ap_echo_error(const struct ap_echo *e, int f) {
  return e->sock[f].err;
}

const char *ap_echo_kind_name(int kind) {
  switch (kind) {
  case AP_ECHO_RAW: return "raw";
  case AP_ECHO_DGRAM: return "datagram";
  default: return "none";
  }
}

static void set_buffer(int fd, int force, int plain, int size) {
  /* The FORCE variants pass net.core.rmem_max when we are privileged. */
  if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)) != 0)
    (void) setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size));
}

/* Lets only echo replies and the errors we explain through a raw socket,
 * which would otherwise get a copy of every ICMP packet the host sees. */
static void set_filter(int fd, int family) {
  struct icmp_filter f4;
  struct icmp6_filter f6;

  if (family == AF_INET) {
    f4.data = ~((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) |
                (1u << ICMP_TIME_EXCEEDED));
    (void) setsockopt(fd, SOL_RAW, ICMP_FILTER, &f4, sizeof(f4));
  } else {
    ICMP6_FILTER_SETBLOCKALL(&f6);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f6);
    ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f6);
    ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f6);
    (void) setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof(f6));
  }
}

/* Asks for what replies should come with: the kernel's receive time, and
 * their TTL where the socket gives no IPv4 header. */
static void ask_meta(struct ap_echo_sock *k, int family) {
  int one = 1;

  (void) setsockopt(k->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
  if (family == AF_INET6)
    (void) setsockopt(k->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
                      sizeof(one));
  else if (k->kind == AP_ECHO_DGRAM)
    (void) setsockopt(k->fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
}

/* k's socket is a datagram one: the kernel sets its identifier and
 * routes replies by it. */
static void as_dgram(struct ap_echo_sock *k) {
  k->kind = AP_ECHO_DGRAM;
  k->key.check_ident = 0;
}

/* Opens k's socket: raw if it can (and dgram is 0), else datagram.
 * Returns 0 or the UV_E* code of the last try. */
static int open_socket(struct ap_echo_sock *k, int family, int dgram) {
  int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
  int flags = SOCK_NONBLOCK | SOCK_CLOEXEC, one = 1;

  k->fd = dgram ? -1 : socket(family, SOCK_RAW | flags, proto);
  if (k->fd >= 0) {
    k->kind = AP_ECHO_RAW;
    k->key.check_ident = 1;
    set_filter(k->fd, family);
    return 0;
  }
  k->fd = socket(family, SOCK_DGRAM | flags, proto);
  if (k->fd < 0)
    return uv_translate_sys_error(errno);
  as_dgram(k);
  /* ICMP errors arrive on the error queue. */
  if (family == AF_INET)
    (void) setsockopt(k->fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
  else
    (void) setsockopt(k->fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
  return 0;
}

/* The largest IPv4 request sent as an atomic datagram (RFC 6864): DF set
 * and identification 0, which spares the kernel a counter shared by every
 * core for each request (the largest cost of a send, once loops run on
 * several cores).  Path MTU discovery is left out (IP_PMTUDISC_PROBE): 552
 * bytes is the least path MTU Linux learns (net.ipv4.route.min_pmtu), so
 * no such request needs fragmenting past this host.  A link of this host
 * narrower still refuses one (EMSGSIZE): the socket then goes back to the
 * kernel's way (widen()) and sends it again, fragmented as it would have
 * been.  --df and larger requests are left as they are. */
#define ATOMIC_MAX 552

static void set_atomic(struct ap_echo_sock *k, int family) {
  const struct ap_pkt_cfg *c = k->echo->pkt;
  size_t size = c->size > AP_ICMP_PAYLOAD ? c->size : AP_ICMP_PAYLOAD;
  int v = IP_PMTUDISC_PROBE;

  k->atomic = family == AF_INET && !c->df &&
              20 + AP_ICMP_HDRLEN + size <= ATOMIC_MAX &&
              setsockopt(k->fd, IPPROTO_IP, IP_MTU_DISCOVER, &v,
                         sizeof(v)) == 0;
}

/* After EMSGSIZE: whether k sent atomic datagrams and now no longer does,
 * so that the request may go again. */
static int widen(struct ap_echo_sock *k) {
  int v = IP_PMTUDISC_WANT;

  if (!k->atomic)
    return 0;
  k->atomic = 0;
  return setsockopt(k->fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v)) == 0;
}

/* What every socket of k's family gets once open: reply metadata,
 * buffers, the packet options.  Returns 0 or the UV_E* code of the option
 * that could not be applied (*what says which). */
static int set_up(struct ap_echo_sock *k, int family, int *what) {
  int err;

  ask_meta(k, family);
  set_buffer(k->fd, SO_RCVBUFFORCE, SO_RCVBUF, RCVBUF);
  set_buffer(k->fd, SO_SNDBUFFORCE, SO_SNDBUF, SNDBUF);
  err = ap_pkt_apply(k->fd, family, k->echo->pkt, 1, what);
  if (err == 0)
    set_atomic(k, family);
  return err;
}

static void open_family(struct ap_echo_sock *k, int family,
                        const uint8_t key[16]) {
  struct ap_echo *e = k->echo;
  int what, err;

  k->fd = -1;
  k->kind = AP_ECHO_NONE;
  memcpy(k->key.key, key, 16);
  /* The identifier is derived from the key, never a copy of key bytes:
   * everyone on the path sees it. */
  k->key.ident = (uint16_t) ap_siphash(key, "ident", 5);
  /* The loops of --threads: each its own identifier (see
   * ap_echo_filter()). */
  k->key.ident = (uint16_t) (k->key.ident + e->part);
  k->err = open_socket(k, family, 0);
  if (k->err != 0)
    return;
  err = set_up(k, family, &what);
  if (err != 0) {
    /* An option that cannot be had is an error, not a reason to probe
     * without it: the socket goes, and the run will say why. */
    close(k->fd);
    k->fd = -1;
    k->kind = AP_ECHO_NONE;
    k->err = err;
    if (e->opt_err == 0) {
      e->opt_err = err;
      e->opt_what = what;
      e->opt_family = family;
    }
  }
}

void ap_echo_open(struct ap_echo *e, int want_v4, int want_v6,
                  const uint8_t key[16], const struct ap_pkt_cfg *pkt) {
  ap_echo_open_part(e, want_v4, want_v6, key, pkt, 0);
}

void ap_echo_open_part(struct ap_echo *e, int want_v4, int want_v6,
                       const uint8_t key[16], const struct ap_pkt_cfg *pkt,
                       unsigned part) {
  memset(e, 0, sizeof(*e));
  e->part = part;
  e->base.ops = &echo_ops;
  e->pkt = pkt;
  e->sock[0].fd = e->sock[1].fd = -1;
  e->twin[0] = e->twin[1] = -1;
  e->sock[0].err = e->sock[1].err = UV_EAFNOSUPPORT;
  e->sock[0].echo = e->sock[1].echo = e;
  if (want_v4)
    open_family(&e->sock[0], AF_INET, key);
  if (want_v6)
    open_family(&e->sock[1], AF_INET6, key);
}

void ap_echo_open_twins(struct ap_echo *e) {
  static const int family[2] = { AF_INET, AF_INET6 };
  struct ap_echo_sock t;
  int i, what;

  for (i = 0; i < 2; i++) {
    if (e->sock[i].kind != AP_ECHO_RAW || e->twin[i] >= 0)
      continue;
    memset(&t, 0, sizeof(t));
    t.echo = e;
    if (open_socket(&t, family[i], 1) != 0)
      continue;
    /* The raw socket has what a twin could not, so that one stays. */
    if (set_up(&t, family[i], &what) != 0 || t.atomic != e->sock[i].atomic)
      close(t.fd);
    else
      e->twin[i] = t.fd;
  }
}

int ap_echo_has_twins(const struct ap_echo *e) {
  int i;

  for (i = 0; i < 2; i++)
    if (e->sock[i].kind == AP_ECHO_RAW && e->twin[i] < 0)
      return 0;
  return 1;
}

void ap_echo_use_twins(struct ap_echo *e) {
  int i;

  for (i = 0; i < 2; i++) {
    struct ap_echo_sock *k = &e->sock[i];
    if (e->twin[i] < 0 || k->kind != AP_ECHO_RAW || k->polling)
      continue;
    close(k->fd);
    k->fd = e->twin[i];
    e->twin[i] = -1;
    as_dgram(k);
  }
}

static void drop_twin(struct ap_echo *e, int i) {
  if (e->twin[i] >= 0)
    close(e->twin[i]);
  e->twin[i] = -1;
}

void ap_echo_drop_twins(struct ap_echo *e) {
  drop_twin(e, 0);
  drop_twin(e, 1);
}

void ap_echo_filter(struct ap_echo *e) {
  static const int family[2] = { AF_INET, AF_INET6 };
  int i;

  /* Without the filter the socket still works, at the cost of a copy of
   * every other loop's replies, which validation rejects. */
  for (i = 0; i < 2; i++)
    if (e->sock[i].kind == AP_ECHO_RAW && e->sock[i].fd >= 0)
      (void) ap_idfilter_attach(e->sock[i].fd, family[i],
                                e->sock[i].key.ident);
}

int ap_echo_opt_error(const struct ap_echo *e, char *buf, size_t len) {
  if (e->opt_err == 0)
    return 0;
  ap_pkt_error(e->pkt, e->opt_what, e->opt_family, e->opt_err, buf, len);
  return 1;
}

void ap_echo_discard(struct ap_echo *e) {
  int i;

  ap_echo_drop_twins(e);
  for (i = 0; i < 2; i++) {
    if (e->sock[i].fd >= 0)
      close(e->sock[i].fd);
    e->sock[i].fd = -1;
  }
  free(e->rbuf);
  free(e->padbuf);
  e->rbuf = e->padbuf = NULL;
}

void ap_echo_keep(struct ap_echo *e, int want_v4, int want_v6) {
  int want[2] = { want_v4, want_v6 }, i;

  for (i = 0; i < 2; i++) {
    if (!want[i] && e->sock[i].fd >= 0 && !e->sock[i].polling) {
      drop_twin(e, i);
      close(e->sock[i].fd);
      e->sock[i].fd = -1;
      e->sock[i].kind = AP_ECHO_NONE;
      e->sock[i].err = UV_EAFNOSUPPORT;
    }
  }
}

/* Hands one message to the scheduler if it is valid, and counts it.  For
 * a reply, clk and rx give when it arrived and its TTL. */
static void deliver(struct ap_echo_sock *k, int kind,
                    const struct ap_icmp_msg *m, const struct ap_clocks *clk,
                    const struct ap_rxmeta *rx) {
  struct ap_echo_counts *c = &k->echo->counts;
  struct ap_sink *s = k->echo->base.sink;
  struct ap_reply_meta meta;
  uint64_t at;
  int stamped;

  if (kind == AP_ICMP_REPLY) {
    stamped = ap_rxmeta_arrival(clk, rx, m->sent_ns, &at);
    meta.ttl = m->ttl >= 0 ? m->ttl : rx->ttl;
    if (ap_sink_reply(s, &m->target, m->sent_ns, at - m->sent_ns, &meta)) {
      c->replies++;
      c->stamped += (uint64_t) stamped;
      c->unstamped += (uint64_t) !stamped;
    } else {
      c->late++;
    }
  } else if (kind == AP_ICMP_ERROR) {
    if (ap_sink_fail(s, &m->target, m->sent_ns,
                     ap_icmp_reason(ap_addr_is_v4(&m->target), m->type,
                                    m->code), &m->from))
      c->errors++;
    else
      c->late++;
  } else if (m->why < AP_ICMP_NWHY) {
    c->rejected[m->why]++;
  }
}

/* Points msg's n headers at the receive buffers (every field set: this
 * runs for every batch). */
static void rx_setup(struct ap_echo *e, struct mmsghdr *msg,
                     struct iovec *iov, struct sockaddr_storage *from,
                     uint8_t (*ctl)[AP_RXMETA_CTLLEN], unsigned n) {
  unsigned i;

  for (i = 0; i < n; i++) {
    iov[i].iov_base = e->rbuf + (size_t) i * e->rlen;
    iov[i].iov_len = e->rlen;
    msg[i].msg_hdr.msg_iov = &iov[i];
    msg[i].msg_hdr.msg_iovlen = 1;
    msg[i].msg_hdr.msg_name = &from[i];
    msg[i].msg_hdr.msg_namelen = sizeof(from[i]);
    msg[i].msg_hdr.msg_control = ctl[i];
    msg[i].msg_hdr.msg_controllen = AP_RXMETA_CTLLEN;
    msg[i].msg_hdr.msg_flags = 0;
    msg[i].msg_len = 0;
  }
}

/* Reads every queued packet, a batch at a time, until the socket is empty. */
static void drain(struct ap_echo_sock *k) {
  struct ap_echo *e = k->echo;
  uint8_t ctl[BATCH][AP_RXMETA_CTLLEN];
  struct mmsghdr msg[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_storage from[BATCH];
  struct ap_clocks clk;
  struct ap_rxmeta rx;
  struct ap_icmp_msg m;
  struct ap_addr a;
  int i, n, hdr = k->kind == AP_ECHO_RAW && k == &e->sock[0];

  do {
    rx_setup(e, msg, iov, from, ctl, e->rbatch);
    n = recvmmsg(k->fd, msg, e->rbatch, MSG_DONTWAIT, NULL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    ap_clocks_read(&clk);
    for (i = 0; i < n; i++) {
      if (ap_addr_from_sockaddr(&a, (struct sockaddr *) &from[i]) != 0) {
        e->counts.rejected[AP_ICMP_MALFORMED]++;
        continue;
      }
      ap_rxmeta_parse(&msg[i].msg_hdr, &rx);
      deliver(k, ap_icmp_parse(iov[i].iov_base, msg[i].msg_len, hdr, &a,
                               &k->key, clk.mono_ns, &m), &m, &clk, &rx);
    }
  } while ((unsigned) n == e->rbatch);
}

/* Finds the extended error of an error-queue message. */
static const struct sock_extended_err *ext_err(struct msghdr *h) {
  struct cmsghdr *c;

  for (c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
    if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
        (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR))
      return (const struct sock_extended_err *) CMSG_DATA(c);
  }
  return NULL;
}

/* A datagram socket receives ICMP errors about its probes on its error
 * queue: our own request comes back with the error's type, code and
 * sender attached. */
/* Only errors that say the probe did not arrive count, as on raw sockets:
 * destination unreachable and time exceeded, not redirects, source quench,
 * parameter problems or packet too big. */
static int explained(const struct sock_extended_err *ee) {
  if (ee->ee_origin == SO_EE_ORIGIN_ICMP)
    return ee->ee_type == 3 || ee->ee_type == 11;
  if (ee->ee_origin == SO_EE_ORIGIN_ICMP6)
    return ee->ee_type == 1 || ee->ee_type == 3;
  return 0;
}

static int drain_errors(struct ap_echo_sock *k) {
  uint8_t pkt[PKTMAX], ctl[512];
  struct sockaddr_storage dst;
  struct iovec iov = { pkt, sizeof(pkt) };
  struct msghdr h;
  const struct sock_extended_err *ee;
  struct ap_icmp_msg m;
  ssize_t len;
  int count = 0;

  for (;;) {
    memset(&h, 0, sizeof(h));
    h.msg_name = &dst;
    h.msg_namelen = sizeof(dst);
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = ctl;
    h.msg_controllen = sizeof(ctl);
    len = recvmsg(k->fd, &h, MSG_ERRQUEUE | MSG_DONTWAIT);
    if (len < 0)
      return errno == EAGAIN || errno == EWOULDBLOCK ? count : -1;
    count++;
    ee = ext_err(&h);
    memset(&m, 0, sizeof(m));
    if (ee == NULL || !explained(ee)) {
      m.why = AP_ICMP_UNUSED;
    } else if (ap_addr_from_sockaddr(&m.target,
                                     (struct sockaddr *) &dst) != 0) {
      m.why = AP_ICMP_MALFORMED;
    } else {
      m.why = (uint8_t) ap_icmp_ours(pkt, (size_t) len, &k->key, &m.target,
                                     uv_hrtime(), &m.sent_ns);
    }
    if (m.why != AP_ICMP_OK) {
      deliver(k, AP_ICMP_IGNORE, &m, NULL, NULL);
      continue;
    }
    if (ap_addr_from_sockaddr(&m.from, SO_EE_OFFENDER(ee)) != 0)
      m.from = m.target;
    m.type = ee->ee_type;
    m.code = ee->ee_code;
    deliver(k, AP_ICMP_ERROR, &m, NULL, NULL);
  }
}

static void poll_cb(uv_poll_t *h, int status, int events);

/* Starts or stops watching k's socket.  A socket that cannot be watched
 * would hear its replies only after their targets timed out: that ends
 * the scan with the error rather than turn answers into verdicts of
 * unreachable. */
static void watch(struct ap_echo_sock *k, int on) {
  int err;

  if (on && !k->watching) {
    err = uv_poll_start(&k->poll, UV_READABLE, poll_cb);
    if (err != 0)
      ap_sink_abort(k->echo->base.sink, err);
    k->watching = err == 0;
  } else if (!on && k->watching) {
    k->watching = uv_poll_stop(&k->poll) != 0;
  }
}

/* Reads everything queued on k: errors first on a datagram socket.
 * Returns 0, or -1 when the socket itself is broken. */
static int read_all(struct ap_echo_sock *k, int status) {
  if (k->kind == AP_ECHO_DGRAM && drain_errors(k) < 0 && status < 0) {
    ap_sink_abort(k->echo->base.sink, UV_ECANCELED);
    return -1;
  }
  drain(k);
  return 0;
}

static void poll_cb(uv_poll_t *h, int status, int events) {
  struct ap_echo_sock *k = ap_container_of(h, struct ap_echo_sock, poll);

  (void) events;
  ap_loopwatch_note(&lw_read);
  if (read_all(k, status) != 0)
    return;
  /* libuv stops a poll handle that reports POLLERR, which is how pending
   * ICMP errors on the error queue show; we have read them, so watch on. */
  if (status < 0 && !k->echo->base.sink->closing) {
    k->watching = 0;
    watch(k, 1);
  }
}

/* After this many turns in a row of sending without a wait, the sockets
 * are read after each send instead of watched: a watched socket costs an
 * epoll callback in the kernel for every reply queued on it. */
#define HOT_TURNS 4

static void echo_pump(struct ap_engine *base, int again) {
  struct ap_echo *e = ap_container_of(base, struct ap_echo, base);
  int i;

  e->hot = again ? (e->hot < HOT_TURNS ? e->hot + 1 : HOT_TURNS) : 0;
  for (i = 0; i < 2 && !base->sink->closing; i++) {
    struct ap_echo_sock *k = &e->sock[i];
    if (!k->polling)
      continue;
    if (e->hot == HOT_TURNS)
      watch(k, 0);
    if (!k->watching && read_all(k, 0) == 0 && !base->sink->closing)
      watch(k, e->hot < HOT_TURNS);
  }
}

/* Reads both sockets to the end before the scheduler expires probes: a
 * reply already queued is a reply in time, however late the loop comes to
 * it (its round trip ends at the kernel's receive stamp). */
static void echo_drain(struct ap_engine *base) {
  struct ap_echo *e = ap_container_of(base, struct ap_echo, base);
  int i;

  for (i = 0; i < 2 && !base->sink->closing; i++)
    if (e->sock[i].polling)
      (void) read_all(&e->sock[i], 0);
}

/* The buffers: the receive batch, as many packets of a reply's size
 * (headers included) as fit in RBUF_BYTES, 4 at least; the pad. */
static int buffers(struct ap_echo *e) {
  size_t size = e->pkt->size > AP_ICMP_PAYLOAD ? e->pkt->size
                                               : AP_ICMP_PAYLOAD;

  e->pad = size - AP_ICMP_PAYLOAD;
  e->rlen = IP_HDRMAX + AP_ICMP_HDRLEN + size;
  e->rlen = e->rlen < PKTMAX ? PKTMAX : (e->rlen + 63) / 64 * 64;
  e->rbatch = (unsigned) (RBUF_BYTES / e->rlen);
  if (e->rbatch < 4)
    e->rbatch = 4;
  if (e->rbatch > BATCH)
    e->rbatch = BATCH;
  e->rbuf = malloc((size_t) e->rbatch * e->rlen);
  e->padbuf = e->pad > 0 ? calloc(1, e->pad) : NULL;
  return e->rbuf == NULL || (e->pad > 0 && e->padbuf == NULL) ? UV_ENOMEM
                                                               : 0;
}

int ap_echo_start(struct ap_echo *e, uv_loop_t *loop) {
  int i, err;

  err = buffers(e);
  if (err != 0)
    return err;
  for (i = 0; i < 2; i++) {
    struct ap_echo_sock *k = &e->sock[i];
    if (k->fd < 0)
      continue;
    err = uv_poll_init_socket(loop, &k->poll, k->fd);
    if (err == 0) {
      k->polling = 1;
      err = uv_poll_start(&k->poll, UV_READABLE, poll_cb);
      k->watching = err == 0;
    }
    if (err != 0)
      return err;
  }
  return 0;
}

static void sock_closed_cb(uv_handle_t *h) {
  struct ap_echo_sock *k = ap_container_of(h, struct ap_echo_sock, poll);

  close(k->fd);
  k->fd = -1;
}

static void echo_close(struct ap_engine *base) {
  struct ap_echo *e = ap_container_of(base, struct ap_echo, base);
  int i;

  ap_echo_drop_twins(e);
  for (i = 0; i < 2; i++) {
    struct ap_echo_sock *k = &e->sock[i];
    if (k->polling) {
      k->polling = k->watching = 0;
      uv_close((uv_handle_t *) &k->poll, sock_closed_cb);
    } else if (k->fd >= 0) {
      close(k->fd);
      k->fd = -1;
    }
  }
}

static void count_send_error(struct ap_echo_counts *c, int sys_errno) {
  int err = uv_translate_sys_error(sys_errno), i;

  for (i = 0; i < AP_ECHO_NERRNO; i++) {
    if (c->send_errs[i] == 0)
      c->send_err[i] = err;
    if (c->send_err[i] == err) {
      c->send_errs[i]++;
      return;
    }
  }
  c->send_err_other++;
}

/* A chunk of requests on their way out: one sendmmsg(). */
struct chunk {
  uint8_t pkt[AP_ECHO_CHUNK][AP_ICMP_ECHOLEN];
  struct sockaddr_storage to[AP_ECHO_CHUNK];
  struct mmsghdr msg[AP_ECHO_CHUNK];
  struct iovec iov[AP_ECHO_CHUNK][2];
};

/* Builds the n requests of p (n <= AP_ECHO_CHUNK) into c, stamped now,
 * just before they are sent: each probe carries that stamp from here on,
 * under its MAC and in its sent_ns.  The pad after the MAC is zeros, which
 * the checksum need not see. */
static void build(struct ap_echo_sock *k, struct ap_probe *p, size_t n,
                  struct chunk *c) {
  struct ap_echo *e = k->echo;
  uint64_t now = uv_hrtime();
  size_t i;

  for (i = 0; i < n; i++) {
    p[i].sent_ns = now;
    c->iov[i][0].iov_base = c->pkt[i];
    c->iov[i][0].iov_len = ap_icmp_build(c->pkt[i], &k->key, &p[i].addr,
                                         now);
    c->iov[i][1].iov_base = e->padbuf;
    c->iov[i][1].iov_len = e->pad;
    c->msg[i].msg_hdr.msg_iov = c->iov[i];
    c->msg[i].msg_hdr.msg_iovlen = e->pad > 0 ? 2 : 1;
    c->msg[i].msg_hdr.msg_name = &c->to[i];
    c->msg[i].msg_hdr.msg_namelen = ap_addr_to_sockaddr(&p[i].addr,
                                                        &c->to[i]);
    c->msg[i].msg_hdr.msg_control = NULL;
    c->msg[i].msg_hdr.msg_controllen = 0;
    c->msg[i].msg_hdr.msg_flags = 0;
    c->msg[i].msg_len = 0;
  }
}

/* How many ICMP errors reported on one send a datagram socket reads
 * before it takes the send's failure for the probe's own. */
#define DGRAM_RETRIES 8

/* Sends the n requests of chunk c (for p) through k.  Returns how many it
 * took; a probe the kernel refused outright gets its verdict here. */
static size_t send_chunk(struct ap_echo_sock *k, const struct ap_probe *p,
                         size_t n, struct chunk *c) {
  size_t off = 0;
  int r, err, retried = 0;

  while (off < n) {
    r = sendmmsg(k->fd, c->msg + off, (unsigned) (n - off), 0);
    if (r > 0) {
      off += (size_t) r;
      k->echo->counts.sent += (uint64_t) r;
      retried = 0;
      continue;
    }
    err = errno; /* reading the error queue below sets errno */
    if (err == EINTR || (err == EMSGSIZE && widen(k)))
      continue;
    count_send_error(&k->echo->counts, err);
    if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
      k->echo->base.refused = uv_translate_sys_error(err);
      break;
    } else if (k->kind == AP_ECHO_DGRAM && retried < DGRAM_RETRIES &&
               drain_errors(k) > 0) {
      /* A datagram socket reports every ICMP error that reaches it (an
       * earlier probe's, or a forged one) on its next send too: the error
       * queue holds it, and is judged there, for its own target; this
       * probe goes again.  A failure with nothing queued is this probe's
       * own, whichever came first. */
      retried++;
    } else {
      /* This destination is refused (no route, a firewall, broadcast,
       * a request too big for --df): that is its verdict, and the rest
       * of the chunk goes on. */
      ap_sink_fail(k->echo->base.sink, &p[off].addr, p[off].sent_ns,
                   uv_strerror(uv_translate_sys_error(err)), NULL);
      off++;
      retried = 0;
    }
  }
  return off;
}

/* Sends m probes, all of one family, through k, a chunk at a time.  A
 * small run (a rate-limited turn) goes one request per chunk, each
 * stamped as it leaves; a large one (a sweep at full speed) in chunks of
 * AP_ECHO_CHUNK, which cost fewer system calls and stamp each request at
 * most a chunk's sending time early.  Returns how many it took. */
static size_t send_run(struct ap_echo_sock *k, struct ap_probe *p,
                       size_t m) {
  static _Thread_local struct chunk c; /* one per loop (--threads) */
  size_t off = 0, n, done, most = m <= AP_ECHO_SINGLES ? 1 : AP_ECHO_CHUNK;

  while (off < m) {
    n = m - off < most ? m - off : most;
    build(k, p + off, n, &c);
    done = send_chunk(k, p + off, n, &c);
    off += done;
    if (done < n)
      break;
  }
  return off;
}

static int echo_send(struct ap_engine *base, struct ap_probe *p,
                     size_t n, uint64_t now_ns) {
  struct ap_echo *e = ap_container_of(base, struct ap_echo, base);
  size_t taken = 0, run, done;
  int f;

  (void) now_ns; /* each chunk is stamped as it goes */
  base->refused = 0;
  while (taken < n) {
    f = ap_addr_is_v4(&p[taken].addr) ? 0 : 1;
    for (run = 1; taken + run < n && run < BATCH; run++)
      if ((ap_addr_is_v4(&p[taken + run].addr) ? 0 : 1) != f)
        break;
    if (e->sock[f].kind == AP_ECHO_NONE) {
      (void) ap_sink_fail(base->sink, &p[taken].addr, p[taken].sent_ns,
                          "no socket for this family", NULL);
      taken++;
      continue;
    }
    done = send_run(&e->sock[f], p + taken, run);
    taken += done;
    if (done < run)
      break;
  }
  return (int) taken;
}
