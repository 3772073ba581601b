/* nagios.c - see nagios.h. */
#include "nagios.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "utf8.h"

#define MS(ns) ((double) (ns) / 1e6)
#define SEC(ns) ((double) (ns) / 1e9)

static const char *const word[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

int ap_threshold_parse(const char *s, struct ap_threshold *t) {
  size_t len = strlen(s);
  char *end;
  double v;

  memset(t, 0, sizeof(*t));
  /* Digits and a point only: strtod() alone would take "0x10" or "1e3". */
  t->percent = len > 0 && s[len - 1] == '%';
  if (len == (size_t) t->percent ||
      strspn(s, "0123456789.") < len - (size_t) t->percent)
    return UV_EINVAL;
  errno = 0;
  v = strtod(s, &end);
  if (errno != 0 || !isfinite(v) || end != s + len - (size_t) t->percent)
    return UV_EINVAL;
  if (t->percent ? v > 100 : v != floor(v))
    return UV_EINVAL;
  t->value = v;
  t->set = 1;
  return 0;
}

int ap_threshold_exceeded(const struct ap_threshold *t, uint64_t failed,
                          uint64_t total) {
  if (!t->set)
    return 0;
  if (t->percent)
    return total > 0 && 100.0 * (double) failed / (double) total > t->value;
  return (double) failed > t->value;
}

/* One value of a pair: a decimal number in [0, max], then the unit
 * (optional) and the end.  Returns 0 or UV_EINVAL. */
static int pair_value(const char *s, size_t len, const char *unit,
                      double max, double *v) {
  size_t digits = strspn(s, "0123456789."), ulen = strlen(unit);
  char buf[32], *end;

  if (digits == 0 || digits >= sizeof(buf) ||
      (digits != len && (len - digits != ulen ||
                         strncmp(s + digits, unit, ulen) != 0)))
    return UV_EINVAL;
  memcpy(buf, s, digits);
  buf[digits] = '\0';
  errno = 0;
  *v = strtod(buf, &end);
  if (errno != 0 || *end != '\0' || !isfinite(*v) || *v > max)
    return UV_EINVAL;
  return 0;
}

int ap_hostlim_parse(const char *s, int pl, double *warn, double *crit) {
  const char *comma = strchr(s, ',');
  const char *unit = pl ? "%" : "ms";
  double max = pl ? 100 : 3600000, w, c;

  if (comma == NULL ||
      pair_value(s, (size_t) (comma - s), unit, max, &w) != 0 ||
      pair_value(comma + 1, strlen(comma + 1), unit, max, &c) != 0 ||
      w > c || (!pl && w < 0.001))
    return UV_EINVAL;
  *warn = w;
  *crit = c;
  return 0;
}

static uint64_t nagios_total(const struct ap_totals *t) {
  return t->targets + t->unresolved;
}

static uint64_t nagios_failed(const struct ap_totals *t) {
  return t->targets - t->ok - t->unfinished + t->unresolved;
}

/* --crit as given; with neither threshold given, any failure. */
static struct ap_threshold nagios_crit(const struct ap_nagios *n) {
  struct ap_threshold crit = n->crit;

  if (!n->warn.set && !n->crit.set) {
    crit.set = 1;
    crit.percent = 0;
    crit.value = 0;
  }
  return crit;
}

int ap_nagios_per_host(const struct ap_nagios *n) {
  return n->lim.rta || n->lim.pl;
}

/* The loss in whole percent, rounded down, as check_icmp has it. */
static unsigned loss_pct(unsigned sent, unsigned received) {
  return sent > 0 ? (sent - received) * 100 / sent : 100;
}

int ap_nagios_host_status(const struct ap_hostlim *l,
                          const struct ap_result *r) {
  const struct ap_stats *st = &r->stats;
  double rta, pl;

  if (!r->ok || r->verdict != AP_ALIVE || st->received == 0)
    return AP_NAGIOS_CRITICAL;
  rta = MS(st->rtt_sum_ns / st->received);
  pl = loss_pct(st->sent, st->received);
  if ((l->rta && rta >= l->rta_crit_ms) || (l->pl && pl >= l->pl_crit))
    return AP_NAGIOS_CRITICAL;
  if ((l->rta && rta >= l->rta_warn_ms) || (l->pl && pl >= l->pl_warn))
    return AP_NAGIOS_WARNING;
  return AP_NAGIOS_OK;
}

/* Why a target has no reply, or why it failed; "" if it did not. */
static void host_why(const struct ap_result *r, char *buf, size_t len) {
  char from[AP_ADDR_STRLEN];

  buf[0] = '\0';
  if (r->reason != NULL && r->from != NULL)
    snprintf(buf, len, "%s from %s", r->reason,
             ap_addr_format(r->from, from, sizeof(from)));
  else if (r->reason != NULL)
    snprintf(buf, len, "%s", r->reason);
  else if (!r->ok && r->verdict == AP_ALIVE)
    snprintf(buf, len, "checks failed");
}

/* "who: rta 0.123ms, lost 0%", "who: rta nan, lost 100% (why)". */
static void host_text(const struct ap_nagios_host *h, char *buf,
                      size_t len) {
  int n;

  if (h->received > 0)
    n = snprintf(buf, len, "%s: rta %.3fms, lost %u%%", h->who,
                 MS(h->rta_ns), loss_pct(h->sent, h->received));
  else
    n = snprintf(buf, len, "%s: rta nan, lost 100%%", h->who);
  if (h->why[0] != '\0' && n > 0 && (size_t) n < len)
    snprintf(buf + n, len - (size_t) n, " (%s)", h->why);
}

/* Copies who as shown (escaped as ap_utf8_escape() shows it) into buf of
 * len bytes, cut before the first character that does not fit whole.
 * Returns its length. */
static size_t shown_cut(char *buf, size_t len, const char *who) {
  return ap_utf8_escape((const uint8_t *) who, strlen(who), 0, buf, len,
                        NULL);
}

/* With --rta or --pl: the target's status, counted; the target kept for
 * the performance data while there is room, and listed when it is not
 * OK. */
static void note_host(struct ap_nagios *n, const struct ap_rec *rec) {
  const struct ap_result *r = rec->r;
  struct ap_nagios_host h;

  memset(&h, 0, sizeof(h));
  shown_cut(h.who, sizeof(h.who), rec->who);
  host_why(r, h.why, sizeof(h.why));
  h.status = ap_nagios_host_status(&n->lim, r);
  h.sent = r->stats.sent;
  h.received = r->verdict == AP_ALIVE ? r->stats.received : 0;
  if (h.received > 0) {
    h.rta_ns = r->stats.rtt_sum_ns / h.received;
    h.min_ns = r->stats.rtt_min_ns;
    h.max_ns = r->stats.rtt_max_ns;
  }
  n->nstatus[h.status]++;
  if (n->nhosts < AP_NAGIOS_HOSTS)
    n->hosts[n->nhosts++] = h;
  if (h.status == AP_NAGIOS_OK)
    return;
  if (n->nlist < AP_NAGIOS_LIST)
    host_text(&h, n->list[n->nlist++], sizeof(n->list[0]));
  n->nlisted++;
}

void ap_nagios_note(struct ap_nagios *n, const struct ap_rec *rec) {
  if (rec->r->verdict == AP_UNFINISHED)
    return;
  if (ap_nagios_per_host(n)) {
    note_host(n, rec);
    return;
  }
  if (rec->prev == NULL && rec->r->ok)
    return;
  if (n->nlist < AP_NAGIOS_LIST) {
    char *e = n->list[n->nlist];
    size_t k = shown_cut(e, sizeof(n->list[0]) - 64, rec->who);

    if (rec->prev != NULL)
      snprintf(e + k, sizeof(n->list[0]) - k, " %s (was %s)", rec->status,
               rec->prev);
    n->nlist++;
  }
  n->nlisted++;
}

/* The targets judged one by one, in all. */
static uint64_t hosts_seen(const struct ap_nagios *n) {
  return n->nstatus[0] + n->nstatus[1] + n->nstatus[2] + n->nstatus[3];
}

/* Whether every target judged one by one was kept: each then gets its
 * own text and performance data, as check_icmp gives them. */
static int few_hosts(const struct ap_nagios *n) {
  return ap_nagios_per_host(n) && hosts_seen(n) <= AP_NAGIOS_HOSTS;
}

int ap_nagios_status(const struct ap_nagios *n, const struct ap_totals *t) {
  uint64_t failed = nagios_failed(t), total = nagios_total(t);
  struct ap_threshold crit = nagios_crit(n);

  if (t->unfinished > 0)
    return AP_NAGIOS_UNKNOWN;
  if (ap_nagios_per_host(n)) {
    if (n->nstatus[AP_NAGIOS_CRITICAL] > 0 || t->unresolved > 0 ||
        hosts_seen(n) == 0)
      return AP_NAGIOS_CRITICAL;
    return n->nstatus[AP_NAGIOS_WARNING] > 0 ? AP_NAGIOS_WARNING
                                             : AP_NAGIOS_OK;
  }
  if (ap_threshold_exceeded(&crit, failed, total))
    return AP_NAGIOS_CRITICAL;
  if (ap_threshold_exceeded(&n->warn, failed, total))
    return AP_NAGIOS_WARNING;
  return AP_NAGIOS_OK;
}

/* A threshold as perfdata wants it, or "" when it is unset or of the other
 * kind (a count on the percentage, or the reverse). */
static const char *perf_th(const struct ap_threshold *t, int percent,
                           char *buf, size_t len) {
  if (!t->set || t->percent != percent)
    return "";
  snprintf(buf, len, "%g", t->value);
  return buf;
}

/* The totals' performance data (with --rta or --pl and many targets, the
 * count of WARNING and CRITICAL ones too). */
static void nagios_perfdata(FILE *f, const struct ap_nagios *n,
                            const struct ap_totals *t) {
  uint64_t failed = nagios_failed(t), total = nagios_total(t);
  struct ap_threshold crit = nagios_crit(n);
  char w[32], c[32];

  fprintf(f, " | 'alive'=%llu;;;0;%llu", (unsigned long long) t->alive,
          (unsigned long long) total);
  if (n->services)
    fprintf(f, " 'ok'=%llu;;;0;%llu", (unsigned long long) t->ok,
            (unsigned long long) total);
  fprintf(f, " 'failed'=%llu;%s;%s;0;%llu", (unsigned long long) failed,
          perf_th(&n->warn, 0, w, sizeof(w)), perf_th(&crit, 0, c, sizeof(c)),
          (unsigned long long) total);
  fprintf(f, " 'failed_pct'=%.1f%%;%s;%s;0;100",
          total ? 100.0 * (double) failed / (double) total : 0.0,
          perf_th(&n->warn, 1, w, sizeof(w)),
          perf_th(&crit, 1, c, sizeof(c)));
  if (ap_nagios_per_host(n))
    fprintf(f, " 'warning'=%llu;;;0;%llu 'critical'=%llu;;;0;%llu",
            (unsigned long long) n->nstatus[AP_NAGIOS_WARNING],
            (unsigned long long) total,
            (unsigned long long) (n->nstatus[AP_NAGIOS_CRITICAL] +
                                  t->unresolved),
            (unsigned long long) total);
  if (t->alive > 0)
    fprintf(f, " 'rta'=%.6fs;;;0 'rtmin'=%.6fs;;;0 'rtmax'=%.6fs;;;0",
            SEC(t->rtt_avg_ns), SEC(t->rtt_min_ns), SEC(t->rtt_max_ns));
  fprintf(f, " 'time'=%.3fs;;;0\n", SEC(t->elapsed_ns));
}

/* A --rta or --pl threshold for perfdata, or "" when not given. */
static const char *lim_th(int given, const char *fmt, double v, char *buf,
                          size_t len) {
  if (!given)
    return "";
  snprintf(buf, len, fmt, v);
  return buf;
}

/* check_icmp's performance data of one target: "'rta'=0.123ms;200.000;
 * 500.000;0; 'pl'=0%;40;80;; 'rtmax'=... 'rtmin'=...", each label
 * after the target's name ("'192.0.2.7 rta'") when there are several
 * targets; U for the times of a target without a reply. */
static void host_perfdata(FILE *f, const struct ap_hostlim *l,
                          const struct ap_nagios_host *h, int prefix) {
  const char *p = prefix ? h->who : "", *sp = prefix ? " " : "";
  char w[32], c[32];

  if (h->received > 0)
    fprintf(f, " '%s%srta'=%.3fms", p, sp, MS(h->rta_ns));
  else
    fprintf(f, " '%s%srta'=U", p, sp);
  fprintf(f, ";%s;%s;0;",
          lim_th(l->rta, "%.3f", l->rta_warn_ms, w, sizeof(w)),
          lim_th(l->rta, "%.3f", l->rta_crit_ms, c, sizeof(c)));
  fprintf(f, " '%s%spl'=%u%%;%s;%s;;", p, sp,
          loss_pct(h->sent, h->received),
          lim_th(l->pl, "%g", l->pl_warn, w, sizeof(w)),
          lim_th(l->pl, "%g", l->pl_crit, c, sizeof(c)));
  if (h->received > 0)
    fprintf(f, " '%s%srtmax'=%.3fms;;;; '%s%srtmin'=%.3fms;;;;", p, sp,
            MS(h->max_ns), p, sp, MS(h->min_ns));
  else
    fprintf(f, " '%s%srtmax'=U;;;; '%s%srtmin'=U;;;;", p, sp, p, sp);
}

/* What follows the counts: names not known, unfinished targets, changes,
 * and the list, its entries after sep (none when every target is shown
 * anyway). */
static void line_tail(FILE *f, const struct ap_nagios *n,
                      const struct ap_totals *t, const char *sep) {
  size_t i;

  if (t->unresolved > 0)
    fprintf(f, " (%llu name%s not known)", (unsigned long long) t->unresolved,
            t->unresolved == 1 ? "" : "s");
  if (t->unfinished > 0)
    fprintf(f, ", %llu unfinished (%s)", (unsigned long long) t->unfinished,
            t->stopped ? t->stopped : "stopped");
  if (t->state)
    fprintf(f, "; %llu changed", (unsigned long long) t->changed);
  if (few_hosts(n))
    return;
  for (i = 0; i < n->nlist; i++)
    fprintf(f, "%s%s", i ? sep : ": ", n->list[i]);
  if (n->nlisted > n->nlist)
    fprintf(f, " and %llu more", (unsigned long long) (n->nlisted - n->nlist));
}

/* With --rta or --pl: each target's text and perfdata when there are few
 * (check_icmp's "who: rta 0.123ms, lost 0% :: ..."), else the count of
 * targets by status, the first ones that are not OK, and the totals'
 * perfdata. */
static void hosts_line(FILE *f, const struct ap_nagios *n,
                       const struct ap_totals *t) {
  int prefix = hosts_seen(n) + t->unresolved + t->unfinished > 1;
  char text[400];
  size_t i;

  if (!few_hosts(n)) {
    fprintf(f, "%llu critical, %llu warning, %llu ok of %llu",
            (unsigned long long) n->nstatus[AP_NAGIOS_CRITICAL],
            (unsigned long long) n->nstatus[AP_NAGIOS_WARNING],
            (unsigned long long) n->nstatus[AP_NAGIOS_OK],
            (unsigned long long) hosts_seen(n));
    line_tail(f, n, t, " :: ");
    nagios_perfdata(f, n, t);
    return;
  }
  for (i = 0; i < n->nhosts; i++) {
    host_text(&n->hosts[i], text, sizeof(text));
    fprintf(f, "%s%s", i ? " :: " : "", text);
  }
  if (n->nhosts == 0)
    fputs("no target", f);
  line_tail(f, n, t, " :: ");
  fputs(" |", f);
  for (i = 0; i < n->nhosts; i++)
    host_perfdata(f, &n->lim, &n->hosts[i], prefix);
  fprintf(f, " 'time'=%.3fs;;;0\n", SEC(t->elapsed_ns));
}

int ap_nagios_line(FILE *f, const struct ap_nagios *n,
                   const struct ap_totals *t) {
  uint64_t failed = nagios_failed(t), total = nagios_total(t);
  int st = ap_nagios_status(n, t);

  fprintf(f, "APING %s - ", word[st]);
  if (ap_nagios_per_host(n)) {
    hosts_line(f, n, t);
    return st;
  }
  if (failed == 0)
    fprintf(f, "%llu/%llu %s", (unsigned long long) (total - t->unfinished),
            (unsigned long long) total, n->services ? "ok" : "alive");
  else
    fprintf(f, "%llu/%llu %s", (unsigned long long) failed,
            (unsigned long long) total,
            n->services ? "failed" : "unreachable");
  line_tail(f, n, t, ", ");
  nagios_perfdata(f, n, t);
  return st;
}
