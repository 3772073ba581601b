/* exec.c - see exec.h. */
#include "exec.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loopwatch.h"
#include "pingout.h"

static struct ap_lw_kind lw_deadline = AP_LW_KIND("ping deadline");
static struct ap_lw_kind lw_exit = AP_LW_KIND("spawn exit");
static struct ap_lw_kind lw_output = AP_LW_KIND("ping output");
static struct ap_lw_kind lw_spawn = AP_LW_KIND("spawn");

#define ERRLINE 96
#define MAX_JOBS_DEFAULT 256
#define FD_RESERVE 32
#define FD_PER_CHILD 4
#define NHANDLES 4 /* proc, out, err, timer */

extern char **environ;

struct ap_exec_child {
  struct ap_exec *exec;
  struct ap_exec_child *prev;
  struct ap_exec_child *next;
  uv_process_t proc;
  uv_pipe_t out;
  uv_pipe_t err;
  uv_timer_t timer;
  int open;      /* handles not yet closed */
  int quiet;     /* never started: nothing to report */
  int finished;  /* closing its handles */
  int exited;
  int out_done;
  int err_done;
  int killed;    /* the last signal we sent, or 0 */
  int timed_out;
  int64_t status;
  int signum;
  struct ap_addr addr;
  struct ap_pingout po;
  char errline[ERRLINE]; /* the first line ping wrote to stderr */
  size_t errlen;
  int errfull;
};

static int exec_send(struct ap_engine *base, struct ap_probe *p,
                     size_t n, uint64_t now_ns);
static void exec_close(struct ap_engine *base);

static const struct ap_engine_ops exec_ops = {
  .name = "exec", .send = exec_send, .close = exec_close
};

unsigned ap_exec_default_jobs(void) {
  struct rlimit rl;
  rlim_t n = MAX_JOBS_DEFAULT;

  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    if (rl.rlim_cur <= FD_RESERVE + FD_PER_CHILD)
      return 1;
    if ((rl.rlim_cur - FD_RESERVE) / FD_PER_CHILD < n)
      n = (rl.rlim_cur - FD_RESERVE) / FD_PER_CHILD;
  }
  return (unsigned) n;
}

/* An executable regular file?  Returns 0 or a UV_E* code. */
static int runnable(const char *path) {
  struct stat st;

  if (stat(path, &st) != 0)
    return uv_translate_sys_error(errno);
  if (!S_ISREG(st.st_mode))
    return UV_EACCES;
  if (access(path, X_OK) != 0)
    return uv_translate_sys_error(errno);
  return 0;
}

/* Finds cmd: as given when it holds a '/', else in PATH, then in the
 * directories ping(8) usually lives in (PATH may lack the sbin ones).
 * Stores a malloc'ed path in *out.  Returns 0 or a UV_E* code. */
static int find_command(const char *cmd, char **out) {
  const char *path = getenv("PATH"), *dirs[2], *d, *end;
  char buf[PATH_MAX];
  int i, err = UV_ENOENT;

  if (strchr(cmd, '/') != NULL) {
    err = runnable(cmd);
    if (err == 0 && (*out = strdup(cmd)) == NULL)
      err = UV_ENOMEM;
    return err;
  }
  dirs[0] = path != NULL ? path : "";
  dirs[1] = "/usr/bin:/bin:/usr/sbin:/sbin";
  for (i = 0; i < 2; i++) {
    for (d = dirs[i]; *d != '\0'; d = *end ? end + 1 : end) {
      end = d + strcspn(d, ":");
      if (end == d || snprintf(buf, sizeof(buf), "%.*s/%s", (int) (end - d),
                               d, cmd) >= (int) sizeof(buf))
        continue;
      if (runnable(buf) == 0) {
        *out = strdup(buf);
        return *out != NULL ? 0 : UV_ENOMEM;
      }
    }
  }
  return err;
}

/* Old iputils had a separate ping6 and a ping without -6.  Where ping6
 * beside ping is another program (not a link to the same file), use it for
 * IPv6; otherwise ping -6 (iputils since 2018, BusyBox).  Returns a
 * malloc'ed path or NULL. */
