/* pinger.c - see pinger.h. */
#include "pinger.h"

#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "priv.h"

static const char *const fam_name[2] = { "ICMP", "ICMPv6" };

int ap_pinger_decide(int method, const int kind[2], const int need[2]) {
  int missing = (need[0] && kind[0] == AP_ECHO_NONE) ||
                (need[1] && kind[1] == AP_ECHO_NONE);

  switch (method) {
  case AP_METHOD_NONE: return AP_PING_NONE;
  case AP_METHOD_EXEC: return AP_PING_EXEC;
  case AP_METHOD_ICMP: return missing ? AP_PING_NOSOCKET : AP_PING_ECHO;
  default: return missing ? AP_PING_EXEC : AP_PING_ECHO;
  }
}

unsigned ap_pinger_threads(unsigned n) {
  cpu_set_t set;
  int cores;

  if (n > 0)
    return n;
  cores = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
  if (cores < 1)
    cores = 1;
  return cores > AP_PINGER_THREADS ? AP_PINGER_THREADS : (unsigned) cores;
}

/* The engines of --threads beyond the first, all opened here, inside the
 * privilege sequence: the run decides later how many it uses.  Loop mode
 * runs one loop, and a part that cannot be had is left out. */
static void open_parts(struct ap_pinger *p, int v4, int v6,
                       const uint8_t key[16]) {
  unsigned want = ap_pinger_threads(p->cfg->threads), i;

  p->nparts = 1;
  if (want <= 1 || p->cfg->keep_sockets ||
      (p->more = calloc(want - 1, sizeof(*p->more))) == NULL)
    return;
  for (i = 1; i < want; i++) {
    ap_echo_open_part(&p->more[i - 1], v4, v6, key, &p->cfg->pkt, i);
    p->nparts++;
  }
  for (i = 0; i < p->nparts; i++)
    ap_echo_open_twins(ap_pinger_part(p, i));
}

void ap_pinger_open(struct ap_pinger *p, const struct ap_pinger_cfg *cfg,
                    const uint8_t key[16], FILE *diag) {
  int ping = cfg->method != AP_METHOD_EXEC && cfg->method != AP_METHOD_NONE;
  unsigned parts = ping && !cfg->keep_sockets ? ap_pinger_threads(cfg->threads)
                                             : 1;
  int fam[2] = { AF_INET, AF_INET6 }, i;

  memset(p, 0, sizeof(*p));
  p->cfg = cfg;
  p->diag = diag;
  p->nparts = 1;
  ap_echo_open_part(&p->echo, ping && cfg->family != 6,
                    ping && cfg->family != 4, key, &cfg->pkt, 0);
  if (parts > 1)
    open_parts(p, cfg->family != 6, cfg->family != 4, key);
  /* -S and -I are for TCP connections and ping(8) too: where no ICMP
   * socket tried them, a throwaway one does, so that a bad one stops the
   * run before anything is sent. */
  for (i = 0; i < 2 && p->chk_err == 0; i++) {
    if (cfg->family == (i == 0 ? 6 : 4) ||
        ap_echo_kind(&p->echo, i) != AP_ECHO_NONE)
      continue;
    p->chk_err = ap_pkt_check(fam[i], &cfg->pkt, &p->chk_what);
    p->chk_family = fam[i];
  }
}

int ap_pinger_may_spawn(const struct ap_pinger *p) {
  const struct ap_pinger_cfg *cfg = p->cfg;

  if (cfg->method != AP_METHOD_AUTO)
    return cfg->method == AP_METHOD_EXEC;
  return (cfg->family != 6 && ap_echo_kind(&p->echo, 0) == AP_ECHO_NONE) ||
         (cfg->family != 4 && ap_echo_kind(&p->echo, 1) == AP_ECHO_NONE);
}

/* What to do about family i having no socket. */
static void no_socket(const struct ap_pinger *p, int i, char *buf,
                      size_t len) {
  snprintf(buf, len, "cannot open an %s socket (%s): run as root, give aping "
           "the capability (setcap cap_net_raw+ep aping), or let your group "
           "use ICMP datagram sockets (sysctl net.ipv4.ping_group_range)",
           fam_name[i], ap_strerror(ap_echo_error(&p->echo, i)));
}

/* -m auto came to ping(8) for want of a socket, and ping(8) failed too:
 * first, why there was no socket. */
static void explain_sockets(const struct ap_pinger *p, const int need[2]) {
  char why[512];
  int i;

  if (p->cfg->method != AP_METHOD_AUTO)
    return;
  for (i = 0; i < 2; i++) {
    if (need[i] && ap_echo_kind(&p->echo, i) == AP_ECHO_NONE) {
      no_socket(p, i, why, sizeof(why));
      fprintf(p->diag, "aping: %s\n", why);
    }
  }
}

