/* test-pingout.c - reading ping(8) output: real iputils and BusyBox
 * samples (captured in the lab), loss, duplicates, errors, output cut
 * short, and garbage. */
#include <stdint.h>
#include <string.h>

#include "pingout.h"
#include "tap.h"

/* iputils 20221126, ping -n -c 1 -W 1 -w 1 198.18.1.5 */
static const char ipu_up[] =
    "PING 198.18.1.5 (198.18.1.5) 56(84) bytes of data.\n"
    "64 bytes from 198.18.1.5: icmp_seq=1 ttl=64 time=0.053 ms\n"
    "\n"
    "--- 198.18.1.5 ping statistics ---\n"
    "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"
    "rtt min/avg/max/mdev = 0.053/0.053/0.053/0.000 ms\n";

/* iputils, -c 3 */
static const char ipu_up3[] =
    "PING 198.18.1.5 (198.18.1.5) 56(84) bytes of data.\n"
    "64 bytes from 198.18.1.5: icmp_seq=1 ttl=64 time=0.033 ms\n"
    "64 bytes from 198.18.1.5: icmp_seq=2 ttl=64 time=0.055 ms\n"
    "64 bytes from 198.18.1.5: icmp_seq=3 ttl=64 time=0.048 ms\n"
    "\n"
    "--- 198.18.1.5 ping statistics ---\n"
    "3 packets transmitted, 3 received, 0% packet loss, time 2035ms\n"
    "rtt min/avg/max/mdev = 0.033/0.045/0.055/0.009 ms\n";

/* iputils, a silent host */
static const char ipu_silent[] =
    "PING 198.18.2.7 (198.18.2.7) 56(84) bytes of data.\n"
    "\n"
    "--- 198.18.2.7 ping statistics ---\n"
    "1 packets transmitted, 0 received, 100% packet loss, time 0ms\n"
    "\n";

/* iputils, an ICMP error from a router */
static const char ipu_unreach[] =
    "PING 198.18.4.9 (198.18.4.9) 56(84) bytes of data.\n"
    "From 198.18.0.2 icmp_seq=1 Destination Host Unreachable\n"
    "\n"
    "--- 198.18.4.9 ping statistics ---\n"
    "1 packets transmitted, 0 received, +1 errors, 100% packet loss, "
    "time 0ms\n"
    "\n";

/* iputils, IPv6 error */
static const char ipu_v6unreach[] =
    "PING 2001:db8:4::9(2001:db8:4::9) 56 data bytes\n"
    "From 2001:db8::2 icmp_seq=1 Destination unreachable: No route\n"
    "\n"
    "--- 2001:db8:4::9 ping statistics ---\n"
    "1 packets transmitted, 0 received, +1 errors, 100% packet loss, "
    "time 0ms\n"
    "\n";

/* iputils, every other request lost, -c 4 -w 4 (exits 1) */
static const char ipu_lossy[] =
    "PING 198.18.3.3 (198.18.3.3) 56(84) bytes of data.\n"
    "64 bytes from 198.18.3.3: icmp_seq=2 ttl=64 time=0.923 ms\n"
    "64 bytes from 198.18.3.3: icmp_seq=4 ttl=64 time=0.291 ms\n"
    "\n"
    "--- 198.18.3.3 ping statistics ---\n"
    "4 packets transmitted, 2 received, 50% packet loss, time 3041ms\n"
    "rtt min/avg/max/mdev = 0.291/0.607/0.923/0.316 ms\n";

/* iputils, every reply sent twice */
static const char ipu_dup[] =
    "PING 198.18.3.4 (198.18.3.4) 56(84) bytes of data.\n"
    "64 bytes from 198.18.3.4: icmp_seq=1 ttl=64 time=0.334 ms\n"
    "64 bytes from 198.18.3.4: icmp_seq=1 ttl=64 time=0.371 ms (DUP!)\n"
    "64 bytes from 198.18.3.4: icmp_seq=2 ttl=64 time=0.243 ms\n"
    "\n"
    "--- 198.18.3.4 ping statistics ---\n"
    "2 packets transmitted, 2 received, +1 duplicates, 0% packet loss, "
    "time 1005ms\n"
    "rtt min/avg/max/mdev = 0.243/0.316/0.371/0.053 ms\n";

