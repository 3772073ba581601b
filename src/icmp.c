/* icmp.c - see icmp.h. */
#include "icmp.h"

#include <endian.h>
#include <string.h>

#include "siphash.h"

#define ICMP4_ECHOREPLY 0
#define ICMP4_UNREACH 3
#define ICMP4_ECHO 8
#define ICMP4_TIMXCEED 11
#define ICMP6_UNREACH 1
#define ICMP6_TIMXCEED 3
#define ICMP6_ECHO 128
#define ICMP6_ECHOREPLY 129
#define IP4_MINHDR 20
#define IP6_HDRLEN 40
#define PROTO_ICMP 1
#define PROTO_ICMPV6 58

static const uint8_t tag[8] = { 'a', 'p', 'i', 'n', 'g', '/', '1', 0 };

/* Big-endian loads and stores as single moves: these run for every probe
 * and every reply. */
static uint16_t load16(const uint8_t *p) {
  uint16_t v;

  memcpy(&v, p, sizeof(v));
  return be16toh(v);
}

static uint64_t load64(const uint8_t *p) {
  uint64_t v;

  memcpy(&v, p, sizeof(v));
  return be64toh(v);
}

static void store64(uint8_t *p, uint64_t v) {
  v = htobe64(v);
  memcpy(p, &v, sizeof(v));
}

uint16_t ap_icmp_checksum(const void *data, size_t len) {
  const uint8_t *p = data;
  uint64_t sum = 0;
  uint32_t w;
  size_t i = 0;

  /* 32-bit words into a 64-bit sum, folded at the end: the same one's
   * complement sum as 16 bits at a time (RFC 1071), in half the steps. */
  for (; i + 4 <= len; i += 4) {
    memcpy(&w, p + i, sizeof(w));
    sum += be32toh(w);
  }
  if (i + 2 <= len) {
    sum += load16(p + i);
    i += 2;
  }
  if (i < len)
    sum += (uint32_t) p[i] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t) ~sum;
}

static uint64_t mac(const struct ap_icmp_key *k, const struct ap_addr *dst,
                    uint64_t sent_ns) {
  uint8_t msg[24];

  /* The address's 16 bytes (as ap_addr_to_bytes() has them), then the
   * send time. */
  store64(msg, dst->hi);
  store64(msg + 8, dst->lo);
  store64(msg + 16, sent_ns);
  return ap_siphash(k->key, msg, sizeof(msg));
}

size_t ap_icmp_build(uint8_t *buf, const struct ap_icmp_key *k,
                     const struct ap_addr *dst, uint64_t sent_ns) {
  uint64_t m = mac(k, dst, sent_ns);
  uint16_t sum;
  int v4 = ap_addr_is_v4(dst);

  buf[0] = v4 ? ICMP4_ECHO : ICMP6_ECHO;
  buf[1] = 0;
  buf[2] = buf[3] = 0;
  buf[4] = (uint8_t) (k->ident >> 8);
  buf[5] = (uint8_t) k->ident;
  buf[6] = (uint8_t) (m >> 8);
  buf[7] = (uint8_t) m;
  memcpy(buf + 8, tag, sizeof(tag));
  store64(buf + 16, sent_ns);
  store64(buf + 24, m);
  if (v4) {
    sum = ap_icmp_checksum(buf, AP_ICMP_ECHOLEN);
    buf[2] = (uint8_t) (sum >> 8);
    buf[3] = (uint8_t) sum;
  }
  return AP_ICMP_ECHOLEN;
}

/* Checks an echo header and payload (ours, as sent to dst) at p, of which
 * len bytes are present.  Returns AP_ICMP_OK and sets *sent_ns when it is
 * genuine, else why not. */
static int genuine(const uint8_t *p, size_t len, const struct ap_icmp_key *k,
                   const struct ap_addr *dst, uint64_t now_ns,
                   uint64_t *sent_ns) {
  uint64_t sent, m;

  if (len >= AP_ICMP_HDRLEN && k->check_ident && load16(p + 4) != k->ident)
    return AP_ICMP_FOREIGN;
  if (len < AP_ICMP_ECHOLEN)
    return AP_ICMP_TRUNCATED;
  if (memcmp(p + 8, tag, sizeof(tag)) != 0)
    return AP_ICMP_FOREIGN;
  sent = load64(p + 16);
  m = load64(p + 24);
  if (sent > now_ns || m != mac(k, dst, sent) || load16(p + 6) != (m & 0xffff))
    return AP_ICMP_BADMAC;
  *sent_ns = sent;
  return AP_ICMP_OK;
}

/* Parses the IPv4 packet quoted in an ICMP error: it must be our echo
 * request, with enough of it quoted to check the MAC. */
static int quoted_v4(const uint8_t *q, size_t len, const struct ap_icmp_key *k,
                     uint64_t now_ns, struct ap_icmp_msg *msg) {
  size_t ihl;

  if (len < IP4_MINHDR)
    return AP_ICMP_TRUNCATED;
  ihl = (size_t) (q[0] & 0x0f) * 4;
  if ((q[0] >> 4) != 4 || ihl < IP4_MINHDR)
    return AP_ICMP_MALFORMED;
  if (q[9] != PROTO_ICMP)
    return AP_ICMP_FOREIGN;
  if (len < ihl + AP_ICMP_HDRLEN)
    return AP_ICMP_TRUNCATED;
  if (q[ihl] != ICMP4_ECHO)
    return AP_ICMP_FOREIGN;
  ap_addr_from_v4(&msg->target, (uint32_t) load16(q + 16) << 16 |
                                    load16(q + 18));
  return genuine(q + ihl, len - ihl, k, &msg->target, now_ns, &msg->sent_ns);
}

