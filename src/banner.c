/* banner.c - see banner.h. */
#include "banner.h"

static int is_blank(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' ||
         c == '\v' || c == '\f';
}

size_t ap_banner_trim(const uint8_t *b, size_t *len) {
  size_t lo = 0, hi = *len;

  while (lo < hi && is_blank(b[lo]))
    lo++;
  while (hi > lo && is_blank(b[hi - 1]))
    hi--;
  *len = hi - lo;
  return lo;
}

int ap_banner_line_done(const uint8_t *b, size_t len) {
  int content = 0;
  size_t i;

  for (i = 0; i < len; i++) {
    if (b[i] == '\n') {
      if (content)
        return 1;
    } else if (!is_blank(b[i])) {
      content = 1;
    }
  }
  return 0;
}

int ap_banner_prompt(const uint8_t *b, size_t len) {
  uint8_t c;

  while (len > 0 && (b[len - 1] == ' ' || b[len - 1] == '\t'))
    len--;
  if (len == 0)
    return 0;
  c = b[len - 1];
  return c == ':' || c == '>' || c == '#' || c == '$' || c == '%';
}

size_t ap_banner_escape(const uint8_t *b, size_t len, char *out,
                        size_t outlen) {
  static const char hex[] = "0123456789abcdef";
  char e[4];
  size_t i, n = 0, k, m;

  if (outlen == 0)
    return 0;
  for (i = 0; i < len; i++) {
    m = 0;
    switch (b[i]) {
    case '"': case '\\': e[m++] = '\\'; e[m++] = (char) b[i]; break;
    case '\r': e[m++] = '\\'; e[m++] = 'r'; break;
    case '\n': e[m++] = '\\'; e[m++] = 'n'; break;
    case '\t': e[m++] = '\\'; e[m++] = 't'; break;
    default:
      if (b[i] >= 0x20 && b[i] < 0x7f) {
        e[m++] = (char) b[i];
      } else {
        e[m++] = '\\';
        e[m++] = 'x';
        e[m++] = hex[b[i] >> 4];
        e[m++] = hex[b[i] & 15];
      }
    }
    if (n + m >= outlen)
      break;
    for (k = 0; k < m; k++)
      out[n++] = e[k];
  }
  out[n] = '\0';
  return n;
}
