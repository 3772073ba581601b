/* format.c - see format.h. */
#include "format.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "utf8.h"
#include "version.h"

#define MS(ns) ((double) (ns) / 1e6)
#define SEC(ns) ((double) (ns) / 1e9)

void ap_json_bytes(FILE *f, const void *s, size_t len) {
  const uint8_t *p = s;
  size_t i = 0, k;
  uint32_t cp;
  int cls;

  putc('"', f);
  while (i < len) {
    cls = ap_utf8_class(p + i, len - i, &k, &cp);
    if (cls == AP_U_PRINT && (cp == '"' || cp == '\\'))
      fprintf(f, "\\%c", (int) cp);
    else if (cls == AP_U_PRINT)
      fwrite(p + i, 1, k, f);
    else if (cp == '\n')
      fputs("\\n", f);
    else if (cp == '\r')
      fputs("\\r", f);
    else if (cp == '\t')
      fputs("\\t", f);
    else if (cp == '\b')
      fputs("\\b", f);
    else if (cp == '\f')
      fputs("\\f", f);
    else /* a control, a format character, a byte of invalid UTF-8 */
      fprintf(f, "\\u%04x", (unsigned) cp);
    i += k;
  }
  putc('"', f);
}

void ap_json_str(FILE *f, const char *s) {
  if (s == NULL)
    fputs("null", f);
  else
    ap_json_bytes(f, s, strlen(s));
}

/* The text of ap_text_bytes() in pieces: calls put(f, piece) for each,
 * so that no buffer limits the length. */
static void escaped_pieces(FILE *f, const void *s, size_t len, int flags,
                           void (*put)(FILE *f, const char *piece)) {
  const uint8_t *p = s;
  char buf[4 * 256 + 1];
  size_t used;

  while (len > 0) {
    ap_utf8_escape(p, len, flags, buf, sizeof(buf), &used);
    put(f, buf);
    p += used;
    len -= used;
  }
}

static void put_plain(FILE *f, const char *piece) {
  fputs(piece, f);
}

void ap_text_bytes(FILE *f, const void *s, size_t len, int flags) {
  escaped_pieces(f, s, len, flags, put_plain);
}

static void put_csv_quoted(FILE *f, const char *piece) {
  for (; *piece != '\0'; piece++) {
    if (*piece == '"')
      putc('"', f);
    putc(*piece, f);
  }
}

void ap_csv_field(FILE *f, const char *s) {
  if (s == NULL)
    return;
  if (strpbrk(s, ",\"") == NULL) {
    ap_text_bytes(f, s, strlen(s), 0);
    return;
  }
  putc('"', f);
  escaped_pieces(f, s, strlen(s), 0, put_csv_quoted);
  putc('"', f);
}

static void put_prom(FILE *f, const char *piece) {
  for (; *piece != '\0'; piece++) {
    if (*piece == '\\')
      fputs("\\\\", f);
    else if (*piece == '"')
      fputs("\\\"", f);
    else if (*piece == '\n')
      fputs("\\n", f);
    else
      putc(*piece, f);
  }
}

void ap_prom_label(FILE *f, const char *s) {
  escaped_pieces(f, s, strlen(s), 0, put_prom);
}

const char *ap_verdict_name(int verdict) {
  switch (verdict) {
  case AP_ALIVE: return "alive";
  case AP_UNREACHABLE: return "unreachable";
  case AP_NOT_PINGED: return "not-pinged";
  default: return "unfinished";
  }
}

const char *ap_check_state_name(int state) {
  switch (state) {
  case AP_CHECK_OPEN: return "open";
  case AP_CHECK_CLOSED: return "closed";
  case AP_CHECK_FILTERED: return "filtered";
  default: return "error";
  }
}

const char *ap_status_name(const struct ap_result *r) {
  if (r->verdict == AP_UNFINISHED)
    return "unfinished";
  if (r->verdict == AP_UNREACHABLE)
    return "unreachable";
  if (!r->ok)
    return "failed";
  return r->verdict == AP_ALIVE ? "alive" : "ok";
}

