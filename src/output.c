/* output.c - see output.h. */
#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "banner.h"


/* By address, then in the order the names were given, so that the first
 * name given for an address is the one kept. */
static int name_cmp(const void *a, const void *b) {
  const struct ap_name *x = a, *y = b;
  int c = ap_addr_cmp(&x->addr, &y->addr);

  if (c != 0)
    return c;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int ap_names_add(struct ap_names *t, const struct ap_addr *addr,
                 const char *name) {
  struct ap_name *v;
  size_t cap;

  if (t->n == t->cap) {
    cap = t->cap ? t->cap * 2 : 16;
    v = realloc(t->v, cap * sizeof(*v));
    if (v == NULL)
      return UV_ENOMEM;
    t->v = v;
    t->cap = cap;
  }
  t->v[t->n].name = strdup(name);
  if (t->v[t->n].name == NULL)
    return UV_ENOMEM;
  t->v[t->n].addr = *addr;
  t->v[t->n].seq = t->n;
  t->n++;
  return 0;
}

void ap_names_sort(struct ap_names *t) {
  size_t i, out = 0;

  if (t->n == 0)
    return;
  qsort(t->v, t->n, sizeof(*t->v), name_cmp);
  /* One name per address: drop the rest. */
  for (i = 1; i < t->n; i++) {
    if (ap_addr_cmp(&t->v[i].addr, &t->v[out].addr) == 0)
      free(t->v[i].name);
    else
      t->v[++out] = t->v[i];
  }
  t->n = out + 1;
}

const char *ap_names_find(const struct ap_names *t, const struct ap_addr *a) {
  size_t lo = 0, hi, mid;
  int c;

  if (t == NULL)
    return NULL;
  hi = t->n;
  while (lo < hi) {
    mid = lo + (hi - lo) / 2;
    c = ap_addr_cmp(&t->v[mid].addr, a);
    if (c == 0)
      return t->v[mid].name;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

void ap_names_release(struct ap_names *t) {
  size_t i;

  for (i = 0; i < t->n; i++)
    free(t->v[i].name);
  free(t->v);
  memset(t, 0, sizeof(*t));
}

void ap_out_init(struct ap_out *o, FILE *f, int show,
                 const struct ap_names *names) {
  memset(o, 0, sizeof(*o));
  o->f = f;
  o->show = show;
  o->names = names;
  o->rtt_min = UINT64_MAX;
}

static const char *const check_state[] = { "open", "closed", "filtered",
                                            "error" };

/* One service check, after the target's verdict: "; 22/tcp open \"SSH-2.0
 * -x\"", "; 23/tcp open telnet \"login:\"", "; 80/tcp closed", "; 25/tcp
 * error (host unreachable)". */
static void print_check(FILE *f, const struct ap_check *c) {
  char text[4 * 256 + 1];
  size_t shown;

  fprintf(f, "; %u/tcp %s", (unsigned) c->port,
          check_state[c->state >= 0 && c->state <= AP_CHECK_ERROR
                          ? c->state : AP_CHECK_ERROR]);
  if (c->telnet)
    fprintf(f, " telnet");
  if (c->banner != NULL && c->banner_len == 0)
    fprintf(f, " (no banner)");
  /* The banner in pieces, escaped, so that no buffer limits its length. */
  for (shown = 0; c->banner != NULL && shown < c->banner_len;
       shown += 256) {
    size_t n = c->banner_len - shown < 256 ? c->banner_len - shown : 256;
    ap_banner_escape(c->banner + shown, n, text, sizeof(text));
    fprintf(f, "%s%s%s", shown == 0 ? " \"" : "", text,
            shown + n == c->banner_len ? "\"" : "");
  }
  if (c->reason != NULL)
    fprintf(f, " (%s)", c->reason);
}

/* The line of a target with service checks: the ping's verdict as for a
 * ping alone ("is up" or "is down" over the checks with -m none), then
 * each check. */
static void print_checks_line(FILE *f, const char *who,
                              const struct ap_result *r) {
  char fbuf[AP_ADDR_STRLEN];
  size_t i;

  if (r->verdict == AP_NOT_PINGED)
    fprintf(f, "%s is %s", who, r->ok ? "up" : "down");
  else if (r->verdict == AP_ALIVE)
    fprintf(f, "%s is alive (%.2f ms)", who, (double) r->rtt_ns / 1e6);
  else if (r->reason != NULL && r->from != NULL)
    fprintf(f, "%s is unreachable (%s from %s)", who, r->reason,
            ap_addr_format(r->from, fbuf, sizeof(fbuf)));
  else if (r->reason != NULL)
    fprintf(f, "%s is unreachable (%s)", who, r->reason);
  else
    fprintf(f, "%s is unreachable", who);
  for (i = 0; i < r->nchecks; i++)
    print_check(f, &r->checks[i]);
  fputc('\n', f);
}

/* -c N, as fping -c prints its per-target summary:
 * "ADDR : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.04/0.05/0.06". */
static void print_stats_line(FILE *f, const char *who,
                             const struct ap_result *r) {
  const struct ap_stats *st = &r->stats;
  char fbuf[AP_ADDR_STRLEN];
  unsigned loss = st->sent ? (st->sent - st->received) * 100 / st->sent : 100;

  fprintf(f, "%s : xmt/rcv/%%loss = %u/%u/%u%%", who, st->sent, st->received,
          loss);
  if (st->received > 0)
    fprintf(f, ", min/avg/max = %.2f/%.2f/%.2f", st->rtt_min_ns / 1e6,
            (double) st->rtt_sum_ns / st->received / 1e6,
            st->rtt_max_ns / 1e6);
  if (r->reason != NULL && r->from != NULL)
    fprintf(f, " (%s from %s)", r->reason,
            ap_addr_format(r->from, fbuf, sizeof(fbuf)));
  else if (r->reason != NULL)
    fprintf(f, " (%s)", r->reason);
  fputc('\n', f);
}

void ap_out_result(struct ap_out *o, const struct ap_result *r) {
  char buf[AP_ADDR_STRLEN], fbuf[AP_ADDR_STRLEN];
  const char *who = ap_names_find(o->names, &r->addr);
  int alive = r->verdict == AP_ALIVE;
  int ok = r->ok;

  if (who == NULL)
    who = ap_addr_format(&r->addr, buf, sizeof(buf));
  o->ok += ok != 0;
  if (alive) {
    o->alive++;
    o->rtt_sum += r->rtt_ns;
    if (r->rtt_ns < o->rtt_min)
      o->rtt_min = r->rtt_ns;
    if (r->rtt_ns > o->rtt_max)
      o->rtt_max = r->rtt_ns;
  } else if (r->verdict == AP_UNREACHABLE) {
    o->unreachable++;
  } else if (r->verdict == AP_NOT_PINGED) {
    o->notpinged++;
  }
  if (r->nchecks > 0)
    o->checked++;
  if (o->show == AP_SHOW_NONE)
    return;
  if (o->show == AP_SHOW_ALIVE || o->show == AP_SHOW_UNREACH) {
    if ((o->show == AP_SHOW_ALIVE) == ok)
      fprintf(o->f, "%s\n", who);
    return;
  }
  if (r->nchecks > 0) {
    print_checks_line(o->f, who, r);
    return;
  }
  if (o->count) {
    print_stats_line(o->f, who, r);
    return;
  }
  if (alive)
    fprintf(o->f, "%s is alive (%.2f ms)\n", who, (double) r->rtt_ns / 1e6);
  else if (r->reason != NULL && r->from != NULL)
    fprintf(o->f, "%s is unreachable (%s from %s)\n", who, r->reason,
            ap_addr_format(r->from, fbuf, sizeof(fbuf)));
  else if (r->reason != NULL)
    fprintf(o->f, "%s is unreachable (%s)\n", who, r->reason);
  else
    fprintf(o->f, "%s is unreachable\n", who);
}

void ap_out_summary(const struct ap_out *o, FILE *f, uint64_t targets,
                    uint64_t unresolved, uint64_t elapsed_ns) {
  uint64_t unfinished = targets - o->alive - o->unreachable - o->notpinged;

  fprintf(f, "\n");
  fprintf(f, " %12llu targets\n", (unsigned long long) targets);
  fprintf(f, " %12llu alive\n", (unsigned long long) o->alive);
  fprintf(f, " %12llu unreachable\n", (unsigned long long) o->unreachable);
  if (o->notpinged > 0)
    fprintf(f, " %12llu not pinged\n", (unsigned long long) o->notpinged);
  if (o->checked > 0) {
    fprintf(f, " %12llu ok\n", (unsigned long long) o->ok);
    fprintf(f, " %12llu not ok\n", (unsigned long long) (o->checked - o->ok));
  }
  if (unfinished > 0)
    fprintf(f, " %12llu unfinished\n", (unsigned long long) unfinished);
  fprintf(f, " %12llu unknown names\n", (unsigned long long) unresolved);
  if (o->alive > 0) {
    fprintf(f, " %12.3f ms (min round trip time)\n", o->rtt_min / 1e6);
    fprintf(f, " %12.3f ms (avg round trip time)\n",
            (double) o->rtt_sum / (double) o->alive / 1e6);
    fprintf(f, " %12.3f ms (max round trip time)\n", o->rtt_max / 1e6);
  }
  fprintf(f, " %12.3f sec (elapsed real time)\n", elapsed_ns / 1e9);
}
