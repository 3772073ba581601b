/* ports.h - TCP port lists: "22", "22,80,443", "8000-8010", or a mix.
 * Pure code, no I/O.
 */
#ifndef AP_PORTS_H
#define AP_PORTS_H

#include <stddef.h>
#include <stdint.h>

#include "bitmap.h"

#define AP_PORTS_MAX 65535

/* Ports in the order first given, each once. */
struct ap_ports {
  uint16_t *v;
  size_t n;
  struct ap_bitmap seen; /* bit per port, allocated with v */
};

void ap_ports_init(struct ap_ports *p);
void ap_ports_release(struct ap_ports *p);

/* Appends the ports that s lists (comma-separated ports and inclusive
 * ranges A-B, 1 to 65535) to p, skipping ports already in p.  Returns 0;
 * UV_EINVAL after writing a reason (no capital, no full stop, naming the
 * bad item) into err, and then p is unchanged; or UV_ENOMEM. */
int ap_ports_parse(struct ap_ports *p, const char *s, char *err,
                   size_t errlen);

/* Appends one port, unless already there.  Returns 0 or UV_ENOMEM. */
int ap_ports_add(struct ap_ports *p, uint16_t port);

/* Returns the position of port in p, or -1. */
long ap_ports_find(const struct ap_ports *p, uint16_t port);

#endif
