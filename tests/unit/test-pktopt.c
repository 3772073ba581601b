/* test-pktopt.c - the packet options' values and messages, and their
 * effect on sockets of the loopback (no packet is sent). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "pktopt.h"
#include "tap.h"

static void test_read(void) {
  struct ap_pkt_cfg c;
  char err[160];

  ap_pkt_defaults(&c);
  EXPECT(c.tos == -1 && c.ttl == 0 && c.size == 0 && !c.have_mark);
  EXPECT(ap_pkt_read_src(&c, "192.0.2.3", err, sizeof(err)) == 0);
  EXPECT(ap_pkt_read_src(&c, "2001:db8::3", err, sizeof(err)) == 0);
  EXPECT(c.have_src[0] && c.have_src[1]);
  EXPECT(ap_pkt_read_src(&c, "192.0.2.4", err, sizeof(err)) == -1);
  EXPECT(strstr(err, "IPv4 source address is given already") != NULL);
  EXPECT(ap_pkt_read_src(&c, "192.0.2.300", err, sizeof(err)) == -1);
  EXPECT(ap_pkt_read_src(&c, "fe80::1%eth0", err, sizeof(err)) == -1);
  EXPECT(ap_pkt_read_iface(&c, "eth0", err, sizeof(err)) == 0);
  EXPECT(ap_pkt_read_iface(&c, "a b", err, sizeof(err)) == -1);
  EXPECT(ap_pkt_read_iface(&c, "..", err, sizeof(err)) == -1);
  EXPECT(ap_pkt_read_iface(&c, "123456789012345", err, sizeof(err)) == 0);
  EXPECT(ap_pkt_read_iface(&c, "1234567890123456", err, sizeof(err)) == -1);
  EXPECT(ap_pkt_read_tos(&c, "0xB8", err, sizeof(err)) == 0 &&
         c.tos == 0xb8);
  EXPECT(ap_pkt_read_tos(&c, "255", err, sizeof(err)) == 0 && c.tos == 255);
  EXPECT(ap_pkt_read_tos(&c, "256", err, sizeof(err)) == -1);
  EXPECT(ap_pkt_read_tos(&c, "-1", err, sizeof(err)) == -1);
  EXPECT(ap_pkt_read_tos(&c, " 1", err, sizeof(err)) == -1);
  EXPECT(ap_pkt_read_mark(&c, "4294967295", err, sizeof(err)) == 0 &&
         c.mark == 4294967295u && c.have_mark);
  EXPECT(ap_pkt_read_mark(&c, "0x1g", err, sizeof(err)) == -1);
}

static void test_icmp_only(void) {
  struct ap_pkt_cfg c;
  const char *name;

  ap_pkt_defaults(&c);
  c.iface = "lo";
  c.have_src[0] = 1;
  EXPECT(!ap_pkt_icmp_only(&c, &name) && name == NULL);
  c.df = 1;
  EXPECT(ap_pkt_icmp_only(&c, &name) && strcmp(name, "--df") == 0);
  c.ttl = 3;
  EXPECT(ap_pkt_icmp_only(&c, &name) && strcmp(name, "--ttl") == 0);
}

/* Applied to UDP sockets of the loopback: what sticks reads back, what
 * cannot be had fails naming the option. */
static void test_apply(void) {
  struct ap_pkt_cfg c;
  char err[160];
  int fd, what, v;
  socklen_t len = sizeof(v);

  ap_pkt_defaults(&c);
  c.ttl = 7;
  c.tos = 0x20;
  c.df = 1;
  EXPECT(ap_pkt_read_src(&c, "127.0.0.1", err, sizeof(err)) == 0);
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT(ap_pkt_apply(fd, AF_INET, &c, 1, &what) == 0);
  EXPECT(getsockopt(fd, IPPROTO_IP, IP_TTL, &v, &len) == 0 && v == 7);
  EXPECT(getsockopt(fd, IPPROTO_IP, IP_TOS, &v, &len) == 0 && v == 0x20);
  EXPECT(getsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, &len) == 0 &&
         v == IP_PMTUDISC_DO);
  close(fd);
  /* Not an address of this host (TEST-NET-1 is nobody's). */
  ap_pkt_defaults(&c);
  EXPECT(ap_pkt_read_src(&c, "192.0.2.77", err, sizeof(err)) == 0);
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT(ap_pkt_apply(fd, AF_INET, &c, 0, &what) == UV_EADDRNOTAVAIL &&
         what == AP_PKT_SRC);
  close(fd);
  ap_pkt_error(&c, AP_PKT_SRC, AF_INET, UV_EADDRNOTAVAIL, err, sizeof(err));
  EXPECT(strcmp(err, "cannot use source address '192.0.2.77': not an "
                     "address of this host") == 0);
  EXPECT(ap_pkt_check(AF_INET, &c, &what) == UV_EADDRNOTAVAIL);
  /* No such interface. */
  ap_pkt_defaults(&c);
  c.iface = "aping-none0";
  EXPECT(ap_pkt_check(AF_INET, &c, &what) == UV_ENODEV &&
         what == AP_PKT_IFACE);
  ap_pkt_error(&c, AP_PKT_IFACE, AF_INET, UV_ENODEV, err, sizeof(err));
  EXPECT(strcmp(err, "cannot bind to interface 'aping-none0': no such "
                     "interface") == 0);
  c.have_mark = 1;
  c.mark = 7;
  ap_pkt_error(&c, AP_PKT_MARK, AF_INET, UV_EPERM, err, sizeof(err));
  EXPECT(strstr(err, "cannot set --fwmark 7: Operation not permitted (a "
                     "mark needs CAP_NET_ADMIN") == err);
}

int main(void) {
  RUN(test_read);
  RUN(test_icmp_only);
  RUN(test_apply);
  return tap_done();
}
