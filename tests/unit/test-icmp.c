/* test-icmp.c - packets, checksums, MACs and reply validation. */
#include <stdint.h>
#include <string.h>

#include "icmp.h"
#include "siphash.h"
#include "tap.h"

static struct ap_icmp_key key_raw = {
  .key = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
  .ident = 0x4242, .check_ident = 1
};

#define NOW 5000000000ULL
#define SENT 4000000000ULL

static void addr(const char *s, struct ap_addr *a) {
  ap_addr_parse(s, a);
}

/* Turns a request into the reply a host would send: type 0 or 129. */
static void make_reply(uint8_t *pkt, int v4) {
  uint16_t sum;

  pkt[0] = v4 ? 0 : 129;
  pkt[2] = pkt[3] = 0;
  if (v4) {
    sum = ap_icmp_checksum(pkt, AP_ICMP_ECHOLEN);
    pkt[2] = (uint8_t) (sum >> 8);
    pkt[3] = (uint8_t) sum;
  }
}

/* Wraps an ICMP message in a minimal IPv4 header from src. */
static size_t ip4(uint8_t *out, const struct ap_addr *src,
                  const struct ap_addr *dst, const uint8_t *icmp,
                  size_t len) {
  uint32_t s = ap_addr_v4(src), d = ap_addr_v4(dst);

  memset(out, 0, 20);
  out[0] = 0x45;
  out[2] = (uint8_t) ((20 + len) >> 8);
  out[3] = (uint8_t) (20 + len);
  out[8] = 64;
  out[9] = 1;
  out[12] = (uint8_t) (s >> 24); out[13] = (uint8_t) (s >> 16);
  out[14] = (uint8_t) (s >> 8); out[15] = (uint8_t) s;
  out[16] = (uint8_t) (d >> 24); out[17] = (uint8_t) (d >> 16);
  out[18] = (uint8_t) (d >> 8); out[19] = (uint8_t) d;
  memcpy(out + 20, icmp, len);
  return 20 + len;
}

static void test_siphash_vector(void) {
  /* The reference vector of the SipHash paper, appendix A. */
  uint8_t key[16], msg[15];
  int i;

  for (i = 0; i < 16; i++)
    key[i] = (uint8_t) i;
  for (i = 0; i < 15; i++)
    msg[i] = (uint8_t) i;
  EXPECT(ap_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL);
}

static void test_checksum(void) {
  /* RFC 1071's example words sum to ddf2; the checksum is its complement. */
  static const uint8_t d[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6,
                                0xf7 };
  uint8_t pkt[AP_ICMP_ECHOLEN];
  struct ap_addr a;

  EXPECT(ap_icmp_checksum(d, sizeof(d)) == (uint16_t) ~0xddf2);
  addr("192.0.2.7", &a);
  ap_icmp_build(pkt, &key_raw, &a, SENT);
  EXPECT(ap_icmp_checksum(pkt, sizeof(pkt)) == 0);
}