/* iputils, IPv6 */
static const char ipu_v6[] =
    "PING 2001:db8:1::5(2001:db8:1::5) 56 data bytes\n"
    "64 bytes from 2001:db8:1::5: icmp_seq=1 ttl=64 time=0.062 ms\n"
    "64 bytes from 2001:db8:1::5: icmp_seq=2 ttl=64 time=0.063 ms\n"
    "\n"
    "--- 2001:db8:1::5 ping statistics ---\n"
    "2 packets transmitted, 2 received, 0% packet loss, time 1013ms\n"
    "rtt min/avg/max/mdev = 0.062/0.062/0.063/0.000 ms\n";

/* BusyBox 1.35.0, ping -c 2 -W 1 -w 2 198.18.1.5 */
static const char bb_up[] =
    "PING 198.18.1.5 (198.18.1.5): 56 data bytes\n"
    "64 bytes from 198.18.1.5: seq=0 ttl=64 time=0.049 ms\n"
    "64 bytes from 198.18.1.5: seq=1 ttl=64 time=0.080 ms\n"
    "\n"
    "--- 198.18.1.5 ping statistics ---\n"
    "2 packets transmitted, 2 packets received, 0% packet loss\n"
    "round-trip min/avg/max = 0.049/0.064/0.080 ms\n";

/* BusyBox, a silent host */
static const char bb_silent[] =
    "PING 198.18.2.7 (198.18.2.7): 56 data bytes\n"
    "\n"
    "--- 198.18.2.7 ping statistics ---\n"
    "1 packets transmitted, 0 packets received, 100% packet loss\n";

/* BusyBox, lossy, -c 4 -w 4 (exits 1) */
static const char bb_lossy[] =
    "PING 198.18.3.3 (198.18.3.3): 56 data bytes\n"
    "64 bytes from 198.18.3.3: seq=1 ttl=64 time=0.298 ms\n"
    "64 bytes from 198.18.3.3: seq=3 ttl=64 time=0.307 ms\n"
    "\n"
    "--- 198.18.3.3 ping statistics ---\n"
    "4 packets transmitted, 2 packets received, 50% packet loss\n"
    "round-trip min/avg/max = 0.298/0.302/0.307 ms\n";

/* BusyBox, duplicates */
static const char bb_dup[] =
    "PING 198.18.3.4 (198.18.3.4): 56 data bytes\n"
    "64 bytes from 198.18.3.4: seq=0 ttl=64 time=0.242 ms\n"
    "64 bytes from 198.18.3.4: seq=0 ttl=64 time=0.281 ms (DUP!)\n"
    "64 bytes from 198.18.3.4: seq=1 ttl=64 time=0.278 ms\n"
    "\n"
    "--- 198.18.3.4 ping statistics ---\n"
    "2 packets transmitted, 2 packets received, 1 duplicates, "
    "0% packet loss\n"
    "round-trip min/avg/max = 0.242/0.267/0.281 ms\n";

static void parse(struct ap_pingout *p, const char *text) {
  ap_pingout_init(p);
  ap_pingout_feed(p, text, strlen(text));
  ap_pingout_end(p);
}

static void test_iputils_one_reply(void) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;

  parse(&p, ipu_up);
  EXPECT(p.summary && p.sent == 1 && p.received == 1);
  EXPECT(p.rtt && p.min_ns == 53000 && p.max_ns == 53000);
  EXPECT(p.replies == 1 && p.first_ns == 53000);
  EXPECT(ap_pingout_reason(&p) == NULL);
  ap_pingout_stats(&p, 1, &st, &first);
  EXPECT(st.sent == 1 && st.received == 1);
  EXPECT(st.rtt_min_ns == 53000 && st.rtt_sum_ns == 53000 && first == 53000);
}

static void test_iputils_three(void) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;

  parse(&p, ipu_up3);
  ap_pingout_stats(&p, 3, &st, &first);
  EXPECT(st.sent == 3 && st.received == 3);
  EXPECT(st.rtt_min_ns == 33000 && st.rtt_max_ns == 55000);
  EXPECT(st.rtt_sum_ns == 3 * 45000);
  EXPECT(first == 33000);
  EXPECT(p.replies == 3 && p.line_sum_ns == 33000 + 55000 + 48000);
}

