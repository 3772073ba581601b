/* fuzz-escape.c - libFuzzer target for showing untrusted strings
 * (utf8.c, and the JSON, CSV and Prometheus writers built on it).
 *
 * Any bytes, escaped as text (with and without AP_ESC_QUOTE): the output
 * holds printable characters only, is at most 4 bytes a byte, and reads
 * back to exactly the input; into a buffer too short (its size picked by
 * the first byte), the output is a prefix of the whole one ending on a
 * character, and *used the bytes it stands for.  JSON, CSV fields and
 * Prometheus label values hold printable characters and their line ends
 * only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether all n bytes at s are printable characters (line feeds and
 * carriage returns allowed when lines). */
static int printable(const char *s, size_t n, int lines) {
  size_t i = 0, k;
  uint32_t cp;

  while (i < n) {
    if (ap_utf8_class((const uint8_t *) s + i, n - i, &k, &cp) !=
            AP_U_PRINT &&
        !(lines && (s[i] == '\n' || s[i] == '\r')))
      return 0;
    i += k;
  }
  return 1;
}

static int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f'
                                              ? c - 'a' + 10 : -1;
}

/* Reads text escaped with flags back into out.  Returns its length, or
 * (size_t) -1 for an escape ap_utf8_escape() never writes. */
static size_t unescape(const char *s, size_t n, int flags, uint8_t *out) {
  size_t i = 0, m = 0;

  while (i < n) {
    if (s[i] != '\\') {
      if ((flags & AP_ESC_QUOTE) && s[i] == '"')
        return (size_t) -1;
      out[m++] = (uint8_t) s[i++];
      continue;
    }
    if (i + 1 >= n)
      return (size_t) -1;
    switch (s[i + 1]) {
    case 'r': out[m++] = '\r'; i += 2; continue;
    case 'n': out[m++] = '\n'; i += 2; continue;
    case 't': out[m++] = '\t'; i += 2; continue;
    case 'x':
      if (i + 3 >= n || hexval(s[i + 2]) < 0 || hexval(s[i + 3]) < 0)
        return (size_t) -1;
      out[m++] = (uint8_t) (hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
      i += 4;
      continue;
    }
    if ((flags & AP_ESC_QUOTE) && (s[i + 1] == '"' || s[i + 1] == '\\')) {
      out[m++] = (uint8_t) s[i + 1];
      i += 2;
      continue;
    }
    if (flags & AP_ESC_QUOTE)
      return (size_t) -1;
    out[m++] = '\\'; /* a backslash of the input, as it is */
    i++;
  }
  return m;
}

static void check_escape(const uint8_t *data, size_t size, int flags) {
  size_t cap = 4 * size + 1, n, used, m, k;
  char *out = malloc(cap), *part = malloc(cap);
  uint8_t *back = malloc(size + 1);

  if (out == NULL || part == NULL || back == NULL)
    abort();
  n = ap_utf8_escape(data, size, flags, out, cap, &used);
  if (used != size || n >= cap || strlen(out) != n ||
      !printable(out, n, 0))
    abort();
  /* Without AP_ESC_QUOTE an input backslash followed by "x41" would read
   * back as 'A': only the quoted form is unambiguous. */
  if (flags & AP_ESC_QUOTE) {
    m = unescape(out, n, flags, back);
    if (m != size || memcmp(back, data, size) != 0)
      abort();
  }
  k = size > 0 ? (size_t) data[0] % cap : 0;
  m = ap_utf8_escape(data, size, flags, part, k, &used);
  if (k > 0 && (m >= k || memcmp(part, out, m) != 0 || used > size ||
                ap_utf8_escape(data, used, flags, out, cap, NULL) != m))
    abort();
  free(out);
  free(part);
  free(back);
}

/* What a writer put to a memory stream: printable, line ends allowed. */
static void check_stream(const uint8_t *data, size_t size, int which) {
  char *buf = NULL, *s = malloc(size + 1);
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);

  if (f == NULL || s == NULL)
    abort();
  memcpy(s, data, size);
  s[size] = '\0'; /* the string writers take C strings: up to a NUL */
  if (which == 0)
    ap_json_bytes(f, data, size);
  else if (which == 1)
    ap_csv_field(f, s);
  else
    ap_prom_label(f, s);
  if (fclose(f) != 0 || !printable(buf, len, 0))
    abort();
  free(buf);
  free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check_escape(data, size, 0);
  check_escape(data, size, AP_ESC_QUOTE);
  check_stream(data, size, 0);
  check_stream(data, size, 1);
  check_stream(data, size, 2);
  return 0;
}
