/* outloop.c - see outloop.h. */
#include "outloop.h"

#include <string.h>
#include <time.h>

#include "banner.h"
#include "mformat.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define PLAIN "\033[0m"
#define MS(ns) ((double) (ns) / 1e6)

/* Who a target is shown as, and its address as text. */
struct who {
  char addr[AP_ADDR_STRLEN];
  char buf[AP_WHO_MAX];
  const char *name;
  const char *shown;
};

static void who(const struct ap_out *o, const struct ap_addr *a,
                const char *name, struct who *w) {
  ap_addr_format(a, w->addr, sizeof(w->addr));
  w->name = name;
  w->shown = ap_out_who(o, w->name, w->addr, w->buf, sizeof(w->buf));
}

/* The ways an address is shown, one line each: every name given for it,
 * or its address alone.  Start with it zeroed; each_who() fills *w with
 * the next and returns 1, or returns 0 after the last. */
struct whos {
  const struct ap_name *v;
  size_t n, i;
};

static int each_who(const struct ap_out *o, const struct ap_addr *a,
                    struct whos *it, struct who *w) {
  if (it->i == 0)
    it->n = ap_names_all(o->names, a, &it->v);
  if (it->i >= (it->n > 0 ? it->n : 1))
    return 0;
  who(o, a, it->n > 0 ? it->v[it->i].name : NULL, w);
  it->i++;
  return 1;
}

/* A record's common part: type, time, target. */
static void lrec(struct ap_lrec *r, const char *type, const struct who *w,
                 char *ts, size_t tslen) {
  memset(r, 0, sizeof(*r));
  ap_rfc3339(ts, tslen, ap_out_wall_ns() / 1000000);
  r->type = type;
  r->ts = ts;
  r->addr = w->addr;
  r->name = w->name;
}

static void emit_lrec(struct ap_out *o, const struct ap_lrec *r) {
  if (o->format == AP_FORMAT_JSON)
    ap_json_lrec(o->f, r);
  else if (o->format == AP_FORMAT_CSV)
    ap_csv_lrec(o->f, r);
}

/* The running average and the loss so far: "(0.049 avg, 0% loss)". */
static void running(FILE *f, const struct ap_mstat *st) {
  const struct ap_mspan *s = &st->all;

  if (s->replies > 0)
    fprintf(f, " (%.3f avg, ", MS(s->rtt_sum_ns / s->replies));
  else
    fputs(" (NaN avg, ", f);
  fprintf(f, "%.0f%% loss)", ap_mspan_loss(s));
}

static void text_probe(struct ap_out *o, const struct who *w,
                       const struct ap_mstat *st, const struct ap_mevent *ev) {
  char from[AP_ADDR_STRLEN];

  if (o->color)
    fputs(ev->kind == AP_MEVENT_REPLY ? GREEN : RED, o->f);
  ap_out_stamp(o);
  fprintf(o->f, "%s : [%u], ", w->shown, ev->seq);
  if (ev->kind == AP_MEVENT_REPLY)
    fprintf(o->f, "%.3f ms", MS(ev->rtt_ns));
  else if (ev->kind == AP_MEVENT_TIMEOUT)
    fputs("timed out", o->f);
  else if (ev->from != NULL)
    fprintf(o->f, "%s from %s", ev->reason,
            ap_addr_format(ev->from, from, sizeof(from)));
  else
    fputs(ev->reason, o->f);
  running(o->f, st);
  if (o->print_ttl && ev->kind == AP_MEVENT_REPLY && ev->has_ttl)
    fprintf(o->f, " (TTL %u)", (unsigned) ev->ttl);
  else if (o->print_ttl && ev->kind == AP_MEVENT_REPLY)
    fputs(" (TTL unknown)", o->f);
  if (o->color)
    fputs(PLAIN, o->f);
  putc('\n', o->f);
}

static void probe_as(struct ap_out *o, const struct who *w,
                     const struct ap_mstat *st, const struct ap_mevent *ev) {
  static const char *const result[] = { "reply", "timeout", "error" };
  char ts[40], from[AP_ADDR_STRLEN];
  struct ap_lrec r;

  if (o->format == AP_FORMAT_TEXT) {
    text_probe(o, w, st, ev);
    return;
  }
  lrec(&r, "probe", w, ts, sizeof(ts));
  r.has_seq = 1;
  r.seq = ev->seq;
  r.result = result[ev->kind];
  r.has_rtt = ev->kind == AP_MEVENT_REPLY;
  r.rtt_ns = ev->rtt_ns;
  r.has_ttl = ev->kind == AP_MEVENT_REPLY && ev->has_ttl;
  r.ttl = ev->ttl;
  r.reason = ev->reason;
  r.from = ev->from ? ap_addr_format(ev->from, from, sizeof(from)) : NULL;
  emit_lrec(o, &r);
}

void ap_out_probe(struct ap_out *o, const struct ap_addr *a,
                  const struct ap_mstat *st, const struct ap_mevent *ev) {
  struct whos it = { 0 };
  struct who w;

  if (o->show != AP_SHOW_ALL)
    return;
  while (each_who(o, a, &it, &w))
    probe_as(o, &w, st, ev);
}

