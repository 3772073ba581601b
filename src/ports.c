/* ports.c - see ports.h. */
#include "ports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

void ap_ports_init(struct ap_ports *p) {
  memset(p, 0, sizeof(*p));
}

void ap_ports_release(struct ap_ports *p) {
  free(p->v);
  ap_bitmap_release(&p->seen);
  memset(p, 0, sizeof(*p));
}

static int alloc(struct ap_ports *p) {
  if (p->v != NULL)
    return 0;
  p->v = malloc(AP_PORTS_MAX * sizeof(*p->v));
  if (p->v == NULL || ap_bitmap_init(&p->seen, AP_PORTS_MAX + 1) != 0) {
    ap_ports_release(p);
    return UV_ENOMEM;
  }
  return 0;
}

int ap_ports_add(struct ap_ports *p, uint16_t port) {
  if (alloc(p) != 0)
    return UV_ENOMEM;
  if (port == 0 || ap_bitmap_get(&p->seen, port))
    return 0;
  ap_bitmap_set(&p->seen, port);
  p->v[p->n++] = port;
  return 0;
}

long ap_ports_find(const struct ap_ports *p, uint16_t port) {
  size_t i;

  for (i = 0; i < p->n; i++)
    if (p->v[i] == port)
      return (long) i;
  return -1;
}

/* Reads a port number of at most 5 digits from [s, end) into *port.
 * Returns 0 or UV_EINVAL. */
static int number(const char *s, const char *end, unsigned *port) {
  unsigned v = 0;

  if (s == end || end - s > 5)
    return UV_EINVAL;
  for (; s < end; s++) {
    if (*s < '0' || *s > '9')
      return UV_EINVAL;
    v = v * 10 + (unsigned) (*s - '0');
  }
  if (v < 1 || v > 65535)
    return UV_EINVAL;
  *port = v;
  return 0;
}

/* Parses one item, a port or a range, of length len at s. */
static int item(const char *s, size_t len, unsigned *lo, unsigned *hi,
                char *err, size_t errlen) {
  const char *dash = memchr(s, '-', len), *end = s + len;
  int n = len > 64 ? 64 : (int) len;

  if (len == 0) {
    snprintf(err, errlen, "empty item in the port list");
    return UV_EINVAL;
  }
  if (number(s, dash ? dash : end, lo) != 0 ||
      (dash && number(dash + 1, end, hi) != 0)) {
    snprintf(err, errlen, "'%.*s' is not a port or range of ports "
             "(1 to 65535)", n, s);
    return UV_EINVAL;
  }
  if (!dash)
    *hi = *lo;
  if (*hi < *lo) {
    snprintf(err, errlen, "range '%.*s' is reversed", n, s);
    return UV_EINVAL;
  }
  return 0;
}

int ap_ports_parse(struct ap_ports *p, const char *s, char *err,
                   size_t errlen) {
  size_t len, n0 = p->n, i;
  unsigned lo, hi, port;
  int r;

  if (alloc(p) != 0)
    return UV_ENOMEM;
  for (;;) {
    len = strcspn(s, ",");
    r = item(s, len, &lo, &hi, err, errlen);
    for (port = lo; r == 0 && port <= hi; port++)
      r = ap_ports_add(p, (uint16_t) port);
    if (r != 0)
      break;
    if (s[len] == '\0')
      return 0;
    s += len + 1;
  }
  /* Undo what this list added, so that p is as it was. */
  for (i = n0; i < p->n; i++)
    ap_bitmap_clear(&p->seen, p->v[i]);
  p->n = n0;
  return r;
}
