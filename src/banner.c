/* banner.c - see banner.h. */
#include "banner.h"

#include "utf8.h"

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
  return ap_utf8_escape(b, len, AP_ESC_QUOTE, out, outlen, NULL);
}
