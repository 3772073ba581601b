/* test-tfile.c - splitting target files into specifications, and what a
 * target file may not hold. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "tap.h"
#include "tfile.h"

/* What the callback saw: the specifications joined by '|', each after its
 * line number ("1:a|1:b|3:c"). */
struct seen {
  char text[512];
  int stop_at; /* return 7 on this call (from 1), or 0 */
  int calls;
};

static int collect_cb(struct ap_tfile *f, const char *spec) {
  struct seen *s = f->data;
  size_t n = strlen(s->text);

  snprintf(s->text + n, sizeof(s->text) - n, "%s%u:%s", n ? "|" : "",
           (unsigned) f->lineno, spec);
  return ++s->calls == s->stop_at ? 7 : 0;
}

/* Feeds text (n bytes) in pieces of step bytes, then ends it. */
static int feed(struct ap_tfile *f, struct seen *s, const char *text,
                size_t n, size_t step) {
  size_t i;
  int r = 0;

  memset(s->text, 0, sizeof(s->text));
  s->calls = 0;
  ap_tfile_init(f, collect_cb, s);
  for (i = 0; r == 0 && i < n; i += step)
    r = ap_tfile_feed(f, text + i, n - i < step ? n - i : step);
  return r == 0 ? ap_tfile_end(f) : r;
}

static void test_split(void) {
  static const char text[] =
      "\xef\xbb\xbf" "192.0.2.1 192.0.2.2\t# a comment\r\n"
      "\n   \n# only a comment\n"
      "2001:db8::1-ff\r\n"
      "host.example";
  static const char utf8[] = "b\xc3\xbc" "cher.example # \xe2\x82\xac\n";
  struct ap_tfile *f = malloc(sizeof(*f));
  struct seen s = { .stop_at = 0 };
  size_t step;

  /* Every way of cutting the file gives the same specifications. */
  for (step = 1; step <= sizeof(text); step++) {
    EXPECT(feed(f, &s, text, sizeof(text) - 1, step) == 0);
    EXPECT(strcmp(s.text, "1:192.0.2.1|1:192.0.2.2|5:2001:db8::1-ff|"
                          "6:host.example") == 0);
  }
  /* Valid UTF-8 passes, in comments and in specifications alike. */
  EXPECT(feed(f, &s, utf8, sizeof(utf8) - 1, 3) == 0);
  EXPECT(strcmp(s.text, "1:b\xc3\xbc" "cher.example") == 0);
  free(f);
}

static void test_callback_stops(void) {
  struct ap_tfile *f = malloc(sizeof(*f));
  struct seen s = { .stop_at = 2 };

  EXPECT(feed(f, &s, "a\nb c\nd\n", 8, 8) == UV_ECANCELED);
  EXPECT(f->cb_err == 7 && f->lineno == 2);
  EXPECT(strcmp(s.text, "1:a|2:b") == 0);
  /* Once stopped, it stays stopped. */
  EXPECT(ap_tfile_feed(f, "e\n", 2) == UV_ECANCELED);
  EXPECT(ap_tfile_end(f) == UV_ECANCELED && s.calls == 2);
  free(f);
}

/* bad: the file whose line `line` is bad for the reason that starts with
 * why; nothing of that line reaches the callback. */
static void bad(const char *text, size_t n, unsigned line, const char *why) {
  struct ap_tfile *f = malloc(sizeof(*f));
  struct seen s = { .stop_at = 0 };
  size_t step;

  for (step = 1; step <= n; step += step < 8 ? 1 : 61) {
    EXPECT(feed(f, &s, text, n, step) == UV_EINVAL);
    EXPECT(f->lineno == line);
    EXPECT(strncmp(f->why, why, strlen(why)) == 0);
    if (strncmp(f->why, why, strlen(why)) != 0)
      printf("# got '%s'\n", f->why);
  }
  free(f);
}

