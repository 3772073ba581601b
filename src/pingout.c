/* pingout.c - see pingout.h. */
#include "pingout.h"

#include <string.h>

#include "nsec.h"

void ap_pingout_init(struct ap_pingout *p) {
  memset(p, 0, sizeof(*p));
}

static int is_digit(char c) {
  return c >= '0' && c <= '9';
}

static int starts(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Reads a whole number of at most 9 digits at *s and moves *s past it.
 * Returns 0, or -1 when there is none or it is too long. */
static int read_uint(const char **s, unsigned *v) {
  const char *p = *s;
  unsigned n = 0;
  int digits = 0;

  for (; is_digit(*p); p++) {
    if (++digits > 9)
      return -1;
    n = n * 10 + (unsigned) (*p - '0');
  }
  if (digits == 0)
    return -1;
  *s = p;
  *v = n;
  return 0;
}

/* Reads milliseconds ("0.042", "12") at *s as nanoseconds and moves *s past
 * them.  At most 7 digits before the point (some 2.8 hours); digits past
 * the nanosecond are read and dropped.  Returns 0 or -1. */
static int read_ms(const char **s, uint64_t *ns) {
  const char *p = *s;
  uint64_t ms = 0, frac = 0, scale = AP_NS_PER_MS;
  int digits = 0;

  for (; is_digit(*p); p++) {
    if (++digits > 7)
      return -1;
    ms = ms * 10 + (uint64_t) (*p - '0');
  }
  if (digits == 0)
    return -1;
  if (*p == '.') {
    if (!is_digit(*++p))
      return -1;
    for (; is_digit(*p); p++) {
      scale /= 10;
      frac += (uint64_t) (*p - '0') * scale;
    }
  }
  *s = p;
  *ns = ms * AP_NS_PER_MS + frac;
  return 0;
}

/* "64 bytes from ADDR: icmp_seq=1 ttl=64 time=0.042 ms [(DUP!)]" */
static void reply_line(struct ap_pingout *p, const char *l) {
  const char *t, *h;
  unsigned bytes, ttl = 256;
  uint64_t ns;

  if (read_uint(&l, &bytes) != 0 || !starts(l, " bytes from "))
    return;
  t = strstr(l, " time=");
  if (t == NULL)
    return;
  /* The TTL, when the line gives one before the time. */
  h = strstr(l, " ttl=");
  if (h != NULL && h < t) {
    h += strlen(" ttl=");
    if (read_uint(&h, &ttl) != 0 || *h != ' ')
      ttl = 256;
  }
  t += strlen(" time=");
  if (read_ms(&t, &ns) != 0)
    return;
  if (*t == ' ')
    t++;
  if (!starts(t, "ms") || strstr(t, "(DUP!)") != NULL)
    return;
  if (p->replies == 0 || ns < p->line_min_ns)
    p->line_min_ns = ns;
  if (ns > p->line_max_ns)
    p->line_max_ns = ns;
  if (p->replies == 0)
    p->first_ns = ns;
  p->line_sum_ns += ns;
  p->replies++;
  if (ttl <= 255) {
    p->have_ttl = 1;
    p->ttl = ttl;
  }
}

/* "3 packets transmitted, 3 received, +1 duplicates, +2 errors, ..." or
 * "3 packets transmitted, 3 packets received, 1 duplicates, ..." */
static void summary_line(struct ap_pingout *p, const char *l) {
  unsigned sent, received, n, dups = 0, errors = 0;
  const char *f;

  if (read_uint(&l, &sent) != 0 || !starts(l, " packets transmitted, "))
    return;
  l += strlen(" packets transmitted, ");
  if (read_uint(&l, &received) != 0 ||
      (!starts(l, " received") && !starts(l, " packets received")))
    return;
  for (f = strstr(l, ", "); f != NULL; f = strstr(f, ", ")) {
    f += 2;
    if (*f == '+')
      f++;
    if (read_uint(&f, &n) != 0)
      continue;
    if (starts(f, " duplicates"))
      dups = n;
    else if (starts(f, " errors"))
      errors = n;
  }
  /* Duplicates are counted apart: more replies than requests is a lie. */
  if (received > sent)
    return;
  p->summary = 1;
  p->sent = sent;
  p->received = received;
  p->dups = dups;
  p->errors = errors;
}

/* "rtt min/avg/max/mdev = a/b/c/d ms" or "round-trip min/avg/max = a/b/c ms" */
static void rtt_line(struct ap_pingout *p, const char *l) {
  uint64_t v[3], mdev;
  int i;

  if (!starts(l, "rtt min/avg/max") && !starts(l, "round-trip min/avg/max"))
    return;
  l = strstr(l, " = ");
  if (l == NULL)
    return;
  l += 3;
  for (i = 0; i < 3; i++) {
    if ((i > 0 && *l++ != '/') || read_ms(&l, &v[i]) != 0)
      return;
  }
  if (*l == '/') {
    l++;
    if (read_ms(&l, &mdev) != 0)
      return;
  }
  if (!starts(l, " ms") || v[0] > v[1] || v[1] > v[2])
    return;
  p->rtt = 1;
  p->min_ns = v[0];
  p->avg_ns = v[1];
  p->max_ns = v[2];
}

/* "From 192.0.2.1 icmp_seq=1 Destination Host Unreachable": the first one
 * is the reason. */
static void error_line(struct ap_pingout *p, const char *l) {
  size_t n;

  if (p->error || !starts(l, "From "))
    return;
  l += strlen("From ");
  n = strcspn(l, " ");
  if (n == 0 || n >= sizeof(p->error_from) || l[n] != ' ')
    return;
  ap_pingout_clean(p->error_from, sizeof(p->error_from), l, n);
  l += n + strspn(l + n, " ");
  if (starts(l, "icmp_seq=")) {
    l += strcspn(l, " ");
    l += strspn(l, " ");
  }
  if (*l == '\0')
    return;
  ap_pingout_clean(p->error_text, sizeof(p->error_text), l, strlen(l));
  p->error = 1;
}

static void take_line(struct ap_pingout *p) {
  const char *l = p->line;

  p->line[p->len] = '\0';
  if (p->len > 0 && p->line[p->len - 1] == '\r')
    p->line[p->len - 1] = '\0';
  if (is_digit(l[0])) {
    reply_line(p, l);
    summary_line(p, l);
  } else if (l[0] == 'r') {
    rtt_line(p, l);
  } else if (l[0] == 'F') {
    error_line(p, l);
  }
}

void ap_pingout_feed(struct ap_pingout *p, const char *buf, size_t len) {
  size_t i;

  for (i = 0; i < len; i++) {
    if (buf[i] == '\n') {
      if (!p->overlong)
        take_line(p);
      p->len = 0;
      p->overlong = 0;
    } else if (p->len + 1 < sizeof(p->line)) {
      /* A NUL inside a line would hide its end from the parsers. */
      p->line[p->len++] = buf[i] == '\0' ? '?' : buf[i];
    } else {
      p->overlong = 1;
    }
  }
}

void ap_pingout_end(struct ap_pingout *p) {
  if (p->len > 0 && !p->overlong)
    take_line(p);
  p->len = 0;
  p->overlong = 0;
}

/* a * b, or UINT64_MAX when that does not fit. */
static uint64_t mul_sat(uint64_t a, uint64_t b) {
  if (b != 0 && a > UINT64_MAX / b)
    return UINT64_MAX;
  return a * b;
}

void ap_pingout_stats(const struct ap_pingout *p, unsigned count,
                      struct ap_stats *st, uint64_t *first_ns) {
  memset(st, 0, sizeof(*st));
  *first_ns = 0;
  if (p->summary) {
    st->sent = p->sent;
    st->received = p->received;
  } else {
    st->sent = count;
    st->received = p->replies < count ? p->replies : count;
  }
  if (st->received == 0)
    return;
  if (p->rtt) {
    st->rtt_min_ns = p->min_ns;
    st->rtt_max_ns = p->max_ns;
    st->rtt_sum_ns = mul_sat(p->avg_ns, st->received);
    *first_ns = p->replies > 0 ? p->first_ns : p->min_ns;
  } else if (p->replies > 0) {
    st->rtt_min_ns = p->line_min_ns;
    st->rtt_max_ns = p->line_max_ns;
    st->rtt_sum_ns = mul_sat(p->line_sum_ns / p->replies, st->received);
    *first_ns = p->first_ns;
  }
}

const char *ap_pingout_reason(const struct ap_pingout *p) {
  static const char *const map[][2] = {
    { "Destination Net Unreachable", "network unreachable" },
    { "Destination Host Unreachable", "host unreachable" },
    { "Destination Protocol Unreachable", "protocol unreachable" },
    { "Destination Port Unreachable", "port unreachable" },
    { "Destination Net Prohibited", "administratively prohibited" },
    { "Destination Host Prohibited", "administratively prohibited" },
    { "Packet filtered", "administratively prohibited" },
    { "Time to live exceeded", "time exceeded" },
    { "Destination unreachable: No route", "no route" },
    { "Destination unreachable: Administratively prohibited",
      "administratively prohibited" },
    { "Destination unreachable: Address unreachable", "host unreachable" },
    { "Destination unreachable: Port unreachable", "port unreachable" },
    { "Time exceeded: Hop limit", "time exceeded" },
  };
  size_t i;

  if (!p->error)
    return NULL;
  for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if (strcmp(p->error_text, map[i][0]) == 0)
      return map[i][1];
  return p->error_text;
}

void ap_pingout_clean(char *dst, size_t dstlen, const char *s, size_t n) {
  size_t i;

  if (dstlen == 0)
    return;
  for (i = 0; i < n && i + 1 < dstlen && s[i] != '\n' && s[i] != '\0'; i++)
    dst[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
  dst[i] = '\0';
}