static void test_silent(void) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;

  parse(&p, ipu_silent);
  ap_pingout_stats(&p, 1, &st, &first);
  EXPECT(p.summary && st.sent == 1 && st.received == 0);
  EXPECT(!p.rtt && first == 0 && st.rtt_sum_ns == 0 && !p.error);
  parse(&p, bb_silent);
  ap_pingout_stats(&p, 1, &st, &first);
  EXPECT(p.summary && st.sent == 1 && st.received == 0 && first == 0);
}

static void test_icmp_errors(void) {
  struct ap_pingout p;

  parse(&p, ipu_unreach);
  EXPECT(p.error && strcmp(p.error_from, "198.18.0.2") == 0);
  EXPECT(strcmp(p.error_text, "Destination Host Unreachable") == 0);
  EXPECT(strcmp(ap_pingout_reason(&p), "host unreachable") == 0);
  EXPECT(p.summary && p.errors == 1 && p.received == 0);
  parse(&p, ipu_v6unreach);
  EXPECT(strcmp(p.error_from, "2001:db8::2") == 0);
  EXPECT(strcmp(ap_pingout_reason(&p), "no route") == 0);
  /* A text aping has no words for is kept, made printable. */
  parse(&p, "From 192.0.2.1 icmp_seq=3 Frag needed and DF set (mtu = 1400)\n"
            "From 192.0.2.9 icmp_seq=4 Destination Net Unreachable\n");
  EXPECT(strcmp(ap_pingout_reason(&p),
                "Frag needed and DF set (mtu = 1400)") == 0);
  EXPECT(strcmp(p.error_from, "192.0.2.1") == 0);
  parse(&p, "From 192.0.2.1 icmp_seq=3 \x1b[31mevil\x07\n");
  EXPECT(strcmp(ap_pingout_reason(&p), "?[31mevil?") == 0);
  parse(&p, "From 192.0.2.1 icmp_seq=3\nFrom \n");
  EXPECT(!p.error && ap_pingout_reason(&p) == NULL);
}

static void test_loss(void) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;

  parse(&p, ipu_lossy);
  ap_pingout_stats(&p, 4, &st, &first);
  EXPECT(st.sent == 4 && st.received == 2);
  EXPECT(st.rtt_min_ns == 291000 && st.rtt_max_ns == 923000);
  EXPECT(st.rtt_sum_ns == 2 * 607000 && first == 923000);
  parse(&p, bb_lossy);
  ap_pingout_stats(&p, 4, &st, &first);
  EXPECT(st.sent == 4 && st.received == 2 && first == 298000);
  EXPECT(st.rtt_sum_ns == 2 * 302000);
}

static void test_duplicates(void) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;

  parse(&p, ipu_dup);
  EXPECT(p.dups == 1 && p.replies == 2 && p.received == 2);
  EXPECT(p.line_max_ns == 334000); /* the DUP! line is not a reply */
  ap_pingout_stats(&p, 2, &st, &first);
  EXPECT(st.received == 2 && st.rtt_max_ns == 371000 && first == 334000);
  parse(&p, bb_dup);
  EXPECT(p.dups == 1 && p.replies == 2 && p.received == 2);
  EXPECT(p.first_ns == 242000);
}

static void test_busybox(void) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;

  parse(&p, bb_up);
  ap_pingout_stats(&p, 2, &st, &first);
  EXPECT(p.summary && p.rtt && st.sent == 2 && st.received == 2);
  EXPECT(st.rtt_min_ns == 49000 && st.rtt_max_ns == 80000);
  EXPECT(st.rtt_sum_ns == 2 * 64000 && first == 49000);
}

static void test_ipv6(void) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;

  parse(&p, ipu_v6);
  ap_pingout_stats(&p, 2, &st, &first);
  EXPECT(st.received == 2 && first == 62000 && st.rtt_max_ns == 63000);
}

