/* even.h - a probe engine for the unit tests: it answers targets whose
 * address ends in an even number at once (1 us) and never the others. */
#ifndef AP_TEST_EVEN_H
#define AP_TEST_EVEN_H

#include "scan.h"

static int even_send(struct ap_engine *e, struct ap_probe *p, size_t n,
                     uint64_t now) {
  size_t i;

  for (i = 0; i < n; i++)
    if ((ap_addr_v4(&p[i].addr) & 1) == 0)
      ap_sink_reply(e->sink, &p[i].addr, now, 1000, NULL);
  return (int) n;
}

static void even_close(struct ap_engine *e) {
  (void) e;
}

static const struct ap_engine_ops even_ops = {
  .name = "even", .send = even_send, .close = even_close
};

#endif
