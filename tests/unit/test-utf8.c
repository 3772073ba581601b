/* test-utf8.c - which characters are shown as they are, and how the others
 * are escaped: every C0, DEL, every C1, each format character, invalid
 * UTF-8 of each kind, and valid printable characters of every length. */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "utf8.h"

/* cp in UTF-8 (surrogates too, as a broken encoder would write them).
 * Returns the length. */
static size_t enc(uint32_t cp, uint8_t *b) {
  if (cp < 0x80) {
    b[0] = (uint8_t) cp;
    return 1;
  }
  if (cp < 0x800) {
    b[0] = (uint8_t) (0xc0 | cp >> 6);
    b[1] = (uint8_t) (0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    b[0] = (uint8_t) (0xe0 | cp >> 12);
    b[1] = (uint8_t) (0x80 | (cp >> 6 & 0x3f));
    b[2] = (uint8_t) (0x80 | (cp & 0x3f));
    return 3;
  }
  b[0] = (uint8_t) (0xf0 | cp >> 18);
  b[1] = (uint8_t) (0x80 | (cp >> 12 & 0x3f));
  b[2] = (uint8_t) (0x80 | (cp >> 6 & 0x3f));
  b[3] = (uint8_t) (0x80 | (cp & 0x3f));
  return 4;
}

/* What the escape of n bytes at b (no flags, or flags) is. */
static const char *esc(const void *b, size_t n, int flags) {
  static char out[256];

  ap_utf8_escape(b, n, flags, out, sizeof(out), NULL);
  return out;
}

/* "\xNN" for each of n bytes. */
static const char *hexes(const uint8_t *b, size_t n) {
  static char out[64];
  size_t i;

  out[0] = '\0';
  for (i = 0; i < n; i++)
    snprintf(out + 4 * i, sizeof(out) - 4 * i, "\\x%02x", b[i]);
  return out;
}

/* Whether cp (encoded) is one character of class cls, shown as want (NULL:
 * as it is when printable, else each byte as \xNN). */
static int one(uint32_t cp, int cls, const char *want) {
  uint8_t b[4];
  size_t n = enc(cp, b), k;
  uint32_t got;
  int c = ap_utf8_class(b, n, &k, &got);
  char raw[5] = { 0 };

  memcpy(raw, b, n);
  if (want == NULL)
    want = cls == AP_U_PRINT ? raw : hexes(b, n);
  if (c != cls || k != n || got != cp || strcmp(esc(b, n, 0), want) != 0) {
    printf("# U+%04X: class %d, %zu bytes, U+%04X, '%s'\n", (unsigned) cp,
           c, k, (unsigned) got, esc(b, n, 0));
    return 0;
  }
  return 1;
}

static void test_c0_del(void) {
  uint32_t cp;

  for (cp = 0; cp < 0x20; cp++) {
    const char *want = cp == '\r' ? "\\r" : cp == '\n' ? "\\n"
                       : cp == '\t' ? "\\t" : NULL;
    EXPECT(one(cp, AP_U_CONTROL, want));
  }
  EXPECT(one(0x7f, AP_U_CONTROL, "\\x7f"));
  EXPECT(one(' ', AP_U_PRINT, " "));
  EXPECT(one('~', AP_U_PRINT, "~"));
}

static void test_c1(void) {
  uint32_t cp;

  for (cp = 0x80; cp <= 0x9f; cp++)
    EXPECT(one(cp, AP_U_CONTROL, NULL));
  EXPECT(one(0x85, AP_U_CONTROL, "\\xc2\\x85"));  /* NEL */
  EXPECT(one(0x9b, AP_U_CONTROL, "\\xc2\\x9b"));  /* CSI */
  EXPECT(one(0xa0, AP_U_PRINT, "\xc2\xa0"));      /* no-break space */
}

static void test_format(void) {
  static const uint32_t fmt[] = { 0x061c, 0x200e, 0x200f, 0x2028, 0x2029,
                                  0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
                                  0x2066, 0x2067, 0x2068, 0x2069, 0xfeff };
  static const uint32_t near[] = { 0x061b, 0x061d, 0x200d, 0x2010, 0x2027,
                                   0x202f, 0x2065, 0x206a, 0xfefe,
                                   0xff00 };
  size_t i;

  for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++)
    EXPECT(one(fmt[i], AP_U_FORMAT, NULL));
  EXPECT(one(0x202e, AP_U_FORMAT, "\\xe2\\x80\\xae"));
  for (i = 0; i < sizeof(near) / sizeof(near[0]); i++)
    EXPECT(one(near[i], AP_U_PRINT, NULL));
  EXPECT(one(0x2027, AP_U_PRINT, "\xe2\x80\xa7"));
  EXPECT(one(0x202f, AP_U_PRINT, "\xe2\x80\xaf"));
  EXPECT(one(0x206a, AP_U_PRINT, "\xe2\x81\xaa"));
}