/* Says why ping(8) (path, when it was found) cannot be run. */
static int exec_error(const struct ap_pinger *p, int status,
                      const char *path, struct ap_err *err) {
  const char *cmd = path != NULL           ? path
                    : p->cfg->command != NULL ? p->cfg->command : "ping";

  if (status == UV_ENOENT && strchr(cmd, '/') == NULL)
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot run ping(8): '%s' not "
                      "found in PATH", cmd);
  return ap_err_set(err, AP_EXIT_SYSTEM, "cannot run ping(8) '%s': %s", cmd,
                    ap_strerror(status));
}

/* -m exec, or -m auto without a socket: prepares the ping(8) engine. */
static int use_exec(struct ap_pinger *p, uv_loop_t *loop, const int need[2],
                    const struct ap_scan_cfg *scan, struct ap_err *err) {
  struct ap_exec_cfg cfg = { .command = p->cfg->command,
                             .count = scan->count,
                             .timeout_ms = scan->timeout_ms,
                             .period_ms = scan->period_ms,
                             .jobs = p->cfg->jobs, .pkt = &p->cfg->pkt };
  const struct ap_pkt_cfg *pkt = &p->cfg->pkt;
  char desc[PATH_MAX * 2 + 600];
  int r, i;

  /* ping(8) takes one -I, and cannot set a mark without CAP_NET_ADMIN,
   * which it never gets from aping. */
  if (pkt->have_mark)
    return ap_err_set(err, AP_EXIT_SYSTEM, "--fwmark needs an ICMP socket: "
                      "ping(8) cannot set a mark");
  if (pkt->iface != NULL && (pkt->have_src[0] || pkt->have_src[1]))
    return ap_err_set(err, AP_EXIT_SYSTEM, "ping(8) takes -S or -I, not "
                      "both: its -I is either the source address or the "
                      "interface");
  if (cfg.jobs == 0)
    cfg.jobs = ap_exec_default_jobs();
  r = ap_exec_init(&p->exec, loop, &cfg);
  p->exec_ready = 1;
  if (r != 0) {
    explain_sockets(p, need);
    return exec_error(p, r, NULL, err);
  }
  for (i = 0; i < 2 && p->cfg->verbose &&
              p->cfg->method == AP_METHOD_AUTO; i++)
    if (need[i] && ap_echo_kind(&p->echo, i) == AP_ECHO_NONE)
      fprintf(p->diag, "aping: %s: no socket (%s): using ping(8)\n",
              fam_name[i], ap_strerror(ap_echo_error(&p->echo, i)));
  if (p->cfg->verbose) {
    ap_exec_describe(&p->exec, desc, sizeof(desc));
    fprintf(p->diag, "aping: method exec: %s\n", desc);
  }
  return 0;
}

/* A packet option that cannot be had.  Returns 0, or the exit status
 * with err set. */
static int options_failed(const struct ap_pinger *p, struct ap_err *err) {
  char why[512];

  if (ap_echo_opt_error(&p->echo, why, sizeof(why)))
    return ap_err_set(err, AP_EXIT_SYSTEM, "%s", why);
  if (p->chk_err == 0)
    return 0;
  ap_pkt_error(&p->cfg->pkt, p->chk_what, p->chk_family, p->chk_err, why,
               sizeof(why));
  return ap_err_set(err, AP_EXIT_SYSTEM, "%s", why);
}

/* How many engines, from the first, have the sockets the first has: a
 * loop whose socket could not be opened (the open-file limit) is left
 * out rather than run without it. */
static unsigned alike_parts(struct ap_pinger *p) {
  unsigned n, f;

  for (n = 1; n < p->nparts; n++)
    for (f = 0; f < 2; f++)
      if (ap_echo_kind(&p->more[n - 1], (int) f) !=
          ap_echo_kind(&p->echo, (int) f))
        return n;
  return p->nparts;
}

int ap_pinger_choose(struct ap_pinger *p, uv_loop_t *loop, int v4, int v6,
                     const struct ap_scan_cfg *scan, struct ap_err *err) {
  int need[2] = { v4, v6 }, i, r;
  int kind[2] = { ap_echo_kind(&p->echo, 0), ap_echo_kind(&p->echo, 1) };
  char why[512];

  p->need[0] = v4;
  p->need[1] = v6;
  r = options_failed(p, err);
  if (r != 0)
    return r;
  p->choice = ap_pinger_decide(p->cfg->method, kind, need);
  if (p->choice != AP_PING_ECHO)
    ap_pinger_keep_parts(p, 1);
  if (p->choice == AP_PING_EXEC)
    return use_exec(p, loop, need, scan, err);
  /* No child will be spawned: no_new_privs, if the drop left it off. */
  r = ap_priv_seal();
  if (r != 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "cannot set no_new_privs: %s",
                      ap_strerror(r));
  for (i = 0; i < 2 && p->choice == AP_PING_NOSOCKET; i++) {
    if (need[i] && kind[i] == AP_ECHO_NONE) {
      no_socket(p, i, why, sizeof(why));
      return ap_err_set(err, AP_EXIT_SYSTEM, "%s", why);
    }
  }
  for (i = 0; i < 2 && p->choice == AP_PING_ECHO && p->cfg->verbose; i++)
    if (need[i])
      fprintf(p->diag, "aping: %s: %s socket\n", fam_name[i],
              ap_echo_kind_name(kind[i]));
  /* A raw socket of a family without targets would get a copy of that
   * family's ICMP traffic for nothing. */
  if (!p->cfg->keep_sockets)
    for (i = 0; i < (int) p->nparts; i++)
      ap_echo_keep(ap_pinger_part(p, (unsigned) i), v4, v6);
  ap_pinger_keep_parts(p, alike_parts(p));
  return 0;
}

