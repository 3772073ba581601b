/* mformat.h - the records of a continuous run in JSON lines and CSV.
 *
 * One record type for all: a probe's outcome ("probe"), a service
 * check's ("check"), a target's statistics over an interval (-Q:
 * "interval") and over the whole run ("total", CSV only: JSON lines end
 * with the usual "target" records).  Fields a record does not have are
 * left out of JSON and empty in CSV.  Nothing is kept between calls.
 */
#ifndef AP_MFORMAT_H
#define AP_MFORMAT_H

#include <stdint.h>
#include <stdio.h>

#include "mstat.h"
#include "result.h"

struct ap_lrec {
  const char *type;    /* "probe", "check", "interval" or "total" */
  const char *ts;      /* RFC 3339, UTC, milliseconds */
  const char *addr;    /* the address, as text */
  const char *name;    /* the name it was given by, or NULL */
  int has_seq;
  uint64_t seq;        /* probe, check: the sequence number */
  const char *result;  /* probe: "reply", "timeout" or "error" */
  int has_rtt;
  uint64_t rtt_ns;     /* probe: a reply's round trip */
  int has_ttl;
  uint8_t ttl;         /* probe: a reply's TTL or hop limit */
  const char *reason;  /* probe, check: why it failed, or NULL */
  const char *from;    /* probe: who said so, or NULL */
  const struct ap_check *check; /* check: its result */
  uint64_t connect_ns; /* check: the connect time, when open */
  const struct ap_mspan *span;  /* interval, total: the statistics */
  uint64_t outage_ms;  /* interval, total: lost probes x period */
};

/* Writes ts as "2026-12-07T11:15:36.123Z" for a Unix time in ms. */
void ap_rfc3339(char *buf, size_t len, uint64_t unix_ms);

void ap_json_lrec(FILE *f, const struct ap_lrec *r);
void ap_csv_lheader(FILE *f);
void ap_csv_lrec(FILE *f, const struct ap_lrec *r);

#endif
