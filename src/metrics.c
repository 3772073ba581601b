/* metrics.c - see metrics.h. */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"

enum {
  F_RUN = 0,
  F_SENT,
  F_REPLIES,
  F_LOST,
  F_ERRORS,
  F_UP,
  F_RTT,
  F_SVC_UP,
  F_SVC_CONNECT,
  F_N
};

struct ap_scrape {
  const struct ap_metrics *m;
  uint64_t gen;
  unsigned family;  /* the family being rendered */
  uint64_t k;       /* its next target in address order; UINT64_MAX: its
                       header is next */
  FILE *ms;         /* the staging buffer: one unit */
  char *unit;
  size_t len;       /* the unit's length, and what of it went out */
  size_t off;
  int done;
};

static const struct {
  const char *name, *type, *help;
  int ping;     /* only when pinging */
  int service;  /* only with service checks */
} fam[F_N] = {
  { NULL, NULL, NULL, 0, 0 },
  { "aping_probes_sent_total", "counter", "Echo requests sent.", 1, 0 },
  { "aping_probe_replies_total", "counter",
    "Echo replies received before the timeout.", 1, 0 },
  { "aping_probes_lost_total", "counter",
    "Echo requests completed without a reply: timed out, or an error came "
    "back.", 1, 0 },
  { "aping_probe_errors_total", "counter",
    "Echo requests that failed with an error, by reason.", 1, 0 },
  { "aping_up", "gauge",
    "Whether the target's last completed echo request was answered.", 1,
    0 },
  { "aping_rtt_seconds", "histogram", "Round-trip time of echo replies.", 1,
    0 },
  { "aping_service_up", "gauge",
    "Whether the last check of the service passed.", 0, 1 },
  { "aping_service_connect_seconds", "gauge",
    "How long the last connection to the open service took.", 0, 1 },
};

/* The labels of a target: {target="NAME",address="ADDR" and, unless
 * close is 0, the closing brace. */
static void labels(FILE *f, const struct ap_metrics *m, uint64_t idx,
                   int close) {
  char abuf[AP_ADDR_STRLEN];
  struct ap_addr a;
  const char *name;

  ap_tset_at(ap_monitor_set(m->mon), idx, &a);
  ap_addr_format(&a, abuf, sizeof(abuf));
  name = ap_names_find(m->names, &a);
  fputs("{target=\"", f);
  ap_prom_label(f, name != NULL ? name : abuf);
  fputs("\",address=\"", f);
  ap_prom_label(f, abuf);
  putc('"', f);
  if (close)
    putc('}', f);
}

/* A duration in nanoseconds as exact decimal seconds: "0.00005". */
static void seconds(FILE *f, uint64_t ns) {
  char frac[16];
  int n;

  n = snprintf(frac, sizeof(frac), "%09llu",
               (unsigned long long) (ns % 1000000000ULL));
  while (n > 0 && frac[n - 1] == '0')
    frac[--n] = '\0';
  fprintf(f, "%llu%s%s", (unsigned long long) (ns / 1000000000ULL),
          n > 0 ? "." : "", frac);
}

static void gauge(FILE *f, const char *name, const char *help) {
  fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s ", name, help, name, name);
}

/* The run's own gauges. */
static void run_unit(FILE *f, const struct ap_metrics *m) {
  const struct ap_monitor_cfg *c = &m->mon->cfg;

  ap_prom_build_info(f, m->version);
  gauge(f, "aping_targets", "Targets monitored.");
  fprintf(f, "%llu\n", (unsigned long long) ap_monitor_count(m->mon));
  gauge(f, "aping_period_seconds", "Time between two probes of a target.");
  seconds(f, c->period_ms * 1000000ULL);
  putc('\n', f);
  gauge(f, "aping_timeout_seconds",
        "How long a probe waits for its reply before it counts as lost.");
  seconds(f, c->timeout_ms * 1000000ULL);
  putc('\n', f);
  if (m->last_period_ms > 0) {
    gauge(f, "aping_last_period_timestamp_seconds",
          "Unix time at which the last complete period ended.");
    fprintf(f, "%llu.%03llu\n",
            (unsigned long long) (m->last_period_ms / 1000),
            (unsigned long long) (m->last_period_ms % 1000));
  }
}

static void counter(FILE *f, const struct ap_metrics *m, unsigned family,
                    uint64_t idx, uint64_t v) {
  fputs(fam[family].name, f);
  labels(f, m, idx, 1);
  fprintf(f, " %llu\n", (unsigned long long) v);
}

static void errors_unit(FILE *f, const struct ap_metrics *m, uint64_t idx,
                        const struct ap_mstat *st) {
  uint64_t named = 0;
  size_t i;

  for (i = 0; i < AP_MSTAT_NREASONS && st->reason[i] != NULL; i++) {
    named += st->nreason[i];
    fputs(fam[F_ERRORS].name, f);
    labels(f, m, idx, 0);
    fputs(",reason=\"", f);
    ap_prom_label(f, st->reason[i]);
    fprintf(f, "\"} %llu\n", (unsigned long long) st->nreason[i]);
  }
  if (st->errors > named) {
    fputs(fam[F_ERRORS].name, f);
    labels(f, m, idx, 0);
    fprintf(f, ",reason=\"other\"} %llu\n",
            (unsigned long long) (st->errors - named));
  }
}