/* A time in milliseconds as a JSON number, or null. */
static void json_ms(FILE *f, const char *key, int have, uint64_t ns) {
  if (have)
    fprintf(f, ",\"%s\":%.3f", key, MS(ns));
  else
    fprintf(f, ",\"%s\":null", key);
}

/* -C: each probe's round-trip time, in ms, null for a lost one. */
static void json_rtts(FILE *f, const struct ap_result *r) {
  unsigned i;

  for (i = 0; i < r->nrtts; i++) {
    fputs(i ? "," : "[", f);
    if (r->rtts[i] == AP_RTT_LOST)
      fputs("null", f);
    else
      fprintf(f, "%.3f", MS(r->rtts[i]));
  }
  fputs(i ? "]" : "[]", f);
}

static void json_stats(FILE *f, const struct ap_result *r) {
  const struct ap_stats *st = &r->stats;
  int got = st->received > 0;

  fprintf(f, ",\"stats\":{\"sent\":%u,\"received\":%u,\"loss_pct\":%.1f",
          st->sent, st->received,
          st->sent ? 100.0 * (st->sent - st->received) / st->sent : 0.0);
  json_ms(f, "rtt_min_ms", got, st->rtt_min_ns);
  json_ms(f, "rtt_avg_ms", got, got ? st->rtt_sum_ns / st->received : 0);
  json_ms(f, "rtt_max_ms", got, st->rtt_max_ns);
  if (r->rtts != NULL) {
    fputs(",\"rtts_ms\":", f);
    json_rtts(f, r);
  }
  putc('}', f);
}

void ap_json_checks(FILE *f, const struct ap_result *r) {
  const struct ap_check *c;
  size_t i;

  putc('[', f);
  for (i = 0; i < r->nchecks; i++) {
    c = &r->checks[i];
    fprintf(f, "%s{\"port\":%u,\"service\":\"%s\",\"state\":\"%s\","
            "\"pass\":%s,\"reason\":", i ? "," : "", c->port,
            c->telnet ? "telnet" : "tcp", ap_check_state_name(c->state),
            c->pass ? "true" : "false");
    ap_json_str(f, c->reason);
    fputs(",\"banner\":", f);
    if (c->banner != NULL)
      ap_json_bytes(f, c->banner, c->banner_len);
    else
      fputs("null", f);
    putc('}', f);
  }
  putc(']', f);
}

void ap_json_result(FILE *f, const struct ap_rec *rec) {
  const struct ap_result *r = rec->r;
  char from[AP_ADDR_STRLEN];

  fputs("{\"type\":\"target\"", f);
  if (rec->ts != NULL)
    fprintf(f, ",\"ts\":\"%s\"", rec->ts);
  fputs(",\"address\":", f);
  ap_json_str(f, rec->addr);
  if (rec->name != NULL) {
    fputs(",\"name\":", f);
    ap_json_str(f, rec->name);
  }
  fprintf(f, ",\"status\":\"%s\",\"verdict\":\"%s\",\"ok\":%s",
          rec->status, ap_verdict_name(r->verdict),
          r->ok ? "true" : "false");
  json_ms(f, "rtt_ms", r->verdict == AP_ALIVE, r->rtt_ns);
  if (r->verdict == AP_ALIVE && r->has_ttl)
    fprintf(f, ",\"ttl\":%u", (unsigned) r->ttl);
  else
    fputs(",\"ttl\":null", f);
  fputs(",\"reason\":", f);
  ap_json_str(f, r->reason);
  fputs(",\"from\":", f);
  ap_json_str(f, r->from ? ap_addr_format(r->from, from, sizeof(from))
                         : NULL);
  if (r->stats.sent > 0)
    json_stats(f, r);
  if (r->nchecks > 0) {
    fputs(",\"checks\":", f);
    ap_json_checks(f, r);
  }
  if (rec->prev != NULL) {
    fputs(",\"previous\":", f);
    ap_json_str(f, rec->prev);
  }
  if (r->evidence != NULL)
    fprintf(f, ",\"evidence\":{\"port\":%u,\"state\":\"%s\","
            "\"rtt_ms\":%.3f}", r->evidence->port,
            ap_check_state_name(r->evidence->state),
            MS(r->evidence->rtt_ns));
  fputs("}\n", f);
}

