/* output.h - turning verdicts into what the user reads.
 *
 * Text output follows fping: "ADDR is alive (0.12 ms)" and "ADDR is
 * unreachable" as each verdict is known; -a and -u print bare addresses;
 * -s adds a summary on stderr.  Service checks follow the verdict on its
 * line: "ADDR is alive (0.10 ms); 22/tcp open \"SSH-2.0-x\"; 80/tcp
 * closed"; with -m none the line starts "ADDR is up" or "ADDR is down".
 */
#ifndef AP_OUTPUT_H
#define AP_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "result.h"

enum ap_show {
  AP_SHOW_ALL = 0, /* every verdict, as a sentence */
  AP_SHOW_ALIVE,   /* -a: targets that are OK only */
  AP_SHOW_UNREACH, /* -u: targets that are not OK only */
  AP_SHOW_NONE     /* -q */
};

/* Host names given as targets, so that their verdicts show the name. */
struct ap_name {
  struct ap_addr addr;
  char *name;
  size_t seq; /* order given */
};

struct ap_names {
  struct ap_name *v;
  size_t n;
  size_t cap;
};

struct ap_out {
  FILE *f;
  int show;
  const struct ap_names *names;
  int count;            /* -c N given: print per-target statistics */
  uint64_t ok;          /* targets whose verdict is OK */
  uint64_t alive;       /* targets that answered the ping */
  uint64_t unreachable; /* targets that did not */
  uint64_t notpinged;   /* -m none: targets that were not pinged */
  uint64_t checked;     /* targets with service checks */
  uint64_t rtt_min;
  uint64_t rtt_max;
  uint64_t rtt_sum;
};

/* Adds name for addr (the first name given for an address wins; the name
 * is copied).  Returns 0 or UV_ENOMEM.  ap_names_sort() before lookups. */
int ap_names_add(struct ap_names *t, const struct ap_addr *addr,
                 const char *name);
void ap_names_sort(struct ap_names *t);
const char *ap_names_find(const struct ap_names *t, const struct ap_addr *a);
void ap_names_release(struct ap_names *t);

void ap_out_init(struct ap_out *o, FILE *f, int show,
                 const struct ap_names *names);

/* Prints one target's verdict and counts it. */
void ap_out_result(struct ap_out *o, const struct ap_result *r);

/* Prints the -s summary. */
void ap_out_summary(const struct ap_out *o, FILE *f, uint64_t targets,
                    uint64_t unresolved, uint64_t elapsed_ns);

#endif
