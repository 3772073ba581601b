/* state.c - see state.h. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "safepath.h"
#include "tfile.h"

static const char *const words[] = { "alive", "unreachable", "failed", "ok" };
#define NWORDS (sizeof(words) / sizeof(words[0]))

int ap_state_status(const char *word) {
  size_t i;

  for (i = 0; i < NWORDS; i++)
    if (strcmp(word, words[i]) == 0)
      return (int) i;
  return -1;
}

const char *ap_state_word(int status) {
  return status >= 0 && (size_t) status < NWORDS ? words[status] : NULL;
}

/* Copies at most max bytes of the text s into buf (room for max + 1),
 * cut where a UTF-8 character begins, so that the quote in an error
 * message stays valid text. */
static const char *quote(char *buf, const char *s, size_t max) {
  size_t n = strlen(s);

  if (n > max) {
    n = max;
    while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
      n--;
  }
  memcpy(buf, s, n);
  buf[n] = '\0';
  return buf;
}

static int entry_cmp(const void *a, const void *b) {
  const struct ap_state_entry *x = a, *y = b;

  return strcmp(x->key, y->key);
}

/* Checks the header line.  Returns 0 or UV_EINVAL with the reason. */
static int parse_header(const char *line, char *err, size_t errlen) {
  size_t m = strlen(AP_STATE_MAGIC);
  char want[32], q[24];

  snprintf(want, sizeof(want), "%s %d", AP_STATE_MAGIC, AP_STATE_VERSION);
  if (strcmp(line, want) == 0)
    return 0;
  if (strncmp(line, AP_STATE_MAGIC, m) == 0 && line[m] == ' ')
    snprintf(err, errlen, "unsupported version '%s' (this aping reads %d)",
             quote(q, line + m + 1, 20), AP_STATE_VERSION);
  else
    snprintf(err, errlen, "not an aping state file (no '%s' line first)",
             want);
  return UV_EINVAL;
}

/* Parses "STATUS TARGET" into e, or the "end N" trailer into *end. */
static int parse_line(char *line, struct ap_state_entry *e, int *is_end,
                      uint64_t *end, char *err, size_t errlen) {
  char *key = strchr(line, ' '), *stop, q[44];

  if (key == NULL || key[1] == '\0' || strpbrk(key + 1, " \t\r") != NULL) {
    snprintf(err, errlen, "not 'STATUS TARGET'");
    return UV_EINVAL;
  }
  *key++ = '\0';
  *is_end = strcmp(line, "end") == 0;
  if (*is_end) {
    errno = 0;
    *end = strtoull(key, &stop, 10);
    if (*stop != '\0' || errno != 0 || key[0] < '0' || key[0] > '9') {
      snprintf(err, errlen, "bad count '%s'", quote(q, key, 40));
      return UV_EINVAL;
    }
    return 0;
  }
  e->status = ap_state_status(line);
  if (e->status < 0) {
    snprintf(err, errlen, "unknown status '%s'", quote(q, line, 40));
    return UV_EINVAL;
  }
  e->key = key;
  e->taken = 0;
  return 0;
}

/* Splits the text into lines and parses them into s->v (room for one
 * entry per line is there).  Returns 0 or UV_EINVAL with the reason. */
static int parse_lines(struct ap_state *s, char *p, char *err,
                       size_t errlen) {
  char *nl, why[96];
  uint64_t end = 0;
  size_t lineno;
  int is_end = 0, r;

  for (lineno = 1; *p != '\0'; lineno++, p = nl + 1) {
    nl = strchr(p, '\n');
    if (nl == NULL || is_end) {
      snprintf(err, errlen, "line %zu: %s", lineno, is_end
               ? "text after the 'end' line" : "no newline at the end");
      return UV_EINVAL;
    }
    *nl = '\0';
    /* Nothing of a line reaches an error message (or a terminal) unless
     * it is text: UTF-8 with no control character. */
    if (ap_tfile_check(p, (size_t) (nl - p), why, sizeof(why)) != 0) {
      snprintf(err, errlen, "line %zu: %s", lineno, why);
      return UV_EINVAL;
    }
    r = lineno == 1 ? parse_header(p, why, sizeof(why))
                    : parse_line(p, &s->v[s->n], &is_end, &end, why,
                                 sizeof(why));
    if (r != 0) {
      snprintf(err, errlen, "line %zu: %s", lineno, why);
      return r;
    }
    if (lineno > 1 && !is_end)
      s->n++;
  }
  if (lineno == 1)
    snprintf(err, errlen, "empty file");
  else if (!is_end)
    snprintf(err, errlen, "truncated (no 'end' line)");
  else if (end != s->n)
    snprintf(err, errlen, "'end %" PRIu64 "' but %zu targets", end, s->n);
  else
    return 0;
  return UV_EINVAL;
}

int ap_state_parse(struct ap_state *s, char *text, size_t len, char *err,
                   size_t errlen) {
  size_t lines = 1, i;
  char q[104];
  int r;

  memset(s, 0, sizeof(*s));
  s->text = text;
  if (strlen(text) != len) {
    snprintf(err, errlen, "holds a NUL byte");
    return UV_EINVAL;
  }
  for (i = 0; i < len; i++)
    lines += text[i] == '\n';
  s->v = malloc(lines * sizeof(*s->v));
  if (s->v == NULL)
    return UV_ENOMEM;
  r = parse_lines(s, text, err, errlen);
  if (r != 0)
    return r;
  qsort(s->v, s->n, sizeof(*s->v), entry_cmp);
  for (i = 1; i < s->n; i++)
    if (strcmp(s->v[i - 1].key, s->v[i].key) == 0) {
      snprintf(err, errlen, "'%s' is listed twice",
               quote(q, s->v[i].key, 100));
      return UV_EINVAL;
    }
  return 0;
}

