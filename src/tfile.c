/* tfile.c - see tfile.h. */
#include "tfile.h"

#include <stdio.h>
#include <string.h>
#include <uv.h>

static const char bom[3] = { '\xef', '\xbb', '\xbf' };

void ap_tfile_init(struct ap_tfile *f, ap_tfile_cb cb, void *data) {
  memset(f, 0, sizeof(*f));
  f->cb = cb;
  f->data = data;
  f->lineno = 1;
}

/* The length of the UTF-8 sequence opening the n bytes at p, or 0 when it
 * is not a valid one (RFC 3629: no overlong form, no surrogate, nothing
 * above U+10FFFF). */
static size_t utf8_len(const unsigned char *p, size_t n) {
  unsigned lo = 0x80, hi = 0xbf;
  size_t len, i;

  if (p[0] < 0x80)
    return 1;
  if (p[0] < 0xc2 || p[0] > 0xf4)
    return 0;
  len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
  if (p[0] == 0xe0)
    lo = 0xa0; /* overlong */
  else if (p[0] == 0xed)
    hi = 0x9f; /* surrogates */
  else if (p[0] == 0xf0)
    lo = 0x90; /* overlong */
  else if (p[0] == 0xf4)
    hi = 0x8f; /* above U+10FFFF */
  if (n < len || p[1] < lo || p[1] > hi)
    return 0;
  for (i = 2; i < len; i++)
    if ((p[i] & 0xc0) != 0x80)
      return 0;
  return len;
}

size_t ap_tfile_check(const char *s, size_t n, char *why, size_t whylen) {
  const unsigned char *p = (const unsigned char *) s;
  size_t i, len;

  for (i = 0; i < n; i += len) {
    len = utf8_len(p + i, n - i);
    if (len == 0) {
      snprintf(why, whylen, "not valid UTF-8 (byte 0x%02x at column %zu)",
               p[i], i + 1);
      return i + 1;
    }
    if (p[i] == '\0') {
      snprintf(why, whylen, "holds a NUL byte (column %zu)", i + 1);
      return i + 1;
    }
    /* C0 but tab and CR, DEL, and C1 (U+0080..U+009F, c2 80..c2 9f). */
    if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r') || p[i] == 0x7f ||
        (p[i] == 0xc2 && p[i + 1] < 0xa0)) {
      snprintf(why, whylen, "control character 0x%02x at column %zu",
               p[i] == 0xc2 ? p[i + 1] : p[i], i + 1);
      return i + 1;
    }
  }
  return 0;
}

static int fail(struct ap_tfile *f, int err) {
  f->result = err;
  return err;
}

/* Checks the line now complete in f->line, hands its specifications to
 * the callback and starts the next line. */
static int end_line(struct ap_tfile *f) {
  char *p = f->line, *tok, *save;
  size_t n = f->len;
  int r;

  if (f->lineno == 1 && n >= sizeof(bom) && memcmp(p, bom, 3) == 0) {
    p += sizeof(bom);
    n -= sizeof(bom);
  }
  if (ap_tfile_check(p, n, f->why, sizeof(f->why)) != 0)
    return fail(f, UV_EINVAL);
  p[n] = '\0';
  p[strcspn(p, "#")] = '\0';
  for (tok = strtok_r(p, " \t\r", &save); tok != NULL;
       tok = strtok_r(NULL, " \t\r", &save)) {
    r = f->cb(f, tok);
    if (r != 0) {
      f->cb_err = r;
      return fail(f, UV_ECANCELED);
    }
  }
  f->len = 0;
  f->lineno++;
  return 0;
}

int ap_tfile_feed(struct ap_tfile *f, const void *buf, size_t n) {
  const char *p = buf, *end = p + n, *nl, *nul;
  size_t take, room, copy;
  int r;

  while (f->result == 0 && p < end) {
    nl = memchr(p, '\n', (size_t) (end - p));
    take = (size_t) ((nl != NULL ? nl : end) - p);
    room = AP_TFILE_LINE_MAX - f->len;
    copy = take < room ? take : room;
    /* A NUL byte is reported as such, even in a line that is too long. */
    nul = memchr(p, '\0', copy);
    if (nul != NULL) {
      snprintf(f->why, sizeof(f->why), "holds a NUL byte (column %zu)",
               f->len + (size_t) (nul - p) + 1);
      return fail(f, UV_EINVAL);
    }
    if (take > room) {
      snprintf(f->why, sizeof(f->why), "line longer than %d bytes",
               AP_TFILE_LINE_MAX);
      return fail(f, UV_EINVAL);
    }
    memcpy(f->line + f->len, p, take);
    f->len += take;
    p += take;
    if (nl == NULL)
      break;
    p++;
    r = end_line(f);
    if (r != 0)
      return r;
  }
  return f->result;
}

int ap_tfile_end(struct ap_tfile *f) {
  if (f->result == 0 && f->len > 0)
    return end_line(f);
  return f->result;
}