/* The same text in pieces of every size parses the same. */
static void test_any_split(void) {
  struct ap_pingout whole, p;
  size_t step, i, n = strlen(ipu_dup);

  parse(&whole, ipu_dup);
  for (step = 1; step < 70; step++) {
    ap_pingout_init(&p);
    for (i = 0; i < n; i += step)
      ap_pingout_feed(&p, ipu_dup + i, n - i < step ? n - i : step);
    ap_pingout_end(&p);
    EXPECT(memcmp(&p, &whole, sizeof(p)) == 0);
  }
}

/* Output cut short: no statistics line.  The reply lines count, up to the
 * number of requests asked for; a reply line cut in half does not. */
static void test_truncated(void) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;
  size_t cut = strstr(ipu_up3, "icmp_seq=3") - ipu_up3 + 20;

  ap_pingout_init(&p);
  ap_pingout_feed(&p, ipu_up3, cut);
  ap_pingout_end(&p);
  ap_pingout_stats(&p, 3, &st, &first);
  EXPECT(!p.summary && !p.rtt && p.replies == 2);
  EXPECT(st.sent == 3 && st.received == 2);
  EXPECT(st.rtt_min_ns == 33000 && st.rtt_max_ns == 55000);
  EXPECT(st.rtt_sum_ns == 2 * 44000 && first == 33000);
  /* More reply lines than requests (a lie, or duplicates unmarked). */
  parse(&p, "64 bytes from 192.0.2.4: time=1 ms\n64 bytes from 192.0.2.4: "
            "time=3 ms\n64 bytes from 192.0.2.4: time=2ms\n");
  ap_pingout_stats(&p, 1, &st, &first);
  EXPECT(p.replies == 3 && st.received == 1 && first == 1000000);
  EXPECT(st.rtt_sum_ns == 2000000 && st.rtt_max_ns == 3000000);
  /* The last line without its newline still counts, once ended. */
  parse(&p, "1 packets transmitted, 1 received");
  EXPECT(p.summary && p.received == 1);
  ap_pingout_init(&p);
  ap_pingout_feed(&p, "1 packets transmitted, 1 received", 33);
  EXPECT(!p.summary);
}

static void test_lies(void) {
  struct ap_pingout p;

  parse(&p, "1 packets transmitted, 2 received, 0% packet loss\n");
  EXPECT(!p.summary);
  parse(&p, "1234567890 packets transmitted, 1 received\n");
  EXPECT(!p.summary);
  parse(&p, "rtt min/avg/max/mdev = 0.5/0.4/0.6/0.1 ms\n");
  EXPECT(!p.rtt);
  parse(&p, "rtt min/avg/max/mdev = 0.5/0.6/0.55/0.1 ms\n");
  EXPECT(!p.rtt);
  parse(&p, "rtt min/avg/max/mdev = 0.1/0.2/0.3/x ms\n");
  EXPECT(!p.rtt);
  parse(&p, "rtt min/avg/max/mdev = 0.1/0.2/.3/0.1 ms\n");
  EXPECT(!p.rtt);
  parse(&p, "rtt min/avg/max = 0.1/0.2/0.3 s\n");
  EXPECT(!p.rtt);
  parse(&p, "round-trip min/avg/max = 99999999/99999999/99999999 ms\n");
  EXPECT(!p.rtt);
  parse(&p, "64 bytes from 192.0.2.4: icmp_seq=1 time=-1 ms\n"
            "64 bytes from 192.0.2.4: icmp_seq=1 time=1. ms\n"
            "64 bytes from 192.0.2.4: icmp_seq=1 time=1.5 s\n"
            "64 bytes from 192.0.2.4: icmp_seq=1 time=\n"
            "bytes from 192.0.2.4: icmp_seq=1 time=1 ms\n");
  EXPECT(p.replies == 0);
  parse(&p, "64 bytes from 192.0.2.4: icmp_seq=1 time=1.1234567891 ms\n");
  EXPECT(p.replies == 1 && p.first_ns == 1123456);
}