static void test_printable(void) {
  EXPECT(one(0xe9, AP_U_PRINT, "\xc3\xa9"));              /* é */
  EXPECT(one(0x7ff, AP_U_PRINT, "\xdf\xbf"));
  EXPECT(one(0x800, AP_U_PRINT, "\xe0\xa0\x80"));
  EXPECT(one(0x20ac, AP_U_PRINT, "\xe2\x82\xac"));        /* € */
  EXPECT(one(0xfffd, AP_U_PRINT, "\xef\xbf\xbd"));
  EXPECT(one(0x10000, AP_U_PRINT, "\xf0\x90\x80\x80"));
  EXPECT(one(0x1f600, AP_U_PRINT, "\xf0\x9f\x98\x80"));   /* 😀 */
  EXPECT(one(0x10ffff, AP_U_PRINT, "\xf4\x8f\xbf\xbf"));
  EXPECT(strcmp(esc("\xc3\xa9t\xc3\xa9", 5, 0), "\xc3\xa9t\xc3\xa9") == 0);
}

/* Every code point, encoded: its class is what utf8.h says, read back
 * whole; surrogates are invalid, byte by byte. */
static void test_every_code_point(void) {
  uint8_t b[4];
  uint32_t cp, got;
  size_t n, k, bad = 0;
  int c, want;

  for (cp = 0; cp <= 0x10ffff; cp++) {
    n = enc(cp, b);
    c = ap_utf8_class(b, n, &k, &got);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      bad += c != AP_U_INVALID || k != 1 || got != b[0];
      continue;
    }
    want = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ? AP_U_CONTROL
           : cp == 0x61c || cp == 0x200e || cp == 0x200f ||
                   (cp >= 0x2028 && cp <= 0x202e) ||
                   (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff
               ? AP_U_FORMAT : AP_U_PRINT;
    bad += c != want || k != n || got != cp;
  }
  EXPECT(bad == 0);
}

/* Whether the n bytes at b are each an invalid byte of their own. */
static int all_invalid(const char *s, size_t n) {
  const uint8_t *b = (const uint8_t *) s;
  size_t i, k;
  uint32_t cp;

  for (i = 0; i < n; i++)
    if (ap_utf8_class(b + i, n - i, &k, &cp) != AP_U_INVALID || k != 1 ||
        cp != b[i])
      return 0;
  return strcmp(esc(b, n, 0), hexes(b, n)) == 0;
}

static void test_invalid(void) {
  unsigned c;

  /* Overlong forms of '/' and of U+07FF, U+FFFF. */
  EXPECT(all_invalid("\xc0\xaf", 2));
  EXPECT(all_invalid("\xc1\xbf", 2));
  EXPECT(all_invalid("\xe0\x80\xaf", 3));
  EXPECT(all_invalid("\xe0\x9f\xbf", 3));
  EXPECT(all_invalid("\xf0\x80\x80\xaf", 4));
  EXPECT(all_invalid("\xf0\x8f\xbf\xbf", 4));
  /* Surrogates, beyond U+10FFFF, bytes never used. */
  EXPECT(all_invalid("\xed\xa0\x80", 3));
  EXPECT(all_invalid("\xed\xbf\xbf", 3));
  EXPECT(all_invalid("\xf4\x90\x80\x80", 4));
  for (c = 0xf5; c <= 0xff; c++) {
    uint8_t b = (uint8_t) c;
    EXPECT(all_invalid((const char *) &b, 1));
  }
  /* Lone continuation bytes. */
  for (c = 0x80; c <= 0xbf; c++) {
    uint8_t b = (uint8_t) c;
    EXPECT(all_invalid((const char *) &b, 1));
  }
  /* A lead byte followed by something else keeps what follows. */
  EXPECT(strcmp(esc("\xe2" "a\xc3\xa9", 4, 0), "\\xe2a\xc3\xa9") == 0);
}

