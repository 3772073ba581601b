/* test-output.c - verdicts through every format, -a/-u/-q/-e, colour,
 * --state change detection and the -s summary, from synthetic results. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "output.h"
#include "tap.h"

static char *buf;
static size_t len;
static FILE *f;
static struct ap_out out;
static struct ap_names names;
static struct ap_addr from;
static struct ap_check check;

static void start(int format, int show) {
  free(buf);
  buf = NULL;
  f = open_memstream(&buf, &len);
  ap_out_init(&out, f, show, &names);
  out.format = format;
  EXPECT(ap_out_begin(&out) == 0);
}

static const char *finish(uint64_t targets, const char *stopped) {
  EXPECT(ap_out_end(&out, targets, 0, 1500000000, stopped) == 0);
  ap_out_release(&out);
  fclose(f);
  return buf;
}

/* Four targets: alive (by name), unreachable with an ICMP error, alive
 * but with a failed service check, and unfinished. */
static void feed(void) {
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  ap_addr_parse("192.0.2.1", &r.addr);
  r.ok = 1;
  r.verdict = AP_ALIVE;
  r.rtt_ns = 1250000;
  ap_out_result(&out, &r);
  memset(&r, 0, sizeof(r));
  ap_addr_parse("192.0.2.2", &r.addr);
  r.verdict = AP_UNREACHABLE;
  r.reason = "host unreachable";
  r.from = &from;
  ap_out_result(&out, &r);
  memset(&r, 0, sizeof(r));
  ap_addr_parse("192.0.2.3", &r.addr);
  r.verdict = AP_ALIVE;
  r.rtt_ns = 2000000;
  check.port = 25;
  check.state = AP_CHECK_CLOSED;
  r.checks = &check;
  r.nchecks = 1;
  ap_out_result(&out, &r);
  memset(&r, 0, sizeof(r));
  ap_addr_parse("192.0.2.4", &r.addr);
  r.verdict = AP_UNFINISHED;
  ap_out_result(&out, &r);
}

/* How many lines of s hold a time stamp of now (this year, "...Z")
 * after a first at and before the next comma or quote. */
static int every_line_has_ts(const char *s, const char *at) {
  char year[32];
  time_t now = time(NULL);
  struct tm tm;
  const char *l, *p;
  int n = 0;

  gmtime_r(&now, &tm);
  snprintf(year, sizeof(year), "%s%04d-", at, tm.tm_year + 1900);
  for (l = s; l != NULL && *l; l = strchr(l, '\n') + 1) {
    p = strstr(l, year);
    if (p != NULL && p < strchr(l, '\n') &&
        strspn(p + strlen(year), "0123456789-T:.") == 18 &&
        p[strlen(year) + 18] == 'Z')
      n++;
  }
  return n;
}

static void test_text(void) {
  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  feed();
  EXPECT(strcmp(finish(4, NULL),
                "gw is alive (1.25 ms)\n"
                "192.0.2.2 is unreachable (host unreachable from "
                "198.51.100.1)\n"
                "192.0.2.3 is alive (2.00 ms); 25/tcp closed\n"
                "192.0.2.4 is unfinished\n") == 0);
  EXPECT(out.ok == 1 && out.alive == 2 && out.unreachable == 1 &&
         out.unfinished == 1);
}

static void test_text_lists(void) {
  start(AP_FORMAT_TEXT, AP_SHOW_ALIVE);
  feed();
  EXPECT(strcmp(finish(4, NULL), "gw\n") == 0);
  start(AP_FORMAT_TEXT, AP_SHOW_ALIVE);
  out.elapsed = 1;
  feed();
  EXPECT(strcmp(finish(4, NULL), "gw (1.25 ms)\n") == 0);
  start(AP_FORMAT_TEXT, AP_SHOW_UNREACH);
  feed();
  /* Not OK: the unreachable one and the one whose check failed; the
   * unfinished one is neither. */
  EXPECT(strcmp(finish(4, NULL), "192.0.2.2\n192.0.2.3\n") == 0);
  start(AP_FORMAT_TEXT, AP_SHOW_NONE);
  feed();
  EXPECT(strcmp(finish(4, NULL), "") == 0);
}