/* Sums that do not fit saturate instead of wrapping. */
static void test_huge(void) {
  struct ap_pingout p;
  struct ap_stats st;
  uint64_t first;

  parse(&p, "999999999 packets transmitted, 999999999 received\n"
            "rtt min/avg/max/mdev = 9999999/9999999/9999999/0 ms\n");
  ap_pingout_stats(&p, 1, &st, &first);
  EXPECT(p.summary && p.rtt && st.rtt_sum_ns == UINT64_MAX);
  EXPECT(st.rtt_max_ns == 9999999ULL * 1000000);
}

/* Binary junk, NULs, CRLF and over-long lines: nothing is read from them,
 * and the lines after them still are. */
static void test_garbage(void) {
  struct ap_pingout p;
  char junk[1000];
  size_t i;

  for (i = 0; i < sizeof(junk); i++)
    junk[i] = (char) (i * 131 + 7);
  ap_pingout_init(&p);
  ap_pingout_feed(&p, junk, sizeof(junk));
  ap_pingout_feed(&p, "\n", 1);
  memset(junk, '1', sizeof(junk));
  ap_pingout_feed(&p, junk, sizeof(junk));
  ap_pingout_feed(&p, " packets transmitted, 1 received\n", 33);
  EXPECT(!p.summary && p.replies == 0);
  ap_pingout_feed(&p, "64 bytes from 192.0.2.4: time=0.5 ms\r\n",
                  strlen("64 bytes from 192.0.2.4: time=0.5 ms\r\n"));
  ap_pingout_feed(&p, "1 packets transmitted, 1 received\0 x\n", 37);
  ap_pingout_feed(&p, "rtt min/avg/max/mdev = 0.5/0.5/0.5/0 ms\r\n", 41);
  ap_pingout_end(&p);
  EXPECT(p.replies == 1 && p.first_ns == 500000);
  EXPECT(p.summary && p.received == 1 && p.rtt && p.avg_ns == 500000);
}

static void test_clean(void) {
  char buf[8];

  ap_pingout_clean(buf, sizeof(buf), "a\tb\x80" "cdefgh", 9);
  EXPECT(strcmp(buf, "a?b?cde") == 0);
  ap_pingout_clean(buf, sizeof(buf), "ab\ncd", 5);
  EXPECT(strcmp(buf, "ab") == 0);
  ap_pingout_clean(buf, sizeof(buf), "abc", 2);
  EXPECT(strcmp(buf, "ab") == 0);
}

/* The TTL of the last reply line that gives one; none from a line whose
 * ttl= is not a TTL, none from a duplicate. */
static void test_ttl(void) {
  struct ap_pingout p;

  ap_pingout_init(&p);
  ap_pingout_feed(&p, ipu_up, strlen(ipu_up));
  EXPECT(p.have_ttl && p.ttl == 64);
  ap_pingout_init(&p);
  ap_pingout_feed(&p, "64 bytes from 198.18.8.5: icmp_seq=1 ttl=63 "
                      "time=0.1 ms\n64 bytes from 198.18.8.5: icmp_seq=2 "
                      "ttl=62 time=0.1 ms\n", 112);
  EXPECT(p.have_ttl && p.ttl == 62);
  ap_pingout_init(&p);
  ap_pingout_feed(&p, "64 bytes from 198.18.8.5: seq=1 ttl=256 time=0.1 "
                      "ms\n64 bytes from 198.18.8.5: seq=1 ttl=64x "
                      "time=0.1 ms\n64 bytes from 198.18.8.5: seq=1 "
                      "ttl=7 time=0.1 ms (DUP!)\n", 161);
  EXPECT(!p.have_ttl && p.replies == 2);
  ap_pingout_init(&p);
  ap_pingout_feed(&p, ipu_silent, strlen(ipu_silent));
  EXPECT(!p.have_ttl);
}

int main(void) {
  RUN(test_iputils_one_reply);
  RUN(test_iputils_three);
  RUN(test_silent);
  RUN(test_icmp_errors);
  RUN(test_loss);
  RUN(test_duplicates);
  RUN(test_busybox);
  RUN(test_ipv6);
  RUN(test_any_split);
  RUN(test_truncated);
  RUN(test_lies);
  RUN(test_huge);
  RUN(test_garbage);
  RUN(test_clean);
  RUN(test_ttl);
  return tap_done();
}
