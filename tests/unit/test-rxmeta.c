/* test-rxmeta.c - kernel receive stamps carried over to the monotonic
 * clock, never making a round trip negative or huge; the TTL and the
 * stamp read from control messages. */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "rxmeta.h"
#include "tap.h"

#define S 1000000000ULL

/* The clocks of a batch read at monotonic 50 s, wall clock 1765106136 s. */
static const struct ap_clocks clk = { .mono_ns = 50 * S,
                                      .real_ns = 1765106136 * S };

static void test_arrival(void) {
  struct ap_rxmeta m = { .have_stamp = 1, .ttl = -1 };
  uint64_t at;

  /* Stamped 30 us before the batch was read: the reply arrived then. */
  m.stamp_ns = clk.real_ns - 30000;
  EXPECT(ap_rxmeta_arrival(&clk, &m, 50 * S - 100000, &at) == 1);
  EXPECT(at == 50 * S - 30000);
  /* A stamp on the send time itself is still in range (a round trip 0). */
  EXPECT(ap_rxmeta_arrival(&clk, &m, 50 * S - 30000, &at) == 1);
  EXPECT(at == 50 * S - 30000);
}

static void test_fallbacks(void) {
  struct ap_rxmeta m = { .have_stamp = 0, .ttl = -1 };
  uint64_t at = 0;

  /* No stamp: the batch's read time. */
  EXPECT(ap_rxmeta_arrival(&clk, &m, 49 * S, &at) == 0 && at == 50 * S);
  /* Before the probe was sent (the wall clock was stepped forward between
   * the arrival and the read): never a negative round trip. */
  m.have_stamp = 1;
  m.stamp_ns = clk.real_ns - 2 * S;
  EXPECT(ap_rxmeta_arrival(&clk, &m, 49 * S, &at) == 0 && at == 50 * S);
  /* After the read (stepped back): never later than the read. */
  m.stamp_ns = clk.real_ns + 5;
  EXPECT(ap_rxmeta_arrival(&clk, &m, 49 * S, &at) == 0 && at == 50 * S);
  /* Older than the monotonic clock itself (a huge step): the read time. */
  m.stamp_ns = 1;
  EXPECT(ap_rxmeta_arrival(&clk, &m, 0, &at) == 0 && at == 50 * S);
}

/* A control buffer holding a timestamp and a TTL, as the kernel writes
 * them. */
static void test_parse(void) {
  union {
    struct cmsghdr align;
    uint8_t b[AP_RXMETA_CTLLEN];
  } ctl;
  struct msghdr h;
  struct cmsghdr *c;
  struct timespec ts = { .tv_sec = 1765106136, .tv_nsec = 123456789 };
  struct ap_rxmeta m;
  int ttl = 61;

  memset(&ctl, 0, sizeof(ctl));
  memset(&h, 0, sizeof(h));
  h.msg_control = ctl.b;
  h.msg_controllen = CMSG_SPACE(sizeof(ts)) + CMSG_SPACE(sizeof(ttl));
  c = CMSG_FIRSTHDR(&h);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_TIMESTAMPNS;
  c->cmsg_len = CMSG_LEN(sizeof(ts));
  memcpy(CMSG_DATA(c), &ts, sizeof(ts));
  c = CMSG_NXTHDR(&h, c);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_HOPLIMIT;
  c->cmsg_len = CMSG_LEN(sizeof(ttl));
  memcpy(CMSG_DATA(c), &ttl, sizeof(ttl));
  ap_rxmeta_parse(&h, &m);
  EXPECT(m.have_stamp && m.stamp_ns == 1765106136 * S + 123456789);
  EXPECT(m.ttl == 61);
  /* A TTL out of range and a malformed stamp are ignored. */
  ttl = 300;
  memcpy(CMSG_DATA(c), &ttl, sizeof(ttl));
  c = CMSG_FIRSTHDR(&h);
  ts.tv_nsec = 1000000000L;
  memcpy(CMSG_DATA(c), &ts, sizeof(ts));
  ap_rxmeta_parse(&h, &m);
  EXPECT(!m.have_stamp && m.ttl == -1);
  /* No control messages at all. */
  h.msg_controllen = 0;
  ap_rxmeta_parse(&h, &m);
  EXPECT(!m.have_stamp && m.ttl == -1);
}

int main(void) {
  RUN(test_arrival);
  RUN(test_fallbacks);
  RUN(test_parse);
  return tap_done();
}