static char *find_ping6(const char *path) {
  char buf[PATH_MAX], real[PATH_MAX], real6[PATH_MAX];
  const char *slash = strrchr(path, '/');

  if (slash == NULL || strcmp(slash + 1, "ping") != 0 ||
      snprintf(buf, sizeof(buf), "%.*s/ping6", (int) (slash - path), path) >=
          (int) sizeof(buf) ||
      runnable(buf) != 0)
    return NULL;
  if (realpath(path, real) == NULL || realpath(buf, real6) == NULL ||
      strcmp(real, real6) == 0)
    return NULL;
  return strdup(buf);
}

/* Our environment without locale settings, plus LC_ALL=C, so that ping's
 * output is in the words and number format pingout.c reads. */
static char **child_env(void) {
  static char lc_all[] = "LC_ALL=C";
  size_t n = 0, i, k = 0;
  char **env;

  while (environ != NULL && environ[n] != NULL)
    n++;
  env = calloc(n + 2, sizeof(*env));
  if (env == NULL)
    return NULL;
  for (i = 0; i < n; i++) {
    if (strncmp(environ[i], "LC_", 3) == 0 ||
        strncmp(environ[i], "LANG=", 5) == 0 ||
        strncmp(environ[i], "LANGUAGE=", 9) == 0)
      continue;
    env[k++] = environ[i];
  }
  env[k] = lc_all;
  return env;
}

/* Sets FD_CLOEXEC on fd unless it is set. */
static void cloexec(int fd) {
  int flags = fcntl(fd, F_GETFD);

  if (flags >= 0 && !(flags & FD_CLOEXEC))
    (void) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

/* Makes every descriptor above 2 close-on-exec, just before a spawn, so
 * that a child gets its three standard descriptors and nothing else:
 * whatever aping inherited from its parent, and whatever any module opened
 * without O_CLOEXEC (tmpfile(3) has no such flag).  One system call where
 * close_range(2) has CLOSE_RANGE_CLOEXEC (Linux 5.11); else the list in
 * /proc/self/fd; else every descriptor up to the limit. */
static void cloexec_all(void) {
  struct dirent *ent;
  struct rlimit rl;
  long fd, max = 65536;
  char *end;
  DIR *dir;

#ifdef CLOSE_RANGE_CLOEXEC
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return;
#endif
  dir = opendir("/proc/self/fd");
  if (dir != NULL) {
    while ((ent = readdir(dir)) != NULL) {
      fd = strtol(ent->d_name, &end, 10);
      if (*end == '\0' && end != ent->d_name && fd > 2 && fd != dirfd(dir))
        cloexec((int) fd);
    }
    closedir(dir);
    return;
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t) max)
    max = (long) rl.rlim_cur;
  for (fd = 3; fd < max; fd++)
    cloexec((int) fd);
}

/* The packet options as iputils ping takes them, per family. */
static void packet_args(struct ap_exec *e, const struct ap_pkt_cfg *pkt) {
  const void *a;
  size_t n;
  int f;

  snprintf(e->arg_size, sizeof(e->arg_size), "%zu", pkt->size);
  snprintf(e->arg_ttl, sizeof(e->arg_ttl), "%d", pkt->ttl);
  snprintf(e->arg_tos, sizeof(e->arg_tos), "%d", pkt->tos);
  for (f = 0; f < 2; f++) {
    char **x = e->extra[f];
    n = 0;
    if (pkt->have_src[f]) {
      a = f == 0
              ? (const void *) &((const struct sockaddr_in *) &pkt->src[0])
                    ->sin_addr
              : (const void *) &((const struct sockaddr_in6 *) &pkt->src[1])
                    ->sin6_addr;
      inet_ntop(f == 0 ? AF_INET : AF_INET6, a, e->arg_src[f],
                sizeof(e->arg_src[f]));
      x[n++] = (char *) "-I";
      x[n++] = e->arg_src[f];
    } else if (pkt->iface != NULL) {
      x[n++] = (char *) "-I";
      x[n++] = (char *) pkt->iface;
    }
    if (pkt->size > 0) {
      x[n++] = (char *) "-s";
      x[n++] = e->arg_size;
    }
    if (pkt->ttl > 0) {
      x[n++] = (char *) "-t";
      x[n++] = e->arg_ttl;
    }
    if (pkt->tos >= 0) {
      x[n++] = (char *) "-Q";
      x[n++] = e->arg_tos;
    }
    if (pkt->df) {
      x[n++] = (char *) "-M";
      x[n++] = (char *) "do";
    }
    x[n] = NULL;
  }
}

