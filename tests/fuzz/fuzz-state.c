/* fuzz-state.c - libFuzzer target for the --state file reader.
 *
 * The input is the file.  A file that is refused must say why in text
 * that is safe to print (ap_tfile_check() passes it), and leave nothing
 * behind once released.  A file that is taken must give a sorted list of
 * distinct targets, each with a status ap_state_word() knows and found
 * again by ap_state_find(); written out again as aping writes it, that
 * list must read back the same.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "state.h"
#include "tfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *copy(const void *p, size_t n) {
  char *s = malloc(n + 1);

  if (s == NULL)
    abort();
  memcpy(s, p, n);
  s[n] = '\0';
  return s;
}

/* The list of s written out again, in the file's format. */
static char *rewrite(const struct ap_state *s, size_t *len) {
  size_t cap = 64, i;
  char *text, *p;
  int n;

  for (i = 0; i < s->n; i++)
    cap += strlen(s->v[i].key) + 16;
  text = malloc(cap);
  if (text == NULL)
    abort();
  p = text;
  p += snprintf(p, cap, "%s %d\n", AP_STATE_MAGIC, AP_STATE_VERSION);
  for (i = 0; i < s->n; i++)
    p += snprintf(p, cap - (size_t) (p - text), "%s %s\n",
                  ap_state_word(s->v[i].status), s->v[i].key);
  n = snprintf(p, cap - (size_t) (p - text), "end %zu\n", s->n);
  *len = (size_t) (p - text) + (size_t) n;
  return text;
}

static void check_taken(const struct ap_state *s) {
  struct ap_state again;
  char err[160], *text;
  size_t i, len;

  for (i = 0; i < s->n; i++) {
    if (ap_state_word(s->v[i].status) == NULL || s->v[i].key[0] == '\0' ||
        strpbrk(s->v[i].key, " \t\r\n") != NULL ||
        ap_state_find(s, s->v[i].key) != ap_state_word(s->v[i].status) ||
        (i > 0 && strcmp(s->v[i - 1].key, s->v[i].key) >= 0))
      abort();
  }
  text = rewrite(s, &len);
  if (ap_state_parse(&again, text, len, err, sizeof(err)) != 0 ||
      again.n != s->n)
    abort();
  for (i = 0; i < s->n; i++)
    if (strcmp(again.v[i].key, s->v[i].key) != 0 ||
        again.v[i].status != s->v[i].status)
      abort();
  ap_state_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct ap_state s;
  char err[160], why[64];
  int r;

  memset(err, 0, sizeof(err));
  r = ap_state_parse(&s, copy(data, size), size, err, sizeof(err));
  if (r == 0) {
    check_taken(&s);
  } else if (r != UV_EINVAL || err[0] == '\0' ||
             ap_tfile_check(err, strlen(err), why, sizeof(why)) != 0) {
    abort();
  }
  ap_state_release(&s);
  return 0;
}