/* Reads the whole of f into a NUL-terminated buffer.  Returns 0 or a
 * negative UV_E* code. */
static int slurp(FILE *f, char **text, size_t *len) {
  size_t cap = 4096, n = 0, got;
  char *buf = malloc(cap), *bigger;

  while (buf != NULL) {
    got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0)
      break;
    if (cap - n - 1 == 0) {
      bigger = realloc(buf, cap * 2);
      if (bigger == NULL)
        break;
      buf = bigger;
      cap *= 2;
    }
  }
  if (buf == NULL || cap - n - 1 == 0) {
    free(buf);
    return UV_ENOMEM;
  }
  if (ferror(f)) {
    free(buf);
    return uv_translate_sys_error(errno ? errno : EIO);
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return 0;
}

/* Opens path for reading, which must be a regular file: a FIFO would
 * block the open, a device such as /dev/zero the reading.  Returns 0 or a
 * negative UV_E* code (UV_EINVAL, with the reason in err, for a file that
 * is not regular). */
static int open_regular(const char *path, FILE **f, char *err,
                        size_t errlen) {
  struct stat st;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), r = 0;

  if (fd < 0)
    return uv_translate_sys_error(errno);
  if (fstat(fd, &st) != 0 || fcntl(fd, F_SETFL, 0) != 0)
    r = uv_translate_sys_error(errno);
  else if (S_ISDIR(st.st_mode))
    r = UV_EISDIR;
  else if (!S_ISREG(st.st_mode))
    r = UV_EINVAL;
  if (r == UV_EINVAL)
    snprintf(err, errlen, "not a regular file");
  if (r == 0 && (*f = fdopen(fd, "r")) == NULL)
    r = uv_translate_sys_error(errno);
  if (r != 0)
    close(fd);
  return r;
}

int ap_state_load(struct ap_state *s, const char *path, char *err,
                  size_t errlen) {
  struct ap_safepath sp;
  FILE *f = NULL;
  char *text = NULL;
  size_t len = 0;
  int r;

  memset(s, 0, sizeof(*s));
  /* The file read is the one ap_state_begin() will replace: through no
   * symbolic link that may not be followed. */
  r = ap_safepath_resolve(&sp, path, geteuid());
  if (r == UV_EPERM)
    snprintf(err, errlen, "%s", sp.why);
  if (r != 0)
    return r == UV_ENOENT ? 0 : r;
  r = open_regular(sp.path, &f, err, errlen);
  if (r != 0)
    return r == UV_ENOENT ? 0 : r;
  errno = 0;
  r = slurp(f, &text, &len);
  fclose(f);
  if (r != 0)
    return r;
  return ap_state_parse(s, text, len, err, errlen);
}

const char *ap_state_find(const struct ap_state *s, const char *key) {
  size_t lo = 0, hi = s->n, mid;
  int c;

  while (lo < hi) {
    mid = lo + (hi - lo) / 2;
    c = strcmp(s->v[mid].key, key);
    if (c == 0)
      return ap_state_word(s->v[mid].status);
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

size_t ap_state_count(const struct ap_state *s) {
  return s->n;
}

/* The index of the first entry whose key is not below key. */
static size_t lower_bound(const struct ap_state *s, const char *key) {
  size_t lo = 0, hi = s->n, mid;

  while (lo < hi) {
    mid = lo + (hi - lo) / 2;
    if (strcmp(s->v[mid].key, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

const char *ap_state_take(struct ap_state *s, const char *key) {
  size_t i = lower_bound(s, key);

  if (i == s->n || strcmp(s->v[i].key, key) != 0)
    return NULL;
  s->v[i].taken = 1;
  return ap_state_word(s->v[i].status);
}

size_t ap_state_keep(struct ap_state *s, const char *name) {
  size_t len = strlen(name), i, n = 0;
  const char *k;

  /* Every key that begins with name is in one run of the sorted keys. */
  for (i = lower_bound(s, name);
       i < s->n && strncmp(s->v[i].key, name, len) == 0; i++) {
    k = s->v[i].key;
    if (s->v[i].taken || (k[len] != '\0' && k[len] != '('))
      continue;
    s->v[i].taken = 1;
    ap_state_put(s, k, ap_state_word(s->v[i].status));
    n++;
  }
  return n;
}

int ap_state_begin(struct ap_state *s, const char *path) {
  int r = ap_atomic_open(&s->out, path);

  if (r == 0)
    fprintf(s->out.f, "%s %d\n", AP_STATE_MAGIC, AP_STATE_VERSION);
  s->nout = 0;
  return r;
}

void ap_state_put(struct ap_state *s, const char *key, const char *status) {
  if (s->out.f == NULL)
    return;
  fprintf(s->out.f, "%s %s\n", status, key);
  s->nout++;
}

int ap_state_commit(struct ap_state *s) {
  fprintf(s->out.f, "end %" PRIu64 "\n", s->nout);
  return ap_atomic_commit(&s->out);
}

void ap_state_release(struct ap_state *s) {
  ap_atomic_abort(&s->out);
  free(s->text);
  free(s->v);
  memset(s, 0, sizeof(*s));
}