int ap_exec_init(struct ap_exec *e, uv_loop_t *loop,
                 const struct ap_exec_cfg *cfg) {
  uint64_t wait;
  int err;

  memset(e, 0, sizeof(*e));
  e->base.ops = &exec_ops;
  e->loop = loop;
  if (cfg->count > 1000000 || cfg->jobs == 0 ||
      cfg->timeout_ms == 0 || cfg->timeout_ms > 86400000 ||
      cfg->period_ms > 3600000)
    return UV_EINVAL;
  e->count = cfg->count > 0 ? cfg->count : 1;
  e->stats = cfg->count > 0;
  e->jobs = cfg->jobs;
  wait = (cfg->timeout_ms + 999) / 1000;
  e->wait_s = (unsigned) wait;
  e->deadline_s = e->count - 1 + e->wait_s;
  if (cfg->period_ms > 0) {
    e->deadline_s = (unsigned) (((e->count - 1) * cfg->period_ms + 999) /
                                1000) + e->wait_s;
    snprintf(e->arg_interval, sizeof(e->arg_interval), "%llu.%03llu",
             (unsigned long long) (cfg->period_ms / 1000),
             (unsigned long long) (cfg->period_ms % 1000));
  }
  e->kill_ms = (uint64_t) e->deadline_s * 1000 + AP_EXEC_GRACE_MS;
  snprintf(e->arg_count, sizeof(e->arg_count), "%u", e->count);
  snprintf(e->arg_wait, sizeof(e->arg_wait), "%u", e->wait_s);
  snprintf(e->arg_deadline, sizeof(e->arg_deadline), "%u", e->deadline_s);
  if (cfg->pkt != NULL)
    packet_args(e, cfg->pkt);
  err = find_command(cfg->command != NULL ? cfg->command : "ping", &e->path);
  if (err != 0)
    return err;
  e->path6 = find_ping6(e->path);
  e->env = child_env();
  return e->env != NULL ? 0 : UV_ENOMEM;
}

void ap_exec_release(struct ap_exec *e) {
  free(e->path);
  free(e->path6);
  free(e->env);
  e->path = e->path6 = NULL;
  e->env = NULL;
}

uint64_t ap_exec_timeout_ms(const struct ap_exec *e) {
  return e->kill_ms + 2 * AP_EXEC_GRACE_MS + 1000;
}

unsigned ap_exec_fds(const struct ap_exec *e) {
  return 2 * e->jobs + 4;
}

unsigned ap_exec_jobs(const struct ap_exec *e) {
  return e->jobs;
}

int ap_exec_failure(const struct ap_exec *e, const char **path) {
  *path = e->path;
  return e->fatal;
}

void ap_exec_describe(const struct ap_exec *e, char *buf, size_t len) {
  char tail[256];
  size_t n, i;

  n = (size_t) snprintf(tail, sizeof(tail), "-n -c %s%s%s -W %s -w %s",
                        e->arg_count, e->arg_interval[0] ? " -i " : "",
                        e->arg_interval, e->arg_wait, e->arg_deadline);
  for (i = 0; e->extra[0][i] != NULL && n < sizeof(tail); i++)
    n += (size_t) snprintf(tail + n, sizeof(tail) - n, " %s",
                           e->extra[0][i]);
  if (n < sizeof(tail))
    snprintf(tail + n, sizeof(tail) - n, " ADDR");
  if (e->path6 != NULL)
    snprintf(buf, len, "%s %s (IPv6: %s %s), at most %u at once", e->path,
             tail, e->path6, tail, e->jobs);
  else
    snprintf(buf, len, "%s [-6] %s, at most %u at once", e->path, tail,
             e->jobs);
}

