/* test-idfilter.c - the identifier filter of --threads, run by the kernel
 * itself: attached to the receiving end of a datagram socket pair, it
 * must pass exactly the packets a raw socket of that loop should see. */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "idfilter.h"
#include "tap.h"

#define ID 0xbeef

/* Whether a packet of len bytes sent through a pair whose receiver
 * filters for ID on family comes out. */
static int passes(int family, const uint8_t *pkt, size_t len) {
  uint8_t buf[512];
  int sv[2], got;

  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
    return -1;
  if (ap_idfilter_attach(sv[1], family, ID) != 0 ||
      send(sv[0], pkt, len, 0) != (ssize_t) len) {
    got = -1;
  } else {
    got = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == (ssize_t) len;
  }
  close(sv[0]);
  close(sv[1]);
  return got;
}

/* An IPv4 packet: header of ihl words, then ICMP type, ident at +4. */
static size_t v4(uint8_t *p, unsigned ihl, uint8_t type, uint16_t id) {
  memset(p, 0, 128);
  p[0] = (uint8_t) (0x40 | ihl);
  p[ihl * 4] = type;
  p[ihl * 4 + 4] = (uint8_t) (id >> 8);
  p[ihl * 4 + 5] = (uint8_t) id;
  return ihl * 4 + 8 + 56;
}

/* An IPv4 error of type quoting (after an inner header of qihl words) a
 * request with identifier id. */
static size_t v4err(uint8_t *p, unsigned ihl, uint8_t type, unsigned qihl,
                    uint16_t id) {
  uint8_t *q;

  memset(p, 0, 128);
  p[0] = (uint8_t) (0x40 | ihl);
  p[ihl * 4] = type;
  q = p + ihl * 4 + 8;
  q[0] = (uint8_t) (0x40 | qihl);
  q[qihl * 4] = 8;
  q[qihl * 4 + 4] = (uint8_t) (id >> 8);
  q[qihl * 4 + 5] = (uint8_t) id;
  return ihl * 4 + 8 + qihl * 4 + 8;
}

static void test_ipv4(void) {
  uint8_t p[128];
  size_t n;

  EXPECT(passes(AF_INET, p, v4(p, 5, 0, ID)) == 1);
  EXPECT(passes(AF_INET, p, v4(p, 6, 0, ID)) == 1); /* IP options */
  EXPECT(passes(AF_INET, p, v4(p, 5, 0, ID + 1)) == 0);
  EXPECT(passes(AF_INET, p, v4(p, 5, 8, ID)) == 0); /* a request */
  EXPECT(passes(AF_INET, p, v4(p, 5, 5, ID)) == 0); /* a redirect */
  EXPECT(passes(AF_INET, p, v4err(p, 5, 3, 5, ID)) == 1);
  EXPECT(passes(AF_INET, p, v4err(p, 5, 11, 5, ID)) == 1);
  EXPECT(passes(AF_INET, p, v4err(p, 6, 3, 7, ID)) == 1);
  EXPECT(passes(AF_INET, p, v4err(p, 5, 3, 5, ID ^ 0x100)) == 0);
  EXPECT(passes(AF_INET, p, v4err(p, 5, 11, 5, 0)) == 0);
  n = v4err(p, 5, 3, 5, ID);
  EXPECT(passes(AF_INET, p, n - 4) == 0); /* quote cut before the id */
  EXPECT(passes(AF_INET, p, 1) == 0);
}

static void test_ipv6(void) {
  uint8_t p[128];

  memset(p, 0, sizeof(p));
  p[0] = 129;
  p[4] = ID >> 8;
  p[5] = ID & 0xff;
  EXPECT(passes(AF_INET6, p, 64) == 1);
  p[5] ^= 1;
  EXPECT(passes(AF_INET6, p, 64) == 0);
  p[5] ^= 1;
  p[0] = 128; /* a request */
  EXPECT(passes(AF_INET6, p, 64) == 0);
  memset(p, 0, sizeof(p));
  p[0] = 1; /* destination unreachable, quoting our request */
  p[8] = 0x60;
  p[48] = 128;
  p[52] = ID >> 8;
  p[53] = ID & 0xff;
  EXPECT(passes(AF_INET6, p, 64) == 1);
  p[0] = 3; /* time exceeded */
  EXPECT(passes(AF_INET6, p, 64) == 1);
  p[0] = 2; /* packet too big: not one we explain */
  EXPECT(passes(AF_INET6, p, 64) == 0);
  p[0] = 1;
  p[53] ^= 1;
  EXPECT(passes(AF_INET6, p, 64) == 0);
  p[53] ^= 1;
  EXPECT(passes(AF_INET6, p, 50) == 0); /* cut short */
}

int main(void) {
  RUN(test_ipv4);
  RUN(test_ipv6);
  return tap_done();
}
