/* httpd.h - the exporter's HTTP server: libmicrohttpd on the loop.
 *
 * libmicrohttpd runs with no thread of its own (MHD_USE_EPOLL and an
 * external event loop): the loop watches its epoll descriptor with a
 * uv_poll_t and calls MHD_run() when it is readable, and a uv_timer_t
 * wakes it when MHD_get_timeout() asks, 0 while a connection has more to
 * send.  aping opens the listening socket itself, so that a port in use
 * or an address that is not local is a plain error before any probe.
 *
 * Only GET and HEAD of /metrics are served (404 for another path, 405 for
 * another method).  The body comes from the caller's source a piece at a
 * time, as the client reads it: a scrape of thousands of targets neither
 * holds its whole text nor takes a long turn of the loop, and a client
 * that stops reading holds only its connection.  Limits: AP_HTTPD_CONNS
 * connections at once, each closed after AP_HTTPD_IDLE_S seconds without
 * progress, and AP_HTTPD_MEM bytes of memory each (a request whose headers
 * do not fit is refused with 431).
 */
#ifndef AP_HTTPD_H
#define AP_HTTPD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <uv.h>

#define AP_HTTPD_CONNS 64
#define AP_HTTPD_IDLE_S 10
#define AP_HTTPD_MEM (64 * 1024)
#define AP_HTTPD_BLOCK (32 * 1024)
/* Body bytes rendered in one turn of the loop at most, over every
 * connection: a scrape of a large exposition takes many short turns
 * rather than one long one that would hold up the probes. */
#define AP_HTTPD_TURN_BYTES (256 * 1024)

/* What serves /metrics: open() starts a scrape (NULL: out of memory, 503),
 * read() writes at most max bytes of it into buf and returns how many, 0
 * at the end, -1 when it cannot go on (the connection is cut short);
 * close() ends it. */
struct ap_httpd_source {
  void *(*open)(void *ctx);
  ssize_t (*read)(void *scrape, char *buf, size_t max);
  void (*close)(void *scrape);
  void *ctx;
};

struct MHD_Daemon;

struct ap_httpd {
  uv_loop_t *loop;
  struct MHD_Daemon *d;
  uv_poll_t poll;
  uv_timer_t timer;
  uv_idle_t idle;  /* a body waits for the next turn */
  int fd;          /* the listening socket, until MHD has it */
  int handles;     /* poll and timer are open */
  struct ap_httpd_source src;
  uint64_t requests;
  size_t budget;   /* body bytes this turn may still render */
  int starved;     /* a body waited for the next turn */
};

/* Fills ss with host ("" for every address: IPv6 and IPv4 both; an IPv4
 * address; or an IPv6 address in brackets) and port.  Returns 0 or -1. */
int ap_listen_addr(const char *host, uint16_t port,
                   struct sockaddr_storage *ss);

/* Listens on addr and serves src on loop.  Returns 0, or a UV_E* code (the
 * bind's: UV_EADDRINUSE, UV_EADDRNOTAVAIL ...) with nothing left open. */
int ap_httpd_start(struct ap_httpd *h, uv_loop_t *loop,
                   const struct sockaddr_storage *addr,
                   const struct ap_httpd_source *src);

/* Stops serving: connections are closed, scrapes ended; the handles close
 * on the loop. */
void ap_httpd_close(struct ap_httpd *h);

/* Formats addr as "127.0.0.1:9857" or "[::1]:9857". */
void ap_httpd_addr_str(const struct sockaddr_storage *addr, char *buf,
                       size_t len);

#endif
