/* rxmeta.h - what the kernel says about a received packet beside its
 * bytes: when it arrived, and with what TTL (no I/O).
 *
 * The ICMP sockets ask for a receive timestamp (SO_TIMESTAMPNS) and the
 * reply's TTL or hop limit (IP_RECVTTL, IPV6_RECVHOPLIMIT) as control
 * messages.  The kernel stamps a packet when the interface hands it over,
 * so that the round trip does not include the time it waited in the
 * socket while aping was busy sending.  Its stamp is on the wall clock
 * (CLOCK_REALTIME); aping's send times are on the monotonic clock
 * (uv_hrtime()).  A stamp is carried over by the offset between the two
 * clocks, read once per batch of packets, and used only when it falls
 * between the probe's send time and the moment the batch was read: a
 * clock step between the two readings, or a stamp that is missing,
 * makes the round trip that of the batch's read time, never a negative
 * or a huge one.
 */
#ifndef AP_RXMETA_H
#define AP_RXMETA_H

#include <stdint.h>
#include <sys/socket.h>

/* The two clocks, read together once per batch. */
struct ap_clocks {
  uint64_t mono_ns; /* uv_hrtime() */
  uint64_t real_ns; /* CLOCK_REALTIME, nanoseconds since the epoch */
};

/* A packet's control messages, read by ap_rxmeta_parse(). */
struct ap_rxmeta {
  int have_stamp;
  uint64_t stamp_ns; /* the kernel's receive time, CLOCK_REALTIME */
  int ttl;           /* TTL or hop limit, -1 when not given */
};

/* Room for the control messages the sockets ask for, per packet. */
#define AP_RXMETA_CTLLEN 128

/* Reads both clocks now. */
void ap_clocks_read(struct ap_clocks *c);

/* The control messages of h: the receive timestamp (SCM_TIMESTAMPNS) and
 * the TTL (IP_TTL) or hop limit (IPV6_HOPLIMIT).  Anything else, and
 * anything malformed, is ignored. */
void ap_rxmeta_parse(const struct msghdr *h, struct ap_rxmeta *m);

/* Sets *at to when the packet arrived, on the monotonic clock: the
 * kernel's stamp carried over by c's offset when it lies within
 * [sent_ns, c->mono_ns], else c->mono_ns (when the batch was read).
 * sent_ns is the send time the reply authenticates (at most c->mono_ns).
 * Returns 1 when the kernel's stamp was used, 0 when not.  Pure. */
int ap_rxmeta_arrival(const struct ap_clocks *c, const struct ap_rxmeta *m,
                      uint64_t sent_ns, uint64_t *at);

#endif