static void text_check(struct ap_out *o, const struct who *w,
                       const struct ap_check *c, uint64_t seq,
                       uint64_t connect_ns) {
  char text[4 * 256 + 1];
  size_t n = c->banner_len < 256 ? c->banner_len : 256;

  if (o->color)
    fputs(c->pass ? GREEN : RED, o->f);
  ap_out_stamp(o);
  fprintf(o->f, "%s : [%llu], %u/tcp %s", w->shown, (unsigned long long) seq,
          c->port, ap_check_state_name(c->state));
  if (c->telnet)
    fputs(" telnet", o->f);
  if (c->state == AP_CHECK_OPEN)
    fprintf(o->f, " %.3f ms", MS(connect_ns));
  if (c->banner != NULL && c->banner_len > 0) {
    ap_banner_escape(c->banner, n, text, sizeof(text));
    fprintf(o->f, " \"%s%s\"", text, n < c->banner_len ? "..." : "");
  }
  if (c->reason != NULL)
    fprintf(o->f, " (%s)", c->reason);
  if (o->color)
    fputs(PLAIN, o->f);
  putc('\n', o->f);
}

static void check_as(struct ap_out *o, const struct who *w,
                     const struct ap_check *c, uint64_t seq,
                     uint64_t connect_ns) {
  struct ap_lrec r;
  char ts[40];

  if (o->format == AP_FORMAT_TEXT) {
    text_check(o, w, c, seq, connect_ns);
    return;
  }
  lrec(&r, "check", w, ts, sizeof(ts));
  r.has_seq = 1;
  r.seq = seq;
  r.check = c;
  r.connect_ns = connect_ns;
  r.reason = c->reason;
  emit_lrec(o, &r);
}

void ap_out_check(struct ap_out *o, const struct ap_addr *a,
                  const struct ap_check *c, uint64_t seq,
                  uint64_t connect_ns) {
  struct whos it = { 0 };
  struct who w;

  if (o->show != AP_SHOW_ALL)
    return;
  while (each_who(o, a, &it, &w))
    check_as(o, &w, c, seq, connect_ns);
}

void ap_out_interval_head(struct ap_out *o) {
  time_t now = time(NULL);
  struct tm tm;

  if (o->format != AP_FORMAT_TEXT || o->show != AP_SHOW_ALL)
    return;
  localtime_r(&now, &tm);
  fprintf(o->f, "[%02d:%02d:%02d]\n", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* "xmt/rcv/%loss = 10/9/10%, min/avg/max = 0.03/0.04/0.06" */
static void text_span(FILE *f, const struct ap_mspan *s) {
  fprintf(f, "xmt/rcv/%%loss = %llu/%llu/%.0f%%",
          (unsigned long long) s->done, (unsigned long long) s->replies,
          ap_mspan_loss(s));
  if (s->replies > 0)
    fprintf(f, ", min/avg/max = %.3f/%.3f/%.3f", MS(s->rtt_min_ns),
            MS(s->rtt_sum_ns / s->replies), MS(s->rtt_max_ns));
}

static void interval_as(struct ap_out *o, const struct who *w,
                        const struct ap_mspan *s) {
  uint64_t outage = (s->done - s->replies) * o->period_ms;
  struct ap_lrec r;
  char ts[40];

  if (o->format == AP_FORMAT_TEXT) {
    ap_out_stamp(o);
    fprintf(o->f, "%s : ", w->shown);
    text_span(o->f, s);
    fprintf(o->f, ", outage(ms) = %llu\n", (unsigned long long) outage);
    return;
  }
  lrec(&r, "interval", w, ts, sizeof(ts));
  r.span = s;
  r.outage_ms = outage;
  emit_lrec(o, &r);
}

void ap_out_interval(struct ap_out *o, const struct ap_addr *a,
                     const struct ap_mspan *s) {
  struct whos it = { 0 };
  struct who w;

  if (o->show != AP_SHOW_ALL)
    return;
  while (each_who(o, a, &it, &w))
    interval_as(o, &w, s);
}

void ap_out_total(struct ap_out *o, const struct ap_addr *a,
                  const struct ap_mspan *s) {
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  r.addr = *a;
  r.verdict = s->replies > 0 ? AP_ALIVE : AP_UNREACHABLE;
  r.ok = s->replies > 0;
  r.stats.sent = (unsigned) s->done;
  r.stats.received = (unsigned) s->replies;
  if (s->replies > 0) {
    r.rtt_ns = s->rtt_sum_ns / s->replies;
    r.stats.rtt_min_ns = s->rtt_min_ns;
    r.stats.rtt_max_ns = s->rtt_max_ns;
    r.stats.rtt_sum_ns = s->rtt_sum_ns;
  }
  ap_out_result(o, &r);
}

void ap_out_csv_total(struct ap_out *o, const struct ap_rec *rec) {
  const struct ap_stats *st = &rec->r->stats;
  struct ap_mspan s = { .done = st->sent, .replies = st->received,
                        .rtt_sum_ns = st->rtt_sum_ns,
                        .rtt_min_ns = st->rtt_min_ns,
                        .rtt_max_ns = st->rtt_max_ns };
  struct ap_lrec r;
  struct who w = { .name = rec->name, .shown = rec->who };
  char ts[40];

  snprintf(w.addr, sizeof(w.addr), "%s", rec->addr ? rec->addr : "");
  lrec(&r, "total", &w, ts, sizeof(ts));
  r.span = &s;
  r.outage_ms = (s.done - s.replies) * o->period_ms;
  ap_csv_lrec(o->f, &r);
}
