/* output.c - see output.h. */
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "utf8.h"
#include "mformat.h"
#include "outloop.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define PLAIN "\033[0m"
#define HIST_ROWS 12

void ap_out_init(struct ap_out *o, FILE *f, int show,
                 const struct ap_names *names) {
  memset(o, 0, sizeof(*o));
  o->f = f;
  o->show = show;
  o->names = names;
  o->rtt_min = UINT64_MAX;
  ap_hist_init(&o->hist);
}

int ap_out_begin(struct ap_out *o) {
  int i;

  if (o->format == AP_FORMAT_CSV && o->loop)
    ap_csv_lheader(o->f);
  else if (o->format == AP_FORMAT_CSV)
    ap_csv_header(o->f);
  if (o->format != AP_FORMAT_PROM)
    return 0;
  /* Samples of one family must stay together: the first family goes out
   * as it comes, the others wait in temporary files (not in memory). */
  ap_prom_header(o->f, AP_PROM_UP, o->count);
  o->spool[AP_PROM_UP] = o->f;
  for (i = AP_PROM_UP + 1; i < AP_PROM_NFAMILIES; i++) {
    if (AP_PROM_COUNTED(i) && !o->count)
      continue; /* no -c: no statistics */
    o->spool[i] = tmpfile();
    if (o->spool[i] == NULL)
      return uv_translate_sys_error(errno);
  }
  return 0;
}

static void count(struct ap_out *o, const struct ap_result *r) {
  o->ok += r->ok != 0;
  switch (r->verdict) {
  case AP_ALIVE:
    o->alive++;
    o->rtt_sum += r->rtt_ns;
    if (r->rtt_ns < o->rtt_min)
      o->rtt_min = r->rtt_ns;
    if (r->rtt_ns > o->rtt_max)
      o->rtt_max = r->rtt_ns;
    ap_hist_add(&o->hist, r->rtt_ns);
    break;
  case AP_UNREACHABLE: o->unreachable++; break;
  case AP_NOT_PINGED: o->not_pinged++; break;
  default: o->unfinished++; break;
  }
  if (r->nchecks > 0)
    o->checked++;
}

/* With --state: records the target's status and finds its previous one
 * ("new" when it had none).  Returns whether the target is to be listed:
 * its status changed, or it is unfinished (it keeps its old status). */
/* The key a target is kept by in the state file, whose lines are "STATUS
 * TARGET" with no blank in TARGET: what it is shown as, with "NAME
 * (ADDRESS)" (-A -d, --all-addresses) kept as "NAME(ADDRESS)". */
static const char *state_key(const char *who, char *buf, size_t len) {
  const char *sp = strchr(who, ' ');

  if (sp == NULL)
    return who;
  snprintf(buf, len, "%.*s%s", (int) (sp - who), who, sp + 1);
  return buf;
}

static int track(struct ap_out *o, const struct ap_rec *rec,
                 const char **prev) {
  char kbuf[AP_WHO_MAX];
  const char *key = state_key(rec->who, kbuf, sizeof(kbuf));
  const char *old = ap_state_take(o->state, key);

  *prev = old ? old : "new";
  if (rec->r->verdict == AP_UNFINISHED) {
    if (old != NULL)
      ap_state_put(o->state, key, old);
    return 1;
  }
  ap_state_put(o->state, key, rec->status);
  if (old != NULL && strcmp(old, rec->status) == 0)
    return 0;
  o->changed++;
  return 1;
}

static const char *const check_state[] = { "open", "closed", "filtered",
                                            "error" };

/* One service check, after the target's verdict: "; 22/tcp open \"SSH-2.0
 * -x\"", "; 23/tcp open telnet \"login:\"", "; 80/tcp closed", "; 25/tcp
 * error (host unreachable)". */
static void print_check(FILE *f, const struct ap_check *c) {
  fprintf(f, "; %u/tcp %s", (unsigned) c->port,
          check_state[c->state >= 0 && c->state <= AP_CHECK_ERROR
                          ? c->state : AP_CHECK_ERROR]);
  if (c->telnet)
    fprintf(f, " telnet");
  if (c->banner != NULL && c->banner_len == 0)
    fprintf(f, " (no banner)");
  if (c->banner != NULL && c->banner_len > 0) {
    fputs(" \"", f);
    ap_text_bytes(f, c->banner, c->banner_len, AP_ESC_QUOTE);
    putc('"', f);
  }
  if (c->reason != NULL)
    fprintf(f, " (%s)", c->reason);
}

