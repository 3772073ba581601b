/* bench/bareloop.c - the reference: how fast can this machine send ICMP
 * echo requests to an IPv4 block and read the replies, with nothing but a
 * raw socket, sendmmsg() and recvmmsg()?  No validation, no scheduling, no
 * output: the ceiling aping is measured against.
 *
 * usage: bareloop FIRST_ADDR COUNT [TIMEOUT_MS]
 * Sends one request to each of COUNT consecutive addresses, in batches of
 * 64, draining replies after each batch; stops when every address answered
 * or TIMEOUT_MS after the last send.  Prints replies, elapsed time and rate.
 * With BARELOOP_EPOLL=1 in the environment the socket is also added to an
 * epoll set that is never waited on: what that alone costs the kernel (a
 * callback for every reply queued) is what aping avoids by not watching
 * its socket while it sends flat out (docs/BENCHMARKS.md).
 * With BARELOOP_ATOMIC=1 the requests go as aping's do (IP_PMTUDISC_PROBE:
 * DF set, identification 0), which spares the kernel its shared
 * identification counter: the same loop with that one saving.
 * It is only ever run inside the benchmark lab (ip netns exec).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64

static uint64_t now_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint16_t csum(const uint8_t *p, size_t n) {
  uint32_t s = 0;
  size_t i;

  for (i = 0; i + 1 < n; i += 2)
    s += (uint32_t) (p[i] << 8 | p[i + 1]);
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t) ~s;
}

static uint8_t *seen;
static uint32_t first, count, got;

static void drain(int fd) {
  static uint8_t buf[BATCH][256];
  struct mmsghdr m[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in from[BATCH];
  int i, n;

  do {
    memset(m, 0, sizeof(m));
    for (i = 0; i < BATCH; i++) {
      iov[i].iov_base = buf[i];
      iov[i].iov_len = sizeof(buf[i]);
      m[i].msg_hdr.msg_iov = &iov[i];
      m[i].msg_hdr.msg_iovlen = 1;
      m[i].msg_hdr.msg_name = &from[i];
      m[i].msg_hdr.msg_namelen = sizeof(from[i]);
    }
    n = recvmmsg(fd, m, BATCH, MSG_DONTWAIT, NULL);
    for (i = 0; i < n; i++) {
      uint32_t a = ntohl(from[i].sin_addr.s_addr) - first;
      size_t ihl = (size_t) (buf[i][0] & 15) * 4;
      if (m[i].msg_len > ihl && buf[i][ihl] == 0 && a < count && !seen[a]) {
        seen[a] = 1;
        got++;
      }
    }
  } while (n == BATCH);
}

int main(int argc, char **argv) {
  struct mmsghdr m[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in to[BATCH];
  uint8_t pkt[BATCH][16];
  struct in_addr a;
  uint64_t t0, end;
  uint32_t sent = 0, i, n, j;
  int fd, sz = 8 << 20;
  double ms;

  if (argc < 3 || inet_pton(AF_INET, argv[1], &a) != 1)
    return fprintf(stderr, "usage: bareloop FIRST COUNT [TIMEOUT_MS]\n"), 2;
  first = ntohl(a.s_addr);
  count = (uint32_t) strtoul(argv[2], NULL, 10);
  ms = argc > 3 ? atof(argv[3]) : 500;
  seen = calloc(count, 1);
  fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
  if (fd < 0 || seen == NULL)
    return perror("bareloop"), 1;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
  if (getenv("BARELOOP_ATOMIC") != NULL) {
    int v = IP_PMTUDISC_PROBE;
    if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v)) != 0)
      return perror("bareloop: IP_MTU_DISCOVER"), 1;
  }
  if (getenv("BARELOOP_EPOLL") != NULL) {
    struct epoll_event ev = { EPOLLIN, { 0 } };
    int ep = epoll_create1(0);
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
      return perror("bareloop: epoll"), 1;
  }
  t0 = now_ns();
  while (sent < count) {
    n = count - sent < BATCH ? count - sent : BATCH;
    for (i = 0; i < n; i++) {
      memset(pkt[i], 0, sizeof(pkt[i]));
      pkt[i][0] = 8;
      pkt[i][4] = 0x42;
      pkt[i][7] = (uint8_t) i;
      j = csum(pkt[i], sizeof(pkt[i]));
      pkt[i][2] = (uint8_t) (j >> 8);
      pkt[i][3] = (uint8_t) j;
      iov[i].iov_base = pkt[i];
      iov[i].iov_len = sizeof(pkt[i]);
      memset(&to[i], 0, sizeof(to[i]));
      to[i].sin_family = AF_INET;
      to[i].sin_addr.s_addr = htonl(first + sent + i);
      memset(&m[i], 0, sizeof(m[i]));
      m[i].msg_hdr.msg_iov = &iov[i];
      m[i].msg_hdr.msg_iovlen = 1;
      m[i].msg_hdr.msg_name = &to[i];
      m[i].msg_hdr.msg_namelen = sizeof(to[i]);
    }
    j = 0;
    while (j < n) {
      int r = sendmmsg(fd, m + j, n - j, 0);
      if (r > 0)
        j += (uint32_t) r;
      drain(fd);
    }
    sent += n;
  }
  end = now_ns() + (uint64_t) (ms * 1e6);
  while (got < count && now_ns() < end)
    drain(fd);
  ms = (double) (now_ns() - t0) / 1e6;
  printf("bareloop: %u of %u replied in %.1f ms: %.0f probes/s\n", got, count,
         ms, count / ms * 1000);
  return 0;
}
