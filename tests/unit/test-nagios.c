/* test-nagios.c - the monitoring-plugin line: --warn and --crit over the
 * failed targets, and --rta and --pl over each target as check_icmp
 * judges them, with their status, text and performance data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "nagios.h"
#include "tap.h"

/* A memory stream and what was written to it. */
static char *buf;
static size_t len;

static FILE *mem(void) {
  free(buf);
  buf = NULL;
  len = 0;
  return open_memstream(&buf, &len);
}

static const char *done(FILE *f) {
  fclose(f);
  return buf;
}

/* Whether s starts with prefix; says what it holds when not. */
static int starts(const char *s, const char *prefix) {
  if (strncmp(s, prefix, strlen(prefix)) == 0)
    return 1;
  printf("# got: %s", s);
  return 0;
}

static void test_threshold_parse(void) {
  static const char *const bad[] = { "", "-1", "5.5", "101%", "abc", "0x10",
                                     "1e3", "%", "5%%", "5 ", " 5", "nan",
                                     "inf", "1.2.3" };
  struct ap_threshold t;
  size_t i;

  EXPECT(ap_threshold_parse("0", &t) == 0 && t.set && !t.percent &&
         t.value == 0);
  EXPECT(ap_threshold_parse("25", &t) == 0 && !t.percent && t.value == 25);
  EXPECT(ap_threshold_parse("10%", &t) == 0 && t.percent && t.value == 10);
  EXPECT(ap_threshold_parse("12.5%", &t) == 0 && t.value == 12.5);
  EXPECT(ap_threshold_parse("100%", &t) == 0);
  EXPECT(ap_threshold_parse("0%", &t) == 0);
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    if (ap_threshold_parse(bad[i], &t) != UV_EINVAL)
      printf("# '%s' accepted\n", bad[i]);
    EXPECT(ap_threshold_parse(bad[i], &t) == UV_EINVAL);
  }
}

static void test_threshold_exceeded(void) {
  struct ap_threshold t;

  memset(&t, 0, sizeof(t));
  EXPECT(!ap_threshold_exceeded(&t, 1000, 1000)); /* unset: never */
  ap_threshold_parse("2", &t);
  EXPECT(!ap_threshold_exceeded(&t, 2, 10));
  EXPECT(ap_threshold_exceeded(&t, 3, 10));
  ap_threshold_parse("10%", &t);
  EXPECT(!ap_threshold_exceeded(&t, 1, 10));
  EXPECT(ap_threshold_exceeded(&t, 2, 10));
  EXPECT(!ap_threshold_exceeded(&t, 0, 0));
  ap_threshold_parse("0", &t);
  EXPECT(!ap_threshold_exceeded(&t, 0, 10));
  EXPECT(ap_threshold_exceeded(&t, 1, 10));
}

static struct ap_totals nag_totals(uint64_t targets, uint64_t ok) {
  struct ap_totals t;

  memset(&t, 0, sizeof(t));
  t.targets = targets;
  t.ok = t.alive = ok;
  t.unreachable = targets - ok;
  t.rtt_min_ns = 100000;
  t.rtt_avg_ns = 684000;
  t.rtt_max_ns = 3105000;
  t.elapsed_ns = 1527000000;
  return t;
}

static void test_nagios_status(void) {
  struct ap_nagios n;
  struct ap_totals t;

  memset(&n, 0, sizeof(n));
  t = nag_totals(254, 254);
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_OK);
  t = nag_totals(254, 253); /* default: any failure is critical */
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_CRITICAL);
  ap_threshold_parse("2", &n.warn);
  ap_threshold_parse("10%", &n.crit);
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_OK);
  t = nag_totals(254, 251);
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_WARNING);
  t = nag_totals(254, 228); /* 26 of 254 is over 10% */
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_CRITICAL);
  /* A name that did not resolve counts as a failed target: 3 of 13. */
  t = nag_totals(10, 10);
  t.unresolved = 3;
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_CRITICAL);
  t.unresolved = 1;
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_OK);
  t = nag_totals(10, 9); /* unfinished: unknown, whatever else */
  t.unreachable = 0;
  t.unfinished = 1;
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_UNKNOWN);
  memset(&n, 0, sizeof(n));
  ap_threshold_parse("1", &n.warn); /* --warn alone: never critical */
  t = nag_totals(10, 0);
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_WARNING);
}

