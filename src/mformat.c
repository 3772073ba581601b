/* mformat.c - see mformat.h. */
#include "mformat.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banner.h"
#include "format.h"

#define MS(ns) ((double) (ns) / 1e6)

void ap_rfc3339(char *buf, size_t len, uint64_t unix_ms) {
  time_t s = (time_t) (unix_ms / 1000);
  struct tm tm;

  gmtime_r(&s, &tm);
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec, (unsigned) (unix_ms % 1000));
}

/* The statistics of a span: sent, received, loss, min/avg/max. */
static void json_span(FILE *f, const struct ap_lrec *r) {
  const struct ap_mspan *s = r->span;

  fprintf(f, ",\"sent\":%llu,\"received\":%llu,\"loss_pct\":%.1f",
          (unsigned long long) s->done, (unsigned long long) s->replies,
          ap_mspan_loss(s));
  if (s->replies > 0)
    fprintf(f, ",\"rtt_min_ms\":%.3f,\"rtt_avg_ms\":%.3f,"
            "\"rtt_max_ms\":%.3f", MS(s->rtt_min_ns),
            MS(s->rtt_sum_ns / s->replies), MS(s->rtt_max_ns));
  else
    fputs(",\"rtt_min_ms\":null,\"rtt_avg_ms\":null,\"rtt_max_ms\":null",
          f);
  fprintf(f, ",\"outage_ms\":%llu", (unsigned long long) r->outage_ms);
}

static void json_check(FILE *f, const struct ap_lrec *r) {
  const struct ap_check *c = r->check;

  fprintf(f, ",\"port\":%u,\"service\":\"%s\",\"state\":\"%s\","
          "\"pass\":%s", c->port, c->telnet ? "telnet" : "tcp",
          ap_check_state_name(c->state), c->pass ? "true" : "false");
  if (c->state == AP_CHECK_OPEN)
    fprintf(f, ",\"connect_ms\":%.3f", MS(r->connect_ns));
  fputs(",\"banner\":", f);
  if (c->banner != NULL)
    ap_json_bytes(f, c->banner, c->banner_len);
  else
    fputs("null", f);
}

void ap_json_lrec(FILE *f, const struct ap_lrec *r) {
  fprintf(f, "{\"type\":\"%s\",\"ts\":\"%s\",\"address\":", r->type, r->ts);
  ap_json_str(f, r->addr);
  if (r->name != NULL) {
    fputs(",\"name\":", f);
    ap_json_str(f, r->name);
  }
  if (r->has_seq)
    fprintf(f, ",\"seq\":%llu", (unsigned long long) r->seq);
  if (r->result != NULL) {
    fprintf(f, ",\"result\":\"%s\"", r->result);
    if (r->has_rtt)
      fprintf(f, ",\"rtt_ms\":%.3f", MS(r->rtt_ns));
    else
      fputs(",\"rtt_ms\":null", f);
    if (r->has_ttl)
      fprintf(f, ",\"ttl\":%u", (unsigned) r->ttl);
    else
      fputs(",\"ttl\":null", f);
  }
  if (r->check != NULL)
    json_check(f, r);
  if (r->result != NULL || r->check != NULL) {
    fputs(",\"reason\":", f);
    ap_json_str(f, r->reason);
  }
  if (r->result != NULL) {
    fputs(",\"from\":", f);
    ap_json_str(f, r->from);
  }
  if (r->span != NULL)
    json_span(f, r);
  fputs("}\n", f);
}

void ap_csv_lheader(FILE *f) {
  fputs("type,ts,address,name,seq,result,rtt_ms,reason,from,port,service,"
        "state,pass,connect_ms,banner,sent,received,loss_pct,rtt_min_ms,"
        "rtt_avg_ms,rtt_max_ms,outage_ms,ttl\r\n", f);
}

/* The banner as one CSV field: escaped as the text output shows it. */
static void csv_check(FILE *f, const struct ap_lrec *r) {
  const struct ap_check *c = r->check;

  if (c == NULL) {
    fputs(",,,,,,", f);
    return;
  }
  fprintf(f, ",%u,%s,%s,%d,", c->port, c->telnet ? "telnet" : "tcp",
          ap_check_state_name(c->state), c->pass != 0);
  if (c->state == AP_CHECK_OPEN)
    fprintf(f, "%.3f", MS(r->connect_ns));
  putc(',', f);
  if (c->banner != NULL) {
    char *text = malloc(4 * c->banner_len + 1);
    if (text != NULL)
      ap_banner_escape(c->banner, c->banner_len, text,
                       4 * c->banner_len + 1);
    ap_csv_field(f, text != NULL ? text : "");
    free(text);
  }
}

static void csv_span(FILE *f, const struct ap_lrec *r) {
  const struct ap_mspan *s = r->span;

  if (s == NULL) {
    fputs(",,,,,,,", f);
    return;
  }
  fprintf(f, ",%llu,%llu,%.1f,", (unsigned long long) s->done,
          (unsigned long long) s->replies, ap_mspan_loss(s));
  if (s->replies > 0)
    fprintf(f, "%.3f,%.3f,%.3f", MS(s->rtt_min_ns),
            MS(s->rtt_sum_ns / s->replies), MS(s->rtt_max_ns));
  else
    fputs(",,", f);
  fprintf(f, ",%llu", (unsigned long long) r->outage_ms);
}

void ap_csv_lrec(FILE *f, const struct ap_lrec *r) {
  fprintf(f, "%s,%s,", r->type, r->ts);
  ap_csv_field(f, r->addr);
  putc(',', f);
  ap_csv_field(f, r->name);
  putc(',', f);
  if (r->has_seq)
    fprintf(f, "%llu", (unsigned long long) r->seq);
  fprintf(f, ",%s,", r->result != NULL ? r->result : "");
  if (r->has_rtt)
    fprintf(f, "%.3f", MS(r->rtt_ns));
  putc(',', f);
  ap_csv_field(f, r->reason);
  putc(',', f);
  ap_csv_field(f, r->from);
  csv_check(f, r);
  csv_span(f, r);
  putc(',', f);
  if (r->has_ttl)
    fprintf(f, "%u", (unsigned) r->ttl);
  fputs("\r\n", f);
}
