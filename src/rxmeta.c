/* rxmeta.c - see rxmeta.h. */
#include "rxmeta.h"

#include <netinet/in.h>
#include <string.h>
#include <time.h>
#include <uv.h>

void ap_clocks_read(struct ap_clocks *c) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  c->real_ns = (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
  c->mono_ns = uv_hrtime();
}

/* An int-sized control message's value, or -1 when it is not one. */
static int cmsg_int(const struct cmsghdr *c) {
  int v;

  if (c->cmsg_len < CMSG_LEN(sizeof(v)))
    return -1;
  memcpy(&v, CMSG_DATA(c), sizeof(v));
  return v;
}

void ap_rxmeta_parse(const struct msghdr *h, struct ap_rxmeta *m) {
  struct cmsghdr *c;
  struct timespec ts;
  int v;

  m->have_stamp = 0;
  m->stamp_ns = 0;
  m->ttl = -1;
  if (h->msg_control == NULL || h->msg_controllen < sizeof(struct cmsghdr))
    return;
  for (c = CMSG_FIRSTHDR(h); c != NULL;
       c = CMSG_NXTHDR((struct msghdr *) h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
        c->cmsg_len >= CMSG_LEN(sizeof(ts))) {
      memcpy(&ts, CMSG_DATA(c), sizeof(ts));
      if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
        continue;
      m->stamp_ns = (uint64_t) ts.tv_sec * 1000000000ULL +
                    (uint64_t) ts.tv_nsec;
      m->have_stamp = 1;
    } else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
               (c->cmsg_level == IPPROTO_IPV6 &&
                c->cmsg_type == IPV6_HOPLIMIT)) {
      v = cmsg_int(c);
      if (v >= 0 && v <= 255)
        m->ttl = v;
    }
  }
}

int ap_rxmeta_arrival(const struct ap_clocks *c, const struct ap_rxmeta *m,
                      uint64_t sent_ns, uint64_t *at) {
  uint64_t ago;

  *at = c->mono_ns;
  /* The stamp is this long before the wall clock's reading; the same
   * time before the monotonic clock's, unless a clock was stepped. */
  if (!m->have_stamp || m->stamp_ns > c->real_ns)
    return 0;
  ago = c->real_ns - m->stamp_ns;
  if (ago > c->mono_ns || c->mono_ns - ago < sent_ns)
    return 0;
  *at = c->mono_ns - ago;
  return 1;
}