static void test_nagios_line(void) {
  struct ap_nagios n;
  struct ap_totals t;
  FILE *f;
  int i;

  memset(&n, 0, sizeof(n));
  t = nag_totals(254, 254);
  f = mem();
  EXPECT(ap_nagios_line(f, &n, &t) == AP_NAGIOS_OK);
  EXPECT(strcmp(done(f), "APING OK - 254/254 alive | 'alive'=254;;;0;254 "
                "'failed'=0;;0;0;254 'failed_pct'=0.0%;;;0;100 "
                "'rta'=0.000684s;;;0 'rtmin'=0.000100s;;;0 "
                "'rtmax'=0.003105s;;;0 'time'=1.527s;;;0\n") == 0);
  t = nag_totals(10, 7);
  t.unreachable = 0;
  t.unfinished = 3;
  t.stopped = "SIGTERM";
  f = mem();
  EXPECT(ap_nagios_line(f, &n, &t) == AP_NAGIOS_UNKNOWN);
  EXPECT(strncmp(done(f), "APING UNKNOWN - 7/10 alive, 3 unfinished "
                 "(SIGTERM) | 'alive'=7;;;0;10 'failed'=0;;0;0;10 ", 75) ==
         0);
  t = nag_totals(254, 241);
  ap_threshold_parse("5", &n.warn);
  ap_threshold_parse("20%", &n.crit);
  for (i = 0; i < 13; i++) {
    if (n.nlist < AP_NAGIOS_LIST)
      snprintf(n.list[n.nlist++], sizeof(n.list[0]), "192.0.2.%d", i + 1);
    n.nlisted++;
  }
  f = mem();
  EXPECT(ap_nagios_line(f, &n, &t) == AP_NAGIOS_WARNING);
  EXPECT(strncmp(done(f), "APING WARNING - 13/254 unreachable: 192.0.2.1, "
                 "192.0.2.2, 192.0.2.3, 192.0.2.4, 192.0.2.5, 192.0.2.6, "
                 "192.0.2.7, 192.0.2.8, 192.0.2.9, 192.0.2.10 and 3 more | "
                 "'alive'=241;;;0;254 'failed'=13;5;;0;254 "
                 "'failed_pct'=5.1%;;20;0;100 ", 196) == 0);
  /* With service checks the line counts OK and failed targets: a host
   * that answers but whose port is closed is not "unreachable". */
  memset(&n, 0, sizeof(n));
  n.services = 1;
  t = nag_totals(5, 4);
  t.alive = 0;
  t.not_pinged = 5;
  f = mem();
  EXPECT(ap_nagios_line(f, &n, &t) == AP_NAGIOS_CRITICAL);
  EXPECT(strncmp(done(f), "APING CRITICAL - 1/5 failed | 'alive'=0;;;0;5 "
                 "'ok'=4;;;0;5 'failed'=1;;0;0;5 ", 77) == 0);
  t = nag_totals(5, 5);
  f = mem();
  EXPECT(ap_nagios_line(f, &n, &t) == AP_NAGIOS_OK);
  EXPECT(strncmp(done(f), "APING OK - 5/5 ok | ", 20) == 0);
}

static void test_hostlim_parse(void) {
  static const char *const bad_rta[] = { "", "200", ",", "a,b", "500,200",
                                         "200,500,600", "-1,5", "0,5",
                                         "1e3,2e3", "200%,500", "200,",
                                         ",500", "200 ,500", "4000000,4e6",
                                         "200ms,500s" };
  static const char *const bad_pl[] = { "40", "40,101", "80,40", "40ms,80",
                                        "-1,5", "40%%,80" };
  double w, c;
  size_t i;

  EXPECT(ap_hostlim_parse("200,500", 0, &w, &c) == 0 && w == 200 &&
         c == 500);
  EXPECT(ap_hostlim_parse("0.5ms,1.25ms", 0, &w, &c) == 0 && w == 0.5 &&
         c == 1.25);
  EXPECT(ap_hostlim_parse("100,100", 0, &w, &c) == 0);
  EXPECT(ap_hostlim_parse("40,80", 1, &w, &c) == 0 && w == 40 && c == 80);
  EXPECT(ap_hostlim_parse("40%,80%", 1, &w, &c) == 0 && w == 40);
  EXPECT(ap_hostlim_parse("0,100", 1, &w, &c) == 0 && w == 0 && c == 100);
  for (i = 0; i < sizeof(bad_rta) / sizeof(bad_rta[0]); i++) {
    if (ap_hostlim_parse(bad_rta[i], 0, &w, &c) != UV_EINVAL)
      printf("# --rta '%s' accepted\n", bad_rta[i]);
    EXPECT(ap_hostlim_parse(bad_rta[i], 0, &w, &c) == UV_EINVAL);
  }
  for (i = 0; i < sizeof(bad_pl) / sizeof(bad_pl[0]); i++) {
    if (ap_hostlim_parse(bad_pl[i], 1, &w, &c) != UV_EINVAL)
      printf("# --pl '%s' accepted\n", bad_pl[i]);
    EXPECT(ap_hostlim_parse(bad_pl[i], 1, &w, &c) == UV_EINVAL);
  }
}

