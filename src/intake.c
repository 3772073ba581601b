/* intake.c - see intake.h. */
#include "intake.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loopwatch.h"
#include "tfile.h"
#include "vec.h"

#define RESOLVE_INFLIGHT 64 /* lookups at once */

static struct ap_lw_kind lw_resolved = AP_LW_KIND("getaddrinfo done");

/* ---- the name table ---- */

/* By address, then in the order the names were given, so that an
 * address's names are reported in that order. */
static int name_cmp(const void *a, const void *b) {
  const struct ap_name *x = a, *y = b;
  int c = ap_addr_cmp(&x->addr, &y->addr);

  if (c != 0)
    return c;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* By address, then by name, then in the order given: a name given twice
 * for one address comes next to itself, its first time first. */
static int name_dup_cmp(const void *a, const void *b) {
  const struct ap_name *x = a, *y = b;
  int c = ap_addr_cmp(&x->addr, &y->addr);

  if (c == 0)
    c = strcmp(x->name, y->name);
  if (c != 0)
    return c;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int ap_names_add_at(struct ap_names *t, const struct ap_addr *addr,
                    const char *name, size_t seq) {
  char *copy;

  if (AP_VEC_RESERVE(t->v, t->cap, t->n) != 0 ||
      (copy = strdup(name)) == NULL)
    return UV_ENOMEM;
  t->v[t->n].name = copy;
  t->v[t->n].addr = *addr;
  t->v[t->n].seq = seq;
  t->n++;
  return 0;
}

int ap_names_add(struct ap_names *t, const struct ap_addr *addr,
                 const char *name) {
  return ap_names_add_at(t, addr, name, t->n);
}

void ap_names_sort(struct ap_names *t) {
  size_t i, out = 0;

  if (t->n == 0)
    return;
  /* One entry per name and address: a name given twice (or two names
   * that are one) is reported once, where it was first given. */
  qsort(t->v, t->n, sizeof(*t->v), name_dup_cmp);
  for (i = 1; i < t->n; i++) {
    if (ap_addr_cmp(&t->v[i].addr, &t->v[out].addr) == 0 &&
        strcmp(t->v[i].name, t->v[out].name) == 0)
      free(t->v[i].name);
    else
      t->v[++out] = t->v[i];
  }
  t->n = out + 1;
  qsort(t->v, t->n, sizeof(*t->v), name_cmp);
}

size_t ap_names_all(const struct ap_names *t, const struct ap_addr *a,
                    const struct ap_name **first) {
  size_t lo = 0, hi, n;

  *first = NULL;
  if (t == NULL)
    return 0;
  hi = t->n;
  /* The first entry not below a, then the run of entries equal to it. */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ap_addr_cmp(&t->v[mid].addr, a) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (n = 0; lo + n < t->n && ap_addr_cmp(&t->v[lo + n].addr, a) == 0; n++)
    ;
  if (n > 0)
    *first = &t->v[lo];
  return n;
}

const char *ap_names_find(const struct ap_names *t, const struct ap_addr *a) {
  const struct ap_name *first;

  return ap_names_all(t, a, &first) > 0 ? first->name : NULL;
}

void ap_names_release(struct ap_names *t) {
  size_t i;

  for (i = 0; i < t->n; i++)
    free(t->v[i].name);
  free(t->v);
  memset(t, 0, sizeof(*t));
}

/* ---- targets from arguments and files ---- */

void ap_intake_init(struct ap_intake *in, const struct ap_intake_cfg *cfg,
                    FILE *diag) {
  memset(in, 0, sizeof(*in));
  in->cfg = cfg;
  in->diag = diag;
  ap_tset_init(&in->set);
  ap_tset_init(&in->excl);
}

/* Queues a host name for resolution.  Returns 0 or UV_ENOMEM. */
static int add_name(struct ap_intake *in, const char *name) {
  char *copy;

  if (AP_VEC_RESERVE(in->names, in->capnames, in->nnames) != 0 ||
      (copy = strdup(name)) == NULL)
    return UV_ENOMEM;
  in->names[in->nnames++] = copy;
  return 0;
}

/* The index of the interface a zone names: its name, or its index in
 * decimal (fe80::1%2, as RFC 4007 allows).  0 when there is none. */
static uint32_t zone_index(const char *zone) {
  char name[IF_NAMESIZE];
  unsigned long v;
  char *end;

  v = if_nametoindex(zone);
  if (v != 0)
    return (uint32_t) v;
  if (zone[0] < '1' || zone[0] > '9')
    return 0;
  errno = 0;
  v = strtoul(zone, &end, 10);
  if (errno != 0 || *end != '\0' || v > UINT32_MAX ||
      if_indextoname((unsigned) v, name) == NULL)
    return 0;
  return (uint32_t) v;
}

/* A target of size addresses (saturated at UINT64_MAX) over max: raising
 * --max-targets helps unless it is at its own maximum, or the target is
 * larger still (a run numbers its targets in 64 bits). */
static int too_big(const char *spec, const char *where, uint64_t size,
                   uint64_t max, struct ap_err *err) {
  if (size == UINT64_MAX || max == UINT64_MAX)
    return ap_err_set(err, AP_EXIT_USAGE, "%starget '%s' has more than %"
                      PRIu64 " addresses, the most one run can probe: split "
                      "it into smaller blocks, one run each", where, spec,
                      UINT64_MAX - 1);
  return ap_err_set(err, AP_EXIT_USAGE, "%starget '%s' has more than %"
                    PRIu64 " addresses: raise --max-targets to probe it",
                    where, spec, max);
}

/* Adds one target (or exclusion) specification.  where names its origin
 * ("hosts.txt:3: ") or is "" for the command line.  Returns 0 or an exit
 * status. */
static int add_spec(struct ap_intake *in, const char *spec, const char *where,
                    int exclude, struct ap_err *err) {
  const struct ap_intake_cfg *cfg = in->cfg;
  char why[128], zone[AP_ZONE_MAX];
  struct ap_addr lo, hi;
  uint64_t size;
  uint32_t index;
  int kind, v4;

  kind = ap_target_parse(spec, exclude, &lo, &hi, zone, why, sizeof(why));
  if (kind < 0)
    return ap_err_set(err, AP_EXIT_USAGE, "%sbad target '%s': %s", where,
                      spec, why);
  /* A zone naming no interface of this machine is bad input, as a -f file
   * that does not exist is: exit 3, before anything is probed. */
  if (zone[0] != '\0') {
    index = zone_index(zone);
    if (index == 0)
      return ap_err_set(err, AP_EXIT_USAGE, "%sbad target '%s': no "
                        "interface '%s'", where, spec, zone);
    ap_target_zone(&lo, &hi, index);
  }
  if (kind == AP_TARGET_NAME && exclude)
    return ap_err_set(err, AP_EXIT_USAGE, "%sbad exclusion '%s': not an "
                      "address, block or range", where, spec);
  if (kind == AP_TARGET_NAME)
    return add_name(in, spec) == 0
               ? 0 : ap_err_set(err, AP_EXIT_SYSTEM, "out of memory");
  v4 = ap_addr_is_v4(&lo);
  if (!exclude && ((cfg->family == 4 && !v4) || (cfg->family == 6 && v4)))
    return ap_err_set(err, AP_EXIT_USAGE, "%starget '%s' is not IPv%d, as "
                      "-%d asks", where, spec, cfg->family, cfg->family);
  size = ap_span_size(&lo, &hi);
  if (!exclude && (size > cfg->max_targets || size == UINT64_MAX))
    return too_big(spec, where, size, cfg->max_targets, err);
  if (ap_tset_add(exclude ? &in->excl : &in->set, &lo, &hi) != 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "out of memory");
  return 0;
}

/* What read_file() hands each specification of a file to. */
struct file_ctx {
  struct ap_intake *in;
  const char *path;
  int exclude;
  struct ap_err *err;
};

static int file_spec_cb(struct ap_tfile *f, const char *spec) {
  struct file_ctx *c = f->data;
  char where[300];

  snprintf(where, sizeof(where), "%s:%" PRIu64 ": ", c->path, f->lineno);
  return add_spec(c->in, spec, where, c->exclude, c->err);
}

/* Opens path to be read, or standard input for "-": without waiting for
 * a FIFO's writer (O_NONBLOCK, cleared once open, as poll() waits).
 * Returns a descriptor, or -1 with errno set. */
static int open_input(const char *path) {
  int fd, e;

  if (strcmp(path, "-") == 0)
    return STDIN_FILENO;
  fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 || fcntl(fd, F_SETFL, 0) == 0)
    return fd;
  e = errno;
  close(fd);
  errno = e;
  return -1;
}

/* Reads up to len bytes of fd once some are there, but not past until_ns
 * (0: no limit).  Returns the count (0 at the end), -1 with errno set, or
 * UV_ETIMEDOUT.  A signal (SIGINT) still ends aping by its default action
 * here: nothing is written yet. */
static ssize_t read_until(int fd, char *buf, size_t len, uint64_t until_ns) {
  struct pollfd p = { .fd = fd, .events = POLLIN };
  uint64_t now, left_ms;
  int ms = -1, r;

  for (;;) {
    if (until_ns != 0) {
      now = uv_hrtime();
      if (now >= until_ns)
        return UV_ETIMEDOUT;
      left_ms = (until_ns - now + 999999) / 1000000;
      ms = left_ms > INT_MAX ? INT_MAX : (int) left_ms;
    }
    r = poll(&p, 1, ms);
    if (r > 0)
      return read(fd, buf, len);
    if (r < 0 && errno != EINTR)
      return -1;
  }
}

/* Reads the specifications of a file (tfile.h), in pieces: however long a
 * line is, no more of it than AP_TFILE_LINE_MAX bytes is held.  Returns 0
 * or an exit status (0 too when in->until_ns cut it short: in->cut). */
static int read_file(struct ap_intake *in, const char *path, int exclude,
                     struct ap_err *err) {
  int fd = open_input(path);
  struct file_ctx c = { .in = in, .path = path, .exclude = exclude,
                        .err = err };
  struct ap_tfile tf;
  char buf[4096];
  ssize_t n = 0;
  int r = 0;

  if (fd < 0)
    return ap_err_set(err, AP_EXIT_USAGE, "cannot open '%s': %s", path,
                      strerror(errno));
  ap_tfile_init(&tf, file_spec_cb, &c);
  while (r == 0 && (n = read_until(fd, buf, sizeof(buf), in->until_ns)) > 0)
    r = ap_tfile_feed(&tf, buf, (size_t) n);
  if (r == 0 && n == UV_ETIMEDOUT)
    in->cut = 1; /* the line begun is not taken: it may go on */
  else if (r == 0 && n < 0)
    r = ap_err_set(err, AP_EXIT_USAGE, "cannot read '%s': %s", path,
                   strerror(errno));
  else if (r == 0)
    r = ap_tfile_end(&tf);
  if (r == UV_EINVAL)
    r = ap_err_set(err, AP_EXIT_USAGE, "%s:%" PRIu64 ": %s", path,
                   tf.lineno, tf.why);
  else if (r == UV_ECANCELED)
    r = tf.cb_err;
  if (fd != STDIN_FILENO)
    close(fd);
  return r;
}

int ap_intake_collect(struct ap_intake *in, struct ap_err *err) {
  const struct ap_intake_cfg *cfg = in->cfg;
  size_t i;
  int r = 0;

  for (i = 0; r == 0 && i < cfg->targets.n; i++)
    r = add_spec(in, cfg->targets.v[i], "", 0, err);
  for (i = 0; r == 0 && !in->cut && i < cfg->files.n; i++)
    r = read_file(in, cfg->files.v[i], 0, err);
  for (i = 0; r == 0 && i < cfg->excl.n; i++)
    r = add_spec(in, cfg->excl.v[i], "", 1, err);
  for (i = 0; r == 0 && !in->cut && i < cfg->exfiles.n; i++)
    r = read_file(in, cfg->exfiles.v[i], 1, err);
  if (in->cut)
    in->pending = in->nnames; /* none will be looked up */
  return r;
}

void ap_intake_until(struct ap_intake *in, uint64_t until_ns) {
  in->until_ns = until_ns;
}

int ap_intake_cut(const struct ap_intake *in) {
  return in->cut;
}

/* ---- names ---- */

static void resolved_cb(struct ap_resolve *r, size_t i, int status,
                        const struct ap_addr *addr, size_t n) {
  struct ap_intake *in = r->data;
  size_t k;

  ap_loopwatch_note(&lw_resolved);
  in->answered++;
  /* The first address, as the resolver orders them; --all-addresses:
   * every one. */
  if (status == 0 && !in->cfg->all_addresses)
    n = 1;
  for (k = 0; status == 0 && k < n; k++)
    if (ap_tset_add(&in->set, &addr[k], &addr[k]) != 0 ||
        ap_names_add_at(&in->shown, &addr[k], in->names[i], i) != 0)
      in->oom = 1;
  if (status != 0 && AP_VEC_RESERVE(in->failed, in->capfailed,
                                    in->nfailed) != 0)
    in->oom = 1;
  else if (status != 0)
    in->failed[in->nfailed++] = i;
  if (status != 0) {
    in->unresolved++;
    if (status == UV_EAI_NONAME || status == UV_EAI_NODATA ||
        status == UV_EAI_ADDRFAMILY)
      fprintf(in->diag, "%s: name not known\n", in->names[i]);
    else
      fprintf(in->diag, "%s: name not known (%s)\n", in->names[i],
              uv_strerror(status));
  }
  if (in->answered == in->nnames && in->done_cb != NULL)
    in->done_cb(in);
}

int ap_intake_resolved(const struct ap_intake *in) {
  return in->answered == in->nnames;
}

int ap_intake_resolve(struct ap_intake *in, uv_loop_t *loop,
                      struct ap_err *err) {
  int family = in->cfg->family == 4   ? AF_INET
               : in->cfg->family == 6 ? AF_INET6 : AF_UNSPEC;

  in->res.data = in;
  if (ap_resolve_start(&in->res, loop, in->names, in->nnames, family,
                       RESOLVE_INFLIGHT, resolved_cb) != 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "out of memory");
  in->started = 1;
  return 0;
}

void ap_intake_abandon(struct ap_intake *in) {
  if (in->started)
    in->pending = ap_resolve_stop(&in->res);
}

void ap_intake_stop(struct ap_intake *in) {
  ap_intake_abandon(in);
  uv_stop(in->res.loop);
}

/* Counts the names reported beside the first one of a target's address. */
static void count_extra(struct ap_intake *in) {
  const struct ap_names *t = &in->shown;
  uint64_t idx;
  size_t i;

  in->extra = 0;
  for (i = 1; i < t->n; i++)
    if (ap_addr_cmp(&t->v[i].addr, &t->v[i - 1].addr) == 0 &&
        ap_tset_index(&in->set, &t->v[i].addr, &idx) == 0)
      in->extra++;
}

int ap_intake_finish(struct ap_intake *in, struct ap_err *err) {
  int r;

  ap_names_sort(&in->shown);
  if (in->oom)
    return ap_err_set(err, AP_EXIT_SYSTEM, "out of memory");
  r = ap_tset_finish(&in->set, &in->excl, in->cfg->max_targets);
  /* Raising --max-targets helps only if the set fits its maximum. */
  if (r == UV_E2BIG && in->cfg->max_targets < UINT64_MAX &&
      ap_tset_finish(&in->set, NULL, UINT64_MAX) == 0)
    return ap_err_set(err, AP_EXIT_USAGE, "more than %" PRIu64 " targets "
                      "(%" PRIu64 "): raise --max-targets to probe them all",
                      in->cfg->max_targets, in->set.count);
  if (r == UV_E2BIG)
    return ap_err_set(err, AP_EXIT_USAGE, "more than %" PRIu64 " targets, "
                      "the most one run can probe: split them into smaller "
                      "sets, one run each", UINT64_MAX);
  if (r != 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "out of memory");
  count_extra(in);
  return 0;
}

void ap_intake_each_unanswered(const struct ap_intake *in,
                               void (*cb)(const char *name, void *ctx),
                               void *ctx) {
  size_t i;

  for (i = 0; i < in->nnames; i++)
    if (!in->started || !ap_resolve_answered(&in->res, i))
      cb(in->names[i], ctx);
}

void ap_intake_each_unresolved(const struct ap_intake *in,
                               void (*cb)(const char *name, void *ctx),
                               void *ctx) {
  size_t i;

  for (i = 0; i < in->nfailed; i++)
    cb(in->names[in->failed[i]], ctx);
}

int ap_intake_abandoned(const struct ap_intake *in) {
  return in->started && ap_resolve_abandoned(&in->res);
}

const struct ap_tset *ap_intake_set(const struct ap_intake *in) {
  return &in->set;
}

const struct ap_names *ap_intake_names(const struct ap_intake *in) {
  return &in->shown;
}

uint64_t ap_intake_extra(const struct ap_intake *in) {
  return in->extra;
}

uint64_t ap_intake_unresolved(const struct ap_intake *in) {
  return in->unresolved;
}

size_t ap_intake_pending(const struct ap_intake *in) {
  return in->pending;
}

void ap_intake_families(const struct ap_intake *in, int *v4, int *v6) {
  size_t i;

  *v4 = *v6 = 0;
  for (i = 0; i < in->set.n; i++) {
    if (ap_addr_is_v4(&in->set.span[i].lo))
      *v4 = 1;
    else
      *v6 = 1;
  }
}

void ap_intake_release(struct ap_intake *in) {
  size_t i;

  /* The lookups keep using the names while they are abandoned: then
   * nothing is freed (the process ends by _exit()). */
  if (ap_intake_abandoned(in))
    return;
  if (in->started)
    ap_resolve_release(&in->res);
  for (i = 0; i < in->nnames; i++)
    free(in->names[i]);
  free(in->names);
  free(in->failed);
  in->failed = NULL;
  in->nfailed = in->capfailed = 0;
  in->names = NULL;
  in->nnames = in->capnames = 0;
  ap_tset_release(&in->set);
  ap_tset_release(&in->excl);
  ap_names_release(&in->shown);
}