/* ---- one child: spawn, read, kill at the deadline, report, free */

/* Sends signum to the child's whole process group (it leads one). */
static void child_signal(struct ap_exec_child *c, int signum) {
  c->killed = signum;
  if (uv_kill(-c->proc.pid, signum) != 0)
    (void) uv_process_kill(&c->proc, signum);
}

/* "ping exited 2: connect: Network is unreachable" and the like. */
static const char *failure(struct ap_exec_child *c, char *buf, size_t len) {
  const char *msg = c->errline;

  if (c->timed_out)
    return "timed out";
  if (c->signum != 0) {
    snprintf(buf, len, "ping killed by signal %d", c->signum);
    return buf;
  }
  if (strncmp(msg, "ping: ", 6) == 0)
    msg += 6;
  else if (strncmp(msg, "ping6: ", 7) == 0)
    msg += 7;
  snprintf(buf, len, "ping exited %lld%s%s", (long long) c->status,
           *msg ? ": " : "", msg);
  return buf;
}

/* Gives the target its verdict.  ping exits 0 when a reply came; 1 when
 * none did, or (with -w) fewer than -c: a reply in its statistics still
 * makes the target alive.  Anything else is a failure with its reason. */
static void report(struct ap_exec_child *c) {
  struct ap_exec *e = c->exec;
  struct ap_result r;
  struct ap_addr from;
  char buf[ERRLINE + 48];

  memset(&r, 0, sizeof(r));
  ap_pingout_stats(&c->po, e->count, &r.stats, &r.rtt_ns);
  /* As with ICMP: with -c the round-trip time is the average, and without
   * it the result carries no statistics. */
  if (e->stats && r.stats.received > 0)
    r.rtt_ns = r.stats.rtt_sum_ns / r.stats.received;
  if (!e->stats)
    r.stats.sent = 0;
  r.has_ttl = c->po.have_ttl;
  r.ttl = (uint8_t) c->po.ttl;
  if (!c->timed_out && c->signum == 0 &&
      (c->status == 0 || (c->status == 1 && r.stats.received > 0))) {
    r.ok = 1;
    r.verdict = AP_ALIVE;
  } else {
    r.verdict = AP_UNREACHABLE;
    r.rtt_ns = 0;
    if (c->timed_out || c->signum != 0 || c->status != 1) {
      r.reason = failure(c, buf, sizeof(buf));
    } else {
      r.reason = ap_pingout_reason(&c->po);
      if (r.reason != NULL && ap_addr_parse(c->po.error_from, &from) == 0)
        r.from = &from;
    }
  }
  ap_sink_settle(e->base.sink, &c->addr, &r);
}

static void child_closed_cb(uv_handle_t *h) {
  struct ap_exec_child *c = h->data;
  struct ap_exec *e = c->exec;

  if (--c->open > 0)
    return;
  if (c->prev != NULL)
    c->prev->next = c->next;
  else
    e->children = c->next;
  if (c->next != NULL)
    c->next->prev = c->prev;
  /* The slot is free before the verdict, which may start the next child. */
  e->nchildren--;
  if (!c->quiet)
    report(c);
  free(c);
}

/* Closes every handle of c; it is reported and freed on the last close. */
static void child_finish(struct ap_exec_child *c) {
  if (c->finished)
    return;
  c->finished = 1;
  ap_pingout_end(&c->po);
  uv_close((uv_handle_t *) &c->proc, child_closed_cb);
  uv_close((uv_handle_t *) &c->out, child_closed_cb);
  uv_close((uv_handle_t *) &c->err, child_closed_cb);
  uv_close((uv_handle_t *) &c->timer, child_closed_cb);
}

static void child_maybe_done(struct ap_exec_child *c) {
  if (c->exited && c->out_done && c->err_done)
    child_finish(c);
}