void ap_json_summary(FILE *f, const struct ap_totals *t) {
  fprintf(f, "{\"type\":\"summary\",\"targets\":%llu,\"ok\":%llu,"
          "\"alive\":%llu,\"unreachable\":%llu,\"not_pinged\":%llu,"
          "\"unfinished\":%llu,\"unknown_names\":%llu",
          (unsigned long long) t->targets, (unsigned long long) t->ok,
          (unsigned long long) t->alive, (unsigned long long) t->unreachable,
          (unsigned long long) t->not_pinged,
          (unsigned long long) t->unfinished,
          (unsigned long long) t->unresolved);
  if (t->state)
    fprintf(f, ",\"changed\":%llu", (unsigned long long) t->changed);
  if (t->alive > 0)
    fprintf(f, ",\"rtt_ms\":{\"min\":%.3f,\"avg\":%.3f,\"max\":%.3f,"
            "\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f}", MS(t->rtt_min_ns),
            MS(t->rtt_avg_ns), MS(t->rtt_max_ns), MS(t->rtt_p50_ns),
            MS(t->rtt_p90_ns), MS(t->rtt_p99_ns));
  else
    fputs(",\"rtt_ms\":null", f);
  fprintf(f, ",\"elapsed_s\":%.3f,\"stopped\":", SEC(t->elapsed_ns));
  ap_json_str(f, t->stopped);
  fputs("}\n", f);
}

void ap_csv_header(FILE *f) {
  fputs("address,name,status,verdict,ok,rtt_ms,reason,from,sent,received,"
        "rtt_min_ms,rtt_avg_ms,rtt_max_ms,checks,previous,evidence,rtts_ms,"
        "ts,ttl\r\n", f);
}

/* The checks as one CSV field holding their JSON array. */
static void csv_checks(FILE *f, const struct ap_result *r) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m;

  if (r->nchecks == 0)
    return;
  m = open_memstream(&buf, &len);
  if (m == NULL) {
    fputs("\"[]\"", f); /* out of memory: an honest empty list */
    return;
  }
  ap_json_checks(m, r);
  if (fclose(m) == 0)
    ap_csv_field(f, buf);
  free(buf);
}

/* -C: the round-trip times as one CSV field holding their JSON array. */
static void csv_rtts(FILE *f, const struct ap_result *r) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m;

  if (r->rtts == NULL)
    return;
  m = open_memstream(&buf, &len);
  if (m == NULL) {
    fputs("\"[]\"", f);
    return;
  }
  json_rtts(m, r);
  if (fclose(m) == 0)
    ap_csv_field(f, buf);
  free(buf);
}

const char *ap_fping_ms(uint64_t ns, char *buf, size_t len) {
  double t = MS(ns);

  if (t < 1.0)
    snprintf(buf, len, "%.3f", t);
  else if (t < 10.0)
    snprintf(buf, len, "%.2f", t);
  else if (t < 100.0)
    snprintf(buf, len, "%.1f", t);
  else if (t < 1000000.0)
    snprintf(buf, len, "%.0f", t);
  else
    snprintf(buf, len, "%.3e", t);
  return buf;
}

static void vcount_fields(FILE *f, const char *who,
                          const struct ap_result *r) {
  char ms[32];
  unsigned i;

  fprintf(f, "%s :", who);
  for (i = 0; i < r->stats.sent; i++) {
    if (r->rtts == NULL || i >= r->nrtts || r->rtts[i] == AP_RTT_LOST)
      fputs(" -", f);
    else
      fprintf(f, " %s", ap_fping_ms(r->rtts[i], ms, sizeof(ms)));
  }
  putc('\n', f);
}

void ap_fping_vcount(FILE *f, const char *who, const struct ap_result *r) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);

  /* The line goes out in one write, even to an unbuffered stream. */
  if (m == NULL) {
    vcount_fields(f, who, r);
    return;
  }
  vcount_fields(m, who, r);
  if (fclose(m) == 0)
    fwrite(buf, 1, len, f);
  free(buf);
}