/* --print-ttl: " (TTL 64)" after an alive target's round trip. */
static void print_ttl(const struct ap_out *o, const struct ap_result *r) {
  if (!o->print_ttl || r->verdict != AP_ALIVE)
    return;
  if (r->has_ttl)
    fprintf(o->f, " (TTL %u)", (unsigned) r->ttl);
  else
    fputs(" (TTL unknown)", o->f);
}

/* The ping's verdict: "ADDR is alive (0.12 ms)", "ADDR is unreachable
 * (reason from X)". */
static void print_ping(const struct ap_out *o, const char *who,
                       const struct ap_result *r) {
  char fbuf[AP_ADDR_STRLEN];
  FILE *f = o->f;

  if (r->verdict == AP_ALIVE && r->evidence != NULL)
    fprintf(f, "%s is alive (%u/tcp %s, %.2f ms)", who, r->evidence->port,
            r->evidence->state == AP_CHECK_OPEN ? "open" : "refused",
            (double) r->rtt_ns / 1e6);
  else if (r->verdict == AP_ALIVE) {
    fprintf(f, "%s is alive (%.2f ms)", who, (double) r->rtt_ns / 1e6);
    print_ttl(o, r);
  } else if (r->reason != NULL && r->from != NULL)
    fprintf(f, "%s is unreachable (%s from %s)", who, r->reason,
            ap_addr_format(r->from, fbuf, sizeof(fbuf)));
  else if (r->reason != NULL)
    fprintf(f, "%s is unreachable (%s)", who, r->reason);
  else
    fprintf(f, "%s is unreachable", who);
}

/* The line of a target with service checks, but its end: the ping's
 * verdict as for a ping alone ("is up" or "is down" over the checks with
 * -m none), then each check. */
static void print_checks_line(const struct ap_out *o, const char *who,
                              const struct ap_result *r) {
  size_t i;

  if (r->verdict == AP_NOT_PINGED)
    fprintf(o->f, "%s is %s", who, r->ok ? "up" : "down");
  else
    print_ping(o, who, r);
  for (i = 0; i < r->nchecks; i++)
    print_check(o->f, &r->checks[i]);
}

/* -c N, as fping -c prints its per-target summary, but the line end:
 * "ADDR : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.04/0.05/0.06". */
static void print_stats_line(const struct ap_out *o, const char *who,
                             const struct ap_result *r) {
  const struct ap_stats *st = &r->stats;
  char fbuf[AP_ADDR_STRLEN];
  unsigned loss = st->sent ? (st->sent - st->received) * 100 / st->sent : 100;
  FILE *f = o->f;

  fprintf(f, "%s : xmt/rcv/%%loss = %u/%u/%u%%", who, st->sent, st->received,
          loss);
  if (st->received > 0)
    fprintf(f, ", min/avg/max = %.2f/%.2f/%.2f", st->rtt_min_ns / 1e6,
            (double) st->rtt_sum_ns / st->received / 1e6,
            st->rtt_max_ns / 1e6);
  if (r->has_ttl)
    print_ttl(o, r); /* the last reply's */
  if (r->evidence != NULL)
    fprintf(f, " (alive: %u/tcp %s)", r->evidence->port,
            r->evidence->state == AP_CHECK_OPEN ? "open" : "refused");
  else if (r->reason != NULL && r->from != NULL)
    fprintf(f, " (%s from %s)", r->reason,
            ap_addr_format(r->from, fbuf, sizeof(fbuf)));
  else if (r->reason != NULL)
    fprintf(f, " (%s)", r->reason);
}

/* A text line of the full listing: "is up/down" or "is unfinished" or the
 * ping's verdict, then the service checks, without the line end. */
static void text_verdict(struct ap_out *o, const struct ap_rec *rec) {
  const struct ap_result *r = rec->r;

  if (r->verdict == AP_UNFINISHED)
    fprintf(o->f, "%s is unfinished", rec->who);
  else if (r->nchecks > 0)
    print_checks_line(o, rec->who, r);
  else if (o->count)
    print_stats_line(o, rec->who, r);
  else
    print_ping(o, rec->who, r);
}