/* The child's deadline: SIGTERM, then SIGKILL a grace period later.  After
 * it exited: its pipes stayed open too long (something it started holds
 * them), so stop waiting for them. */
static void timer_cb(uv_timer_t *t) {
  struct ap_exec_child *c = t->data;

  ap_loopwatch_note(&lw_deadline);
  if (c->exited) {
    child_finish(c);
  } else if (c->killed == 0) {
    c->timed_out = !c->exec->closing;
    child_signal(c, SIGTERM);
    uv_timer_start(t, timer_cb, AP_EXEC_GRACE_MS, 0);
  } else if (c->killed == SIGTERM) {
    child_signal(c, SIGKILL);
  }
}

static void exit_cb(uv_process_t *p, int64_t status, int signum) {
  struct ap_exec_child *c = p->data;

  ap_loopwatch_note(&lw_exit);
  c->exited = 1;
  c->status = status;
  c->signum = signum;
  c->exec->running--;
  uv_timer_stop(&c->timer);
  if (c->out_done && c->err_done)
    child_finish(c);
  else
    uv_timer_start(&c->timer, timer_cb, AP_EXEC_GRACE_MS, 0);
}

static void alloc_cb(uv_handle_t *h, size_t size, uv_buf_t *buf) {
  struct ap_exec_child *c = h->data;

  (void) size;
  /* Each read is consumed before the next buffer is asked for. */
  buf->base = c->exec->buf;
  buf->len = sizeof(c->exec->buf);
}

static void out_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  struct ap_exec_child *c = s->data;

  ap_loopwatch_note(&lw_output);
  if (nread > 0) {
    ap_pingout_feed(&c->po, buf->base, (size_t) nread);
  } else if (nread < 0) {
    uv_read_stop(s);
    c->out_done = 1;
    child_maybe_done(c);
  }
}

/* Keeps the first line of standard error, for the reason. */
static void err_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  struct ap_exec_child *c = s->data;
  size_t room = sizeof(c->errline) - 1 - c->errlen, line;
  const char *nl;

  ap_loopwatch_note(&lw_output);
  if (nread < 0) {
    uv_read_stop(s);
    c->err_done = 1;
    child_maybe_done(c);
    return;
  }
  if (nread == 0 || c->errfull)
    return;
  nl = memchr(buf->base, '\n', (size_t) nread);
  line = nl != NULL ? (size_t) (nl - buf->base) : (size_t) nread;
  if (nl != NULL || line >= room)
    c->errfull = 1;
  ap_pingout_clean(c->errline + c->errlen, room + 1, buf->base,
                   line < room ? line : room);
  c->errlen = strlen(c->errline);
}