/* --print-ttl after the round trip; -D before the line; the TTL and
 * the time in JSON. */
static void test_ttl_and_time(void) {
  struct ap_result r;
  const char *s;

  memset(&r, 0, sizeof(r));
  ap_addr_parse("192.0.2.9", &r.addr);
  r.ok = 1;
  r.verdict = AP_ALIVE;
  r.rtt_ns = 50000;
  r.has_ttl = 1;
  r.ttl = 63;
  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  out.print_ttl = 1;
  ap_out_result(&out, &r);
  r.has_ttl = 0;
  ap_out_result(&out, &r);
  EXPECT(strcmp(finish(2, NULL), "192.0.2.9 is alive (0.05 ms) (TTL 63)\n"
                                 "192.0.2.9 is alive (0.05 ms) (TTL "
                                 "unknown)\n") == 0);
  r.has_ttl = 1;
  start(AP_FORMAT_TEXT, AP_SHOW_ALIVE);
  out.print_ttl = out.elapsed = out.timestamps = 1;
  ap_out_result(&out, &r);
  s = finish(1, NULL);
  EXPECT(s[0] == '[' && strspn(s + 1, "0123456789") == 10 && s[11] == '.' &&
         strspn(s + 12, "0123456789") == 5 &&
         strcmp(s + 17, "] 192.0.2.9 (0.05 ms) (TTL 63)\n") == 0);
  start(AP_FORMAT_JSON, AP_SHOW_ALL);
  ap_out_result(&out, &r);
  s = finish(1, NULL);
  EXPECT(every_line_has_ts(s, "\"ts\":\"") == 1);
  EXPECT(strstr(s, "\"rtt_ms\":0.050,\"ttl\":63,") != NULL);
}

static void test_text_colour(void) {
  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  out.color = 1;
  feed();
  EXPECT(strcmp(finish(4, NULL),
                "\033[32mgw is alive (1.25 ms)\033[0m\n"
                "\033[31m192.0.2.2 is unreachable (host unreachable from "
                "198.51.100.1)\033[0m\n"
                "\033[31m192.0.2.3 is alive (2.00 ms); 25/tcp closed\033[0m\n"
                "\033[33m192.0.2.4 is unfinished\033[0m\n") == 0);
}

/* The lines of service checks (-m none: "is up", "is down") and of -c
 * statistics keep their colour and their --state suffix around them. */
static void test_text_checks_and_stats(void) {
  char dir[] = "/tmp/aping-test-output.XXXXXX", p[64], err[100];
  char *copy = strdup("aping-state 1\nunreachable gw\nend 1\n");
  struct ap_check c[2];
  struct ap_state st;
  struct ap_result r;

  memset(c, 0, sizeof(c));
  c[0].port = 22;
  c[0].pass = 1;
  c[1].port = 23;
  c[1].state = AP_CHECK_CLOSED;
  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  out.color = 1;
  memset(&r, 0, sizeof(r));
  ap_addr_parse("192.0.2.5", &r.addr);
  r.verdict = AP_NOT_PINGED;
  r.ok = 1;
  r.checks = c;
  r.nchecks = 1;
  ap_out_result(&out, &r);
  r.ok = 0;
  r.checks = c + 1;
  ap_out_result(&out, &r);
  EXPECT(strcmp(finish(2, NULL),
                "\033[32m192.0.2.5 is up; 22/tcp open\033[0m\n"
                "\033[31m192.0.2.5 is down; 23/tcp closed\033[0m\n") == 0);
  EXPECT(out.not_pinged == 2 && out.checked == 2 && out.ok == 1);
  EXPECT(mkdtemp(dir) != NULL);
  snprintf(p, sizeof(p), "%s/state", dir);
  EXPECT(ap_state_parse(&st, copy, strlen(copy), err, sizeof(err)) == 0);
  EXPECT(ap_state_begin(&st, p) == 0);
  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  out.count = 1;
  out.state = &st;
  memset(&r, 0, sizeof(r));
  ap_addr_parse("192.0.2.1", &r.addr);
  r.verdict = AP_ALIVE;
  r.ok = 1;
  r.rtt_ns = 1000000;
  r.stats.sent = 3;
  r.stats.received = 2;
  r.stats.rtt_min_ns = 1000000;
  r.stats.rtt_max_ns = 2000000;
  r.stats.rtt_sum_ns = 3000000;
  ap_out_result(&out, &r);
  EXPECT(strcmp(finish(1, NULL),
                "gw : xmt/rcv/%loss = 3/2/33%, min/avg/max = "
                "1.00/1.50/2.00 (was unreachable)\n") == 0);
  ap_state_release(&st);
  rmdir(dir);
}

