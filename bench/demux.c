/* bench/demux.c - how should the loops of --threads get their replies?
 * Every raw ICMP socket gets a copy of every ICMP packet, so with one
 * socket per loop each reply is copied to every loop unless something
 * sorts them.  Four ways, measured on the same sweep:
 *
 *   filter  each thread its own socket with aping's kernel filter on its
 *           echo identifier (src/idfilter.c): a reply is copied once;
 *   copy    each thread its own socket, no filter: every reply is copied
 *           to every socket, and a thread drops the others' by identifier;
 *   single  one socket read by thread 0, which hands the other threads'
 *           replies over through a ring each (one producer, one consumer,
 *           C11 atomics: the cheapest hand-off there is); the other
 *           threads send through sockets whose filter drops everything;
 *   dgram   each thread its own ICMP datagram socket, into which the
 *           kernel sorts replies by the identifier it chose for the
 *           socket: no copy, no filter (needs net.ipv4.ping_group_range).
 *
 * usage: demux MODE FIRST COUNT THREADS
 * Thread i sends one request to each address FIRST + i + k*THREADS (k =
 * 0, 1, ...) below FIRST + COUNT, in batches of 64, reading after each
 * batch, and ends when every one of its addresses answered or 500 ms
 * after its last send.  Prints replies, wall time, CPU time per probe.
 * It is only ever run inside the benchmark lab (ip netns exec), by
 * bench/bench-threads.sh.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "idfilter.h"

#define BATCH 64
#define MAXT 16
#define RING 65536 /* a power of two, more than any thread's replies */
#define IDENT(i) (0x4200 + (i))

enum { FILTER, COPY, SINGLE, DGRAM };

struct ring {
  _Alignas(64) _Atomic uint32_t head; /* written by the consumer */
  _Alignas(64) _Atomic uint32_t tail; /* written by the producer */
  uint32_t v[RING];
};

struct worker {
  pthread_t tid;
  unsigned id;
  int fd;
  uint32_t want;
  _Atomic uint32_t got; /* written by its thread alone */
  uint8_t *seen; /* by offset from first */
  struct ring ring;
};

static int mode;
static unsigned nthreads;
static uint32_t first, count;
static int shared_fd;
static struct worker w[MAXT];

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

static void count_reply(struct worker *me, uint32_t a) {
  a -= first;
  if (a < count && !me->seen[a]) {
    me->seen[a] = 1;
    atomic_store_explicit(&me->got, atomic_load_explicit(&me->got,
                          memory_order_relaxed) + 1, memory_order_relaxed);
  }
}

/* Reads what fd holds; a reply for another thread goes to its ring
 * (single) or is dropped (copy). */
static void drain(struct worker *me, int fd) {
  static __thread uint8_t buf[BATCH][256];
  struct mmsghdr m[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in from[BATCH];
  unsigned id;
  uint32_t t;
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
      /* A datagram socket gives the ICMP message alone, and only its own
       * (the kernel set the identifier). */
      size_t ihl = mode == DGRAM ? 0 : (size_t) (buf[i][0] & 15) * 4;
      if (m[i].msg_len < ihl + 8 || buf[i][ihl] != 0)
        continue;
      id = mode == DGRAM ? me->id
                         : (unsigned) (buf[i][ihl + 4] << 8 |
                                       buf[i][ihl + 5]) - IDENT(0);
      if (id >= nthreads)
        continue;
      if (id == me->id) {
        count_reply(me, ntohl(from[i].sin_addr.s_addr));
      } else if (mode == SINGLE) {
        t = atomic_load_explicit(&w[id].ring.tail, memory_order_relaxed);
        w[id].ring.v[t % RING] = ntohl(from[i].sin_addr.s_addr);
        atomic_store_explicit(&w[id].ring.tail, t + 1, memory_order_release);
      }
    }
  } while (n == BATCH);
}

/* What thread 0 handed over. */
static void take(struct worker *me) {
  uint32_t h = atomic_load_explicit(&me->ring.head, memory_order_relaxed);
  uint32_t t = atomic_load_explicit(&me->ring.tail, memory_order_acquire);

  for (; h != t; h++)
    count_reply(me, me->ring.v[h % RING]);
  atomic_store_explicit(&me->ring.head, h, memory_order_release);
}

static void receive(struct worker *me) {
  if (mode == SINGLE && me->id != 0)
    take(me);
  else
    drain(me, mode == SINGLE ? shared_fd : me->fd);
}