/* A banner clipped at --banner-bytes in the middle of a character: the
 * piece left is escaped byte by byte, what came before shown as is. */
static void test_cut_short(void) {
  EXPECT(strcmp(esc("\xc3\xa9t\xc3", 4, 0), "\xc3\xa9t\\xc3") == 0);
  EXPECT(strcmp(esc("ab\xe2\x82", 4, 0), "ab\\xe2\\x82") == 0);
  EXPECT(strcmp(esc("ab\xf0\x9f\x98", 5, 0), "ab\\xf0\\x9f\\x98") == 0);
  EXPECT(strcmp(esc("\xe2\x80", 2, 0), "\\xe2\\x80") == 0);
}

static void test_quote_flag(void) {
  EXPECT(strcmp(esc("a\"b\\c", 5, 0), "a\"b\\c") == 0);
  EXPECT(strcmp(esc("a\"b\\c", 5, AP_ESC_QUOTE), "a\\\"b\\\\c") == 0);
  EXPECT(strcmp(esc("\x1b[31m\xc2\x9b" "1m", 9, AP_ESC_QUOTE),
                "\\x1b[31m\\xc2\\x9b1m") == 0);
}

/* Short buffers: a character is written whole or not at all, *used says
 * how many bytes were; 4 * len + 1 always holds everything. */
static void test_bounds(void) {
  static const char s[] = "\xc3\xa9\x01z";
  uint8_t all[256];
  char out[4 * 256 + 1];
  size_t used, n, i;

  n = ap_utf8_escape((const uint8_t *) s, 4, 0, out, 2, &used);
  EXPECT(n == 0 && used == 0 && out[0] == '\0');
  n = ap_utf8_escape((const uint8_t *) s, 4, 0, out, 3, &used);
  EXPECT(n == 2 && used == 2 && strcmp(out, "\xc3\xa9") == 0);
  n = ap_utf8_escape((const uint8_t *) s, 4, 0, out, 6, &used);
  EXPECT(n == 2 && used == 2);
  n = ap_utf8_escape((const uint8_t *) s, 4, 0, out, 7, &used);
  EXPECT(n == 6 && used == 3 && strcmp(out, "\xc3\xa9\\x01") == 0);
  n = ap_utf8_escape((const uint8_t *) s, 4, 0, out, 0, &used);
  EXPECT(n == 0 && used == 0);
  for (i = 0; i < 256; i++)
    all[i] = (uint8_t) (255 - i);
  n = ap_utf8_escape(all, 256, AP_ESC_QUOTE, out, sizeof(out), &used);
  EXPECT(used == 256 && n < sizeof(out) && strlen(out) == n);
}

static void test_clean(void) {
  EXPECT(ap_utf8_clean("host.example"));
  EXPECT(ap_utf8_clean("\xc3\xa9t\xc3\xa9.example"));
  EXPECT(ap_utf8_clean("a\\b\"c"));
  EXPECT(ap_utf8_clean(""));
  EXPECT(!ap_utf8_clean("a\tb"));
  EXPECT(!ap_utf8_clean("a\xc2\x85" "b"));
  EXPECT(!ap_utf8_clean("evil\xe2\x80\xae" "txt.exe"));
  EXPECT(!ap_utf8_clean("bad\xff"));
}

int main(void) {
  RUN(test_c0_del);
  RUN(test_c1);
  RUN(test_format);
  RUN(test_printable);
  RUN(test_every_code_point);
  RUN(test_invalid);
  RUN(test_cut_short);
  RUN(test_quote_flag);
  RUN(test_bounds);
  RUN(test_clean);
  return tap_done();
}