static int count_lines(const char *s, const char *prefix) {
  int n = 0;

  for (; s != NULL && *s; s = strchr(s, '\n') + 1)
    n += strncmp(s, prefix, strlen(prefix)) == 0;
  return n;
}

static void test_json(void) {
  const char *s;

  start(AP_FORMAT_JSON, AP_SHOW_ALL);
  feed();
  s = finish(4, "SIGINT");
  EXPECT(count_lines(s, "{\"type\":\"target\",") == 4);
  EXPECT(count_lines(s, "{\"type\":\"summary\",\"targets\":4,\"ok\":1,"
                        "\"alive\":2,\"unreachable\":1,\"not_pinged\":0,"
                        "\"unfinished\":1,") == 1);
  EXPECT(strstr(s, "\"address\":\"192.0.2.1\",\"name\":\"gw\",") != NULL);
  EXPECT(strstr(s, "\"checks\":[{\"port\":25,\"service\":\"tcp\","
                   "\"state\":\"closed\",\"pass\":false,") != NULL);
  EXPECT(strstr(s, "\"stopped\":\"SIGINT\"}\n") != NULL);
  /* The summary is last. */
  EXPECT(strstr(s, "{\"type\":\"summary\"") > strstr(s, "\"192.0.2.4\""));
  start(AP_FORMAT_JSON, AP_SHOW_UNREACH);
  feed();
  s = finish(4, NULL);
  EXPECT(count_lines(s, "{\"type\":\"target\",") == 2);
  start(AP_FORMAT_JSON, AP_SHOW_NONE);
  feed();
  s = finish(4, NULL);
  EXPECT(count_lines(s, "{") == 1 && count_lines(s, "{\"type\":\"summary")
         == 1);
}

static void test_csv(void) {
  const char *s;

  start(AP_FORMAT_CSV, AP_SHOW_ALL);
  feed();
  s = finish(4, NULL);
  EXPECT(count_lines(s, "address,name,status,") == 1);
  EXPECT(count_lines(s, "192.0.2.") == 4);
  EXPECT(count_lines(s, "192.0.2.1,gw,alive,alive,1,1.250,,,,,,,,,,,,2") ==
         1);
  EXPECT(count_lines(s, "192.0.2.4,,unfinished,unfinished,0,") == 1);
  EXPECT(every_line_has_ts(s, ",") == 4);
}

/* Every sample follows the TYPE line of its own family, and each family
 * has exactly one TYPE line. */
static int prom_grouped(const char *s) {
  char family[64] = "", line[512];
  char seen[16][64];
  int nseen = 0, i;
  const char *nl;

  for (; *s; s = nl + 1) {
    nl = strchr(s, '\n');
    snprintf(line, sizeof(line), "%.*s", (int) (nl - s), s);
    if (sscanf(line, "# TYPE %63s", family) == 1) {
      for (i = 0; i < nseen; i++)
        if (strcmp(seen[i], family) == 0)
          return 0;
      snprintf(seen[nseen++], sizeof(seen[0]), "%s", family);
    } else if (line[0] != '#' &&
               (strncmp(line, family, strlen(family)) != 0 ||
                (line[strlen(family)] != '{' &&
                 line[strlen(family)] != ' '))) {
      printf("# '%s' outside its family (%s)\n", line, family);
      return 0;
    }
  }
  return nseen > 0;
}

