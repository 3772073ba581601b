/* httpd.c - see httpd.h. */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loopwatch.h"

static struct ap_lw_kind lw_http = AP_LW_KIND("http");

static const char metrics_type[] =
    "text/plain; version=0.0.4; charset=utf-8";
static const char index_page[] =
    "aping: Prometheus metrics are at /metrics\n";

int ap_listen_addr(const char *host, uint16_t port,
                   struct sockaddr_storage *ss) {
  struct sockaddr_in *v4 = (struct sockaddr_in *) ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) ss;
  char buf[64];
  size_t len = strlen(host);

  memset(ss, 0, sizeof(*ss));
  if (len == 0) {
    v6->sin6_family = AF_INET6;
    v6->sin6_addr = in6addr_any;
    v6->sin6_port = htons(port);
    return 0;
  }
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return 0;
  }
  if (len < 3 || host[0] != '[' || host[len - 1] != ']' ||
      len - 2 >= sizeof(buf))
    return -1;
  memcpy(buf, host + 1, len - 2);
  buf[len - 2] = '\0';
  if (inet_pton(AF_INET6, buf, &v6->sin6_addr) != 1)
    return -1;
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(port);
  return 0;
}

void ap_httpd_addr_str(const struct sockaddr_storage *addr, char *buf,
                       size_t len) {
  char a[INET6_ADDRSTRLEN];

  if (addr->ss_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *) addr;
    inet_ntop(AF_INET, &v4->sin_addr, a, sizeof(a));
    snprintf(buf, len, "%s:%u", a, ntohs(v4->sin_port));
  } else {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) addr;
    inet_ntop(AF_INET6, &v6->sin6_addr, a, sizeof(a));
    snprintf(buf, len, "[%s]:%u", a, ntohs(v6->sin6_port));
  }
}

/* A listening socket on addr: every address of both families for the
 * IPv6 "any" address (or IPv4's alone where there is no IPv6).  Returns
 * the descriptor or a UV_E* code. */
