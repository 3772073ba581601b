/* echo.h - the ICMP echo engine: raw or datagram ICMP sockets.
 *
 * One socket and one uv_poll_t per address family.  Raw sockets need
 * CAP_NET_RAW; datagram ("ping") sockets need the user's group to be in
 * net.ipv4.ping_group_range.  Probes go out in batches with sendmmsg();
 * replies are drained with recvmmsg() on every wake-up and validated by
 * icmp.c, never trusted for their source address or identifier alone.
 * While the scheduler sends turn after turn without waiting, the sockets
 * are read after each turn instead of watched (see the pump hook in
 * engine.h).
 */
#ifndef AP_ECHO_H
#define AP_ECHO_H

#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "engine.h"
#include "icmp.h"

enum ap_echo_kind {
  AP_ECHO_NONE = 0,
  AP_ECHO_RAW,
  AP_ECHO_DGRAM
};

struct ap_echo_sock {
  struct ap_echo *echo;
  uv_poll_t poll;
  int fd;
  int kind;   /* enum ap_echo_kind */
  int err;    /* why kind is AP_ECHO_NONE: the UV_E* of the last try */
  int polling;  /* poll is initialised (and must be closed) */
  int watching; /* poll is started */
  struct ap_icmp_key key;
};

#define AP_ECHO_NERRNO 6

/* What the engine saw, for -s -v.  Plain counters, bumped as it goes. */
struct ap_echo_counts {
  uint64_t sent;      /* probes the kernel took */
  uint64_t replies;   /* echo replies that passed validation */
  uint64_t errors;    /* ICMP errors matched to a probe of ours */
  uint64_t late;      /* valid, for a target that already had its verdict
                         (a duplicate, or a reply after the timeout) */
  uint64_t rejected[AP_ICMP_NWHY]; /* packets ignored, by enum ap_icmp_why */
  /* Failed sends (sendmmsg), by error: the first AP_ECHO_NERRNO distinct
   * UV_E* codes, the rest together. */
  int send_err[AP_ECHO_NERRNO];
  uint64_t send_errs[AP_ECHO_NERRNO];
  uint64_t send_err_other;
};

struct ap_echo {
  struct ap_engine base;
  struct ap_echo_sock sock[2]; /* [0] IPv4, [1] IPv6 */
  struct ap_echo_counts counts;
  unsigned hot; /* turns in a row the scheduler sent without a wait */
};

/* Opens the sockets of the families asked for (want_v4, want_v6): raw if
 * it can, else datagram.  key is the run's secret.  Never fails as a whole:
 * a family it could not open has kind AP_ECHO_NONE and err set.  A raw
 * socket needs CAP_NET_RAW effective: call it inside the privilege
 * sequence (priv.h). */
void ap_echo_open(struct ap_echo *e, int want_v4, int want_v6,
                  const uint8_t key[16]);

/* Closes the socket of a family that has no targets (want_v4, want_v6
 * say which have), once the targets are known: a raw socket would
 * otherwise get a copy of that family's ICMP traffic for nothing.  Call it
 * before ap_echo_start(). */
void ap_echo_keep(struct ap_echo *e, int want_v4, int want_v6);

/* Starts watching the open sockets on loop.  Returns 0 or a UV_E* code. */
int ap_echo_start(struct ap_echo *e, uv_loop_t *loop);

/* Closes the sockets of an engine that was opened but never started. */
void ap_echo_discard(struct ap_echo *e);

/* Writes the counters to f, one "  NAME VALUE" line each, after a
 * " counters:" line; retries and backoffs come from the scheduler. */
void ap_echo_report(const struct ap_echo *e, uint64_t retries,
                    uint64_t backoffs, FILE *f);

/* The kind of family f's socket (0: IPv4, 1: IPv6), enum ap_echo_kind,
 * and for AP_ECHO_NONE why: the UV_E* code of the last try. */
int ap_echo_kind(const struct ap_echo *e, int f);
int ap_echo_error(const struct ap_echo *e, int f);

/* "raw", "datagram" or "none". */
const char *ap_echo_kind_name(int kind);

#endif