static void test_reply_v4_raw(void) {
  uint8_t req[AP_ICMP_ECHOLEN], pkt[128];
  struct ap_addr host, me, other;
  struct ap_icmp_msg m;
  size_t len;

  addr("192.0.2.7", &host);
  addr("192.0.2.1", &me);
  addr("192.0.2.8", &other);
  ap_icmp_build(req, &key_raw, &host, SENT);
  EXPECT(req[0] == 8 && req[4] == 0x42 && req[5] == 0x42);
  make_reply(req, 1);
  len = ip4(pkt, &host, &me, req, sizeof(req));
  EXPECT(ap_icmp_parse(pkt, len, 1, &host, &key_raw, NOW, &m) ==
         AP_ICMP_REPLY);
  EXPECT(ap_addr_cmp(&m.target, &host) == 0 && m.sent_ns == SENT);
  EXPECT(m.why == AP_ICMP_OK);
  /* The same reply claimed by another source proves nothing. */
  EXPECT(ap_icmp_parse(pkt, len, 1, &other, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_BADMAC);
  /* From the future: a forgery or another clock. */
  EXPECT(ap_icmp_parse(pkt, len, 1, &host, &key_raw, SENT - 1, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_BADMAC);
  /* Cut short: the checksum no longer holds; without the IPv4 header
   * (datagram sockets) it is too short to check. */
  EXPECT(ap_icmp_parse(pkt, len - 1, 1, &host, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_CHECKSUM);
  EXPECT(ap_icmp_parse(pkt + 20, len - 21, 0, &host, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_TRUNCATED);
  EXPECT(ap_icmp_parse(pkt, 19, 1, &host, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_MALFORMED);
}

static void test_forgeries(void) {
  uint8_t req[AP_ICMP_ECHOLEN], pkt[128];
  struct ap_icmp_key other = key_raw;
  struct ap_addr host, me;
  struct ap_icmp_msg m;
  size_t len;
  uint16_t sum;

  addr("192.0.2.7", &host);
  addr("192.0.2.1", &me);
  /* Another run (another key) with the same identifier. */
  other.key[0] ^= 1;
  ap_icmp_build(req, &other, &host, SENT);
  make_reply(req, 1);
  len = ip4(pkt, &host, &me, req, sizeof(req));
  EXPECT(ap_icmp_parse(pkt, len, 1, &host, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_BADMAC);
  /* Another program's ping: another identifier. */
  other.ident ^= 0x0101;
  ap_icmp_build(req, &other, &host, SENT);
  make_reply(req, 1);
  len = ip4(pkt, &host, &me, req, sizeof(req));
  EXPECT(ap_icmp_parse(pkt, len, 1, &host, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_FOREIGN);
  /* Ours, with the send time changed (checksum fixed up). */
  ap_icmp_build(req, &key_raw, &host, SENT);
  make_reply(req, 1);
  req[23] ^= 1;
  req[2] = req[3] = 0;
  sum = ap_icmp_checksum(req, sizeof(req));
  req[2] = (uint8_t) (sum >> 8);
  req[3] = (uint8_t) sum;
  len = ip4(pkt, &host, &me, req, sizeof(req));
  EXPECT(ap_icmp_parse(pkt, len, 1, &host, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_BADMAC);
  /* Ours, with a bad checksum. */
  ap_icmp_build(req, &key_raw, &host, SENT);
  make_reply(req, 1);
  req[2] ^= 0xff;
  len = ip4(pkt, &host, &me, req, sizeof(req));
  EXPECT(ap_icmp_parse(pkt, len, 1, &host, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_CHECKSUM);
  /* An echo request (ours, looped back) is not a reply. */
  ap_icmp_build(req, &key_raw, &host, SENT);
  len = ip4(pkt, &host, &me, req, sizeof(req));
  EXPECT(ap_icmp_parse(pkt, len, 1, &host, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_UNUSED);
}

static void test_reply_dgram_and_v6(void) {
  struct ap_icmp_key dgram = key_raw;
  uint8_t req[AP_ICMP_ECHOLEN];
  struct ap_addr h4, h6;
  struct ap_icmp_msg m;

  dgram.check_ident = 0;
  addr("192.0.2.7", &h4);
  addr("2001:db8::7", &h6);
  /* Datagram sockets: no IP header, and the kernel's identifier. */
  ap_icmp_build(req, &dgram, &h4, SENT);
  req[4] = 0x12;
  make_reply(req, 1);
  EXPECT(ap_icmp_parse(req, sizeof(req), 0, &h4, &dgram, NOW, &m) ==
         AP_ICMP_REPLY);
  EXPECT(ap_icmp_parse(req, sizeof(req), 0, &h4, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  ap_icmp_build(req, &key_raw, &h6, SENT);
  EXPECT(req[0] == 128);
  make_reply(req, 0);
  EXPECT(ap_icmp_parse(req, sizeof(req), 0, &h6, &key_raw, NOW, &m) ==
         AP_ICMP_REPLY);
  EXPECT(ap_addr_cmp(&m.target, &h6) == 0);
  EXPECT(ap_icmp_parse(req, sizeof(req), 0, &h4, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
}

static void test_errors(void) {
  uint8_t req[AP_ICMP_ECHOLEN], inner[128], icmp[160], pkt[200];
  struct ap_addr host, me, router;
  struct ap_icmp_msg m;
  size_t ilen, len;
  uint16_t sum;

  addr("192.0.2.7", &host);
  addr("192.0.2.1", &me);
  addr("198.51.100.1", &router);
  ap_icmp_build(req, &key_raw, &host, SENT);
  ilen = ip4(inner, &me, &host, req, sizeof(req));
  memset(icmp, 0, 8);
  icmp[0] = 3; /* destination unreachable */
  icmp[1] = 1; /* host unreachable */
  memcpy(icmp + 8, inner, ilen);
  sum = ap_icmp_checksum(icmp, 8 + ilen);
  icmp[2] = (uint8_t) (sum >> 8);
  icmp[3] = (uint8_t) sum;
  len = ip4(pkt, &router, &me, icmp, 8 + ilen);
  EXPECT(ap_icmp_parse(pkt, len, 1, &router, &key_raw, NOW, &m) ==
         AP_ICMP_ERROR);
  EXPECT(ap_addr_cmp(&m.target, &host) == 0);
  EXPECT(ap_addr_cmp(&m.from, &router) == 0);
  EXPECT(strcmp(ap_icmp_reason(1, m.type, m.code), "host unreachable") == 0);
  /* Quoting only 8 bytes of the request: the MAC cannot be checked, so the
   * error is not believed. */
  len = ip4(pkt, &router, &me, icmp, 8 + 20 + 8);
  pkt[22] = pkt[23] = 0;
  sum = ap_icmp_checksum(pkt + 20, 8 + 20 + 8);
  pkt[22] = (uint8_t) (sum >> 8);
  pkt[23] = (uint8_t) sum;
  EXPECT(ap_icmp_parse(pkt, len, 1, &router, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_TRUNCATED);
  /* An error about other traffic (UDP). */
  ip4(pkt, &router, &me, icmp, 8 + ilen);
  pkt[20 + 8 + 9] = 17;
  pkt[22] = pkt[23] = 0;
  sum = ap_icmp_checksum(pkt + 20, 8 + ilen);
  pkt[22] = (uint8_t) (sum >> 8);
  pkt[23] = (uint8_t) sum;
  EXPECT(ap_icmp_parse(pkt, 20 + 8 + ilen, 1, &router, &key_raw, NOW, &m) ==
         AP_ICMP_IGNORE);
  EXPECT(m.why == AP_ICMP_FOREIGN);
  /* The request we sent, quoted back to a datagram socket. */
  EXPECT(ap_icmp_ours(req, sizeof(req), &key_raw, &host, NOW, &m.sent_ns) ==
         AP_ICMP_OK);
  EXPECT(ap_icmp_ours(req, sizeof(req), &key_raw, &router, NOW,
                      &m.sent_ns) == AP_ICMP_BADMAC);
}

int main(void) {
  RUN(test_siphash_vector);
  RUN(test_checksum);
  RUN(test_reply_v4_raw);
  RUN(test_forgeries);
  RUN(test_reply_dgram_and_v6);
  RUN(test_errors);
  return tap_done();
}