static void test_prom(void) {
  const char *s;

  start(AP_FORMAT_PROM, AP_SHOW_ALL);
  feed();
  feed(); /* twice, so that the families interleave as they come */
  s = finish(8, NULL);
  EXPECT(prom_grouped(s));
  EXPECT(count_lines(s, "aping_up{") == 6); /* unfinished: no sample */
  EXPECT(count_lines(s, "aping_up{target=\"gw\",address=\"192.0.2.1\"} 1")
         == 2);
  EXPECT(count_lines(s, "aping_rtt_seconds{") == 4);
  EXPECT(count_lines(s, "aping_service_up{target=\"192.0.2.3\","
                        "address=\"192.0.2.3\",port=\"25\","
                        "service=\"tcp\"} 0") == 2);
  EXPECT(count_lines(s, "aping_targets{verdict=\"unfinished\"} 2") == 1);
  EXPECT(count_lines(s, "aping_probe_duration_seconds 1.5") == 1);
  EXPECT(strstr(s, "# HELP aping_up ") == s);
}

static void test_nagios(void) {
  const char *s;

  start(AP_FORMAT_NAGIOS, AP_SHOW_ALL);
  feed();
  s = finish(4, "deadline");
  EXPECT(strncmp(s, "APING UNKNOWN - 2/4 unreachable, 1 unfinished "
                    "(deadline): 192.0.2.2, 192.0.2.3 | ", 72) == 0);
  EXPECT(out.status == AP_NAGIOS_UNKNOWN);
  EXPECT(count_lines(s, "APING") == 1 && s[len - 1] == '\n');
}

static void test_state_changes(void) {
  char dir[] = "/tmp/aping-test-output.XXXXXX", p[64], err[100];
  struct ap_state st;
  char *copy = strdup("aping-state 1\nalive gw\nalive 192.0.2.2\n"
                      "failed 192.0.2.3\nunreachable 192.0.2.4\nend 4\n");
  FILE *in;
  char text[512];
  size_t n;

  EXPECT(mkdtemp(dir) != NULL);
  snprintf(p, sizeof(p), "%s/state", dir);
  EXPECT(ap_state_parse(&st, copy, strlen(copy), err, sizeof(err)) == 0);
  EXPECT(ap_state_begin(&st, p) == 0);
  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  out.state = &st;
  feed();
  /* gw and 192.0.2.3 kept their status: not listed.  The unfinished one
   * is listed, and keeps its old status in the new file. */
  EXPECT(strcmp(finish(4, NULL),
                "192.0.2.2 is unreachable (host unreachable from "
                "198.51.100.1) (was alive)\n"
                "192.0.2.4 is unfinished (was unreachable)\n") == 0);
  EXPECT(out.changed == 1);
  EXPECT(ap_state_commit(&st) == 0);
  in = fopen(p, "r");
  n = fread(text, 1, sizeof(text) - 1, in);
  fclose(in);
  text[n] = '\0';
  EXPECT(strcmp(text, "aping-state 1\nalive gw\nunreachable 192.0.2.2\n"
                      "failed 192.0.2.3\nunreachable 192.0.2.4\nend 4\n")
         == 0);
  ap_state_release(&st);
  /* A first run: everything is new. */
  memset(&st, 0, sizeof(st));
  start(AP_FORMAT_JSON, AP_SHOW_ALL);
  out.state = &st;
  feed();
  EXPECT(count_lines(finish(4, NULL), "{\"type\":\"target\"") == 4);
  EXPECT(out.changed == 3);
  EXPECT(strstr(buf, "\"previous\":\"new\"}") != NULL);
  EXPECT(strstr(buf, "\"changed\":3,") != NULL);
  unlink(p);
  rmdir(dir);
}