/* check_icmp's defaults: 200,500 ms and 40,80 %. */
static struct ap_hostlim both(void) {
  struct ap_hostlim l = { .rta = 1, .pl = 1, .rta_warn_ms = 200,
                          .rta_crit_ms = 500, .pl_warn = 40,
                          .pl_crit = 80 };
  return l;
}

/* A target that answered received of sent probes, avg_ms on average. */
static struct ap_result host(const char *addr, unsigned sent,
                             unsigned received, double avg_ms) {
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  ap_addr_parse(addr, &r.addr);
  r.verdict = received > 0 ? AP_ALIVE : AP_UNREACHABLE;
  r.ok = received > 0;
  r.stats.sent = sent;
  r.stats.received = received;
  r.stats.rtt_sum_ns = (uint64_t) (avg_ms * 1e6) * received;
  r.stats.rtt_min_ns = (uint64_t) (avg_ms * 1e6 / 2);
  r.stats.rtt_max_ns = (uint64_t) (avg_ms * 1e6 * 2);
  r.rtt_ns = (uint64_t) (avg_ms * 1e6);
  return r;
}

static void test_host_status(void) {
  struct ap_hostlim l = both();
  struct ap_result r;

  r = host("192.0.2.1", 5, 5, 100);
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_OK);
  r = host("192.0.2.1", 5, 5, 199.999);
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_OK);
  r = host("192.0.2.1", 5, 5, 200); /* reaching a threshold is enough */
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_WARNING);
  r = host("192.0.2.1", 5, 5, 500);
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_CRITICAL);
  r = host("192.0.2.1", 5, 3, 1); /* 40% */
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_WARNING);
  r = host("192.0.2.1", 3, 2, 1); /* 33% (rounded down) */
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_OK);
  r = host("192.0.2.1", 5, 1, 1); /* 80% */
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_CRITICAL);
  r = host("192.0.2.1", 5, 0, 0); /* no reply: critical, whatever is set */
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_CRITICAL);
  l.pl = 0;
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_CRITICAL);
  r = host("192.0.2.1", 5, 1, 1); /* --rta alone: the loss does not count */
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_OK);
  l = both();
  l.rta = 0;
  r = host("192.0.2.1", 5, 5, 10000); /* --pl alone: nor the time */
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_OK);
  r.ok = 0; /* answered, but a service check failed */
  EXPECT(ap_nagios_host_status(&l, &r) == AP_NAGIOS_CRITICAL);
}

/* Notes each result as the output does, and writes the line. */
static int hosts_line(struct ap_nagios *n, struct ap_totals *t,
                      const struct ap_result *r, size_t nr) {
  char addr[AP_ADDR_STRLEN];
  struct ap_rec rec;
  size_t i;
  FILE *f;
  int st;

  for (i = 0; i < nr; i++) {
    memset(&rec, 0, sizeof(rec));
    rec.r = &r[i];
    rec.addr = rec.who = ap_addr_format(&r[i].addr, addr, sizeof(addr));
    rec.status = ap_status_name(&r[i]);
    ap_nagios_note(n, &rec);
    t->targets++;
    t->ok += r[i].ok != 0;
    t->alive += r[i].verdict == AP_ALIVE;
  }
  t->elapsed_ns = 2003000000;
  f = mem();
  st = ap_nagios_line(f, n, t);
  done(f);
  return st;
}