static int spawn(struct ap_exec *e, struct ap_exec_child *c) {
  /* 11 fixed words at most, 11 packet-option words, ADDR and NULL */
  char addr[AP_ADDR_STRLEN], *argv[24];
  uv_stdio_container_t io[3];
  uv_process_options_t o;
  int n = 0, v6 = !ap_addr_is_v4(&c->addr), i;

  ap_addr_format(&c->addr, addr, sizeof(addr));
  argv[n++] = v6 && e->path6 != NULL ? e->path6 : e->path;
  if (v6 && e->path6 == NULL)
    argv[n++] = (char *) "-6";
  argv[n++] = (char *) "-n";
  argv[n++] = (char *) "-c";
  argv[n++] = e->arg_count;
  if (e->arg_interval[0] != '\0') {
    argv[n++] = (char *) "-i";
    argv[n++] = e->arg_interval;
  }
  argv[n++] = (char *) "-W";
  argv[n++] = e->arg_wait;
  argv[n++] = (char *) "-w";
  argv[n++] = e->arg_deadline;
  for (i = 0; e->extra[v6][i] != NULL; i++)
    argv[n++] = e->extra[v6][i];
  argv[n++] = addr;
  argv[n] = NULL;
  io[0].flags = UV_IGNORE;
  io[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  io[1].data.stream = (uv_stream_t *) &c->out;
  io[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  io[2].data.stream = (uv_stream_t *) &c->err;
  cloexec_all();
  memset(&o, 0, sizeof(o));
  o.file = argv[0];
  o.args = argv;
  o.env = e->env;
  o.stdio = io;
  o.stdio_count = 3;
  o.exit_cb = exit_cb;
  /* Its own process group, so that a kill reaches whatever it started and
   * the terminal's ^C reaches only aping, which then ends it. */
  o.flags = UV_PROCESS_DETACHED;
  return uv_spawn(e->loop, &c->proc, &o);
}

/* Starts ping for addr.  Returns 0 or the UV_E* code of a failed spawn
 * (the child is then closed and freed without a report). */
static int start_child(struct ap_exec *e, const struct ap_addr *addr) {
  struct ap_exec_child *c = calloc(1, sizeof(*c));
  int err;

  if (c == NULL)
    return UV_ENOMEM;
  c->exec = e;
  c->addr = *addr;
  ap_pingout_init(&c->po);
  (void) uv_pipe_init(e->loop, &c->out, 0);
  (void) uv_pipe_init(e->loop, &c->err, 0);
  (void) uv_timer_init(e->loop, &c->timer);
  c->out.data = c->err.data = c->timer.data = c;
  c->open = NHANDLES;
  ap_loopwatch_note(&lw_spawn);
  c->next = e->children;
  if (c->next != NULL)
    c->next->prev = c;
  e->children = c;
  e->nchildren++;
  err = spawn(e, c);
  c->proc.data = c;
  if (err != 0) {
    /* A failed uv_spawn() still initialised the handle: close it too. */
    c->quiet = 1;
    child_finish(c);
    return err;
  }
  e->running++;
  e->spawned++;
  if (uv_read_start((uv_stream_t *) &c->out, alloc_cb, out_cb) != 0)
    c->out_done = 1;
  if (uv_read_start((uv_stream_t *) &c->err, alloc_cb, err_cb) != 0)
    c->err_done = 1;
  uv_timer_start(&c->timer, timer_cb, e->kill_ms, 0);
  return 0;
}

/* ping(8) itself cannot be run: no target can be probed. */
static int is_fatal(int err) {
  return err == UV_ENOENT || err == UV_EACCES || err == UV_EPERM ||
         err == UV_ENOTDIR || err == UV_ELOOP || err == UV_ENAMETOOLONG ||
         err == -ENOEXEC;
}

/* Out of descriptors, processes or memory for now. */
static int is_resource(int err) {
  return err == UV_EMFILE || err == UV_ENFILE || err == UV_EAGAIN ||
         err == UV_ENOMEM;
}

static int exec_send(struct ap_engine *base, struct ap_probe *p,
                     size_t n, uint64_t now_ns) {
  struct ap_exec *e = ap_container_of(base, struct ap_exec, base);
  size_t i = 0;
  int err;

  (void) now_ns; /* each probe carries its send time */
  while (i < n && e->nchildren < e->jobs && !e->closing) {
    err = start_child(e, &p[i].addr);
    if (err == 0) {
      i++;
      continue;
    }
    if (is_fatal(err)) {
      e->fatal = err;
      return err;
    }
    /* Short of descriptors or processes: wait for running children. */
    if (is_resource(err) && e->running > 0)
      break;
    snprintf(e->reason, sizeof(e->reason), "cannot run ping: %s",
             uv_strerror(err));
    ap_sink_fail(base->sink, &p[i].addr, p[i].sent_ns, e->reason, NULL);
    i++;
  }
  return (int) i;
}

/* Ends every child still running (the scan was stopped): SIGTERM now,
 * SIGKILL a grace period later.  The loop runs until they are reaped. */
static void exec_close(struct ap_engine *base) {
  struct ap_exec *e = ap_container_of(base, struct ap_exec, base);
  struct ap_exec_child *c;

  e->closing = 1;
  for (c = e->children; c != NULL; c = c->next) {
    if (c->finished || c->exited || c->killed != 0)
      continue;
    child_signal(c, SIGTERM);
    uv_timer_start(&c->timer, timer_cb, AP_EXEC_GRACE_MS, 0);
  }
}