static void text_result(struct ap_out *o, const struct ap_rec *rec) {
  const struct ap_result *r = rec->r;
  int ok = r->ok;

  if (o->show == AP_SHOW_NONE)
    return;
  /* Unfinished targets are neither alive nor unreachable: they show only
   * in the full listing. */
  if (r->verdict == AP_UNFINISHED && o->show != AP_SHOW_ALL)
    return;
  if ((o->show == AP_SHOW_ALIVE || o->show == AP_SHOW_UNREACH) &&
      (o->show == AP_SHOW_ALIVE) != ok)
    return;
  if (o->color)
    fputs(r->verdict == AP_UNFINISHED ? YELLOW : ok ? GREEN : RED, o->f);
  if (!o->loop) /* -l: the per-probe lines only, as fping -l -D */
    ap_out_stamp(o);
  if (o->show != AP_SHOW_ALL)
    fputs(rec->who, o->f);
  else
    text_verdict(o, rec);
  if (o->show != AP_SHOW_ALL && o->elapsed && r->verdict == AP_ALIVE)
    fprintf(o->f, " (%.2f ms)", (double) r->rtt_ns / 1e6);
  if (o->show != AP_SHOW_ALL)
    print_ttl(o, r);
  if (rec->prev != NULL && strcmp(rec->prev, "new") == 0)
    fputs(" (new)", o->f);
  else if (rec->prev != NULL)
    fprintf(o->f, " (was %s)", rec->prev);
  if (o->color)
    fputs(PLAIN, o->f);
  putc('\n', o->f);
}

/* Whether -a, -u or -q let a record of this target out. */
static int shown(const struct ap_out *o, const struct ap_result *r) {
  if (o->show == AP_SHOW_ALL)
    return 1;
  if (o->show == AP_SHOW_NONE || r->verdict == AP_UNFINISHED)
    return 0;
  return (o->show == AP_SHOW_ALIVE) == (r->ok != 0);
}

/* Counts a record, remembers it with --state and writes it out. */
static void emit(struct ap_out *o, struct ap_rec *rec) {
  const struct ap_result *r = rec->r;

  rec->status = ap_status_name(r);
  count(o, r);
  /* fping's -C lines and the targets judged one by one (--rta, --pl)
   * take every target, changed or not. */
  if (o->vf != NULL && o->format == AP_FORMAT_TEXT &&
      r->verdict != AP_UNFINISHED)
    ap_fping_vcount(o->vf, rec->who, r);
  if (o->format == AP_FORMAT_NAGIOS && ap_nagios_per_host(&o->nagios))
    ap_nagios_note(&o->nagios, rec);
  /* A Prometheus file holds every target, changed or not: a series that
   * vanished would clear an alert on a target that is still down. */
  if (o->state != NULL && !track(o, rec, &rec->prev) &&
      o->format != AP_FORMAT_PROM)
    return;
  switch (o->format) {
  case AP_FORMAT_TEXT: text_result(o, rec); return;
  case AP_FORMAT_NAGIOS:
    if (!ap_nagios_per_host(&o->nagios))
      ap_nagios_note(&o->nagios, rec);
    return;
  }
  if (!shown(o, r))
    return;
  if (o->format == AP_FORMAT_JSON)
    ap_json_result(o->f, rec);
  else if (o->format == AP_FORMAT_CSV && o->loop)
    ap_out_csv_total(o, rec);
  else if (o->format == AP_FORMAT_CSV)
    ap_csv_result(o->f, rec);
  else
    ap_prom_result(o->spool, rec);
}

uint64_t ap_out_wall_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

void ap_out_stamp(const struct ap_out *o) {
  uint64_t ns;

  if (!o->timestamps)
    return;
  ns = ap_out_wall_ns();
  fprintf(o->f, "[%llu.%05llu] ", (unsigned long long) (ns / 1000000000),
          (unsigned long long) (ns % 1000000000 / 10000));
}

/* The record's time, when the format has one: now, as the verdict is
 * known. */
static const char *rec_time(const struct ap_out *o, char *buf, size_t len) {
  if (o->format != AP_FORMAT_JSON && o->format != AP_FORMAT_CSV)
    return NULL;
  ap_rfc3339(buf, len, ap_out_wall_ns() / 1000000);
  return buf;
}

