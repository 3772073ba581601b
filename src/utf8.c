/* utf8.c - see utf8.h. */
#include "utf8.h"

#include <string.h>

/* The length of the valid UTF-8 sequence at p (at most n bytes long), or 0
 * when p does not start one: no overlong forms, no surrogates, nothing
 * over U+10FFFF (RFC 3629). */
static size_t seq_len(const uint8_t *p, size_t n) {
  uint8_t c = p[0], lo = 0x80, hi = 0xbf;
  size_t len, i;

  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    len = 2;
  else if (c >= 0xe0 && c <= 0xef)
    len = 3;
  else if (c >= 0xf0 && c <= 0xf4)
    len = 4;
  else
    return 0;
  if (c == 0xe0)
    lo = 0xa0;
  else if (c == 0xed)
    hi = 0x9f;
  else if (c == 0xf0)
    lo = 0x90;
  else if (c == 0xf4)
    hi = 0x8f;
  if (n < len || p[1] < lo || p[1] > hi)
    return 0;
  for (i = 2; i < len; i++)
    if (p[i] < 0x80 || p[i] > 0xbf)
      return 0;
  return len;
}

/* Whether cp is a format character that moves or reorders text. */
static int is_format(uint32_t cp) {
  return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0xfeff;
}

int ap_utf8_class(const uint8_t *b, size_t len, size_t *n, uint32_t *cp) {
  static const uint8_t lead_mask[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
  size_t k = seq_len(b, len), i;
  uint32_t c;

  if (k == 0) {
    *n = 1;
    *cp = b[0];
    return AP_U_INVALID;
  }
  c = b[0] & lead_mask[k];
  for (i = 1; i < k; i++)
    c = (c << 6) | (b[i] & 0x3f);
  *n = k;
  *cp = c;
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
    return AP_U_CONTROL;
  return is_format(c) ? AP_U_FORMAT : AP_U_PRINT;
}

/* The escape of one character (n bytes at b, of class cls) into e (at
 * least 16 bytes).  Returns its length. */
static size_t escape_one(const uint8_t *b, size_t n, int cls, int flags,
                         char *e) {
  static const char hex[] = "0123456789abcdef";
  size_t i, m = 0;

  if (cls == AP_U_PRINT) {
    if ((flags & AP_ESC_QUOTE) && (b[0] == '"' || b[0] == '\\'))
      e[m++] = '\\';
    memcpy(e + m, b, n);
    return m + n;
  }
  if (cls == AP_U_CONTROL && (b[0] == '\r' || b[0] == '\n' || b[0] == '\t')) {
    e[0] = '\\';
    e[1] = b[0] == '\r' ? 'r' : b[0] == '\n' ? 'n' : 't';
    return 2;
  }
  for (i = 0; i < n; i++) {
    e[m++] = '\\';
    e[m++] = 'x';
    e[m++] = hex[b[i] >> 4];
    e[m++] = hex[b[i] & 15];
  }
  return m;
}

size_t ap_utf8_escape(const uint8_t *b, size_t len, int flags, char *out,
                      size_t outlen, size_t *used) {
  char e[16];
  size_t i = 0, n = 0, k, m;
  uint32_t cp;
  int cls;

  if (outlen > 0) {
    while (i < len) {
      cls = ap_utf8_class(b + i, len - i, &k, &cp);
      m = escape_one(b + i, k, cls, flags, e);
      if (n + m >= outlen)
        break;
      memcpy(out + n, e, m);
      n += m;
      i += k;
    }
    out[n] = '\0';
  }
  if (used != NULL)
    *used = i;
  return n;
}

int ap_utf8_clean(const char *s) {
  size_t len = strlen(s), i = 0, k;
  uint32_t cp;

  while (i < len) {
    if (ap_utf8_class((const uint8_t *) s + i, len - i, &k, &cp) !=
        AP_U_PRINT)
      return 0;
    i += k;
  }
  return 1;
}
