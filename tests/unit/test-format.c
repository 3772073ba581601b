/* test-format.c - escaping and the record writers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "format.h"
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

static const char *json(const void *s, size_t n) {
  FILE *f = mem();

  ap_json_bytes(f, s, n);
  return done(f);
}

static void test_json_escape(void) {
  EXPECT(strcmp(json("abc", 3), "\"abc\"") == 0);
  EXPECT(strcmp(json("a\"b\\c/", 6), "\"a\\\"b\\\\c/\"") == 0);
  EXPECT(strcmp(json("\n\r\t\b\f", 5), "\"\\n\\r\\t\\b\\f\"") == 0);
  EXPECT(strcmp(json("\x01\x1f\x7f", 3), "\"\\u0001\\u001f\\u007f\"") == 0);
  /* NUL is data, not the end. */
  EXPECT(strcmp(json("a\0b", 3), "\"a\\u0000b\"") == 0);
  EXPECT(strcmp(json("", 0), "\"\"") == 0);
}

static void test_json_utf8(void) {
  /* Valid UTF-8 of every length goes through untouched. */
  EXPECT(strcmp(json("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9),
                "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"") == 0);
  EXPECT(strcmp(json("\xf4\x8f\xbf\xbf", 4), "\"\xf4\x8f\xbf\xbf\"") == 0);
  /* Invalid: a lone continuation byte, an overlong '/', a surrogate, a
   * code point over U+10FFFF, a byte never used, a truncated sequence. */
  EXPECT(strcmp(json("\x80", 1), "\"\\u0080\"") == 0);
  EXPECT(strcmp(json("\xc0\xaf", 2), "\"\\u00c0\\u00af\"") == 0);
  EXPECT(strcmp(json("\xe0\x80\xaf", 3), "\"\\u00e0\\u0080\\u00af\"") == 0);
  EXPECT(strcmp(json("\xed\xa0\x80", 3), "\"\\u00ed\\u00a0\\u0080\"") == 0);
  EXPECT(strcmp(json("\xf4\x90\x80\x80", 4),
                "\"\\u00f4\\u0090\\u0080\\u0080\"") == 0);
  EXPECT(strcmp(json("\xff", 1), "\"\\u00ff\"") == 0);
  EXPECT(strcmp(json("a\xe2\x82", 3), "\"a\\u00e2\\u0082\"") == 0);
  /* After a bad byte, a good sequence is still kept. */
  EXPECT(strcmp(json("\xe2\xc3\xa9", 3), "\"\\u00e2\xc3\xa9\"") == 0);
  /* C1 controls and the format characters as their code points. */
  EXPECT(strcmp(json("\xc2\x85\xc2\x9b\xc2\x80\xc2\x9f", 8),
                "\"\\u0085\\u009b\\u0080\\u009f\"") == 0);
  EXPECT(strcmp(json("\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaa\xe2\x80\xae", 12),
                "\"\\u2028\\u2029\\u202a\\u202e\"") == 0);
  EXPECT(strcmp(json("\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8e\xe2\x80\x8f", 12),
                "\"\\u2066\\u2069\\u200e\\u200f\"") == 0);
  EXPECT(strcmp(json("\xd8\x9c\xef\xbb\xbf", 5), "\"\\u061c\\ufeff\"") == 0);
  /* Printable neighbours stay. */
  EXPECT(strcmp(json("\xc2\xa0\xe2\x80\xaf", 5),
                "\"\xc2\xa0\xe2\x80\xaf\"") == 0);
}

/* Any bytes at all: the output is printable ASCII or UTF-8, with no raw
 * control byte and no unescaped quote inside. */
static void test_json_any_bytes(void) {
  unsigned char in[64];
  const unsigned char *p;
  int round, i, bad = 0;

  srand(1);
  for (round = 0; round < 2000; round++) {
    for (i = 0; i < 64; i++)
      in[i] = (unsigned char) rand();
    p = (const unsigned char *) json(in, sizeof(in));
    if (p[0] != '"' || p[len - 1] != '"')
      bad++;
    for (i = 1; (size_t) i < len - 1; i++) {
      if (p[i] < 0x20 || p[i] == 0x7f || p[i] == 0xc0 || p[i] == 0xc1 ||
          p[i] >= 0xf5)
        bad++;
      if (p[i] == '"' && p[i - 1] != '\\')
        bad++;
      /* No C1 control and no line separator or bidi character raw. */
      if (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
        bad++;
      if (p[i] == 0xe2 && p[i + 1] == 0x80 && p[i + 2] >= 0xa8 &&
          p[i + 2] <= 0xae)
        bad++;
    }
  }
  EXPECT(bad == 0);
}

static const char *csv(const char *s) {
  FILE *f = mem();

  ap_csv_field(f, s);
  return done(f);
}

static void test_csv_quoting(void) {
  EXPECT(strcmp(csv("plain text"), "plain text") == 0);
  EXPECT(strcmp(csv(NULL), "") == 0);
  EXPECT(strcmp(csv(""), "") == 0);
  EXPECT(strcmp(csv("a,b"), "\"a,b\"") == 0);
  EXPECT(strcmp(csv("say \"hi\""), "\"say \"\"hi\"\"\"") == 0);
  /* Controls, format characters and invalid UTF-8 are escaped as text
   * shows them, so a field never holds a line break; printable UTF-8 and
   * backslashes (JSON in the checks column) stay as they are. */
  EXPECT(strcmp(csv("two\nlines"), "two\\nlines") == 0);
  EXPECT(strcmp(csv("cr\r"), "cr\\r") == 0);
  EXPECT(strcmp(csv("a\xc2\x85" "b\xc2\x9b" "c"),
                "a\\xc2\\x85b\\xc2\\x9bc") == 0);
  EXPECT(strcmp(csv("x\xe2\x80\xa8y,\xe2\x81\xa6"),
                "\"x\\xe2\\x80\\xa8y,\\xe2\\x81\\xa6\"") == 0);
  EXPECT(strcmp(csv("\xff\"\xc3\xa9t\xc3\xa9"),
                "\"\\xff\"\"\xc3\xa9t\xc3\xa9\"") == 0);
  EXPECT(strcmp(csv("{\"a\":\"\\u0085\"}"),
                "\"{\"\"a\"\":\"\"\\u0085\"\"}\"") == 0);
  EXPECT(strcmp(csv("\""), "\"\"\"\"") == 0);
}

static void test_prom_label(void) {
  FILE *f = mem();

  ap_prom_label(f, "a\\b\"c\nd e");
  /* The line feed is shown as text shows it (\n), whose backslash the
   * exposition format escapes. */
  EXPECT(strcmp(done(f), "a\\\\b\\\"c\\\\nd e") == 0);
  f = mem();
  ap_prom_label(f, "\xc3\xa9t\xc3\xa9\xc2\x85\xe2\x80\xae\xfe");
  EXPECT(strcmp(done(f),
                "\xc3\xa9t\xc3\xa9\\\\xc2\\\\x85"
                "\\\\xe2\\\\x80\\\\xae\\\\xfe") == 0);
}

/* A target with everything: -c statistics and two service checks, one
 * with a banner holding NUL, a quote, CR LF and invalid UTF-8. */
static const uint8_t banner[] = "SSH-2.0\0\"x\"\r\n\xff";
static struct ap_check checks[2];
static struct ap_result res;
static struct ap_addr from;

static void full_result(void) {
  memset(&res, 0, sizeof(res));
  memset(checks, 0, sizeof(checks));
  ap_addr_parse("192.0.2.7", &res.addr);
  res.ok = 0;
  res.verdict = AP_ALIVE;
  res.rtt_ns = 1234567;
  res.stats.sent = 4;
  res.stats.received = 3;
  res.stats.rtt_min_ns = 1000000;
  res.stats.rtt_max_ns = 3000000;
  res.stats.rtt_sum_ns = 6000000;
  checks[0].port = 22;
  checks[0].state = AP_CHECK_OPEN;
  checks[0].pass = 1;
  checks[0].banner = banner;
  checks[0].banner_len = sizeof(banner) - 1;
  checks[1].port = 23;
  checks[1].telnet = 1;
  checks[1].state = AP_CHECK_FILTERED;
  checks[1].reason = "timeout";
  res.checks = checks;
  res.nchecks = 2;
}

static struct ap_rec rec_of(const struct ap_result *r, const char *name) {
  static char addr[AP_ADDR_STRLEN];
  struct ap_rec rec;

  memset(&rec, 0, sizeof(rec));
  rec.r = r;
  rec.name = name;
  rec.addr = ap_addr_format(&r->addr, addr, sizeof(addr));
  rec.who = name ? name : rec.addr;
  rec.status = ap_status_name(r);
  return rec;
}

static void test_json_record(void) {
  struct ap_rec rec;
  FILE *f;

  full_result();
  rec = rec_of(&res, "db-1.example");
  rec.prev = "alive";
  f = mem();
  ap_json_result(f, &rec);
  EXPECT(strcmp(done(f),
    "{\"type\":\"target\",\"address\":\"192.0.2.7\",\"name\":\"db-1.example\","
    "\"status\":\"failed\",\"verdict\":\"alive\",\"ok\":false,"
    "\"rtt_ms\":1.235,\"ttl\":null,\"reason\":null,\"from\":null,"
    "\"stats\":{\"sent\":4,\"received\":3,\"loss_pct\":25.0,"
    "\"rtt_min_ms\":1.000,\"rtt_avg_ms\":2.000,\"rtt_max_ms\":3.000},"
    "\"checks\":[{\"port\":22,\"service\":\"tcp\",\"state\":\"open\","
    "\"pass\":true,\"reason\":null,"
    "\"banner\":\"SSH-2.0\\u0000\\\"x\\\"\\r\\n\\u00ff\"},"
    "{\"port\":23,\"service\":\"telnet\",\"state\":\"filtered\","
    "\"pass\":false,\"reason\":\"timeout\",\"banner\":null}],"
    "\"previous\":\"alive\"}\n") == 0);
}

static void test_json_unreachable_record(void) {
  struct ap_result r;
  struct ap_rec rec;
  FILE *f;

  memset(&r, 0, sizeof(r));
  ap_addr_parse("2001:db8::9", &r.addr);
  ap_addr_parse("2001:db8::1", &from);
  r.verdict = AP_UNREACHABLE;
  r.reason = "host unreachable";
  r.from = &from;
  rec = rec_of(&r, NULL);
  f = mem();
  ap_json_result(f, &rec);
  EXPECT(strcmp(done(f),
    "{\"type\":\"target\",\"address\":\"2001:db8::9\","
    "\"status\":\"unreachable\",\"verdict\":\"unreachable\",\"ok\":false,"
    "\"rtt_ms\":null,\"ttl\":null,\"reason\":\"host unreachable\","
    "\"from\":\"2001:db8::1\"}\n") == 0);
  r.verdict = AP_UNFINISHED;
  r.reason = NULL;
  r.from = NULL;
  rec = rec_of(&r, NULL);
  f = mem();
  ap_json_result(f, &rec);
  EXPECT(strstr(done(f), "\"status\":\"unfinished\",\"verdict\":"
                         "\"unfinished\",\"ok\":false") != NULL);
}

static void test_json_summary(void) {
  struct ap_totals t;
  FILE *f;

  memset(&t, 0, sizeof(t));
  t.targets = 3;
  t.ok = t.alive = 2;
  t.unfinished = 1;
  t.rtt_min_ns = 1000000;
  t.rtt_avg_ns = 1500000;
  t.rtt_max_ns = 2000000;
  t.rtt_p50_ns = t.rtt_p90_ns = t.rtt_p99_ns = 2000000;
  t.elapsed_ns = 2500000000ULL;
  t.stopped = "SIGINT";
  t.state = 1;
  t.changed = 1;
  f = mem();
  ap_json_summary(f, &t);
  EXPECT(strcmp(done(f),
    "{\"type\":\"summary\",\"targets\":3,\"ok\":2,\"alive\":2,"
    "\"unreachable\":0,\"not_pinged\":0,\"unfinished\":1,"
    "\"unknown_names\":0,\"changed\":1,\"rtt_ms\":{\"min\":1.000,"
    "\"avg\":1.500,\"max\":2.000,\"p50\":2.000,\"p90\":2.000,"
    "\"p99\":2.000},\"elapsed_s\":2.500,\"stopped\":\"SIGINT\"}\n") == 0);
}

static void test_csv_record(void) {
  struct ap_rec rec;
  FILE *f;

  f = mem();
  ap_csv_header(f);
  EXPECT(strcmp(done(f), "address,name,status,verdict,ok,rtt_ms,reason,"
                         "from,sent,received,rtt_min_ms,rtt_avg_ms,"
                         "rtt_max_ms,checks,previous,evidence,rtts_ms,ts,"
                         "ttl\r\n") == 0);
  full_result();
  rec = rec_of(&res, "a,b");
  f = mem();
  ap_csv_result(f, &rec);
  EXPECT(strcmp(done(f),
    "192.0.2.7,\"a,b\",failed,alive,0,1.235,,,4,3,1.000,2.000,3.000,"
    "\"[{\"\"port\"\":22,\"\"service\"\":\"\"tcp\"\",\"\"state\"\":"
    "\"\"open\"\",\"\"pass\"\":true,\"\"reason\"\":null,\"\"banner\"\":"
    "\"\"SSH-2.0\\u0000\\\"\"x\\\"\"\\r\\n\\u00ff\"\"},{\"\"port\"\":23,"
    "\"\"service\"\":\"\"telnet\"\",\"\"state\"\":\"\"filtered\"\","
    "\"\"pass\"\":false,\"\"reason\"\":\"\"timeout\"\",\"\"banner\"\":"
    "null}]\",,,,,\r\n") == 0);
  memset(&res, 0, sizeof(res));
  ap_addr_parse("192.0.2.8", &res.addr);
  res.verdict = AP_UNREACHABLE;
  rec = rec_of(&res, NULL);
  rec.prev = "new";
  f = mem();
  ap_csv_result(f, &rec);
  EXPECT(strcmp(done(f),
                "192.0.2.8,,unreachable,unreachable,0,,,,,,,,,,new,,,,\r\n") ==
         0);
  /* When the verdict was known, and the reply's TTL. */
  res.verdict = AP_ALIVE;
  res.has_ttl = 1;
  res.ttl = 255;
  rec = rec_of(&res, NULL);
  rec.ts = "2026-12-07T11:15:36.123Z";
  f = mem();
  ap_csv_result(f, &rec);
  EXPECT(strcmp(done(f), "192.0.2.8,,failed,alive,0,0.000,,,,,,,,,,,,"
                         "2026-12-07T11:15:36.123Z,255\r\n") == 0);
  f = mem();
  ap_json_result(f, &rec);
  EXPECT(strcmp(done(f), "{\"type\":\"target\","
                         "\"ts\":\"2026-12-07T11:15:36.123Z\","
                         "\"address\":\"192.0.2.8\",\"status\":\"failed\","
                         "\"verdict\":\"alive\",\"ok\":false,"
                         "\"rtt_ms\":0.000,\"ttl\":255,\"reason\":null,"
                         "\"from\":null}\n") == 0);
  /* --tcp-ping: the port that showed the target alive. */
  {
    struct ap_check port = { .port = 22, .state = AP_CHECK_CLOSED,
                             .rtt_ns = 210000 };
    res.verdict = AP_ALIVE;
    res.ok = 1;
    res.has_ttl = 0; /* no echo reply: no TTL */
    res.evidence = &port;
    rec = rec_of(&res, NULL);
    f = mem();
    ap_csv_result(f, &rec);
    EXPECT(strstr(done(f), ",22/tcp closed,,,\r\n") != NULL);
    f = mem();
    ap_json_result(f, &rec);
    EXPECT(strstr(done(f), ",\"evidence\":{\"port\":22,\"state\":"
                           "\"closed\",\"rtt_ms\":0.210}}") != NULL);
    res.evidence = NULL;
  }
}

/* -c: the statistics families, only into the streams that are open. */
static void test_prom_counted(void) {
  FILE *fam[AP_PROM_NFAMILIES];
  char *b[AP_PROM_NFAMILIES];
  size_t l[AP_PROM_NFAMILIES];
  struct ap_totals t;
  struct ap_rec rec;
  FILE *f;
  int i;

  for (i = 0; i < AP_PROM_NFAMILIES; i++)
    fam[i] = open_memstream(&b[i], &l[i]);
  full_result();
  rec = rec_of(&res, NULL);
  ap_prom_result(fam, &rec);
  memset(&res, 0, sizeof(res));
  ap_addr_parse("192.0.2.8", &res.addr);
  res.verdict = AP_UNREACHABLE;
  res.stats.sent = 2;
  rec = rec_of(&res, NULL);
  ap_prom_result(fam, &rec);
  for (i = 0; i < AP_PROM_NFAMILIES; i++)
    fclose(fam[i]);
  EXPECT(strcmp(b[AP_PROM_SENT], "aping_probes_sent{target=\"192.0.2.7\","
                "address=\"192.0.2.7\"} 4\naping_probes_sent{target=\""
                "192.0.2.8\",address=\"192.0.2.8\"} 2\n") == 0);
  EXPECT(strstr(b[AP_PROM_REPLIES], "address=\"192.0.2.7\"} 3\n") != NULL);
  EXPECT(strstr(b[AP_PROM_REPLIES], "address=\"192.0.2.8\"} 0\n") != NULL);
  EXPECT(strstr(b[AP_PROM_LOSS], "aping_probe_loss_ratio{target=\"192.0.2.7"
                "\",address=\"192.0.2.7\"} 0.25\n") != NULL);
  EXPECT(strstr(b[AP_PROM_LOSS], "address=\"192.0.2.8\"} 1\n") != NULL);
  /* No reply: no round-trip time. */
  EXPECT(strcmp(b[AP_PROM_RTT_MIN], "aping_rtt_min_seconds{target=\""
                "192.0.2.7\",address=\"192.0.2.7\"} 0.001000000\n") == 0);
  EXPECT(strcmp(b[AP_PROM_RTT_MAX], "aping_rtt_max_seconds{target=\""
                "192.0.2.7\",address=\"192.0.2.7\"} 0.003000000\n") == 0);
  for (i = 0; i < AP_PROM_NFAMILIES; i++) {
    free(b[i]);
    fam[i] = AP_PROM_COUNTED(i) ? NULL : open_memstream(&b[i], &l[i]);
  }
  full_result(); /* without -c's streams: nothing there, and no harm */
  rec = rec_of(&res, NULL);
  ap_prom_result(fam, &rec);
  for (i = 0; i < AP_PROM_NFAMILIES; i++)
    if (fam[i] != NULL) {
      fclose(fam[i]);
      free(b[i]);
    }
  f = mem();
  ap_prom_header(f, AP_PROM_RTT, 0);
  EXPECT(strstr(done(f), "first echo reply") != NULL);
  f = mem();
  ap_prom_header(f, AP_PROM_RTT, 1);
  EXPECT(strncmp(done(f), "# HELP aping_rtt_seconds Average round-trip "
                 "time", 44) == 0);
  memset(&t, 0, sizeof(t));
  t.end_unix_ms = 1765106136123ULL;
  f = mem();
  ap_prom_totals(f, &t);
  EXPECT(strstr(done(f), "\n# TYPE aping_last_run_timestamp_seconds gauge\n"
                "aping_last_run_timestamp_seconds 1765106136.123\n") != NULL);
  EXPECT(strstr(buf, "\n# TYPE aping_build_info gauge\naping_build_info{"
                "version=\"") != NULL);
}

/* -C: three probes, the second lost. */
static const uint64_t rtts[] = { 41000, AP_RTT_LOST, 1234567 };

static void vcount_result(void) {
  memset(&res, 0, sizeof(res));
  ap_addr_parse("192.0.2.9", &res.addr);
  res.ok = 1;
  res.verdict = AP_ALIVE;
  res.stats.sent = 3;
  res.stats.received = 2;
  res.stats.rtt_min_ns = 41000;
  res.stats.rtt_max_ns = 1234567;
  res.stats.rtt_sum_ns = 1275567;
  res.rtt_ns = res.stats.rtt_sum_ns / 2;
  res.rtts = rtts;
  res.nrtts = 3;
}

static void test_vcount_records(void) {
  struct ap_rec rec;
  FILE *f;

  vcount_result();
  rec = rec_of(&res, NULL);
  f = mem();
  ap_json_result(f, &rec);
  EXPECT(strstr(done(f), ",\"rtt_max_ms\":1.235,\"rtts_ms\":[0.041,null,"
                "1.235]}}\n") != NULL);
  f = mem();
  ap_csv_result(f, &rec);
  EXPECT(strcmp(done(f), "192.0.2.9,,alive,alive,1,0.638,,,3,2,0.041,0.638,"
                "1.235,,,,\"[0.041,null,1.235]\",,\r\n") == 0);
  f = mem();
  ap_fping_vcount(f, rec.who, &res);
  EXPECT(strcmp(done(f), "192.0.2.9 : 0.041 - 1.23\n") == 0);
  /* Targets that failed before their probes were all sent, or that have
   * no times kept: a '-' for each probe sent, as fping. */
  res.nrtts = 1;
  f = mem();
  ap_fping_vcount(f, "h", &res);
  EXPECT(strcmp(done(f), "h : 0.041 - -\n") == 0);
  res.rtts = NULL;
  res.stats.sent = 2;
  f = mem();
  ap_fping_vcount(f, "h", &res);
  EXPECT(strcmp(done(f), "h : - -\n") == 0);
}

/* fping 5's three significant digits (sprint_tm). */
static void test_fping_ms(void) {
  static const struct { uint64_t ns; const char *text; } cases[] = {
    { 0, "0.000" },           { 41000, "0.041" },     { 999400, "0.999" },
    { 999600, "1.000" },      { 1234567, "1.23" },    { 9994000, "9.99" },
    { 12345678, "12.3" },     { 99940000, "99.9" },   { 300600000, "301" },
    { 1200000000, "1200" },   { 999999400000ULL, "999999" },
    { 1234567000000ULL, "1.235e+06" },
  };
  char b[32];
  size_t i;

  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    ap_fping_ms(cases[i].ns, b, sizeof(b));
    if (strcmp(b, cases[i].text) != 0)
      printf("# %llu ns: '%s', wanted '%s'\n",
             (unsigned long long) cases[i].ns, b, cases[i].text);
    EXPECT(strcmp(b, cases[i].text) == 0);
  }
}

static void test_prom_record(void) {
  FILE *fam[AP_PROM_NFAMILIES];
  char *b[AP_PROM_NFAMILIES];
  size_t l[AP_PROM_NFAMILIES];
  struct ap_rec rec;
  int i;

  full_result();
  rec = rec_of(&res, "we\"ird");
  for (i = 0; i < AP_PROM_NFAMILIES; i++)
    fam[i] = open_memstream(&b[i], &l[i]);
  ap_prom_result(fam, &rec);
  res.verdict = AP_UNFINISHED; /* writes nothing */
  ap_prom_result(fam, &rec);
  for (i = 0; i < AP_PROM_NFAMILIES; i++)
    fclose(fam[i]);
  EXPECT(strcmp(b[AP_PROM_UP], "aping_up{target=\"we\\\"ird\","
                "address=\"192.0.2.7\"} 0\n") == 0);
  EXPECT(strcmp(b[AP_PROM_RTT], "aping_rtt_seconds{target=\"we\\\"ird\","
                "address=\"192.0.2.7\"} 0.001234567\n") == 0);
  EXPECT(strcmp(b[AP_PROM_SERVICE],
                "aping_service_up{target=\"we\\\"ird\",address=\"192.0.2.7\","
                "port=\"22\",service=\"tcp\"} 1\n"
                "aping_service_up{target=\"we\\\"ird\",address=\"192.0.2.7\","
                "port=\"23\",service=\"telnet\"} 0\n") == 0);
  for (i = 0; i < AP_PROM_NFAMILIES; i++)
    free(b[i]);
}

int main(void) {
  RUN(test_json_escape);
  RUN(test_json_utf8);
  RUN(test_json_any_bytes);
  RUN(test_csv_quoting);
  RUN(test_prom_label);
  RUN(test_json_record);
  RUN(test_json_unreachable_record);
  RUN(test_json_summary);
  RUN(test_csv_record);
  RUN(test_prom_record);
  RUN(test_vcount_records);
  RUN(test_fping_ms);
  RUN(test_prom_counted);
  free(buf);
  return tap_done();
}