static int quoted_v6(const uint8_t *q, size_t len, const struct ap_icmp_key *k,
                     uint64_t now_ns, struct ap_icmp_msg *msg) {
  if (len < IP6_HDRLEN)
    return AP_ICMP_TRUNCATED;
  if ((q[0] >> 4) != 6)
    return AP_ICMP_MALFORMED;
  if (q[6] != PROTO_ICMPV6)
    return AP_ICMP_FOREIGN;
  if (len < IP6_HDRLEN + AP_ICMP_HDRLEN)
    return AP_ICMP_TRUNCATED;
  if (q[IP6_HDRLEN] != ICMP6_ECHO)
    return AP_ICMP_FOREIGN;
  ap_addr_from_bytes(&msg->target, q + 24);
  return genuine(q + IP6_HDRLEN, len - IP6_HDRLEN, k, &msg->target, now_ns,
                 &msg->sent_ns);
}

/* Returns kind when why is AP_ICMP_OK, else records why and ignores. */
static int judged(struct ap_icmp_msg *msg, int why, int kind) {
  msg->why = (uint8_t) why;
  return why == AP_ICMP_OK ? kind : AP_ICMP_IGNORE;
}

static int parse_icmp(const uint8_t *p, size_t len, int v4,
                      const struct ap_icmp_key *k, uint64_t now_ns,
                      struct ap_icmp_msg *msg) {
  uint8_t type;

  if (len < AP_ICMP_HDRLEN)
    return judged(msg, AP_ICMP_MALFORMED, AP_ICMP_IGNORE);
  type = p[0];
  msg->type = type;
  msg->code = p[1];
  if (type == (v4 ? ICMP4_ECHOREPLY : ICMP6_ECHOREPLY)) {
    if (p[1] != 0)
      return judged(msg, AP_ICMP_UNUSED, AP_ICMP_IGNORE);
    msg->target = msg->from;
    return judged(msg, genuine(p, len, k, &msg->target, now_ns, &msg->sent_ns),
                  AP_ICMP_REPLY);
  }
  if (v4 && (type == ICMP4_UNREACH || type == ICMP4_TIMXCEED))
    return judged(msg, quoted_v4(p + 8, len - 8, k, now_ns, msg),
                  AP_ICMP_ERROR);
  if (!v4 && (type == ICMP6_UNREACH || type == ICMP6_TIMXCEED))
    return judged(msg, quoted_v6(p + 8, len - 8, k, now_ns, msg),
                  AP_ICMP_ERROR);
  return judged(msg, AP_ICMP_UNUSED, AP_ICMP_IGNORE);
}

int ap_icmp_parse(const uint8_t *pkt, size_t len, int ipv4_hdr,
                  const struct ap_addr *from, const struct ap_icmp_key *k,
                  uint64_t now_ns, struct ap_icmp_msg *msg) {
  size_t ihl, total;
  int v4 = ap_addr_is_v4(from);

  memset(msg, 0, sizeof(*msg));
  msg->from = *from;
  msg->ttl = -1;
  if (ipv4_hdr) {
    if (!v4 || len < IP4_MINHDR || (pkt[0] >> 4) != 4 ||
        pkt[9] != PROTO_ICMP)
      return judged(msg, AP_ICMP_MALFORMED, AP_ICMP_IGNORE);
    msg->ttl = pkt[8];
    ihl = (size_t) (pkt[0] & 0x0f) * 4;
    total = load16(pkt + 2);
    if (ihl < IP4_MINHDR || ihl > len)
      return judged(msg, AP_ICMP_MALFORMED, AP_ICMP_IGNORE);
    if (total >= ihl && total < len)
      len = total;
    pkt += ihl;
    len -= ihl;
  }
  /* The kernel checks ICMPv6 checksums for us, but not ICMPv4 ones on raw
   * sockets. */
  if (v4 && ipv4_hdr && ap_icmp_checksum(pkt, len) != 0)
    return judged(msg, AP_ICMP_CHECKSUM, AP_ICMP_IGNORE);
  return parse_icmp(pkt, len, v4, k, now_ns, msg);
}

int ap_icmp_ours(const uint8_t *p, size_t len, const struct ap_icmp_key *k,
                 const struct ap_addr *dst, uint64_t now_ns,
                 uint64_t *sent_ns) {
  if (len < AP_ICMP_HDRLEN)
    return AP_ICMP_TRUNCATED;
  if (p[0] != (ap_addr_is_v4(dst) ? ICMP4_ECHO : ICMP6_ECHO))
    return AP_ICMP_FOREIGN;
  return genuine(p, len, k, dst, now_ns, sent_ns);
}

const char *ap_icmp_reason(int v4, uint8_t type, uint8_t code) {
  if (v4 && type == ICMP4_TIMXCEED)
    return "time exceeded";
  if (!v4 && type == ICMP6_TIMXCEED)
    return "time exceeded";
  if (v4) {
    switch (code) {
    case 0: return "network unreachable";
    case 1: return "host unreachable";
    case 2: return "protocol unreachable";
    case 3: return "port unreachable";
    case 9: case 10: case 13: return "administratively prohibited";
    default: return "destination unreachable";
    }
  }
  switch (code) {
  case 0: return "no route";
  case 1: return "administratively prohibited";
  case 3: return "host unreachable";
  case 4: return "port unreachable";
  default: return "destination unreachable";
  }
}