static void rtt_unit(FILE *f, const struct ap_metrics *m, uint64_t idx,
                     const struct ap_mstat *st) {
  const struct ap_buckets *b = &m->mon->cfg.buckets;
  uint64_t cum = 0;
  size_t i;

  for (i = 0; i <= b->n; i++) {
    cum += st->bucket[i];
    fputs("aping_rtt_seconds_bucket", f);
    labels(f, m, idx, 0);
    fputs(",le=\"", f);
    if (i < b->n)
      seconds(f, b->le_ns[i]);
    else
      fputs("+Inf", f);
    fprintf(f, "\"} %llu\n", (unsigned long long) cum);
  }
  fputs("aping_rtt_seconds_sum", f);
  labels(f, m, idx, 1);
  putc(' ', f);
  seconds(f, st->all.rtt_sum_ns);
  fputs("\naping_rtt_seconds_count", f);
  labels(f, m, idx, 1);
  fprintf(f, " %llu\n", (unsigned long long) cum);
}

static void service_unit(FILE *f, const struct ap_metrics *m, unsigned family,
                         uint64_t idx) {
  const struct ap_svc_last *last = ap_svcloop_last(m->svc, idx);
  const struct ap_svc_check *checks;
  size_t n, i;

  checks = ap_svcloop_checks(m->svc, &n);
  for (i = 0; last != NULL && i < n; i++) {
    if (last[i].runs == 0 ||
        (family == F_SVC_CONNECT && last[i].state != AP_CHECK_OPEN))
      continue;
    fputs(fam[family].name, f);
    labels(f, m, idx, 0);
    fprintf(f, ",port=\"%u\",service=\"%s\"} ", checks[i].port,
            checks[i].mode == AP_TCP_TELNET ? "telnet" : "tcp");
    if (family == F_SVC_UP)
      fprintf(f, "%d\n", last[i].pass != 0);
    else {
      seconds(f, last[i].connect_ns);
      putc('\n', f);
    }
  }
}

/* Target k's samples of family. */
static void target_unit(FILE *f, const struct ap_metrics *m, unsigned family,
                        uint64_t k) {
  uint64_t idx;
  const struct ap_mstat *st = ap_monitor_nth(m->mon, k, &idx);

  switch (family) {
  case F_SENT: counter(f, m, family, idx, st->sent); break;
  case F_REPLIES: counter(f, m, family, idx, st->all.replies); break;
  case F_LOST: counter(f, m, family, idx, st->timeouts + st->errors); break;
  case F_ERRORS: errors_unit(f, m, idx, st); break;
  case F_UP:
    if (st->up >= 0)
      counter(f, m, family, idx, (uint64_t) st->up);
    break;
  case F_RTT: rtt_unit(f, m, idx, st); break;
  default: service_unit(f, m, family, idx); break;
  }
}

/* Whether family is shown at all in m. */
static int shown(const struct ap_metrics *m, unsigned family) {
  return (!fam[family].ping || m->pinging) &&
         (!fam[family].service || m->svc != NULL);
}

/* Renders the next unit into the staging buffer.  Returns 0, or 1 at the
 * end. */
static int next_unit(struct ap_scrape *s) {
  const struct ap_metrics *m = s->m;

  rewind(s->ms);
  while (s->family < F_N && !shown(m, s->family)) {
    s->family++;
    s->k = UINT64_MAX;
  }
  if (s->family == F_N)
    return 1;
  if (s->family == F_RUN) {
    run_unit(s->ms, m);
    s->family++;
  } else if (s->k == UINT64_MAX) {
    fprintf(s->ms, "# HELP %s %s\n# TYPE %s %s\n", fam[s->family].name,
            fam[s->family].help,
            s->family == F_RTT ? "aping_rtt_seconds" : fam[s->family].name,
            fam[s->family].type);
    s->k = 0;
  } else {
    target_unit(s->ms, m, s->family, s->k);
    s->k++;
  }
  if (s->k != UINT64_MAX && s->k >= ap_monitor_count(m->mon)) {
    s->family++;
    s->k = UINT64_MAX;
  }
  fflush(s->ms);
  s->len = (size_t) ftello(s->ms);
  s->off = 0;
  return 0;
}

struct ap_scrape *ap_scrape_open(const struct ap_metrics *m) {
  struct ap_scrape *s = calloc(1, sizeof(*s));

  if (s == NULL)
    return NULL;
  s->m = m;
  s->gen = m->gen;
  s->k = UINT64_MAX;
  s->ms = open_memstream(&s->unit, &s->len);
  if (s->ms == NULL) {
    free(s);
    return NULL;
  }
  return s;
}

ssize_t ap_scrape_read(struct ap_scrape *s, char *buf, size_t max) {
  size_t n = 0, chunk;

  if (s->gen != s->m->gen)
    return -1;
  while (n < max && !s->done) {
    if (s->off == s->len && next_unit(s) != 0) {
      s->done = 1;
      break;
    }
    if (ferror(s->ms))
      return -1;
    chunk = s->len - s->off < max - n ? s->len - s->off : max - n;
    memcpy(buf + n, s->unit + s->off, chunk);
    s->off += chunk;
    n += chunk;
  }
  return (ssize_t) n;
}

void ap_scrape_close(struct ap_scrape *s) {
  if (s == NULL)
    return;
  fclose(s->ms);
  free(s->unit);
  free(s);
}

int ap_metrics_write(const struct ap_metrics *m, FILE *f) {
  struct ap_scrape *s = ap_scrape_open(m);
  char buf[8192];
  ssize_t n;

  if (s == NULL)
    return -1;
  while ((n = ap_scrape_read(s, buf, sizeof(buf))) > 0)
    fwrite(buf, 1, (size_t) n, f);
  ap_scrape_close(s);
  return n < 0 ? -1 : 0;
}