void ap_csv_result(FILE *f, const struct ap_rec *rec) {
  const struct ap_result *r = rec->r;
  const struct ap_stats *st = &r->stats;
  char from[AP_ADDR_STRLEN];

  ap_csv_field(f, rec->addr);
  putc(',', f);
  ap_csv_field(f, rec->name);
  fprintf(f, ",%s,%s,%d,", rec->status, ap_verdict_name(r->verdict),
          r->ok != 0);
  if (r->verdict == AP_ALIVE)
    fprintf(f, "%.3f", MS(r->rtt_ns));
  putc(',', f);
  ap_csv_field(f, r->reason);
  fprintf(f, ",%s,", r->from ? ap_addr_format(r->from, from, sizeof(from))
                             : "");
  if (st->sent > 0)
    fprintf(f, "%u,%u", st->sent, st->received);
  else
    putc(',', f);
  if (st->sent > 0 && st->received > 0)
    fprintf(f, ",%.3f,%.3f,%.3f,", MS(st->rtt_min_ns),
            MS(st->rtt_sum_ns / st->received), MS(st->rtt_max_ns));
  else
    fputs(",,,,", f);
  csv_checks(f, r);
  putc(',', f);
  ap_csv_field(f, rec->prev);
  putc(',', f);
  if (r->evidence != NULL)
    fprintf(f, "%u/tcp %s", r->evidence->port,
            ap_check_state_name(r->evidence->state));
  putc(',', f);
  csv_rtts(f, r);
  putc(',', f);
  ap_csv_field(f, rec->ts);
  putc(',', f);
  if (r->verdict == AP_ALIVE && r->has_ttl)
    fprintf(f, "%u", (unsigned) r->ttl);
  fputs("\r\n", f);
}

/* Each family's name and help; aping_rtt_seconds has another help with
 * -c (see ap_prom_header()). */
static const char *const prom_help[AP_PROM_NFAMILIES][2] = {
  { "aping_up", "Whether the target passed every check (1) or not (0)." },
  { "aping_rtt_seconds", "Round-trip time of the target's first echo "
                         "reply." },
  { "aping_rtt_min_seconds", "Shortest round-trip time of the target's "
                             "echo replies in the run (-c)." },
  { "aping_rtt_max_seconds", "Longest round-trip time of the target's "
                             "echo replies in the run (-c)." },
  { "aping_probes_sent", "Echo requests sent to the target in the run "
                         "(-c)." },
  { "aping_probe_replies", "Echo replies from the target that came in "
                           "time in the run (-c)." },
  { "aping_probe_loss_ratio", "Share of the run's echo requests to the "
                              "target that got no reply in time, 0 to 1 "
                              "(-c)." },
  { "aping_service_up", "Whether a service check of the target passed (1) "
                        "or not (0)." }
};

void ap_prom_header(FILE *f, int family, int count) {
  const char *help = prom_help[family][1];

  if (family == AP_PROM_RTT && count)
    help = "Average round-trip time of the target's echo replies in the "
           "run (-c).";
  fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", prom_help[family][0], help,
          prom_help[family][0]);
}

/* Starts a sample: the metric name and the target's labels, brace open. */
static void prom_sample(FILE *f, int family, const struct ap_rec *rec) {
  fprintf(f, "%s{target=\"", prom_help[family][0]);
  ap_prom_label(f, rec->who);
  fputs("\",address=\"", f);
  ap_prom_label(f, rec->addr);
  putc('"', f);
}