static int listen_on(const struct sockaddr_storage *addr) {
  struct sockaddr_storage any4;
  const struct sockaddr_storage *a = addr;
  socklen_t len;
  int fd, one = 1, zero = 0, err;

  fd = socket(a->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 && errno == EAFNOSUPPORT && a->ss_family == AF_INET6 &&
      IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *) a)->sin6_addr)) {
    memset(&any4, 0, sizeof(any4));
    ((struct sockaddr_in *) &any4)->sin_family = AF_INET;
    ((struct sockaddr_in *) &any4)->sin_port =
        ((const struct sockaddr_in6 *) a)->sin6_port;
    a = &any4;
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  }
  if (fd < 0)
    return uv_translate_sys_error(errno);
  (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (a->ss_family == AF_INET6)
    (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
  len = a->ss_family == AF_INET ? sizeof(struct sockaddr_in)
                                : sizeof(struct sockaddr_in6);
  if (bind(fd, (const struct sockaddr *) a, len) != 0 ||
      listen(fd, 64) != 0) {
    err = uv_translate_sys_error(errno);
    close(fd);
    return err;
  }
  return fd;
}

/* ---- requests ---- */

/* One response's body: the scrape, and where it comes from. */
struct body {
  struct ap_httpd *h;
  void *scrape;
};

static ssize_t reader_cb(void *cls, uint64_t pos, char *buf, size_t max) {
  struct body *b = cls;
  ssize_t n;

  (void) pos;
  ap_loopwatch_note(&lw_http);
  if (b->h->budget == 0) {
    /* This turn has rendered its share: the rest comes on the next one
     * (MHD calls again at the next MHD_run(), which run() makes soon). */
    b->h->starved = 1;
    return 0;
  }
  if (max > b->h->budget)
    max = b->h->budget;
  n = b->h->src.read(b->scrape, buf, max);
  if (n == 0)
    return MHD_CONTENT_READER_END_OF_STREAM;
  if (n < 0)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  b->h->budget -= (size_t) n;
  return n;
}

static void free_cb(void *cls) {
  struct body *b = cls;

  b->h->src.close(b->scrape);
  free(b);
}

/* A short fixed answer: the page at /, 404, 405, 503. */
static enum MHD_Result answer(struct MHD_Connection *c, unsigned status,
                              const char *text) {
  struct MHD_Response *r;
  enum MHD_Result ret;

  r = MHD_create_response_from_buffer(strlen(text), (void *) text,
                                      MHD_RESPMEM_PERSISTENT);
  if (r == NULL)
    return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                          "text/plain; charset=utf-8");
  if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
  ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result metrics(struct ap_httpd *h, struct MHD_Connection *c) {
  struct MHD_Response *r;
  struct body *b = malloc(sizeof(*b));
  enum MHD_Result ret;

  if (b == NULL || (b->scrape = h->src.open(h->src.ctx)) == NULL) {
    free(b);
    return answer(c, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory\n");
  }
  b->h = h;
  r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, AP_HTTPD_BLOCK,
                                        reader_cb, b, free_cb);
  if (r == NULL) {
    free_cb(b);
    return MHD_NO;
  }
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, metrics_type);
  ret = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result request_cb(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls) {
  struct ap_httpd *h = cls;

  (void) version;
  (void) upload;
  (void) req_cls;
  ap_loopwatch_note(&lw_http);
  *upload_size = 0; /* a body is not wanted: drop it */
  h->requests++;
  if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
      strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
    return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
  if (strcmp(url, "/metrics") == 0)
    return metrics(h, c);
  if (strcmp(url, "/") == 0)
    return answer(c, MHD_HTTP_OK, index_page);
  return answer(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
}

/* ---- the loop ---- */

static void timer_cb(uv_timer_t *t);
static void idle_cb(uv_idle_t *i);

/* Lets MHD do what is ready, then sets the timer for what it waits on. */
static void run(struct ap_httpd *h) {
  MHD_UNSIGNED_LONG_LONG ms;

  h->budget = AP_HTTPD_TURN_BYTES;
  h->starved = 0;
  MHD_run(h->d);
  /* More to do at once (a body waits for the next turn, or MHD has a
   * connection ready): an idle handle, not a timer at 0 ms, which libuv
   * runs again in the same turn when its callback re-arms it.  An idle
   * handle runs once a turn, beside the probes' I/O. */
  if (h->starved ||
      (MHD_get_timeout(h->d, &ms) == MHD_YES && ms == 0)) {
    uv_idle_start(&h->idle, idle_cb);
    uv_timer_stop(&h->timer);
    return;
  }
  uv_idle_stop(&h->idle);
  if (MHD_get_timeout(h->d, &ms) == MHD_YES)
    uv_timer_start(&h->timer, timer_cb, (uint64_t) ms, 0);
  else
    uv_timer_stop(&h->timer);
}

static void poll_cb(uv_poll_t *p, int status, int events) {
  (void) status;
  (void) events;
  ap_loopwatch_note(&lw_http);
  run(p->data);
}

static void timer_cb(uv_timer_t *t) {
  ap_loopwatch_note(&lw_http);
  run(t->data);
}

static void idle_cb(uv_idle_t *i) {
  ap_loopwatch_note(&lw_http);
  run(i->data);
}

int ap_httpd_start(struct ap_httpd *h, uv_loop_t *loop,
                   const struct sockaddr_storage *addr,
                   const struct ap_httpd_source *src) {
  const union MHD_DaemonInfo *info;
  unsigned flags = MHD_USE_EPOLL;
  int fd, err;

  memset(h, 0, sizeof(*h));
  h->loop = loop;
  h->src = *src;
  fd = listen_on(addr);
  if (fd < 0)
    return fd;
  if (addr->ss_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  h->d = MHD_start_daemon(
      flags, 0, NULL, NULL, request_cb, h,
      MHD_OPTION_LISTEN_SOCKET, (MHD_socket) fd,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned) AP_HTTPD_CONNS,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) AP_HTTPD_IDLE_S,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) AP_HTTPD_MEM,
      MHD_OPTION_END);
  if (h->d == NULL) {
    close(fd);
    return UV_ENOMEM;
  }
  info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
  err = info != NULL ? uv_poll_init(loop, &h->poll, info->epoll_fd)
                     : UV_ENOTSUP;
  if (err != 0) {
    MHD_stop_daemon(h->d);
    h->d = NULL;
    return err;
  }
  (void) uv_timer_init(loop, &h->timer);
  (void) uv_idle_init(loop, &h->idle);
  h->poll.data = h->timer.data = h->idle.data = h;
  h->handles = 1;
  uv_poll_start(&h->poll, UV_READABLE, poll_cb);
  run(h);
  return 0;
}

void ap_httpd_close(struct ap_httpd *h) {
  if (!h->handles)
    return;
  h->handles = 0;
  /* The poll handle lets go of MHD's epoll descriptor before MHD closes
   * it. */
  uv_close((uv_handle_t *) &h->poll, NULL);
  uv_close((uv_handle_t *) &h->timer, NULL);
  uv_close((uv_handle_t *) &h->idle, NULL);
  MHD_stop_daemon(h->d);
  h->d = NULL;
}
