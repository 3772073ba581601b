/* tcp.h - one TCP service check: connect with a deadline, and optionally
 * read what the service says first, speaking Telnet if asked.
 *
 * The verdict: open (connected), closed (refused), filtered (no answer
 * before the deadline), or error (an ICMP error or a local failure, with a
 * reason).  A banner is read until the first non-empty line is complete
 * (AP_TCP_BANNER) or a prompt appears (AP_TCP_TELNET), the peer has been
 * silent for idle_ms since it last sent something, the buffer of cap bytes
 * is full, 16 times cap bytes came in (Telnet commands count), the peer
 * closes, or the deadline passes.  The deadline covers the whole check, so
 * no peer, however slow or talkative, keeps a check longer, and the memory
 * a check takes is fixed when it starts.
 */
#ifndef AP_TCP_H
#define AP_TCP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "addr.h"
#include "pktopt.h"
#include "telnet.h"

enum ap_tcp_mode {
  AP_TCP_CONNECT = 0, /* connect only */
  AP_TCP_BANNER,      /* connect and read the banner */
  AP_TCP_TELNET       /* connect, negotiate Telnet and read the banner */
};

#define AP_TCP_RAW_FACTOR 16

struct ap_tcp_cfg {
  uint64_t timeout_ms; /* the whole check */
  uint64_t idle_ms;    /* a banner ends after this much silence */
  size_t cap;          /* banner bytes at most (1 or more) */
  const struct ap_pkt_cfg *pkt; /* -S and -I for the connection, or NULL */
};

struct ap_tcp;

/* Runs once per check, after all its handles are closed: c->state and
 * c->reason say how it went, c->buf and c->len hold the banner.  The
 * callback may take c->buf (and set it to NULL) and free c. */
typedef void (*ap_tcp_cb)(struct ap_tcp *c);

struct ap_tcp {
  uv_tcp_t tcp;
  uv_timer_t timer;    /* the deadline, then the idle time */
  uv_connect_t req;
  uv_write_t wreq;     /* the one Telnet reply write in flight */
  const struct ap_tcp_cfg *cfg;
  ap_tcp_cb cb;
  void *data;
  int mode;            /* enum ap_tcp_mode */
  int state;           /* enum ap_check_state (result.h) */
  const char *reason;  /* for AP_CHECK_ERROR, static text */
  uint8_t *buf;        /* the banner, cap + 1 bytes (malloc), or NULL */
  size_t len;
  size_t raw;          /* bytes received, Telnet commands included */
  uint64_t deadline;   /* loop time (ms) at which the check ends */
  size_t wsent;        /* reply bytes written */
  size_t wlen;         /* reply bytes being written */
  int wdead;           /* writing failed: no more replies */
  int handles;         /* open handles */
  uint64_t start_ns;   /* uv_hrtime() at the start */
  uint64_t connect_ns; /* how long the connect took, once connected or
                          refused */
  int connected;
  int ending;
  int canceled;
  struct ap_telnet tn; /* AP_TCP_TELNET only */
};

/* Starts checking port at addr; c must be zeroed.  The callback always
 * runs, later, also when the check could not even start. */
void ap_tcp_start(struct ap_tcp *c, uv_loop_t *loop, const struct ap_addr *a,
                  uint16_t port, int mode, const struct ap_tcp_cfg *cfg,
                  ap_tcp_cb cb);

/* Ends a check early: its callback runs with c->canceled set. */
void ap_tcp_cancel(struct ap_tcp *c);

/* The reason shown for a connection error (a UV_E* code). */
const char *ap_tcp_reason(int err);

#endif