/* A name whose lookup a stopped run left unanswered: unfinished, by name,
 * with no address; listed in full listings only; no Prometheus sample;
 * --state keeps its old status. */
static void test_unfinished_name(void) {
  char *copy = strdup("aping-state 1\nalive slow.test\nend 1\n"), err[80];
  struct ap_state st;
  const char *s;

  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  ap_out_unfinished_name(&out, "slow.test");
  EXPECT(strcmp(finish(1, "deadline"), "slow.test is unfinished\n") == 0);
  EXPECT(out.unfinished == 1 && out.ok == 0);
  start(AP_FORMAT_TEXT, AP_SHOW_UNREACH);
  ap_out_unfinished_name(&out, "slow.test");
  EXPECT(strcmp(finish(1, "deadline"), "") == 0);
  start(AP_FORMAT_JSON, AP_SHOW_ALL);
  ap_out_unfinished_name(&out, "slow.test");
  s = finish(1, "SIGINT");
  EXPECT(count_lines(s, "{\"type\":\"target\",\"ts\":\"") == 1);
  EXPECT(strstr(s, "\",\"address\":null,\"name\":\"slow.test\","
                   "\"status\":\"unfinished\",\"verdict\":\"unfinished\","
                   "\"ok\":false,") != NULL);
  start(AP_FORMAT_CSV, AP_SHOW_ALL);
  ap_out_unfinished_name(&out, "slow,test");
  s = finish(1, NULL);
  EXPECT(count_lines(s, ",\"slow,test\",unfinished,unfinished,0,") == 1);
  start(AP_FORMAT_PROM, AP_SHOW_ALL);
  ap_out_unfinished_name(&out, "slow.test");
  s = finish(1, NULL);
  EXPECT(strstr(s, "slow.test") == NULL);
  EXPECT(count_lines(s, "aping_targets{verdict=\"unfinished\"} 1") == 1);
  EXPECT(ap_state_parse(&st, copy, strlen(copy), err, sizeof(err)) == 0);
  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  out.state = &st;
  ap_out_unfinished_name(&out, "slow.test");
  EXPECT(strcmp(finish(1, NULL), "slow.test is unfinished (was alive)\n")
         == 0);
  EXPECT(out.changed == 0);
  ap_state_release(&st);
}

static void test_summary(void) {
  char *text = NULL;
  size_t n = 0;
  FILE *s;

  start(AP_FORMAT_TEXT, AP_SHOW_NONE);
  feed();
  finish(4, NULL);
  s = open_memstream(&text, &n);
  ap_out_summary(&out, s, 4, 1, 1500000000);
  fclose(s);
  /* A target has service checks: the OK and not OK counts too, over the
   * three finished targets. */
  EXPECT(strstr(text, "\n            4 targets\n            2 alive\n"
                      "            1 unreachable\n            1 ok\n"
                      "            2 not ok\n            1 unfinished\n"
                      "            1 unknown names\n") != NULL);
  EXPECT(strstr(text, "        1.625 ms (avg round trip time)\n") != NULL);
  EXPECT(strstr(text, " ms (50th percentile round trip time)\n") != NULL);
  EXPECT(strstr(text, " ms (99th percentile round trip time)\n") != NULL);
  EXPECT(strstr(text, "        1.500 sec (elapsed real time)\n") != NULL);
  /* 1.25 and 2 ms both lie between 2^20 and 2^21 ns. */
  EXPECT(strstr(text, "        1.049 -     2.097 ms |#################"
                      "#######################| 2\n") != NULL);
  free(text);
}

/* -A, -d/-n and --all-addresses: how a target is shown, in text and in
 * JSON (which keeps both fields). */
