/* metrics.c - see metrics.h. */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "tfile.h"
#include "utf8.h"

/* A target label's value at most: a name of a target file's line, each
 * byte escaped (\xNN) and its backslash escaped again. */
#define TARGET_LABEL_MAX (5 * AP_TFILE_LINE_MAX + 1)

/* The families in the order they are rendered.  A scrape reads the
 * records as it goes, not all at one instant: the probes sent come after
 * the replies and the lost, so that sent is never less than their sum. */
enum {
  F_RUN = 0,
  F_REPLIES,
  F_LOST,
  F_ERRORS,
  F_UP,
  F_RTT,
  F_SENT,
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
  /* The current target's labels, {target="NAME",address="ADDR" without
   * the brace that closes them, escaped, made once per unit. */
  char lab[TARGET_LABEL_MAX + AP_ADDR_STRLEN + 64];
  /* The bucket bounds as "le" values, made once per scrape. */
  char le[AP_MSTAT_MAXBUCKETS + 1][24];
};

static const struct {
  const char *name, *type, *help;
  int ping;     /* only when pinging */
  int service;  /* only with service checks */
} fam[F_N] = {
  { NULL, NULL, NULL, 0, 0 },
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
  { "aping_probes_sent_total", "counter", "Echo requests sent.", 1, 0 },
  { "aping_service_up", "gauge",
    "Whether the last check of the service passed.", 0, 1 },
  { "aping_service_connect_seconds", "gauge",
    "How long the last connection to the open service took.", 0, 1 },
};

/* Appends s to dst (at n of cap bytes) as ap_utf8_escape() without
 * flags shows it (controls, format characters, invalid UTF-8), then
 * escaped as a label value wants: backslash, quote and line feed.
 * Returns the new length (at most cap - 1: the characters that do not fit
 * whole are cut). */
static size_t escape(char *dst, size_t n, size_t cap, const char *s) {
  size_t len = strlen(s), i = 0, k, m, j, need;
  char e[17];
  uint32_t cp;

  while (i < len) {
    (void) ap_utf8_class((const uint8_t *) s + i, len - i, &k, &cp);
    m = ap_utf8_escape((const uint8_t *) s + i, k, 0, e, sizeof(e), NULL);
    for (j = 0, need = m; j < m; j++)
      need += e[j] == '\\' || e[j] == '"';
    if (n + need >= cap)
      break;
    for (j = 0; j < m; j++) {
      if (e[j] == '\\' || e[j] == '"')
        dst[n++] = '\\';
      dst[n++] = e[j];
    }
    i += k;
  }
  dst[n] = '\0';
  return n;
}

/* Makes the labels of address a, shown as name (NULL: by its address),
 * in s->lab. */
