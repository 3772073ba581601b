/* fuzz-tfile.c - libFuzzer target for target files (tfile.h).
 *
 * The first byte chooses the size of the pieces the rest is fed in, as
 * reads would cut it; each specification goes on to ap_target_parse() as
 * in aping.  Whatever the cuts, the result must be what feeding the whole
 * file at once gives: the same specifications on the same lines, and the
 * same verdict on the same line.  A specification passed on is never
 * empty, never holds a separator, a '#' or a byte ap_tfile_check() refuses;
 * a refused line always says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "target.h"
#include "tfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct trace {
  uint64_t hash; /* of every specification and its line */
  uint64_t n;
  uint64_t last_line;
};

static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  size_t i;

  for (i = 0; i < n; i++)
    h = (h ^ c[i]) * 0x100000001b3ULL; /* FNV-1a */
  return h;
}

static int spec_cb(struct ap_tfile *f, const char *spec) {
  struct trace *t = f->data;
  size_t len = strlen(spec);
  struct ap_addr lo, hi;
  char why[64], err[128], zone[AP_ZONE_MAX];

  if (len == 0 || len > AP_TFILE_LINE_MAX || strpbrk(spec, " \t\r\n#") ||
      ap_tfile_check(spec, len, why, sizeof(why)) != 0 ||
      f->lineno < t->last_line)
    abort();
  t->last_line = f->lineno;
  t->hash = mix(mix(t->hash, spec, len + 1), &f->lineno, sizeof(f->lineno));
  t->n++;
  (void) ap_target_parse(spec, 0, &lo, &hi, zone, err, sizeof(err));
  return 0;
}

/* Reads the n bytes at p in pieces of step bytes into *t. */
static int run(struct ap_tfile *f, struct trace *t, const uint8_t *p,
               size_t n, size_t step) {
  size_t i;
  int r = 0;

  memset(t, 0, sizeof(*t));
  ap_tfile_init(f, spec_cb, t);
  for (i = 0; r == 0 && i < n; i += step)
    r = ap_tfile_feed(f, p + i, n - i < step ? n - i : step);
  if (r == 0)
    r = ap_tfile_end(f);
  if (r != 0 && r != UV_EINVAL)
    abort();
  if (r == UV_EINVAL && (f->why[0] == '\0' ||
                         memchr(f->why, '\0', sizeof(f->why)) == NULL))
    abort();
  if (r != 0 && (ap_tfile_feed(f, "x\n", 2) != r || ap_tfile_end(f) != r))
    abort();
  return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct ap_tfile a, b;
  struct trace ta, tb;
  size_t step;
  int ra, rb;

  if (size == 0)
    return 0;
  step = (size_t) data[0] * 37 % 5000 + 1;
  ra = run(&a, &ta, data + 1, size - 1, step);
  rb = run(&b, &tb, data + 1, size - 1, size);
  if (ra != rb || ta.hash != tb.hash || ta.n != tb.n ||
      a.lineno != b.lineno || (ra != 0 && strcmp(a.why, b.why) != 0))
    abort();
  return 0;
}