/* name as text shows it: itself, or escaped into buf (len bytes). */
static const char *shown_name(const char *name, char *buf, size_t len) {
  if (ap_utf8_clean(name))
    return name;
  ap_utf8_escape((const uint8_t *) name, strlen(name), 0, buf, len, NULL);
  return buf;
}

const char *ap_out_who(const struct ap_out *o, const char *name,
                       const char *addr, char *buf, size_t len) {
  size_t n;

  if (name == NULL || (o->by_addr && !o->rdns))
    return addr;
  if (!o->by_addr && !o->all_addresses)
    return shown_name(name, buf, len);
  n = ap_utf8_escape((const uint8_t *) name, strlen(name), 0, buf, len,
                     NULL);
  snprintf(buf + n, len - n, " (%s)", addr);
  return buf;
}

void ap_out_result_as(struct ap_out *o, const struct ap_result *r,
                      const char *name) {
  char abuf[AP_ADDR_STRLEN], wbuf[AP_WHO_MAX], ts[40];
  struct ap_rec rec;

  memset(&rec, 0, sizeof(rec));
  rec.ts = rec_time(o, ts, sizeof(ts));
  rec.r = r;
  rec.name = name;
  rec.addr = ap_addr_format(&r->addr, abuf, sizeof(abuf));
  rec.who = ap_out_who(o, rec.name, rec.addr, wbuf, sizeof(wbuf));
  emit(o, &rec);
}

void ap_out_result(struct ap_out *o, const struct ap_result *r) {
  const struct ap_name *v;
  size_t n = ap_names_all(o->names, &r->addr, &v), i;

  if (n == 0)
    ap_out_result_as(o, r, NULL);
  for (i = 0; i < n; i++)
    ap_out_result_as(o, r, v[i].name);
}

int ap_out_lists_unfinished(const struct ap_out *o) {
  if (o->state != NULL && ap_state_count(o->state) > 0)
    return 1;
  return o->format != AP_FORMAT_NAGIOS && o->show == AP_SHOW_ALL;
}

void ap_out_unfinished(struct ap_out *o, uint64_t n) {
  o->unfinished += n;
}

void ap_out_unfinished_name(struct ap_out *o, const char *name) {
  struct ap_result r;
  struct ap_rec rec;
  char ts[40], wbuf[AP_WHO_MAX];

  memset(&r, 0, sizeof(r));
  r.verdict = AP_UNFINISHED;
  memset(&rec, 0, sizeof(rec));
  rec.ts = rec_time(o, ts, sizeof(ts));
  rec.r = &r;
  rec.name = name;
  rec.who = shown_name(name, wbuf, sizeof(wbuf));
  emit(o, &rec);
}

void ap_out_keep_name(struct ap_out *o, const char *name) {
  if (o->state != NULL)
    (void) ap_state_keep(o->state, name);
}

void ap_out_tally(const struct ap_out *o, struct ap_totals *t) {
  memset(t, 0, sizeof(*t));
  t->ok = o->ok;
  t->alive = o->alive;
  t->unreachable = o->unreachable;
  t->not_pinged = o->not_pinged;
  t->unfinished = o->unfinished;
  t->state = o->state != NULL;
  t->changed = o->changed;
  if (o->alive > 0) {
    t->rtt_min_ns = o->rtt_min;
    t->rtt_max_ns = o->rtt_max;
    t->rtt_avg_ns = o->rtt_sum / o->alive;
    t->rtt_p50_ns = ap_hist_quantile(&o->hist, 0.50);
    t->rtt_p90_ns = ap_hist_quantile(&o->hist, 0.90);
    t->rtt_p99_ns = ap_hist_quantile(&o->hist, 0.99);
  }
}

/* Appends a family kept aside to f, after its header (none for a family
 * that was not kept). */
static int unspool(const struct ap_out *o, FILE *spool, int family) {
  FILE *f = o->f;
  char buf[8192];
  size_t n;

  if (spool == NULL)
    return 0;
  ap_prom_header(f, family, o->count);
  if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0)
    return uv_translate_sys_error(errno);
  while ((n = fread(buf, 1, sizeof(buf), spool)) > 0)
    fwrite(buf, 1, n, f);
  return ferror(spool) ? UV_EIO : 0;
}

