/* mstat.c - see mstat.h. */
#include "mstat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

void ap_buckets_default(struct ap_buckets *b) {
  size_t i;

  b->n = 20;
  for (i = 0; i < b->n; i++)
    b->le_ns[i] = 50000ULL << i;
}

/* One bound: a decimal number of seconds from 1 us to an hour. */
static int bound(const char *s, size_t len, uint64_t *ns) {
  char buf[32], *end;
  double v;

  /* Decimal, with an exponent as Prometheus and smokeping_prober write
   * bounds (5e-05), but no sign, blank, hexadecimal, "inf" or "nan",
   * which strtod() alone would take. */
  if (len == 0 || len >= sizeof(buf) ||
      (s[0] != '.' && (s[0] < '0' || s[0] > '9')) ||
      strspn(s, "0123456789.eE-+") < len)
    return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  errno = 0;
  v = strtod(buf, &end);
  if (*end != '\0' || errno != 0 || !isfinite(v) || v < 1e-6 || v > 3600)
    return -1;
  *ns = (uint64_t) (v * 1e9 + 0.5);
  return 0;
}

int ap_buckets_parse(struct ap_buckets *b, const char *s, char *err,
                     size_t errlen) {
  const char *p = s;
  size_t len;
  uint64_t ns;

  b->n = 0;
  for (;;) {
    len = strcspn(p, ",");
    if (bound(p, len, &ns) != 0) {
      snprintf(err, errlen, "'%.*s' is not a number of seconds from "
               "0.000001 to 3600", (int) len, p);
      return UV_EINVAL;
    }
    if (b->n == AP_MSTAT_MAXBUCKETS) {
      snprintf(err, errlen, "more than %d buckets", AP_MSTAT_MAXBUCKETS);
      return UV_EINVAL;
    }
    if (b->n > 0 && ns <= b->le_ns[b->n - 1]) {
      snprintf(err, errlen, "'%.*s' does not increase", (int) len, p);
      return UV_EINVAL;
    }
    b->le_ns[b->n++] = ns;
    if (p[len] == '\0')
      return 0;
    p += len + 1;
  }
}

static void span_init(struct ap_mspan *s) {
  memset(s, 0, sizeof(*s));
  s->rtt_min_ns = UINT64_MAX;
}

void ap_mstat_init(struct ap_mstat *m) {
  memset(m, 0, sizeof(*m));
  m->up = -1;
  span_init(&m->all);
  span_init(&m->ival);
}

uint32_t ap_mstat_sent(struct ap_mstat *m, uint64_t sent_ns) {
  m->sent++;
  m->pending_ns = sent_ns;
  return m->seq++;
}

int ap_mstat_awaits(const struct ap_mstat *m, uint64_t sent_ns) {
  return m->pending_ns != 0 && (sent_ns == 0 || sent_ns == m->pending_ns);
}

static void span_done(struct ap_mspan *s, int replied, uint64_t rtt_ns) {
  s->done++;
  if (!replied)
    return;
  s->replies++;
  s->rtt_sum_ns += rtt_ns;
  if (rtt_ns < s->rtt_min_ns)
    s->rtt_min_ns = rtt_ns;
  if (rtt_ns > s->rtt_max_ns)
    s->rtt_max_ns = rtt_ns;
}

/* The probe in flight is done. */
static void done(struct ap_mstat *m, int replied, uint64_t rtt_ns) {
  m->pending_ns = 0;
  m->up = replied;
  span_done(&m->all, replied, rtt_ns);
  span_done(&m->ival, replied, rtt_ns);
}

void ap_mstat_reply(struct ap_mstat *m, const struct ap_buckets *b,
                    uint64_t rtt_ns) {
  size_t i;

  /* The first bucket that holds it; a bound is inclusive (le). */
  for (i = 0; i < b->n && rtt_ns > b->le_ns[i]; i++)
    ;
  m->bucket[i]++;
  done(m, 1, rtt_ns);
}

void ap_mstat_timeout(struct ap_mstat *m) {
  m->timeouts++;
  done(m, 0, 0);
}

void ap_mstat_error(struct ap_mstat *m, const char *reason) {
  size_t i;

  m->errors++;
  for (i = 0; i < AP_MSTAT_NREASONS; i++) {
    if (m->reason[i] == NULL)
      m->reason[i] = reason;
    if (m->reason[i] == reason) {
      m->nreason[i]++;
      break;
    }
  }
  done(m, 0, 0);
}

double ap_mspan_loss(const struct ap_mspan *s) {
  if (s->done == 0)
    return 0;
  return 100.0 * (double) (s->done - s->replies) / (double) s->done;
}

void ap_mstat_new_interval(struct ap_mstat *m) {
  span_init(&m->ival);
}
