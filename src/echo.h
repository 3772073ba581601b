/* echo.h - the ICMP echo engine: raw or datagram ICMP sockets.
 *
 * One socket and one uv_poll_t per address family.  Raw sockets need
 * CAP_NET_RAW; datagram ("ping") sockets need the user's group to be in
 * net.ipv4.ping_group_range.  Probes go out with sendmmsg(), a chunk of
 * AP_ECHO_CHUNK at a time (one at a time in a turn of few), each chunk
 * stamped with the time just before it is built and sent (the stamp each
 * probe carries, under its MAC, and reports back to the scheduler in its
 * sent_ns).  Replies are drained
 * with recvmmsg() on every wake-up and validated by icmp.c, never trusted
 * for their source address or identifier alone; their round trip ends at
 * the kernel's receive timestamp (rxmeta.h), not when aping got round to
 * reading them, and their TTL is passed on.  While the scheduler sends
 * turn after turn without waiting, the sockets are read after each turn
 * instead of watched (see the pump hook in engine.h).
 *
 * Memory: the receive buffers, at most 64 packets of 2 KiB (fewer, larger
 * ones with a large -b), and one zeroed payload of -b bytes that every
 * request shares.
 */
#ifndef AP_ECHO_H
#define AP_ECHO_H

#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "engine.h"
#include "icmp.h"
#include "pktopt.h"

#define AP_ECHO_CHUNK 16   /* requests per sendmmsg(), stamped together */
#define AP_ECHO_SINGLES 16 /* a turn of at most this many requests of one
                              family sends and stamps them one by one */

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
  int atomic;   /* IPv4 requests go as atomic datagrams (see echo.c) */
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
  uint64_t stamped;   /* replies timed by the kernel's receive stamp */
  uint64_t unstamped; /* replies timed by when they were read: no stamp,
                         or one a clock step put out of range */
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
  int twin[2]; /* --threads: a datagram socket beside a raw one, or -1 */
  struct ap_echo_counts counts;
  unsigned hot; /* turns in a row the scheduler sent without a wait */
  const struct ap_pkt_cfg *pkt; /* the packet options */
  size_t pad;       /* request bytes beyond the MAC's (-b) */
  uint8_t *padbuf;  /* pad zeroed bytes, shared by every request */
  uint8_t *rbuf;    /* receive buffers: rbatch of rlen bytes */
  size_t rlen;
  unsigned rbatch;
  /* A packet option that could not be applied: its UV_E* code, which
   * (enum ap_pkt_what) and on which family's socket; 0 when all were. */
  int opt_err;
  int opt_what;
  int opt_family;
  unsigned part; /* which of the engines of --threads */
};

/* Opens the sockets of the families asked for (want_v4, want_v6): raw if
 * it can, else datagram, with the packet options pkt (kept; it must
 * outlive the engine) applied.  key is the run's secret.  Never fails as
 * a whole: a family it could not open has kind AP_ECHO_NONE and err set;
 * an option that could not be applied sets opt_err (ap_echo_opt_error()),
 * and that family has no socket either.  A raw socket needs CAP_NET_RAW
 * effective, --fwmark CAP_NET_ADMIN: call it inside the privilege
 * sequence (priv.h). */
void ap_echo_open(struct ap_echo *e, int want_v4, int want_v6,
                  const uint8_t key[16], const struct ap_pkt_cfg *pkt);

/* The same for engine part (0-based), one per loop of --threads: each
 * sends with an identifier of its own (the run's, plus part). */
void ap_echo_open_part(struct ap_echo *e, int want_v4, int want_v6,
                       const uint8_t key[16], const struct ap_pkt_cfg *pkt,
                       unsigned part);

/* Several loops (--threads): raw sockets each get a copy of every ICMP
 * reply, which a filter per socket then drops for all loops but one;
 * ICMP datagram sockets are handed their own replies by the kernel, which
 * costs less.  So an engine among several also opens, beside each raw
 * socket, a datagram socket (a twin) with the same options, inside the
 * privilege sequence (for the receive buffer's size).  A twin that cannot
 * be had (net.ipv4.ping_group_range) is no error: the raw socket stays.
 * Once the run knows how many loops it takes, either every engine trades
 * its raw sockets for their twins (ap_echo_use_twins(), when each of them
 * ap_echo_has_twins()) or every engine closes its twins
 * (ap_echo_drop_twins()); before ap_echo_start() in either case. */
void ap_echo_open_twins(struct ap_echo *e);
int ap_echo_has_twins(const struct ap_echo *e);
void ap_echo_use_twins(struct ap_echo *e);
void ap_echo_drop_twins(struct ap_echo *e);

/* Filters the engine's raw sockets on its identifier (idfilter.h), so
 * that a reply reaches only the engine that sent its request: for an
 * engine among several, before it is started.  Datagram sockets are
 * sorted by the kernel already. */
void ap_echo_filter(struct ap_echo *e);

/* Adds the counters of from to those of into (the engines of --threads
 * are reported together). */
void ap_echo_add_counts(struct ap_echo_counts *into,
                        const struct ap_echo_counts *from);

/* Whether a packet option could not be applied; buf then says which and
 * why, in one line. */
int ap_echo_opt_error(const struct ap_echo *e, char *buf, size_t len);

/* Closes the socket of a family that has no targets (want_v4, want_v6
 * say which have), once the targets are known: a raw socket would
 * otherwise get a copy of that family's ICMP traffic for nothing.  Call it
 * before ap_echo_start(). */
void ap_echo_keep(struct ap_echo *e, int want_v4, int want_v6);

/* Takes the buffers and starts watching the open sockets on loop.
 * Returns 0 or a UV_E* code. */
int ap_echo_start(struct ap_echo *e, uv_loop_t *loop);

/* Closes the sockets of an engine that was opened but never started, and
 * frees the buffers of one that was (once the loop has run out). */
void ap_echo_discard(struct ap_echo *e);

/* Writes the counters to f, one "  NAME VALUE" line each, after a
 * " counters:" line; retries and backoffs come from the scheduler. */
void ap_echo_report(const struct ap_echo_counts *c, uint64_t retries,
                    uint64_t backoffs, FILE *f);

/* The kind of family f's socket (0: IPv4, 1: IPv6), enum ap_echo_kind,
 * and for AP_ECHO_NONE why: the UV_E* code of the last try. */
int ap_echo_kind(const struct ap_echo *e, int f);
int ap_echo_error(const struct ap_echo *e, int f);

/* "raw", "datagram" or "none". */
const char *ap_echo_kind_name(int kind);

#endif