static void make_labels(struct ap_scrape *s, const struct ap_addr *a,
                        const char *name) {
  char abuf[AP_ADDR_STRLEN], target[TARGET_LABEL_MAX];

  ap_addr_format(a, abuf, sizeof(abuf));
  escape(target, 0, sizeof(target), name != NULL ? name : abuf);
  /* An address needs no escaping. */
  snprintf(s->lab, sizeof(s->lab), "{target=\"%s\",address=\"%s\"", target,
           abuf);
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

static void counter(struct ap_scrape *s, unsigned family, uint64_t v) {
  fprintf(s->ms, "%s%s} %llu\n", fam[family].name, s->lab,
          (unsigned long long) v);
}

static void errors_unit(struct ap_scrape *s, const struct ap_mstat *st) {
  char why[256];
  uint64_t named = 0;
  size_t i;

  for (i = 0; i < AP_MSTAT_NREASONS && st->reason[i] != NULL; i++) {
    named += st->nreason[i];
    escape(why, 0, sizeof(why), st->reason[i]);
    fprintf(s->ms, "%s%s,reason=\"%s\"} %llu\n", fam[F_ERRORS].name, s->lab,
            why, (unsigned long long) st->nreason[i]);
  }
  if (st->errors > named)
    fprintf(s->ms, "%s%s,reason=\"other\"} %llu\n", fam[F_ERRORS].name,
            s->lab, (unsigned long long) (st->errors - named));
}

static void rtt_unit(struct ap_scrape *s, const struct ap_mstat *st) {
  size_t i, n = s->m->mon->cfg.buckets.n;
  uint64_t cum = 0;

  for (i = 0; i <= n; i++) {
    cum += st->bucket[i];
    fprintf(s->ms, "aping_rtt_seconds_bucket%s,le=\"%s\"} %llu\n", s->lab,
            s->le[i], (unsigned long long) cum);
  }
  fprintf(s->ms, "aping_rtt_seconds_sum%s} ", s->lab);
  seconds(s->ms, st->all.rtt_sum_ns);
  fprintf(s->ms, "\naping_rtt_seconds_count%s} %llu\n", s->lab,
          (unsigned long long) cum);
}

static void service_unit(struct ap_scrape *s, unsigned family, uint64_t idx) {
  const struct ap_svc_last *last = ap_svcloop_last(s->m->svc, idx);
  const struct ap_svc_check *checks;
  size_t n, i;

  checks = ap_svcloop_checks(s->m->svc, &n);
  for (i = 0; last != NULL && i < n; i++) {
    if (last[i].runs == 0 ||
        (family == F_SVC_CONNECT && last[i].state != AP_CHECK_OPEN))
      continue;
    fprintf(s->ms, "%s%s,port=\"%u\",service=\"%s\"} ", fam[family].name,
            s->lab, checks[i].port,
            checks[i].mode == AP_TCP_TELNET ? "telnet" : "tcp");
    if (family == F_SVC_UP)
      fprintf(s->ms, "%d\n", last[i].pass != 0);
    else {
      seconds(s->ms, last[i].connect_ns);
      putc('\n', s->ms);
    }
  }
}

static void name_unit(struct ap_scrape *s, uint64_t k);

/* Target k's samples of the family being rendered: a series per name
 * it was given by (several names may share its address), or one by its
 * address. */
static void target_unit(struct ap_scrape *s, uint64_t k) {
  const struct ap_name *v;
  struct ap_addr a;
  uint64_t idx;
  size_t n, i;

  (void) ap_monitor_nth(s->m->mon, k, &idx);
  ap_tset_at(ap_monitor_set(s->m->mon), idx, &a);
  n = ap_names_all(s->m->names, &a, &v);
  for (i = 0; i < n || (n == 0 && i == 0); i++) {
    make_labels(s, &a, n > 0 ? v[i].name : NULL);
    name_unit(s, k);
  }
}

/* Target k's samples of the family being rendered, for one name. */
static void name_unit(struct ap_scrape *s, uint64_t k) {
  uint64_t idx;
  const struct ap_mstat *st = ap_monitor_nth(s->m->mon, k, &idx);

  switch (s->family) {
  case F_SENT: counter(s, s->family, st->sent); break;
  case F_REPLIES: counter(s, s->family, st->all.replies); break;
  case F_LOST: counter(s, s->family, st->timeouts + st->errors); break;
  case F_ERRORS: errors_unit(s, st); break;
  case F_UP:
    if (st->up >= 0)
      counter(s, s->family, (uint64_t) st->up);
    break;
  case F_RTT: rtt_unit(s, st); break;
  default: service_unit(s, s->family, idx); break;
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
    target_unit(s, s->k);
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

/* The bucket bounds as "le" values, and "+Inf". */
static void make_les(struct ap_scrape *s) {
  const struct ap_buckets *b = &s->m->mon->cfg.buckets;
  FILE *f;
  size_t i;

  for (i = 0; i < b->n; i++) {
    f = fmemopen(s->le[i], sizeof(s->le[i]), "w");
    if (f != NULL) {
      seconds(f, b->le_ns[i]);
      fclose(f);
    }
  }
  snprintf(s->le[b->n], sizeof(s->le[b->n]), "+Inf");
}

struct ap_scrape *ap_scrape_open(const struct ap_metrics *m) {
  struct ap_scrape *s = calloc(1, sizeof(*s));

  if (s == NULL)
    return NULL;
  s->m = m;
  s->gen = m->gen;
  s->k = UINT64_MAX;
  make_les(s);
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