unsigned ap_pinger_parts(const struct ap_pinger *p) {
  return p->choice == AP_PING_ECHO ? p->nparts : 1;
}

struct ap_echo *ap_pinger_part(struct ap_pinger *p, unsigned i) {
  return i == 0 ? &p->echo : &p->more[i - 1];
}

void ap_pinger_keep_parts(struct ap_pinger *p, unsigned n) {
  while (p->nparts > 1 && p->nparts > n) {
    p->nparts--;
    ap_echo_discard(&p->more[p->nparts - 1]);
  }
  if (p->nparts == 1) {
    ap_echo_drop_twins(&p->echo); /* one loop: its raw sockets, as ever */
    free(p->more);
    p->more = NULL;
  }
}

void ap_pinger_use_twins(struct ap_pinger *p) {
  unsigned i;
  int all = 1;

  for (i = 0; i < p->nparts; i++)
    all = all && ap_echo_has_twins(ap_pinger_part(p, i));
  for (i = 0; i < p->nparts; i++) {
    if (all)
      ap_echo_use_twins(ap_pinger_part(p, i));
    ap_echo_drop_twins(ap_pinger_part(p, i));
  }
}

int ap_pinger_spawns(const struct ap_pinger *p) {
  return p->choice == AP_PING_EXEC;
}

int ap_pinger_pings(const struct ap_pinger *p) {
  return p->choice == AP_PING_ECHO || p->choice == AP_PING_EXEC;
}

struct ap_engine *ap_pinger_engine(struct ap_pinger *p) {
  switch (p->choice) {
  case AP_PING_ECHO: return &p->echo.base;
  case AP_PING_EXEC: return &p->exec.base;
  default: return NULL;
  }
}

void ap_pinger_scan_cfg(const struct ap_pinger *p,
                        const struct ap_scan_cfg *in,
                        struct ap_scan_cfg *out) {
  *out = *in;
  if (p->cfg->jobs > 0)
    out->max_inflight = p->cfg->jobs;
  if (p->choice == AP_PING_EXEC) {
    out->retries = 0;
    out->count = 0;
    out->period_ms = 0; /* ping -i does it */
    out->keep_rtts = 0;
    out->max_inflight = ap_exec_jobs(&p->exec);
    out->timeout_ms = ap_exec_timeout_ms(&p->exec);
  }
}

int ap_pinger_start(struct ap_pinger *p, uv_loop_t *loop) {
  return p->choice == AP_PING_ECHO ? ap_echo_start(&p->echo, loop) : 0;
}

unsigned ap_pinger_fds(const struct ap_pinger *p) {
  return p->choice == AP_PING_EXEC ? ap_exec_fds(&p->exec) : 0;
}

int ap_pinger_failed(const struct ap_pinger *p, int status,
                     struct ap_err *err) {
  const char *path = NULL;
  int spawn = p->choice == AP_PING_EXEC ? ap_exec_failure(&p->exec, &path)
                                        : 0;

  if (spawn == 0)
    return ap_err_set(err, AP_EXIT_SYSTEM, "%s", ap_strerror(status));
  explain_sockets(p, p->need);
  return exec_error(p, spawn, path, err);
}

void ap_pinger_counters(const struct ap_pinger *p, uint64_t retries,
                        uint64_t backoffs, FILE *f) {
  struct ap_echo_counts c = p->echo.counts;
  unsigned i;

  if (p->choice != AP_PING_ECHO)
    return;
  for (i = 1; i < p->nparts; i++)
    ap_echo_add_counts(&c, &p->more[i - 1].counts);
  ap_echo_report(&c, retries, backoffs, f);
}

void ap_pinger_release(struct ap_pinger *p) {
  if (p->cfg == NULL)
    return; /* never opened */
  if (p->exec_ready)
    ap_exec_release(&p->exec);
  p->exec_ready = 0;
  ap_pinger_keep_parts(p, 1);
  ap_echo_discard(&p->echo);
}