static void test_shown_as(void) {
  char w[AP_WHO_MAX];
  struct ap_result r;

  ap_out_init(&out, stdout, AP_SHOW_ALL, &names);
  EXPECT(strcmp(ap_out_who(&out, "gw", "192.0.2.1", w, sizeof(w)),
                "gw") == 0);
  EXPECT(strcmp(ap_out_who(&out, NULL, "192.0.2.1", w, sizeof(w)),
                "192.0.2.1") == 0);
  out.by_addr = 1;
  EXPECT(strcmp(ap_out_who(&out, "gw", "192.0.2.1", w, sizeof(w)),
                "192.0.2.1") == 0);
  out.rdns = AP_RDNS_ALL;
  EXPECT(strcmp(ap_out_who(&out, "gw", "192.0.2.1", w, sizeof(w)),
                "gw (192.0.2.1)") == 0);
  EXPECT(strcmp(ap_out_who(&out, NULL, "192.0.2.1", w, sizeof(w)),
                "192.0.2.1") == 0);
  out.by_addr = 0;
  EXPECT(strcmp(ap_out_who(&out, "gw", "192.0.2.1", w, sizeof(w)),
                "gw") == 0);
  out.rdns = 0;
  out.all_addresses = 1;
  EXPECT(strcmp(ap_out_who(&out, "gw", "2001:db8::1", w, sizeof(w)),
                "gw (2001:db8::1)") == 0);

  memset(&r, 0, sizeof(r));
  ap_addr_parse("192.0.2.9", &r.addr);
  r.ok = 1;
  r.verdict = AP_ALIVE;
  r.rtt_ns = 1000000;
  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  out.all_addresses = 1;
  ap_out_result_as(&out, &r, "www");
  out.all_addresses = 0;
  out.by_addr = 1;
  ap_out_result(&out, &r);
  ap_addr_parse("192.0.2.1", &r.addr); /* "gw" in the name table */
  ap_out_result(&out, &r);
  EXPECT(strcmp(finish(3, NULL), "www (192.0.2.9) is alive (1.00 ms)\n"
                                 "192.0.2.9 is alive (1.00 ms)\n"
                                 "192.0.2.1 is alive (1.00 ms)\n") == 0);
  start(AP_FORMAT_JSON, AP_SHOW_ALL);
  out.by_addr = 1;
  ap_out_result(&out, &r);
  EXPECT(strstr(finish(1, NULL),
                "\"address\":\"192.0.2.1\",\"name\":\"gw\"") != NULL);
}

/* Several names of one address: each reported, in the order given (not
 * the order their lookups answered), a name given twice once. */
static void test_names_of_one_address(void) {
  struct ap_names t = { 0 };
  const struct ap_name *v;
  struct ap_addr a, b;
  struct ap_result r;

  ap_addr_parse("192.0.2.20", &a);
  ap_addr_parse("192.0.2.21", &b);
  EXPECT(ap_names_add_at(&t, &a, "two", 3) == 0);
  EXPECT(ap_names_add_at(&t, &b, "other", 2) == 0);
  EXPECT(ap_names_add_at(&t, &a, "one", 1) == 0);
  EXPECT(ap_names_add_at(&t, &a, "three", 5) == 0);
  EXPECT(ap_names_add_at(&t, &a, "one", 4) == 0);
  ap_names_sort(&t);
  EXPECT(ap_names_all(&t, &a, &v) == 3);
  EXPECT(strcmp(v[0].name, "one") == 0 && strcmp(v[1].name, "two") == 0 &&
         strcmp(v[2].name, "three") == 0);
  EXPECT(strcmp(ap_names_find(&t, &b), "other") == 0);
  EXPECT(ap_names_all(&t, &from, &v) == 0 && v == NULL);
  EXPECT(ap_names_all(NULL, &a, &v) == 0);
  memset(&r, 0, sizeof(r));
  r.addr = a;
  r.verdict = AP_UNREACHABLE;
  start(AP_FORMAT_TEXT, AP_SHOW_ALL);
  out.names = &t;
  ap_out_result(&out, &r);
  EXPECT(strcmp(finish(3, NULL), "one is unreachable\ntwo is unreachable\n"
                                 "three is unreachable\n") == 0);
  ap_names_release(&t);
}