/* With -c: the target's statistics, into the families that are open. */
static void prom_stats(FILE *const fam[AP_PROM_NFAMILIES],
                       const struct ap_rec *rec) {
  const struct ap_stats *st = &rec->r->stats;
  int got = rec->r->verdict == AP_ALIVE && st->received > 0;

  if (st->sent == 0 || fam[AP_PROM_SENT] == NULL)
    return;
  prom_sample(fam[AP_PROM_SENT], AP_PROM_SENT, rec);
  fprintf(fam[AP_PROM_SENT], "} %u\n", st->sent);
  prom_sample(fam[AP_PROM_REPLIES], AP_PROM_REPLIES, rec);
  fprintf(fam[AP_PROM_REPLIES], "} %u\n", got ? st->received : 0);
  prom_sample(fam[AP_PROM_LOSS], AP_PROM_LOSS, rec);
  fprintf(fam[AP_PROM_LOSS], "} %.6g\n",
          (double) (st->sent - (got ? st->received : 0)) / st->sent);
  if (!got)
    return;
  prom_sample(fam[AP_PROM_RTT_MIN], AP_PROM_RTT_MIN, rec);
  fprintf(fam[AP_PROM_RTT_MIN], "} %.9f\n", SEC(st->rtt_min_ns));
  prom_sample(fam[AP_PROM_RTT_MAX], AP_PROM_RTT_MAX, rec);
  fprintf(fam[AP_PROM_RTT_MAX], "} %.9f\n", SEC(st->rtt_max_ns));
}

void ap_prom_result(FILE *const fam[AP_PROM_NFAMILIES],
                    const struct ap_rec *rec) {
  const struct ap_result *r = rec->r;
  size_t i;

  if (r->verdict == AP_UNFINISHED)
    return; /* no sample: unknown, not down */
  prom_sample(fam[AP_PROM_UP], AP_PROM_UP, rec);
  fprintf(fam[AP_PROM_UP], "} %d\n", r->ok != 0);
  if (r->verdict == AP_ALIVE) {
    prom_sample(fam[AP_PROM_RTT], AP_PROM_RTT, rec);
    fprintf(fam[AP_PROM_RTT], "} %.9f\n", SEC(r->rtt_ns));
  }
  prom_stats(fam, rec);
  for (i = 0; i < r->nchecks; i++) {
    prom_sample(fam[AP_PROM_SERVICE], AP_PROM_SERVICE, rec);
    fprintf(fam[AP_PROM_SERVICE], ",port=\"%u\",service=\"%s\"} %d\n",
            r->checks[i].port, r->checks[i].telnet ? "telnet" : "tcp",
            r->checks[i].pass != 0);
  }
}

static void prom_gauge(FILE *f, const char *name, const char *help,
                       uint64_t v) {
  fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %llu\n", name, help, name,
          name, (unsigned long long) v);
}

void ap_prom_build_info(FILE *f, const char *version) {
  fputs("# HELP aping_build_info A metric with a constant '1' value "
        "labeled by the version of aping.\n# TYPE aping_build_info gauge\n"
        "aping_build_info{version=\"", f);
  ap_prom_label(f, version);
  fputs("\"} 1\n", f);
}

void ap_prom_totals(FILE *f, const struct ap_totals *t) {
  static const char *const v[] = { "alive", "unreachable", "not-pinged",
                                   "unfinished" };
  uint64_t n[] = { t->alive, t->unreachable, t->not_pinged, t->unfinished };
  size_t i;

  fputs("# HELP aping_targets Targets the run was to probe, by verdict.\n"
        "# TYPE aping_targets gauge\n", f);
  for (i = 0; i < 4; i++)
    fprintf(f, "aping_targets{verdict=\"%s\"} %llu\n", v[i],
            (unsigned long long) n[i]);
  prom_gauge(f, "aping_targets_ok", "Targets that passed every check.",
             t->ok);
  prom_gauge(f, "aping_names_unresolved",
             "Target names that could not be resolved.", t->unresolved);
  if (t->state)
    prom_gauge(f, "aping_targets_changed",
               "Targets whose status differs from the previous run's.",
               t->changed);
  fprintf(f, "# HELP aping_probe_duration_seconds How long the run took.\n"
          "# TYPE aping_probe_duration_seconds gauge\n"
          "aping_probe_duration_seconds %.6f\n", SEC(t->elapsed_ns));
  fprintf(f, "# HELP aping_last_run_timestamp_seconds Unix time at which "
          "the run that wrote this ended.\n"
          "# TYPE aping_last_run_timestamp_seconds gauge\n"
          "aping_last_run_timestamp_seconds %llu.%03llu\n",
          (unsigned long long) (t->end_unix_ms / 1000),
          (unsigned long long) (t->end_unix_ms % 1000));
  ap_prom_build_info(f, AP_VERSION);
}