int ap_out_end(struct ap_out *o, uint64_t targets, uint64_t unresolved,
               uint64_t elapsed_ns, const char *stopped) {
  struct ap_totals t;
  int i, err = 0;

  ap_out_tally(o, &t);
  t.targets = targets;
  t.unresolved = unresolved;
  t.elapsed_ns = elapsed_ns;
  t.end_unix_ms = ap_out_wall_ns() / 1000000;
  t.stopped = stopped;
  switch (o->format) {
  case AP_FORMAT_JSON: ap_json_summary(o->f, &t); break;
  case AP_FORMAT_NAGIOS: o->status = ap_nagios_line(o->f, &o->nagios, &t);
    break;
  case AP_FORMAT_PROM:
    for (i = AP_PROM_UP + 1; err == 0 && i < AP_PROM_NFAMILIES; i++)
      err = unspool(o, o->spool[i], i);
    ap_prom_totals(o->f, &t);
    break;
  }
  return err;
}

void ap_out_release(struct ap_out *o) {
  int i;

  for (i = AP_PROM_UP + 1; i < AP_PROM_NFAMILIES; i++) {
    if (o->spool[i] != NULL)
      fclose(o->spool[i]);
    o->spool[i] = NULL;
  }
  ap_atomic_abort(&o->file);
  ap_state_release(&o->state_file);
}

/* Whether text verdicts are coloured: --color always, or auto on a
 * terminal unless NO_COLOR is set. */
static int colour(const struct ap_output_cfg *cfg) {
  const char *no = getenv("NO_COLOR");

  if (cfg->format != AP_FORMAT_TEXT || cfg->color == AP_WHEN_NEVER)
    return 0;
  if (cfg->color == AP_WHEN_ALWAYS)
    return 1;
  return cfg->outfile == NULL && isatty(STDOUT_FILENO) &&
         (no == NULL || no[0] == '\0');
}

/* Why a file cannot be used: the refused link, else the error. */
static const char *why_not(const struct ap_atomic *a, int r) {
  return r == UV_EPERM && a->why[0] != '\0' ? a->why : ap_strerror(r);
}

/* Loads --state and begins its new file.  Returns 0 or an exit status. */
static int open_state(struct ap_state *st, const char *path,
                      struct ap_err *err) {
  char why[400] = "";
  int r;

  if (path[0] == '\0')
    return ap_err_set(err, AP_EXIT_USAGE, "--state: empty file name");
  r = ap_state_load(st, path, why, sizeof(why));
  if (r == 0 && (r = ap_state_begin(st, path)) != 0)
    snprintf(why, sizeof(why), "%s", why_not(&st->out, r));
  else if (r != 0 && r != UV_EINVAL && r != UV_EPERM)
    snprintf(why, sizeof(why), "%s", ap_strerror(r));
  if (r == 0)
    return 0;
  ap_state_release(st);
  return ap_err_set(err, r == UV_EINVAL ? AP_EXIT_USAGE : AP_EXIT_SYSTEM,
                    "cannot use state file '%s': %s", path, why);
}

int ap_out_files_open(struct ap_out_files *fl,
                      const struct ap_output_cfg *cfg, struct ap_err *err) {
  int r;

  if (cfg->state != NULL && !fl->st_open) {
    r = open_state(&fl->st, cfg->state, err);
    if (r != 0)
      return r;
    fl->st_open = 1;
  }
  if (cfg->outfile == NULL || fl->file_open)
    return 0;
  if (cfg->outfile[0] == '\0') {
    ap_out_files_release(fl);
    return ap_err_set(err, AP_EXIT_USAGE, "-o: empty file name");
  }
  r = ap_atomic_open(&fl->file, cfg->outfile);
  if (r == UV_EAGAIN)
    return AP_OUT_WAIT;
  if (r != 0) {
    ap_err_set(err, AP_EXIT_SYSTEM, "cannot open '%s': %s", cfg->outfile,
               why_not(&fl->file, r));
    ap_out_files_release(fl);
    return err->code;
  }
  fl->file_open = 1;
  return 0;
}

void ap_out_files_release(struct ap_out_files *fl) {
  ap_atomic_abort(&fl->file);
  ap_state_release(&fl->st);
  memset(fl, 0, sizeof(*fl));
}