/* A name a peer chose (a reverse lookup): its bidi override, C1 control
 * and invalid byte escaped in every format that shows it, printable UTF-8
 * as it is. */
#define EVIL "\xc3\xa9v\xe2\x80\xaeil\xc2\x85\xff"
#define EVIL_TEXT "\xc3\xa9v\\xe2\\x80\\xaeil\\xc2\\x85\\xff"
#define EVIL_PROM "\xc3\xa9v\\\\xe2\\\\x80\\\\xaeil\\\\xc2\\\\x85\\\\xff"

static void evil_result(int format, int show) {
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  ap_addr_parse("192.0.2.9", &r.addr);
  r.verdict = AP_UNREACHABLE;
  start(format, show);
  ap_out_result_as(&out, &r, EVIL);
}

static void test_shown_escaped(void) {
  char w[AP_WHO_MAX];
  const char *s;

  ap_out_init(&out, stdout, AP_SHOW_ALL, &names);
  EXPECT(strcmp(ap_out_who(&out, EVIL, "192.0.2.9", w, sizeof(w)),
                EVIL_TEXT) == 0);
  out.all_addresses = 1;
  EXPECT(strcmp(ap_out_who(&out, EVIL, "192.0.2.9", w, sizeof(w)),
                EVIL_TEXT " (192.0.2.9)") == 0);
  EXPECT(strcmp(ap_out_who(&out, "\xc3\xa9t\xc3\xa9", "192.0.2.9", w,
                           sizeof(w)), "\xc3\xa9t\xc3\xa9 (192.0.2.9)") == 0);
  evil_result(AP_FORMAT_TEXT, AP_SHOW_ALL);
  EXPECT(strcmp(finish(1, NULL), EVIL_TEXT " is unreachable\n") == 0);
  evil_result(AP_FORMAT_TEXT, AP_SHOW_UNREACH);
  EXPECT(strcmp(finish(1, NULL), EVIL_TEXT "\n") == 0);
  evil_result(AP_FORMAT_JSON, AP_SHOW_ALL);
  s = finish(1, NULL);
  EXPECT(strstr(s, "\"name\":\"\xc3\xa9v\\u202eil\\u0085\\u00ff\"") != NULL);
  evil_result(AP_FORMAT_CSV, AP_SHOW_ALL);
  s = finish(1, NULL);
  EXPECT(strstr(s, "\r\n192.0.2.9," EVIL_TEXT ",unreachable,") != NULL);
  evil_result(AP_FORMAT_PROM, AP_SHOW_ALL);
  s = finish(1, NULL);
  EXPECT(strstr(s, "aping_up{target=\"" EVIL_PROM "\",address=\"192.0.2.9\"} 0")
         != NULL);
  evil_result(AP_FORMAT_NAGIOS, AP_SHOW_ALL);
  s = finish(1, NULL);
  EXPECT(strstr(s, ": " EVIL_TEXT " | ") != NULL);
}

int main(void) {
  struct ap_addr a;

  ap_addr_parse("198.51.100.1", &from);
  ap_addr_parse("192.0.2.1", &a);
  ap_names_add(&names, &a, "gw");
  ap_names_sort(&names);
  RUN(test_text);
  RUN(test_text_lists);
  RUN(test_text_colour);
  RUN(test_ttl_and_time);
  RUN(test_text_checks_and_stats);
  RUN(test_json);
  RUN(test_csv);
  RUN(test_prom);
  RUN(test_shown_escaped);
  RUN(test_nagios);
  RUN(test_state_changes);
  RUN(test_unfinished_name);
  RUN(test_summary);
  RUN(test_shown_as);
  RUN(test_names_of_one_address);
  ap_names_release(&names);
  free(buf);
  return tap_done();
}