static void test_hosts_line(void) {
  struct ap_result r[25];
  struct ap_addr from;
  struct ap_nagios n;
  struct ap_totals t;
  size_t i;

  memset(&n, 0, sizeof(n));
  memset(&t, 0, sizeof(t));
  n.lim = both();
  r[0] = host("192.0.2.7", 5, 5, 0.123);
  EXPECT(hosts_line(&n, &t, r, 1) == AP_NAGIOS_OK);
  EXPECT(strcmp(buf, "APING OK - 192.0.2.7: rta 0.123ms, lost 0% | "
                "'rta'=0.123ms;200.000;500.000;0; 'pl'=0%;40;80;; "
                "'rtmax'=0.246ms;;;; 'rtmin'=0.061ms;;;; "
                "'time'=2.003s;;;0\n") == 0);
  /* Several: each label after its target's name, U without a reply. */
  memset(&n, 0, sizeof(n));
  memset(&t, 0, sizeof(t));
  n.lim = both();
  n.lim.pl = 0;
  r[0] = host("192.0.2.7", 5, 5, 250);
  r[1] = host("192.0.2.9", 5, 0, 0);
  ap_addr_parse("198.51.100.1", &from);
  r[1].reason = "host unreachable";
  r[1].from = &from;
  EXPECT(hosts_line(&n, &t, r, 2) == AP_NAGIOS_CRITICAL);
  EXPECT(strcmp(buf, "APING CRITICAL - 192.0.2.7: rta 250.000ms, lost 0% "
                ":: 192.0.2.9: rta nan, lost 100% (host unreachable from "
                "198.51.100.1) | '192.0.2.7 rta'=250.000ms;200.000;500.000;"
                "0; '192.0.2.7 pl'=0%;;;; '192.0.2.7 rtmax'=500.000ms;;;; "
                "'192.0.2.7 rtmin'=125.000ms;;;; '192.0.2.9 rta'=U;200.000;"
                "500.000;0; '192.0.2.9 pl'=100%;;;; '192.0.2.9 "
                "rtmax'=U;;;; '192.0.2.9 rtmin'=U;;;; 'time'=2.003s;;;0\n")
         == 0);
  /* The worst target decides; a name not known is critical. */
  memset(&n, 0, sizeof(n));
  memset(&t, 0, sizeof(t));
  n.lim = both();
  r[0] = host("192.0.2.7", 5, 3, 1);
  EXPECT(hosts_line(&n, &t, r, 1) == AP_NAGIOS_WARNING);
  EXPECT(starts(buf, "APING WARNING - 192.0.2.7: rta 1.000ms, lost 40% | "
                "'rta'"));
  t.unresolved = 1;
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_CRITICAL);
  t.unresolved = 0;
  t.unfinished = 1;
  EXPECT(ap_nagios_status(&n, &t) == AP_NAGIOS_UNKNOWN);
  /* Over AP_NAGIOS_HOSTS targets: the counts, the first ones not OK, and
   * the totals. */
  memset(&n, 0, sizeof(n));
  memset(&t, 0, sizeof(t));
  n.lim = both();
  for (i = 0; i < 25; i++) {
    char a[32];
    snprintf(a, sizeof(a), "192.0.2.%zu", i + 1);
    r[i] = host(a, 5, 5, i == 3 ? 300 : 1);
  }
  r[20] = host("192.0.2.21", 5, 0, 0);
  EXPECT(hosts_line(&n, &t, r, 25) == AP_NAGIOS_CRITICAL);
  EXPECT(starts(buf, "APING CRITICAL - 1 critical, 1 warning, 23 ok of 25: "
                "192.0.2.4: rta 300.000ms, lost 0% :: 192.0.2.21: rta nan, "
                "lost 100% | 'alive'=24;;;0;25 'failed'=1;;0;0;25 "
                "'failed_pct'=4.0%;;;0;100 'warning'=1;;;0;25 "
                "'critical'=1;;;0;25 'rta'="));
}

int main(void) {
  RUN(test_threshold_parse);
  RUN(test_threshold_exceeded);
  RUN(test_nagios_status);
  RUN(test_nagios_line);
  RUN(test_hostlim_parse);
  RUN(test_host_status);
  RUN(test_hosts_line);
  free(buf);
  return tap_done();
}