int ap_out_open(struct ap_out *o, const struct ap_output_cfg *cfg,
                struct ap_out_files *fl, const struct ap_names *names,
                int count, int services, struct ap_err *err) {
  FILE *f = stdout;
  int r = ap_out_files_open(fl, cfg, err);

  if (r == AP_OUT_WAIT) {
    ap_out_files_release(fl);
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot open '%s': %s",
                      cfg->outfile, "a FIFO with no reader");
  }
  if (r != 0)
    return r;
  if (cfg->outfile != NULL)
    f = fl->file.f;
  ap_out_init(o, f, cfg->show, names);
  o->cfg = cfg;
  o->file = fl->file;
  o->state_file = fl->st;
  memset(fl, 0, sizeof(*fl));
  o->count = count;
  o->format = cfg->format;
  o->elapsed = cfg->elapsed;
  o->by_addr = cfg->by_addr;
  o->all_addresses = cfg->all_addresses;
  o->rdns = cfg->rdns;
  o->color = colour(cfg);
  o->state = cfg->state != NULL ? &o->state_file : NULL;
  o->nagios = cfg->nagios;
  o->nagios.services = services;
  o->loop = cfg->loop;
  o->timestamps = cfg->timestamps;
  o->print_ttl = cfg->print_ttl;
  o->period_ms = cfg->period_ms;
  r = ap_out_begin(o);
  if (r != 0) {
    ap_out_release(o);
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot write output: %s",
                      ap_strerror(r));
  }
  return 0;
}

int ap_out_close(struct ap_out *o, uint64_t targets, uint64_t unresolved,
                 uint64_t elapsed_ns, const char *stopped,
                 struct ap_err *err) {
  const char *what = o->cfg->outfile;
  int r;

  r = ap_out_end(o, targets, unresolved, elapsed_ns, stopped);
  if (r == 0 && o->cfg->outfile != NULL)
    r = ap_atomic_commit(&o->file);
  if (r == 0 && o->cfg->state != NULL) {
    what = o->cfg->state;
    r = ap_state_commit(&o->state_file);
  }
  ap_out_release(o);
  if (r != 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot write '%s': %s",
                      what ? what : "standard output", ap_strerror(r));
  return 0;
}

void ap_out_vcount(struct ap_out *o, FILE *f) {
  o->vf = f;
}

void ap_out_names(struct ap_out *o, const struct ap_names *names) {
  o->names = names;
}

int ap_out_status(const struct ap_out *o) {
  return o->status;
}

void ap_out_summary(const struct ap_out *o, FILE *f, uint64_t targets,
                    uint64_t unresolved, uint64_t elapsed_ns) {
  uint64_t finished = o->alive + o->unreachable + o->not_pinged;

  fprintf(f, "\n");
  fprintf(f, " %12llu targets\n", (unsigned long long) targets);
  fprintf(f, " %12llu alive\n", (unsigned long long) o->alive);
  fprintf(f, " %12llu unreachable\n", (unsigned long long) o->unreachable);
  if (o->not_pinged > 0)
    fprintf(f, " %12llu not pinged\n", (unsigned long long) o->not_pinged);
  if (o->checked > 0) {
    fprintf(f, " %12llu ok\n", (unsigned long long) o->ok);
    fprintf(f, " %12llu not ok\n", (unsigned long long) (finished - o->ok));
  }
  if (o->unfinished > 0)
    fprintf(f, " %12llu unfinished\n", (unsigned long long) o->unfinished);
  fprintf(f, " %12llu unknown names\n", (unsigned long long) unresolved);
  if (o->alive > 0) {
    fprintf(f, " %12.3f ms (min round trip time)\n", o->rtt_min / 1e6);
    fprintf(f, " %12.3f ms (avg round trip time)\n",
            (double) o->rtt_sum / (double) o->alive / 1e6);
    fprintf(f, " %12.3f ms (max round trip time)\n", o->rtt_max / 1e6);
    fprintf(f, " %12.3f ms (50th percentile round trip time)\n",
            ap_hist_quantile(&o->hist, 0.50) / 1e6);
    fprintf(f, " %12.3f ms (90th percentile round trip time)\n",
            ap_hist_quantile(&o->hist, 0.90) / 1e6);
    fprintf(f, " %12.3f ms (99th percentile round trip time)\n",
            ap_hist_quantile(&o->hist, 0.99) / 1e6);
  }
  fprintf(f, " %12.3f sec (elapsed real time)\n", elapsed_ns / 1e9);
  if (o->alive > 0) {
    fprintf(f, "\n round trip times:\n");
    ap_hist_print(&o->hist, f, HIST_ROWS);
  }
}
