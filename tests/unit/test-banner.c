/* test-banner.c - banner completion, prompts, trimming and escaping. */
#include <string.h>

#include "banner.h"
#include "tap.h"

#define B(s) (const uint8_t *) (s), sizeof(s) - 1

static int escapes_to(const char *in, size_t n, const char *want) {
  char out[256];
  size_t len = ap_banner_escape((const uint8_t *) in, n, out, sizeof(out));

  if (len != strlen(want) || strcmp(out, want) != 0) {
    printf("# escaped to '%s', want '%s'\n", out, want);
    return 0;
  }
  return 1;
}

static void test_escape(void) {
  EXPECT(escapes_to("SSH-2.0-OpenSSH_9.2p1", 21, "SSH-2.0-OpenSSH_9.2p1"));
  EXPECT(escapes_to("a\r\nb\tc", 6, "a\\r\\nb\\tc"));
  EXPECT(escapes_to("say \"hi\" \\o/", 12, "say \\\"hi\\\" \\\\o/"));
  EXPECT(escapes_to("\xff\xfd\x18\x00\x1b[0m\x7f", 9,
                    "\\xff\\xfd\\x18\\x00\\x1b[0m\\x7f"));
  /* Printable UTF-8 as it is; C1 controls, bidi overrides and invalid
   * bytes (here the end of a banner cut in a character) byte by byte. */
  EXPECT(escapes_to("caf\xc3\xa9", 5, "caf\xc3\xa9"));
  EXPECT(escapes_to("\xc2\x9b" "2J\xe2\x80\xae" "ab\xe2\x82", 11,
                    "\\xc2\\x9b2J\\xe2\\x80\\xaeab\\xe2\\x82"));
  EXPECT(escapes_to("", 0, ""));
}

/* 4 characters a byte at most; a short buffer stops before an escape that
 * does not fit, never in the middle of one. */
static void test_escape_bounds(void) {
  uint8_t all[256];
  char out[4 * 256 + 1];
  size_t i, n;

  for (i = 0; i < 256; i++)
    all[i] = (uint8_t) i;
  n = ap_banner_escape(all, 256, out, sizeof(out));
  EXPECT(n < sizeof(out) && out[n] == '\0' && strlen(out) == n);
  EXPECT(strstr(out, "\\x00\\x01") == out);
  n = ap_banner_escape((const uint8_t *) "ab\x01", 3, out, 6);
  EXPECT(n == 2 && strcmp(out, "ab") == 0);
  n = ap_banner_escape((const uint8_t *) "ab\x01", 3, out, 7);
  EXPECT(n == 6 && strcmp(out, "ab\\x01") == 0);
  EXPECT(ap_banner_escape((const uint8_t *) "ab", 2, out, 0) == 0);
  n = ap_banner_escape((const uint8_t *) "ab", 2, out, 1);
  EXPECT(n == 0 && out[0] == '\0');
}

static void test_trim(void) {
  const uint8_t *b = (const uint8_t *) "\r\n  220 ready \r\n\0";
  size_t len = 18, off;

  off = ap_banner_trim(b, &len);
  EXPECT(off == 4 && len == 9 && memcmp(b + off, "220 ready", 9) == 0);
  len = 5;
  off = ap_banner_trim((const uint8_t *) " \r\n\t ", &len);
  EXPECT(len == 0);
  len = 3;
  off = ap_banner_trim((const uint8_t *) "abc", &len);
  EXPECT(off == 0 && len == 3);
}

static void test_line_done(void) {
  EXPECT(ap_banner_line_done(B("SSH-2.0-x\r\n")));
  EXPECT(ap_banner_line_done(B("220 ready\n")));
  EXPECT(ap_banner_line_done(B("\r\n\r\n220 ready\nmore")));
  EXPECT(!ap_banner_line_done(B("SSH-2.0-x")));
  EXPECT(!ap_banner_line_done(B("SSH-2.0-x\r")));
  EXPECT(!ap_banner_line_done(B("\r\n \t\r\n")));
  EXPECT(!ap_banner_line_done(B("")));
}

static void test_prompt(void) {
  EXPECT(ap_banner_prompt(B("Welcome\r\n\r\nlab-host login: ")));
  EXPECT(ap_banner_prompt(B("Password:")));
  EXPECT(ap_banner_prompt(B("switch>")));
  EXPECT(ap_banner_prompt(B("root@box:~# ")));
  EXPECT(ap_banner_prompt(B("$ ")));
  EXPECT(ap_banner_prompt(B("% \t")));
  EXPECT(!ap_banner_prompt(B("lab-host login: \r\n")));
  EXPECT(!ap_banner_prompt(B("Welcome to lab-host")));
  EXPECT(!ap_banner_prompt(B("   ")));
  EXPECT(!ap_banner_prompt(B("")));
}

int main(void) {
  RUN(test_escape);
  RUN(test_escape_bounds);
  RUN(test_trim);
  RUN(test_line_done);
  RUN(test_prompt);
  return tap_done();
}