static void test_bad_bytes(void) {
  bad("a\nb\0c\n", 6, 2, "holds a NUL byte (column 2)");
  bad("a\n# \0\n", 6, 2, "holds a NUL byte (column 3)");
  bad("a\nb\n\xff", 5, 3, "not valid UTF-8 (byte 0xff at column 1)");
  bad("x\xc3(\n", 4, 1, "not valid UTF-8 (byte 0xc3 at column 2)");
  bad("\xc0\xaf\n", 3, 1, "not valid UTF-8");         /* overlong '/' */
  bad("\xe0\x80\xaf\n", 4, 1, "not valid UTF-8");     /* overlong '/' */
  bad("\xed\xa0\x80\n", 4, 1, "not valid UTF-8");     /* surrogate */
  bad("\xf4\x90\x80\x80\n", 5, 1, "not valid UTF-8"); /* > U+10FFFF */
  bad("\xe2\x82\n", 3, 1, "not valid UTF-8");         /* cut short */
  bad("\xe2\x82", 2, 1, "not valid UTF-8");           /* cut by EOF */
  bad("a\n\x1b[31mred\n", 11, 2, "control character 0x1b at column 1");
  bad("a\x7f\n", 3, 1, "control character 0x7f at column 2");
  bad("a \xc2\x9b" "31m\n", 8, 1, "control character 0x9b at column 3");
  /* The byte order mark is skipped at the start of the file only. */
  bad("a\n\xef\xbb\xbf\x01\n", 7, 2, "control character 0x01 at column 4");
}

static void test_long_line(void) {
  size_t big = 1 << 20, n;
  char *text = malloc(big + 16);
  struct ap_tfile *f = malloc(sizeof(*f));
  struct seen s = { .stop_at = 0 };

  /* A line of exactly AP_TFILE_LINE_MAX bytes is fine (and is one
   * specification, which the target parser turns down later). */
  memset(text, 'a', AP_TFILE_LINE_MAX);
  text[AP_TFILE_LINE_MAX] = '\n';
  EXPECT(feed(f, &s, text, AP_TFILE_LINE_MAX + 1, 1000) == 0);
  EXPECT(s.calls == 1);
  /* One byte more is not, with or without a newline, whatever the cuts. */
  text[AP_TFILE_LINE_MAX] = 'a';
  EXPECT(feed(f, &s, text, AP_TFILE_LINE_MAX + 1, 4096) == UV_EINVAL);
  text[AP_TFILE_LINE_MAX + 1] = '\n';
  EXPECT(feed(f, &s, text, AP_TFILE_LINE_MAX + 2, 3) == UV_EINVAL);
  EXPECT(s.calls == 0 && f->lineno == 1);
  memcpy(text, "ok\n", 3);
  memset(text + 3, 'b', big);
  n = big + 3;
  EXPECT(feed(f, &s, text, n, 4096) == UV_EINVAL);
  EXPECT(f->lineno == 2 && s.calls == 1);
  EXPECT(strcmp(f->why, "line longer than 4096 bytes") == 0);
  EXPECT(feed(f, &s, text, n, 7) == UV_EINVAL && f->lineno == 2);
  /* A NUL past the limit is still a long line; one before it is a NUL. */
  text[5000] = '\0';
  EXPECT(feed(f, &s, text, n, 4096) == UV_EINVAL);
  EXPECT(strcmp(f->why, "line longer than 4096 bytes") == 0);
  text[100] = '\0';
  EXPECT(feed(f, &s, text, n, 4096) == UV_EINVAL);
  EXPECT(strcmp(f->why, "holds a NUL byte (column 98)") == 0);
  free(text);
  free(f);
}

static void test_check(void) {
  char why[64];

  EXPECT(ap_tfile_check("", 0, why, sizeof(why)) == 0);
  EXPECT(ap_tfile_check("\t a\r", 4, why, sizeof(why)) == 0);
  EXPECT(ap_tfile_check("\xf0\x9f\x98\x80 \xc2\xa0", 7, why, 64) == 0);
  EXPECT(ap_tfile_check("ab\n", 3, why, sizeof(why)) == 3);
  EXPECT(ap_tfile_check("\xf0\x9f\x98", 3, why, sizeof(why)) == 1);
  EXPECT(ap_tfile_check("\xf8\x88\x80\x80\x80", 5, why, sizeof(why)) == 1);
}

int main(void) {
  RUN(test_split);
  RUN(test_callback_stops);
  RUN(test_bad_bytes);
  RUN(test_long_line);
  RUN(test_check);
  return tap_done();
}