static void *run(void *arg) {
  struct worker *me = arg;
  struct mmsghdr m[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in to[BATCH];
  uint8_t pkt[BATCH][16];
  uint32_t next = me->id, n, i, j;
  uint64_t end;

  while (next < count) {
    for (n = 0; n < BATCH && next < count; n++, next += nthreads) {
      memset(pkt[n], 0, sizeof(pkt[n]));
      pkt[n][0] = 8;
      pkt[n][4] = (uint8_t) (IDENT(me->id) >> 8);
      pkt[n][5] = (uint8_t) IDENT(me->id);
      pkt[n][7] = (uint8_t) n;
      j = csum(pkt[n], sizeof(pkt[n]));
      pkt[n][2] = (uint8_t) (j >> 8);
      pkt[n][3] = (uint8_t) j;
      iov[n].iov_base = pkt[n];
      iov[n].iov_len = sizeof(pkt[n]);
      memset(&to[n], 0, sizeof(to[n]));
      to[n].sin_family = AF_INET;
      to[n].sin_addr.s_addr = htonl(first + next);
      memset(&m[n], 0, sizeof(m[n]));
      m[n].msg_hdr.msg_iov = &iov[n];
      m[n].msg_hdr.msg_iovlen = 1;
      m[n].msg_hdr.msg_name = &to[n];
      m[n].msg_hdr.msg_namelen = sizeof(to[n]);
    }
    for (i = 0; i < n;) {
      int r = sendmmsg(me->fd, m + i, n - i, 0);
      if (r > 0)
        i += (uint32_t) r;
      receive(me);
    }
  }
  end = now_ns() + 500000000u;
  /* Thread 0 of single reads for everyone until all are done. */
  for (;;) {
    int all = 1;
    for (i = 0; i < nthreads; i++)
      all &= atomic_load_explicit(&w[i].got, memory_order_relaxed) ==
             w[i].want;
    if ((mode == SINGLE && me->id == 0
             ? all
             : atomic_load_explicit(&me->got, memory_order_relaxed) ==
                   me->want) ||
        now_ns() > end)
      break;
    receive(me);
  }
  return NULL;
}

static int open_socket(unsigned i) {
  struct sock_filter none = { BPF_RET | BPF_K, 0, 0, 0 };
  struct sock_fprog drop = { 1, &none };
  int fd = socket(AF_INET, (mode == DGRAM ? SOCK_DGRAM : SOCK_RAW) |
                                SOCK_NONBLOCK, IPPROTO_ICMP);
  int sz = 8 << 20;

  if (fd < 0)
    return -1;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
  if (mode == FILTER && ap_idfilter_attach(fd, AF_INET, IDENT(i)) != 0)
    return -1;
  if (mode == SINGLE &&
      setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &drop, sizeof(drop)) != 0)
    return -1;
  return fd;
}

int main(int argc, char **argv) {
  struct rusage ru;
  struct in_addr a;
  uint64_t t0;
  uint32_t got = 0;
  double ms, cpu;
  unsigned i;

  if (argc != 5 || inet_pton(AF_INET, argv[2], &a) != 1)
    return fprintf(stderr, "usage: demux filter|copy|single|dgram FIRST "
                           "COUNT THREADS\n"), 2;
  mode = strcmp(argv[1], "filter") == 0   ? FILTER
         : strcmp(argv[1], "copy") == 0   ? COPY
         : strcmp(argv[1], "single") == 0 ? SINGLE
                                          : DGRAM;
  first = ntohl(a.s_addr);
  count = (uint32_t) strtoul(argv[3], NULL, 10);
  nthreads = (unsigned) strtoul(argv[4], NULL, 10);
  if (nthreads < 1 || nthreads > MAXT || count / nthreads >= RING)
    return fprintf(stderr, "demux: bad thread count\n"), 2;
  shared_fd = -1;
  if (mode == SINGLE) {
    mode = COPY; /* the reading socket: no filter */
    shared_fd = open_socket(0);
    mode = SINGLE;
  }
  for (i = 0; i < nthreads; i++) {
    w[i].id = i;
    w[i].want = (count - i + nthreads - 1) / nthreads;
    w[i].seen = calloc(count, 1);
    w[i].fd = open_socket(i);
    if (w[i].fd < 0 || w[i].seen == NULL || (mode == SINGLE && shared_fd < 0))
      return perror("demux"), 1;
  }
  t0 = now_ns();
  for (i = 0; i < nthreads; i++)
    pthread_create(&w[i].tid, NULL, run, &w[i]);
  for (i = 0; i < nthreads; i++) {
    pthread_join(w[i].tid, NULL);
    got += atomic_load(&w[i].got);
  }
  ms = (double) (now_ns() - t0) / 1e6;
  getrusage(RUSAGE_SELF, &ru);
  cpu = (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
        (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  printf("demux %s: %u of %u replied in %.1f ms: %.0f probes/s, "
         "%.2f us CPU per probe\n", argv[1], got, count, ms,
         count / ms * 1000, cpu / count);
  return 0;
}
