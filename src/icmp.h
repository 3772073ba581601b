/* icmp.h - building and validating ICMP and ICMPv6 echo packets (no I/O).
 *
 * Every echo request carries, after the 8-byte ICMP header, a 24-byte
 * payload: a tag, the send time (uv_hrtime() nanoseconds) and a 64-bit
 * SipHash MAC, under a per-run random key, of the destination address and
 * the send time.  The sequence number is the low 16 bits of that MAC.  Every
 * ICMP socket on a host sees every reply, and anyone can forge one, so a
 * reply counts only when its source address and send time reproduce the
 * MAC: the identifier alone proves nothing.
 */
#ifndef AP_ICMP_H
#define AP_ICMP_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define AP_ICMP_HDRLEN 8
#define AP_ICMP_PAYLOAD 24
#define AP_ICMP_ECHOLEN (AP_ICMP_HDRLEN + AP_ICMP_PAYLOAD)

enum ap_icmp_kind {
  AP_ICMP_IGNORE = 0, /* not ours, forged, malformed or uninteresting */
  AP_ICMP_REPLY,      /* a valid echo reply from msg->target */
  AP_ICMP_ERROR       /* a valid ICMP error about a probe to msg->target */
};

/* Why a packet was ignored, as far as the packet itself tells. */
enum ap_icmp_why {
  AP_ICMP_OK = 0,    /* not ignored */
  AP_ICMP_MALFORMED, /* not a well-formed IP packet or ICMP header */
  AP_ICMP_CHECKSUM,  /* a wrong ICMPv4 checksum */
  AP_ICMP_UNUSED,    /* a type or code aping does not use (requests, ...) */
  AP_ICMP_FOREIGN,   /* not an aping probe of this identifier: another
                        program's ping, an error about other traffic */
  AP_ICMP_TRUNCATED, /* ours as far as it goes, too short to check */
  AP_ICMP_BADMAC,    /* our identifier and tag, but the MAC does not hold:
                        forged, replayed from another address, corrupted */
  AP_ICMP_NWHY
};

struct ap_icmp_msg {
  struct ap_addr target; /* the probed address */
  struct ap_addr from;   /* who sent the reply or error */
  uint64_t sent_ns;      /* when the probe was sent */
  uint8_t type;          /* ICMP type and code of an error */
  uint8_t code;
  uint8_t why;           /* enum ap_icmp_why, for AP_ICMP_IGNORE */
  int ttl;               /* the packet's TTL from its IPv4 header, -1 when
                            the socket gave no header */
};

struct ap_icmp_key {
  uint8_t key[16];
  uint16_t ident;   /* our identifier on raw sockets */
  int check_ident;  /* 0 on datagram sockets, where the kernel sets it */
};

/* Internet checksum (RFC 1071) of len bytes. */
uint16_t ap_icmp_checksum(const void *data, size_t len);

/* Writes an echo request to dst sent at sent_ns into buf (at least
 * AP_ICMP_ECHOLEN bytes) and returns its length.  ICMPv6 requests leave the
 * checksum to the kernel, which computes it on every ICMPv6 socket. */
size_t ap_icmp_build(uint8_t *buf, const struct ap_icmp_key *k,
                     const struct ap_addr *dst, uint64_t sent_ns);

/* Classifies a received packet.  pkt holds len bytes as the socket gave
 * them: with the IPv4 header when ipv4_hdr is set (raw IPv4 sockets), else
 * starting at the ICMP header.  from is the packet's source address.  now_ns
 * bounds the send time.  Returns an ap_icmp_kind and fills msg for REPLY and
 * ERROR, msg->why for IGNORE, and msg->ttl when the header is there. */
int ap_icmp_parse(const uint8_t *pkt, size_t len, int ipv4_hdr,
                  const struct ap_addr *from, const struct ap_icmp_key *k,
                  uint64_t now_ns, struct ap_icmp_msg *msg);

/* Checks that the len bytes at p are an echo request that we sent to dst,
 * as quoted back to a datagram socket's error queue.  Returns AP_ICMP_OK
 * and sets *sent_ns when genuine, else why not (enum ap_icmp_why). */
int ap_icmp_ours(const uint8_t *p, size_t len, const struct ap_icmp_key *k,
                 const struct ap_addr *dst, uint64_t now_ns,
                 uint64_t *sent_ns);

/* A short English reason for an ICMP error ("host unreachable"). */
const char *ap_icmp_reason(int v4, uint8_t type, uint8_t code);

#endif
