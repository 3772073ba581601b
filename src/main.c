/* main.c - aping: which of these hosts are reachable right now?
 *
 * The only file that parses argv, prints usage and exits.  The order of
 * work follows OpenBSD ping: parse options, open the probing sockets with
 * CAP_NET_RAW raised, drop every privilege, and only then read target
 * files, resolve names and probe.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <uv.h>

#include "atomic.h"
#include "combine.h"
#include "echo.h"
#include "exec.h"
#include "format.h"
#include "loopwatch.h"
#include "order.h"
#include "output.h"
#include "ports.h"
#include "priv.h"
#include "progress.h"
#include "resolve.h"
#include "scan.h"
#include "state.h"
#include "svc.h"
#include "target.h"
#include "tfile.h"

#define AP_VERSION "0.1.0"

#define EX_ALL_OK 0
#define EX_SOME_DOWN 1
#define EX_NONAME 2
#define EX_USAGE 3
#define EX_SYSTEM 4
/* Unattended runs (--state, --lock, --deadline). */
#define EX_CHANGED 5  /* --state: some target's status changed */
#define EX_LOCKED 6   /* --lock: another run holds the lock */
#define EX_DEADLINE 7 /* --deadline: the run ended with targets unfinished */

#define DEFAULT_TIMEOUT_MS 500
#define DEFAULT_RETRIES 1
#define DEFAULT_BACKOFF 2.0
#define DEFAULT_RATE 10000.0
#define DEFAULT_MAX_TARGETS (1ULL << 24)
#define RESOLVE_INFLIGHT 64
#define LOOP_TURN_MS 100 /* -vv reports loop turns busy this long */
/* Service checks. */
#define DEFAULT_CONNS 256
#define DEFAULT_BANNER_BYTES 1024
#define BANNER_IDLE_MS 300
#define DEFAULT_TELNET_PORT 23
/* Targets whose ping verdict may wait for their service checks (and the
 * other way round) beyond those being checked. */
#define CHECKS_AHEAD 4096

enum {
  OPT_RATE = 256,
  OPT_ORDER,
  OPT_SEED,
  OPT_SHARD,
  OPT_EXCLUDE,
  OPT_EXCLUDE_FILE,
  OPT_MAX_TARGETS,
  /* Service checks. */
  OPT_TCP,
  OPT_BANNER,
  OPT_BANNER_BYTES,
  OPT_TELNET,
  OPT_EXPECT,
  OPT_ANY,
  /* Output formats and unattended runs. */
  OPT_FORMAT,
  OPT_STATE,
  OPT_DEADLINE,
  OPT_LOCK,
  OPT_PROGRESS,
  OPT_COLOR,
  OPT_WARN,
  OPT_CRIT,
  /* -m exec */
  OPT_PING_COMMAND
};

enum { WHEN_AUTO = 0, WHEN_ALWAYS, WHEN_NEVER };

/* -m: how targets are pinged, if at all. */
enum { METHOD_AUTO = 0, METHOD_ICMP, METHOD_EXEC, METHOD_NONE };

struct opts {
  int show;
  int summary;
  int verbose;
  int family; /* 0, 4 or 6 */
  struct ap_scan_cfg cfg;
  int have_rate;
  uint64_t max_targets;
  int random;
  int have_seed;
  uint64_t seed;
  uint64_t shard;
  uint64_t nshards;
  char **files;
  size_t nfiles;
  char **excl;
  size_t nexcl;
  char **exfiles;
  size_t nexfiles;
  char **targets;
  size_t ntargets;
  /* Output formats and unattended runs. */
  int format;          /* enum ap_format */
  const char *outfile; /* -o, or NULL for standard output */
  int elapsed;         /* -e */
  int have_min_ok;     /* -x */
  uint64_t min_ok;
  const char *state;   /* --state */
  uint64_t deadline_ms; /* --deadline, 0 for none */
  const char *lock;    /* --lock */
  int progress;        /* --progress: WHEN_* */
  int color;           /* --color: WHEN_* */
  struct ap_nagios nagios; /* --warn, --crit */
  uint64_t start_ns;   /* when aping started: --deadline counts from it */
  /* Service checks. */
  struct ap_ports ports; /* --tcp */
  int banner;            /* --banner */
  uint16_t telnet_port;  /* --telnet, or 0 */
  size_t banner_bytes;
  int have_banner_bytes;
  regex_t expect;
  int have_expect;
  int any;
  /* How targets are pinged. */
  int method;               /* -m: METHOD_* */
  unsigned jobs;            /* -j, 0 when not given */
  const char *ping_command; /* -m exec: --ping-command */
};

/* What the targets came to: the set, the names still to resolve, and the
 * names to show for resolved addresses. */
struct targets {
  struct ap_tset set;
  struct ap_tset excl;
  char **names;
  size_t nnames;
  size_t capnames;
  struct ap_names shown;
  uint64_t unresolved;
  struct ap_resolve res; /* the lookups; kept while any is abandoned */
  size_t pending;        /* names left unanswered by a stopped run */
  int oom;
  const struct opts *o;
};

#define GUARD_NSIGS 3

/* What ends a run early: SIGINT, SIGTERM, SIGPIPE (standard output is a
 * pipe nobody reads any more: `aping ... | head -1`) and --deadline.  They
 * are watched from before the first name lookup until the output is
 * written, and stop whatever is under way then: the lookups, then the pings
 * and service checks.  None of them keeps the loop alive. */
struct guard {
  uv_signal_t sig[GUARD_NSIGS];
  uv_timer_t deadline;
  int deadline_on;
  int signum;       /* the signal that stopped the run, or 0 */
  int deadline_hit; /* --deadline stopped the run */
  /* Stops what is under way; returns whether it still was. */
  int (*stop)(void *ctx);
  void *ctx;
};

static const char usage_text[] =
    "usage: aping [-46aeqsuvV] [-B factor] [-c count] [-f file] [-i ms]\n"
    "             [-j n] [-m method] [-o file] [-r retries] [-t ms] [-x n]\n"
    "             [--rate pps] [--order order] [--seed n] [--shard i/n]\n"
    "             [--exclude target] [--exclude-file file]\n"
    "             [--max-targets n] [--ping-command path] [--tcp ports]\n"
    "             [--banner] [--banner-bytes n] [--telnet[=port]]\n"
    "             [--expect regex] [--any] [--format format]\n"
    "             [--state file] [--deadline s] [--lock file]\n"
    "             [--progress when] [--color when] [--warn n[%]]\n"
    "             [--crit n[%]] target ...\n";

static const char help_text[] =
    "\n"
    "Probe every target with ICMP echo and say which are alive.\n"
    "A target is an address (192.0.2.7, 2001:db8::7), a CIDR block\n"
    "(192.0.2.0/24), a range (192.0.2.10-192.0.2.20 or 192.0.2.10-20) or\n"
    "a host name.\n"
    "\n"
    "Targets:\n"
    "  -f FILE             read targets from FILE, one or more per line\n"
    "                      ('-' is standard input, '#' starts a comment)\n"
    "  --exclude TARGET    never probe TARGET (an address, block or range)\n"
    "  --exclude-file FILE never probe the targets listed in FILE\n"
    "  -4, -6              probe only IPv4, or only IPv6, targets\n"
    "  --max-targets N     refuse to probe more than N addresses\n"
    "                      (default 16777216)\n"
    "Method:\n"
    "  -m auto|icmp|exec   icmp: a raw ICMP socket if permitted, else an ICMP\n"
    "                      datagram socket; exec: run ping(8) per target;\n"
    "                      auto (default): icmp if a socket can be opened,\n"
    "                      else exec\n"
    "  -m none             no ping: only the service checks below\n"
    "  --ping-command PATH with exec, run PATH instead of ping from PATH\n"
    "Services:\n"
    "  --tcp PORTS         connect to these ports (22 or 22,80,443 or\n"
    "                      8000-8010): open, closed, filtered or error;\n"
    "                      a port passes when it is open\n"
    "  --banner            also read what each --tcp port says first\n"
    "  --banner-bytes N    read at most N bytes of a banner (default 1024)\n"
    "  --telnet[=PORT]     read the Telnet banner of PORT (default 23),\n"
    "                      refusing every option the server asks for\n"
    "  --expect REGEX      a banner passes only if it matches REGEX\n"
    "                      (POSIX extended)\n"
    "  --any               a target is OK when one of its checks passes\n"
    "                      (default: all; the ping is a check)\n"
    "Timing:\n"
    "  -t MS               wait MS ms for the first reply (default 500)\n"
    "  -r N                probe a silent target N more times (default 1)\n"
    "  -c N                send N probes to every target, -t ms apart (exec:\n"
    "                      ping -c N), and print loss and min/avg/max round\n"
    "                      trip (no -r); alive if any is answered\n"
    "  -B F                multiply the wait by F for each retry (default 2)\n"
    "  --rate PPS          send at most PPS probes a second, 0 for no limit\n"
    "                      (default 10000)\n"
    "  -i MS               wait MS ms between probes (same as --rate\n"
    "                      1000/MS; 0 for no limit)\n"
    "  -j N                at most N probes in flight at once: ping(8)\n"
    "                      processes with exec (default 256, or fewer so\n"
    "                      that they use at most a quarter of the open-file\n"
    "                      limit), TCP connections for service checks\n"
    "                      (default 256), ICMP echo requests (default: no\n"
    "                      limit)\n"
    "Order:\n"
    "  --order random|sequential\n"
    "                      probe in a random permutation (default) or in\n"
    "                      address order\n"
    "  --seed N            make the random order reproducible\n"
    "  --shard I/N         probe only slice I of N of the order (shards\n"
    "                      share one order: the --seed, by default 0)\n"
    "Output:\n"
    "  -a                  print only alive targets, one per line\n"
    "  -u                  print only unreachable targets, one per line\n"
    "  -q                  print no verdicts, only set the exit status\n"
    "  -s                  print a summary to standard error, with RTT\n"
    "                      percentiles and a histogram\n"
    "  -e                  with -a, show each target's round-trip time\n"
    "  -v                  say which probing method was chosen; with -s,\n"
    "                      the ICMP engine's counters too; given twice,\n"
    "                      also report each loop turn busy for 100 ms or\n"
    "                      more\n"
    "  -V, --version       print the version\n"
    "  -h, --help          print this help\n"
    "  --format text|json|csv|prom|nagios\n"
    "                      text (default), JSON lines, CSV, Prometheus text\n"
    "                      format, or a monitoring-plugin status line\n"
    "  -o FILE             write the output to FILE, replaced atomically\n"
    "  --color auto|always|never\n"
    "                      colour text verdicts (auto: on a terminal, unless\n"
    "                      NO_COLOR is set)\n"
    "  --progress auto|always|never\n"
    "                      show progress on standard error (auto: when it\n"
    "                      is a terminal)\n"
    "  --warn N|P%         nagios: WARNING when more than N (P%) fail\n"
    "  --crit N|P%         nagios: CRITICAL when more than N (P%) fail\n"
    "                      (default: CRITICAL when any fails, unless --warn)\n"
    "Unattended runs:\n"
    "  -x N                exit 0 when at least N targets are OK\n"
    "  --state FILE        remember each target's status in FILE; list only\n"
    "                      the targets whose status changed since the last\n"
    "                      run, and exit 5 when any did, else 0\n"
    "  --deadline S        stop probing after S seconds; unfinished targets\n"
    "                      are listed as such, exit 7\n"
    "  --lock FILE         hold an flock on FILE; exit 6 if another run\n"
    "                      holds it\n"
    "\n"
    "Exit status: 0 all targets alive, 1 some unreachable, 2 a name could\n"
    "not be resolved, 3 bad usage, 4 system error, 5 (--state) some status\n"
    "changed, 6 (--lock) another run holds the lock, 7 (--deadline)\n"
    "stopped with targets unfinished, 130 and 143 interrupted by SIGINT and\n"
    "SIGTERM.  With --format nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n";

static const struct option long_opts[] = {
  { "rate", required_argument, NULL, OPT_RATE },
  { "order", required_argument, NULL, OPT_ORDER },
  { "seed", required_argument, NULL, OPT_SEED },
  { "shard", required_argument, NULL, OPT_SHARD },
  { "exclude", required_argument, NULL, OPT_EXCLUDE },
  { "exclude-file", required_argument, NULL, OPT_EXCLUDE_FILE },
  { "max-targets", required_argument, NULL, OPT_MAX_TARGETS },
  /* Service checks. */
  { "tcp", required_argument, NULL, OPT_TCP },
  { "banner", no_argument, NULL, OPT_BANNER },
  { "banner-bytes", required_argument, NULL, OPT_BANNER_BYTES },
  { "telnet", optional_argument, NULL, OPT_TELNET },
  { "expect", required_argument, NULL, OPT_EXPECT },
  { "any", no_argument, NULL, OPT_ANY },
  /* Output formats and unattended runs. */
  { "format", required_argument, NULL, OPT_FORMAT },
  { "state", required_argument, NULL, OPT_STATE },
  { "deadline", required_argument, NULL, OPT_DEADLINE },
  { "lock", required_argument, NULL, OPT_LOCK },
  { "progress", required_argument, NULL, OPT_PROGRESS },
  { "color", required_argument, NULL, OPT_COLOR },
  { "warn", required_argument, NULL, OPT_WARN },
  { "crit", required_argument, NULL, OPT_CRIT },
  /* -m exec */
  { "ping-command", required_argument, NULL, OPT_PING_COMMAND },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'V' },
  { NULL, 0, NULL, 0 }
};

static void die_usage(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "aping: ");
  fprintf(stderr, fmt, a, b);
  fprintf(stderr, " (exit %d; see aping -h)\n", EX_USAGE);
  exit(EX_USAGE);
}

static const char *opt_name(int c, char *buf, size_t len) {
  const struct option *l;

  for (l = long_opts; l->name != NULL; l++)
    if (l->val == c) {
      snprintf(buf, len, "--%s", l->name);
      return buf;
    }
  snprintf(buf, len, "-%c", c);
  return buf;
}

/* A whole number in [min, max], or exit 3 naming the option and value. */
static uint64_t num_arg(int c, const char *s, uint64_t min, uint64_t max) {
  char name[32], range[64];
  unsigned long long v;
  char *end;

  errno = 0;
  v = strtoull(s, &end, 10);
  if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < min ||
      v > max) {
    snprintf(range, sizeof(range), "%" PRIu64 " to %" PRIu64, min, max);
    fprintf(stderr, "aping: invalid %s '%s': need a whole number from %s "
            "(exit %d)\n", opt_name(c, name, sizeof(name)), s, range,
            EX_USAGE);
    exit(EX_USAGE);
  }
  return v;
}

/* A decimal number in [min, max], or exit 3 naming the option and value. */
static double real_arg(int c, const char *s, double min, double max) {
  char name[32];
  double v;
  char *end;

  errno = 0;
  v = strtod(s, &end);
  if (((s[0] < '0' || s[0] > '9') && s[0] != '.') || *end != '\0' ||
      errno != 0 || !isfinite(v) || v < min || v > max) {
    fprintf(stderr, "aping: invalid %s '%s': need a number from %g to %g "
            "(exit %d)\n", opt_name(c, name, sizeof(name)), s, min, max,
            EX_USAGE);
    exit(EX_USAGE);
  }
  return v;
}

static void parse_shard(struct opts *o, const char *s) {
  unsigned long long i, n;
  int end = -1;

  if (sscanf(s, "%llu/%llu%n", &i, &n, &end) != 2 || end < 0 ||
      s[end] != '\0' || s[strspn(s, "0123456789/")] != '\0' || n < 1 ||
      n > UINT32_MAX || i < 1 || i > n)
    die_usage("invalid --shard '%s': need I/N with 1 <= I <= N%s", s, "");
  o->shard = i;
  o->nshards = n;
}

static void bad_option(char **argv, int c) {
  char name[32];

  if (c == ':')
    die_usage("option '%s' needs a value%s",
              optopt ? opt_name(optopt, name, sizeof(name)) : argv[optind - 1],
              "");
  if (optopt >= 256) /* a long option given a value it does not take */
    die_usage("option '%s' does not take a value%s",
              opt_name(optopt, name, sizeof(name)), "");
  if (optopt)
    snprintf(name, sizeof(name), "-%c", optopt);
  die_usage("unknown option '%s'%s", optopt ? name : argv[optind - 1], "");
}

/* Index of arg in the NULL-terminated words, or exit 3 naming them. */
static int word_arg(int c, const char *arg, const char *const *words) {
  char name[32], list[128] = "";
  size_t i;

  for (i = 0; words[i] != NULL; i++) {
    if (strcmp(arg, words[i]) == 0)
      return (int) i;
    snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
             i == 0 ? "" : words[i + 1] == NULL ? " or " : ", ", words[i]);
  }
  fprintf(stderr, "aping: invalid %s '%s': need %s (exit %d)\n",
          opt_name(c, name, sizeof(name)), arg, list, EX_USAGE);
  exit(EX_USAGE);
}

static void parse_threshold(int c, const char *arg, struct ap_threshold *t) {
  char name[32];

  if (ap_threshold_parse(arg, t) != 0) {
    fprintf(stderr, "aping: invalid %s '%s': need a count of failed "
            "targets, or a percentage such as 10%% (exit %d)\n",
            opt_name(c, name, sizeof(name)), arg, EX_USAGE);
    exit(EX_USAGE);
  }
}

/* The options of output formats and unattended runs. */
static void parse_output(struct opts *o, int c, const char *arg) {
  static const char *const formats[] = { "text", "json", "csv", "prom",
                                         "nagios", NULL };
  static const char *const when[] = { "auto", "always", "never", NULL };

  switch (c) {
  case 'e': o->elapsed = 1; break;
  case 'o': o->outfile = strcmp(arg, "-") == 0 ? NULL : arg; break;
  case 'x': o->min_ok = num_arg(c, arg, 1, UINT64_MAX); o->have_min_ok = 1;
    break;
  case OPT_FORMAT: o->format = word_arg(c, arg, formats); break;
  case OPT_STATE: o->state = arg; break;
  case OPT_DEADLINE:
    o->deadline_ms = (uint64_t) (real_arg(c, arg, 0.001, 1e7) * 1000 + 0.5);
    break;
  case OPT_LOCK: o->lock = arg; break;
  case OPT_PROGRESS: o->progress = word_arg(c, arg, when); break;
  case OPT_COLOR: o->color = word_arg(c, arg, when); break;
  case OPT_WARN: parse_threshold(c, arg, &o->nagios.warn); break;
  case OPT_CRIT: parse_threshold(c, arg, &o->nagios.crit); break;
  }
}

/* Options that make no sense together. */
static void check_output_opts(const struct opts *o) {
  if (o->have_min_ok && o->state != NULL)
    die_usage("-x and --state given together: the exit status says %s%s",
              "either how many are OK or whether anything changed", "");
  if (o->have_min_ok && o->format == AP_FORMAT_NAGIOS)
    die_usage("-x does not apply to --format nagios: use %s%s", "--crit",
              "");
  if ((o->nagios.warn.set || o->nagios.crit.set) &&
      o->format != AP_FORMAT_NAGIOS)
    die_usage("--warn and --crit need --format nagios%s%s", "", "");
}

static void parse_tcp(struct opts *o, const char *arg) {
  char err[128];
  int r = ap_ports_parse(&o->ports, arg, err, sizeof(err));

  if (r == UV_EINVAL)
    die_usage("invalid --tcp '%s': %s", arg, err);
  if (r != 0) {
    fprintf(stderr, "aping: out of memory\n");
    exit(EX_SYSTEM);
  }
}

static void parse_expect(struct opts *o, const char *arg) {
  char err[128];
  int r;

  if (o->have_expect)
    die_usage("--expect given twice ('%s')%s", arg, "");
  r = regcomp(&o->expect, arg, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
  if (r != 0) {
    regerror(r, &o->expect, err, sizeof(err));
    die_usage("invalid --expect '%s': %s", arg, err);
  }
  o->have_expect = 1;
}

/* The options of the service checks. */
static void parse_service(struct opts *o, int c, const char *arg) {
  switch (c) {
  case OPT_TCP: parse_tcp(o, arg); break;
  case OPT_BANNER: o->banner = 1; break;
  case OPT_BANNER_BYTES:
    o->banner_bytes = (size_t) num_arg(c, arg, 1, 65536);
    o->have_banner_bytes = 1;
    break;
  case OPT_TELNET:
    o->telnet_port = arg == NULL ? DEFAULT_TELNET_PORT
                                 : (uint16_t) num_arg(c, arg, 1, 65535);
    break;
  case OPT_EXPECT: parse_expect(o, arg); break;
  case OPT_ANY: o->any = 1; break;
  }
}

/* Options that only make sense with service checks. */
static void check_service_opts(const struct opts *o) {
  int checks = o->ports.n > 0 || o->telnet_port != 0;
  int banners = (o->ports.n > 0 && o->banner) || o->telnet_port != 0;

  if (o->banner && o->ports.n == 0)
    die_usage("--banner needs --tcp PORTS%s%s", "", "");
  if (o->have_expect && !banners)
    die_usage("--expect needs --banner or --telnet%s%s", "", "");
  if (o->have_banner_bytes && !banners)
    die_usage("--banner-bytes needs --banner or --telnet%s%s", "", "");
  if (o->any && !checks)
    die_usage("--any needs --tcp or --telnet%s%s", "", "");
  if (o->method == METHOD_NONE && !checks)
    die_usage("-m none needs --tcp or --telnet: nothing to check%s%s", "",
              "");
}

static void parse_one(struct opts *o, int c, const char *arg) {
  /* In the order of METHOD_*. */
  static const char *const methods[] = { "auto", "icmp", "exec", "none",
                                         NULL };

  switch (c) {
  case '4': o->family = o->family == 6 ? -1 : 4; break;
  case '6': o->family = o->family == 4 ? -1 : 6; break;
  case 'a': o->show = AP_SHOW_ALIVE; break;
  case 'u': o->show = AP_SHOW_UNREACH; break;
  case 'q': o->show = AP_SHOW_NONE; break;
  case 's': o->summary = 1; break;
  case 'v': o->verbose++; break;
  case 'f': o->files[o->nfiles++] = (char *) arg; break;
  case 't': o->cfg.timeout_ms = num_arg(c, arg, 1, 3600000); break;
  case 'r': o->cfg.retries = (unsigned) num_arg(c, arg, 0, 20); break;
  case 'c': o->cfg.count = (unsigned) num_arg(c, arg, 1, 100000); break;
  case 'B': o->cfg.backoff = real_arg(c, arg, 1, 10); break;
  case 'm': o->method = word_arg(c, arg, methods); break;
  case 'j': o->jobs = (unsigned) num_arg(c, arg, 1, 65536); break;
  case OPT_PING_COMMAND:
    if (arg[0] == '\0')
      die_usage("invalid --ping-command '%s': need a program%s", arg, "");
    o->ping_command = arg;
    break;
  case 'i':
  case OPT_RATE:
    if (o->have_rate)
      die_usage("-i and --rate given together ('%s')%s", arg, "");
    o->have_rate = 1;
    if (c == OPT_RATE)
      o->cfg.rate = real_arg(c, arg, 0, 1e9);
    else {
      o->cfg.rate = real_arg(c, arg, 0, 3600000);
      o->cfg.rate = o->cfg.rate > 0 ? 1000 / o->cfg.rate : 0;
    }
    break;
  case OPT_ORDER:
    if (strcmp(arg, "random") != 0 && strcmp(arg, "sequential") != 0)
      die_usage("invalid --order '%s': need random or sequential%s", arg, "");
    o->random = strcmp(arg, "random") == 0;
    break;
  case OPT_SEED: o->seed = num_arg(c, arg, 0, UINT64_MAX); o->have_seed = 1;
    break;
  case OPT_SHARD: parse_shard(o, arg); break;
  case OPT_EXCLUDE: o->excl[o->nexcl++] = (char *) arg; break;
  case OPT_EXCLUDE_FILE: o->exfiles[o->nexfiles++] = (char *) arg; break;
  case OPT_MAX_TARGETS: o->max_targets = num_arg(c, arg, 1, UINT64_MAX);
    break;
  case 'e': case 'o': case 'x': case OPT_FORMAT: case OPT_STATE:
  case OPT_DEADLINE: case OPT_LOCK: case OPT_PROGRESS: case OPT_COLOR:
  case OPT_WARN: case OPT_CRIT:
    parse_output(o, c, arg);
    break;
  default: parse_service(o, c, arg); break;
  }
}

static void parse_opts(struct opts *o, int argc, char **argv) {
  int c;

  memset(o, 0, sizeof(*o));
  o->start_ns = uv_hrtime();
  o->cfg.timeout_ms = DEFAULT_TIMEOUT_MS;
  o->cfg.retries = DEFAULT_RETRIES;
  o->cfg.backoff = DEFAULT_BACKOFF;
  o->cfg.rate = DEFAULT_RATE;
  o->max_targets = DEFAULT_MAX_TARGETS;
  o->random = 1;
  o->shard = o->nshards = 1;
  o->banner_bytes = DEFAULT_BANNER_BYTES;
  /* Each list can hold at most one entry per argument. */
  o->files = calloc((size_t) argc, sizeof(char *));
  o->excl = calloc((size_t) argc, sizeof(char *));
  o->exfiles = calloc((size_t) argc, sizeof(char *));
  if (o->files == NULL || o->excl == NULL || o->exfiles == NULL) {
    fprintf(stderr, "aping: out of memory\n");
    exit(EX_SYSTEM);
  }
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":46B:ac:ef:hi:j:m:o:qr:st:uvVx:",
                          long_opts, NULL)) != -1) {
    if (c == 'h') {
      fputs(usage_text, stdout);
      fputs(help_text, stdout);
      exit(EX_ALL_OK);
    }
    if (c == 'V') {
      printf("aping %s\n", AP_VERSION);
      exit(EX_ALL_OK);
    }
    if (c == '?' || c == ':')
      bad_option(argv, c);
    parse_one(o, c, optarg);
  }
  if (o->family < 0)
    die_usage("-4 and -6 given together%s%s", "", "");
  check_output_opts(o);
  check_service_opts(o);
  o->targets = argv + optind;
  o->ntargets = (size_t) (argc - optind);
  if (o->ntargets == 0 && o->nfiles == 0) {
    fputs(usage_text, stderr);
    exit(EX_USAGE);
  }
}

/* Queues a host name for resolution.  Returns 0 or -2 (out of memory). */
static int add_name(struct targets *t, const char *name) {
  char **v;
  size_t cap;

  if (t->nnames == t->capnames) {
    cap = t->capnames ? t->capnames * 2 : 16;
    v = realloc(t->names, cap * sizeof(*v));
    if (v == NULL)
      return -2;
    t->names = v;
    t->capnames = cap;
  }
  t->names[t->nnames] = strdup(name);
  if (t->names[t->nnames] == NULL)
    return -2;
  t->nnames++;
  return 0;
}

/* Adds one target (or exclusion) specification.  where names its origin
 * ("hosts.txt:3") or is NULL for the command line.  Returns 0, or -1 after
 * printing why the specification is bad. */
static int add_spec(struct targets *t, const char *spec, const char *where,
                    int exclude) {
  char err[128], pre[300];
  struct ap_addr lo, hi;
  int kind, v4;

  snprintf(pre, sizeof(pre), "%s%s", where ? where : "", where ? ": " : "");
  kind = ap_target_parse(spec, exclude, &lo, &hi, err, sizeof(err));
  if (kind < 0) {
    fprintf(stderr, "aping: %sbad target '%s': %s (exit %d)\n", pre, spec,
            err, EX_USAGE);
    return -1;
  }
  if (kind == AP_TARGET_NAME) {
    if (exclude) {
      fprintf(stderr, "aping: %sbad exclusion '%s': not an address, block or "
              "range (exit %d)\n", pre, spec, EX_USAGE);
      return -1;
    }
    return add_name(t, spec);
  }
  v4 = ap_addr_is_v4(&lo);
  if (!exclude && ((t->o->family == 4 && !v4) || (t->o->family == 6 && v4))) {
    fprintf(stderr, "aping: %starget '%s' is not IPv%d, as -%d asks (exit "
            "%d)\n", pre, spec, t->o->family, t->o->family, EX_USAGE);
    return -1;
  }
  if (!exclude && ap_span_size(&lo, &hi) > t->o->max_targets) {
    fprintf(stderr, "aping: %starget '%s' has more than %" PRIu64
            " addresses: raise --max-targets to probe it (exit %d)\n", pre,
            spec, t->o->max_targets, EX_USAGE);
    return -1;
  }
  if (ap_tset_add(exclude ? &t->excl : &t->set, &lo, &hi) != 0)
    return -2;
  return 0;
}

/* What read_file() hands each specification of a file to. */
struct file_ctx {
  struct targets *t;
  const char *path;
  int exclude;
};

static int file_spec_cb(struct ap_tfile *f, const char *spec) {
  struct file_ctx *c = f->data;
  char where[300];

  snprintf(where, sizeof(where), "%s:%" PRIu64, c->path, f->lineno);
  return add_spec(c->t, spec, where, c->exclude);
}

/* Reads specifications from a file (tfile.h), in pieces: however long a
 * line is, no more of it than AP_TFILE_LINE_MAX bytes is held.  Returns 0,
 * -1 after printing why, or -2 when out of memory. */
static int read_file(struct targets *t, const char *path, int exclude) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
  struct file_ctx c = { t, path, exclude };
  struct ap_tfile tf;
  char buf[4096];
  size_t n;
  int r = 0;

  if (f == NULL) {
    fprintf(stderr, "aping: cannot open '%s': %s (exit %d)\n", path,
            strerror(errno), EX_USAGE);
    return -1;
  }
  ap_tfile_init(&tf, file_spec_cb, &c);
  while (r == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0)
    r = ap_tfile_feed(&tf, buf, n);
  if (r == 0 && ferror(f)) {
    fprintf(stderr, "aping: cannot read '%s': %s (exit %d)\n", path,
            strerror(errno), EX_USAGE);
    r = -1;
  } else if (r == 0) {
    r = ap_tfile_end(&tf);
  }
  if (r == UV_EINVAL)
    fprintf(stderr, "aping: %s:%" PRIu64 ": %s (exit %d)\n", path,
            tf.lineno, tf.why, EX_USAGE);
  if (f != stdin)
    fclose(f);
  if (r == UV_ECANCELED)
    return tf.cb_err;
  return r == 0 ? 0 : -1;
}

/* Gathers targets and exclusions from argv and files.  Returns 0 or an
 * exit status. */
static int collect(struct targets *t, const struct opts *o) {
  size_t i;
  int r = 0;

  for (i = 0; r == 0 && i < o->ntargets; i++)
    r = add_spec(t, o->targets[i], NULL, 0);
  for (i = 0; r == 0 && i < o->nfiles; i++)
    r = read_file(t, o->files[i], 0);
  for (i = 0; r == 0 && i < o->nexcl; i++)
    r = add_spec(t, o->excl[i], NULL, 1);
  for (i = 0; r == 0 && i < o->nexfiles; i++)
    r = read_file(t, o->exfiles[i], 1);
  if (r == -2) {
    fprintf(stderr, "aping: out of memory\n");
    return EX_SYSTEM;
  }
  return r == 0 ? 0 : EX_USAGE;
}

static void resolved_cb(struct ap_resolve *r, size_t i, int status,
                        const struct ap_addr *addr) {
  struct targets *t = r->data;

  ap_loopwatch_note(AP_LW_RESOLVED);
  if (status == 0) {
    if (ap_tset_add(&t->set, addr, addr) != 0 ||
        ap_names_add(&t->shown, addr, t->names[i]) != 0)
      t->oom = 1;
    return;
  }
  t->unresolved++;
  if (status == UV_EAI_NONAME || status == UV_EAI_NODATA ||
      status == UV_EAI_ADDRFAMILY)
    fprintf(stderr, "%s: name not known\n", t->names[i]);
  else
    fprintf(stderr, "%s: name not known (%s)\n", t->names[i],
            uv_strerror(status));
}

/* g->stop while names resolve: whatever is still unanswered stays so,
 * and the loop returns at once rather than wait for lookups that the
 * resolver may hold for seconds. */
static int resolve_stop(void *ctx) {
  struct targets *t = ctx;

  t->pending = ap_resolve_stop(&t->res);
  uv_stop(t->res.loop);
  return 1;
}

/* Resolves the queued names into the set, all at once on the loop, until
 * g stops it. */
static int resolve(struct targets *t, uv_loop_t *loop, struct guard *g) {
  int family = t->o->family == 4 ? AF_INET
               : t->o->family == 6 ? AF_INET6 : AF_UNSPEC;

  t->res.data = t;
  if (ap_resolve_start(&t->res, loop, t->names, t->nnames, family,
                       RESOLVE_INFLIGHT, resolved_cb) != 0) {
    fprintf(stderr, "aping: out of memory\n");
    return EX_SYSTEM;
  }
  g->stop = resolve_stop;
  g->ctx = t;
  ap_loopwatch_run(loop, UV_RUN_DEFAULT);
  g->stop = NULL;
  ap_resolve_release(&t->res);
  ap_names_sort(&t->shown);
  if (t->oom) {
    fprintf(stderr, "aping: out of memory\n");
    return EX_SYSTEM;
  }
  return 0;
}

static int finish_set(struct targets *t) {
  int err = ap_tset_finish(&t->set, &t->excl, t->o->max_targets);

  if (err == UV_E2BIG) {
    fprintf(stderr, "aping: more than %" PRIu64 " targets: raise "
            "--max-targets to probe them all (exit %d)\n", t->o->max_targets,
            EX_USAGE);
    return EX_USAGE;
  }
  if (err != 0) {
    fprintf(stderr, "aping: out of memory\n");
    return EX_SYSTEM;
  }
  return 0;
}

static void families(const struct ap_tset *s, int *v4, int *v6) {
  size_t i;

  *v4 = *v6 = 0;
  for (i = 0; i < s->n; i++) {
    if (ap_addr_is_v4(&s->span[i].lo))
      *v4 = 1;
    else
      *v6 = 1;
  }
}

/* Checks that every family among the targets has a socket.  Returns 0 or
 * EX_SYSTEM after saying what to do. */
static int check_sockets(const struct ap_echo *e, const struct ap_tset *s,
                         int verbose) {
  static const char *const fam[2] = { "ICMP", "ICMPv6" };
  int need[2], i;

  families(s, &need[0], &need[1]);
  for (i = 0; i < 2; i++) {
    if (!need[i])
      continue;
    if (e->sock[i].kind == AP_ECHO_NONE) {
      fprintf(stderr, "aping: cannot open an %s socket (%s): run as root, "
              "give aping the capability (setcap cap_net_raw+ep aping), or "
              "let your group use ICMP datagram sockets (sysctl "
              "net.ipv4.ping_group_range) (exit %d)\n", fam[i],
              uv_strerror(e->sock[i].err), EX_SYSTEM);
      return EX_SYSTEM;
    }
    if (verbose)
      fprintf(stderr, "aping: %s: %s socket\n", fam[i],
              ap_echo_kind_name(e->sock[i].kind));
  }
  return 0;
}

/* ---- the ping engine: ICMP echo, or ping(8) (-m exec) ---- */

/* How a run pings: with echo, or with ping(8) when exec is not NULL (-m
 * exec, or -m auto when a family has no socket). */
struct pinger {
  struct ap_echo *echo;
  struct ap_exec *exec;
};

static struct ap_engine *ping_engine(const struct pinger *p) {
  return p->exec != NULL ? &p->exec->base : &p->echo->base;
}

/* The scan's configuration.  -j bounds the probes in flight.  With exec,
 * ping's own -c does the repeats, so no retries and no count mode in the
 * scan; -j (or its default) bounds the children; and the scan waits longer
 * than a child can live, so that the engine gives every verdict. */
static void ping_cfg(const struct pinger *p, const struct opts *o,
                     struct ap_scan_cfg *cfg) {
  *cfg = o->cfg;
  if (o->jobs > 0)
    cfg->max_inflight = o->jobs;
  if (p->exec != NULL) {
    cfg->retries = 0;
    cfg->count = 0;
    cfg->max_inflight = p->exec->jobs;
    cfg->timeout_ms = ap_exec_timeout_ms(p->exec);
  }
}

/* Starts the engine's handles, once the scan is set up.  Returns 0 or a
 * UV_E* code. */
static int ping_start(const struct pinger *p, uv_loop_t *loop) {
  return p->exec != NULL ? 0 : ap_echo_start(p->echo, loop);
}

/* -m exec: says why ping(8) (path, when it was found) cannot be run. */
static void exec_error(const struct opts *o, int err, const char *path) {
  const char *cmd = path != NULL       ? path
                    : o->ping_command ? o->ping_command : "ping";

  if (err == UV_ENOENT && strchr(cmd, '/') == NULL)
    fprintf(stderr, "aping: cannot run ping(8): '%s' not found in PATH "
            "(exit %d)\n", cmd, EX_SYSTEM);
  else
    fprintf(stderr, "aping: cannot run ping(8) '%s': %s (exit %d)\n", cmd,
            uv_strerror(err), EX_SYSTEM);
}

/* Says why a scan ended with the UV_E* code err.  Returns EX_SYSTEM. */
static int ping_error(const struct pinger *p, const struct targets *t,
                      const struct opts *o, int err) {
  if (p->exec == NULL || p->exec->fatal == 0) {
    fprintf(stderr, "aping: %s\n", uv_strerror(err));
    return EX_SYSTEM;
  }
  /* -m auto came to ping(8) for want of a socket: say that first. */
  if (o->method == METHOD_AUTO)
    (void) check_sockets(p->echo, &t->set, 0);
  exec_error(o, p->exec->fatal, p->exec->path);
  return EX_SYSTEM;
}

/* -m auto: whether some family among the targets has no ICMP socket. */
static int socket_missing(const struct ap_echo *e, const struct ap_tset *s) {
  int need[2];

  families(s, &need[0], &need[1]);
  return (need[0] && e->sock[0].kind == AP_ECHO_NONE) ||
         (need[1] && e->sock[1].kind == AP_ECHO_NONE);
}

/* -m auto, -v: says which family had no socket, and why. */
static void say_fallback(const struct ap_echo *e, const struct ap_tset *s) {
  static const char *const fam[2] = { "ICMP", "ICMPv6" };
  int need[2], i;

  families(s, &need[0], &need[1]);
  for (i = 0; i < 2; i++)
    if (need[i] && e->sock[i].kind == AP_ECHO_NONE)
      fprintf(stderr, "aping: %s: no socket (%s): using ping(8)\n", fam[i],
              uv_strerror(e->sock[i].err));
}

/* -m exec, or -m auto without a socket: prepares the ping(8) engine.
 * Returns 0 or an exit status. */
static int use_exec(struct ap_exec *x, const struct ap_echo *echo,
                    const struct ap_tset *set, const struct opts *o,
                    uv_loop_t *loop) {
  struct ap_exec_cfg cfg;
  char desc[PATH_MAX * 2 + 200];
  int err;

  memset(&cfg, 0, sizeof(cfg));
  cfg.command = o->ping_command;
  cfg.count = o->cfg.count;
  cfg.timeout_ms = o->cfg.timeout_ms;
  cfg.jobs = o->jobs > 0 ? o->jobs : ap_exec_default_jobs();
  err = ap_exec_init(x, loop, &cfg);
  if (err != 0) {
    if (o->method == METHOD_AUTO)
      (void) check_sockets(echo, set, 0);
    exec_error(o, err, NULL);
    return EX_SYSTEM;
  }
  if (o->verbose && o->method == METHOD_AUTO)
    say_fallback(echo, set);
  if (o->verbose) {
    ap_exec_describe(x, desc, sizeof(desc));
    fprintf(stderr, "aping: method exec: %s\n", desc);
  }
  return 0;
}

/* What a run needs in one place, for the callbacks. */
struct run {
  struct ap_scan scan;
  struct ap_out out;
  const struct guard *guard; /* what stopped the run, if anything did */
  /* What the signal and deadline watchers and the progress line need of a
   * run, of pings alone or with service checks: the results it is to give,
   * those given so far, and how to stop it (returning whether it was still
   * under way). */
  uint64_t total;
  const uint64_t *ndone;
  int (*stop)(struct run *run);
  /* Output formats and unattended runs. */
  struct ap_atomic file;   /* -o FILE while it is written */
  struct ap_state state;   /* --state */
  struct ap_progress progress;
  int clear_progress;      /* progress and verdicts share a terminal */
};

/* Hands one target's result to the output, out of the progress line's
 * way. */
static void show_result(struct run *run, const struct ap_result *r) {
  ap_loopwatch_note(AP_LW_OUTPUT);
  if (run->clear_progress)
    ap_progress_clear(&run->progress);
  ap_out_result(&run->out, r);
}

static void verdict_cb(struct ap_scan *s, const struct ap_result *r) {
  show_result(ap_container_of(s, struct run, scan), r);
}

/* run->stop of a run of pings alone. */
static int scan_stop(struct run *run) {
  int was = !run->scan.closing;

  ap_scan_stop(&run->scan);
  return was;
}

/* g->stop of a run of pings or service checks. */
static int run_stop(void *ctx) {
  struct run *run = ctx;

  return run->stop(run);
}

/* Hands g over to a run that is about to start. */
static void guard_run(struct guard *g, struct run *run) {
  run->guard = g;
  g->stop = run_stop;
  g->ctx = run;
}

/* A SIGPIPE came: what is left to write has no reader, and nothing is
 * said about it (see finish()). */
static int stdout_broken;

/* Whether standard output is a pipe or socket whose reader has gone: a
 * SIGPIPE from anything else (a write to stderr, a peer of a service
 * check, kill -PIPE) is no reason to stop, and its write fails on its
 * own with EPIPE. */
static int stdout_gone(void) {
  struct pollfd p = { STDOUT_FILENO, POLLOUT, 0 };

  return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

static void signal_cb(uv_signal_t *h, int signum) {
  struct guard *g = h->data;

  ap_loopwatch_note(AP_LW_SIGNAL);
  if (signum == SIGPIPE && !stdout_gone())
    return;
  if (signum == SIGPIPE)
    stdout_broken = 1;
  /* A broken pipe after a stop (the unfinished targets written to a
   * reader gone meanwhile) does not hide what stopped the run. */
  if (signum != SIGPIPE || g->signum == 0)
    g->signum = signum;
  if (g->stop != NULL)
    g->stop(g->ctx);
}

static void deadline_cb(uv_timer_t *h) {
  struct guard *g = h->data;

  if (g->stop != NULL && g->stop(g->ctx))
    g->deadline_hit = 1;
}

/* Starts watching SIGINT, SIGTERM and the --deadline (counted from
 * aping's start). */
static void guard_start(struct guard *g, uv_loop_t *loop,
                        const struct opts *o) {
  static const int which[GUARD_NSIGS] = { SIGINT, SIGTERM, SIGPIPE };
  uint64_t spent = (uv_hrtime() - o->start_ns) / 1000000;
  int i;

  for (i = 0; i < GUARD_NSIGS; i++) {
    uv_signal_init(loop, &g->sig[i]);
    g->sig[i].data = g;
    uv_signal_start(&g->sig[i], signal_cb, which[i]);
    /* What runs, not a watcher, decides when the loop is done. */
    uv_unref((uv_handle_t *) &g->sig[i]);
  }
  if (o->deadline_ms > 0 && uv_timer_init(loop, &g->deadline) == 0) {
    g->deadline_on = 1;
    g->deadline.data = g;
    uv_timer_start(&g->deadline, deadline_cb,
                   spent < o->deadline_ms ? o->deadline_ms - spent : 0, 0);
    uv_unref((uv_handle_t *) &g->deadline);
  }
}

/* Closes the watchers.  With lookups abandoned the loop never runs out,
 * so it turns once: enough for the close callbacks. */
static void guard_close(struct guard *g, uv_loop_t *loop, int abandoned) {
  int i;

  for (i = 0; i < GUARD_NSIGS; i++)
    uv_close((uv_handle_t *) &g->sig[i], NULL);
  if (g->deadline_on)
    uv_close((uv_handle_t *) &g->deadline, NULL);
  g->deadline_on = 0;
  ap_loopwatch_run(loop, abandoned ? UV_RUN_NOWAIT : UV_RUN_DEFAULT);
}

static int guard_stopped(const struct guard *g) {
  return g->signum != 0 || g->deadline_hit;
}

/* ---- Output formats and unattended runs ---- */

/* Whether the Nagios status line is out (on stdout or in -o FILE). */
static int nagios_printed;

static int take_lock(const struct opts *o) {
  int err;

  if (o->lock == NULL)
    return 0;
  err = ap_lock_take(o->lock);
  if (err == UV_EBUSY) {
    fprintf(stderr, "aping: another run holds the lock '%s' (exit %d)\n",
            o->lock, EX_LOCKED);
    return EX_LOCKED;
  }
  if (err != 0) {
    fprintf(stderr, "aping: cannot lock '%s': %s (exit %d)\n", o->lock,
            strerror(-err), EX_SYSTEM);
    return EX_SYSTEM;
  }
  return 0;
}

/* An auto/always/never setting: auto is on when fd is a terminal. */
static int when_on(int when, int fd) {
  return when == WHEN_ALWAYS || (when == WHEN_AUTO && isatty(fd));
}

static int colour(const struct opts *o) {
  const char *no = getenv("NO_COLOR");

  if (o->format != AP_FORMAT_TEXT || o->color == WHEN_NEVER)
    return 0;
  if (o->color == WHEN_ALWAYS)
    return 1;
  return o->outfile == NULL && isatty(STDOUT_FILENO) &&
         (no == NULL || no[0] == '\0');
}

static void release_output(struct run *run) {
  ap_out_release(&run->out);
  ap_atomic_abort(&run->file);
  ap_state_release(&run->state);
}

/* Loads --state and begins its new file.  Returns 0 or an exit status. */
static int open_state(struct run *run, const char *path) {
  char why[160];
  int err;

  err = ap_state_load(&run->state, path, why, sizeof(why));
  if (err == UV_EINVAL) {
    fprintf(stderr, "aping: cannot use state file '%s': %s (exit %d)\n",
            path, why, EX_USAGE);
    return EX_USAGE;
  }
  if (err == 0)
    err = ap_state_begin(&run->state, path);
  if (err != 0) {
    fprintf(stderr, "aping: cannot use state file '%s': %s (exit %d)\n",
            path, strerror(-err), EX_SYSTEM);
    return EX_SYSTEM;
  }
  return 0;
}

/* Opens what the output goes to (-o, --state) and sets up the formatter.
 * Returns 0 or an exit status, after saying why. */
static int open_output(struct run *run, struct targets *t,
                       const struct opts *o) {
  FILE *f = stdout;
  int err = 0, rc = 0;

  if (o->state != NULL)
    rc = open_state(run, o->state);
  if (rc == 0 && o->outfile != NULL) {
    err = ap_atomic_open(&run->file, o->outfile);
    if (err != 0) {
      fprintf(stderr, "aping: cannot open '%s': %s (exit %d)\n", o->outfile,
              strerror(-err), EX_SYSTEM);
      rc = EX_SYSTEM;
    }
    f = run->file.f;
  }
  if (rc == 0) {
    ap_out_init(&run->out, f, o->show, &t->shown);
    run->out.count = o->cfg.count > 0;
    run->out.format = o->format;
    run->out.elapsed = o->elapsed;
    run->out.color = colour(o);
    run->out.state = o->state != NULL ? &run->state : NULL;
    run->out.nagios = o->nagios;
    run->out.nagios.services = o->ports.n > 0 || o->telnet_port != 0;
    err = ap_out_begin(&run->out);
    if (err != 0) {
      fprintf(stderr, "aping: cannot write output: %s (exit %d)\n",
              strerror(-err), EX_SYSTEM);
      rc = EX_SYSTEM;
    }
  }
  if (rc != 0)
    release_output(run);
  return rc;
}

static void progress_count_cb(struct ap_progress *p, uint64_t *done,
                              uint64_t *total, uint64_t *alive) {
  struct run *run = ap_container_of(p, struct run, progress);

  *done = *run->ndone;
  *total = run->total;
  *alive = run->out.alive;
}

/* Starts the progress display, which does not keep the loop alive. */
static void start_watchers(struct run *run, uv_loop_t *loop,
                           const struct opts *o) {
  if (when_on(o->progress, STDERR_FILENO) &&
      ap_progress_start(&run->progress, loop, stderr, progress_count_cb) == 0)
    run->clear_progress = o->outfile == NULL && isatty(STDOUT_FILENO);
}

/* Closes what start_watchers() started and lets the loop finish. */
static void stop_watchers(struct run *run, uv_loop_t *loop) {
  ap_progress_close(&run->progress);
  run->clear_progress = 0;
  ap_loopwatch_run(loop, UV_RUN_DEFAULT);
}

/* What ap_order_each_missing() needs to list a target that a stopped run
 * left without a verdict. */
struct unfinished {
  struct run *run;
  const struct ap_tset *set;
};

static void unfinished_cb(uint64_t idx, void *ctx) {
  const struct unfinished *u = ctx;
  struct ap_result r;

  memset(&r, 0, sizeof(r));
  r.idx = idx;
  r.verdict = AP_UNFINISHED;
  ap_tset_at(u->set, idx, &r.addr);
  ap_out_result(&u->run->out, &r);
}

/* Lists the targets a stopped scan left without a verdict, walking the
 * same order again. */
static void report_unfinished(struct run *run, const struct targets *t,
                              const struct opts *o, uint64_t seed) {
  struct unfinished u = { .run = run, .set = &t->set };
  struct ap_order again;

  ap_order_init(&again, t->set.count, o->random, seed, o->shard,
                o->nshards);
  ap_order_each_missing(&again, ap_scan_done(&run->scan),
                        ap_scan_missing(&run->scan), unfinished_cb, &u);
}

/* Ends the output and puts the files in place: -o first, the state only
 * once the output is there.  Returns 0 or an exit status. */
static int close_output(struct run *run, const struct targets *t,
                        const struct opts *o, uint64_t elapsed_ns) {
  const struct guard *g = run->guard;
  const char *stopped = g->signum == SIGINT    ? "SIGINT"
                        : g->signum == SIGTERM ? "SIGTERM"
                        : g->signum == SIGPIPE ? "SIGPIPE"
                        : g->deadline_hit      ? "deadline" : NULL;
  const char *what = o->outfile;
  int err;

  err = ap_out_end(&run->out, run->total + t->pending, t->unresolved,
                   elapsed_ns, stopped);
  if (err == 0 && o->outfile != NULL)
    err = ap_atomic_commit(&run->file);
  if (err == 0 && o->state != NULL) {
    what = o->state;
    err = ap_state_commit(&run->state);
  }
  if (err != 0) {
    fprintf(stderr, "aping: cannot write '%s': %s (exit %d)\n",
            what ? what : "standard output", strerror(-err), EX_SYSTEM);
    release_output(run);
    return EX_SYSTEM;
  }
  nagios_printed = o->format == AP_FORMAT_NAGIOS;
  release_output(run);
  return 0;
}

/* The exit status of a run that got to the end of its output. */
static int exit_status(const struct run *run, const struct targets *t,
                       const struct opts *o) {
  int signum = run->guard->signum;

  if (o->format == AP_FORMAT_NAGIOS)
    return signum != 0 ? AP_NAGIOS_UNKNOWN : run->out.status;
  if (signum != 0)
    return 128 + signum;
  if (run->out.unfinished > 0)
    return EX_DEADLINE;
  if (t->unresolved > 0)
    return EX_NONAME;
  if (o->state != NULL)
    return run->out.changed > 0 ? EX_CHANGED : EX_ALL_OK;
  if (o->have_min_ok)
    return run->out.ok >= o->min_ok ? EX_ALL_OK : EX_SOME_DOWN;
  return run->out.ok == run->total ? EX_ALL_OK : EX_SOME_DOWN;
}

/* With --format nagios every exit status is a plugin status, and standard
 * output always has a status line: an error before the line gets an
 * UNKNOWN line of its own. */
static int plugin_exit(int rc) {
  const char *why = rc == EX_NONAME   ? "no target name could be resolved"
                    : rc == EX_USAGE  ? "bad usage"
                    : rc == EX_LOCKED ? "another run holds the lock"
                                      : "system error";

  if (nagios_printed)
    return rc <= AP_NAGIOS_UNKNOWN ? rc : AP_NAGIOS_UNKNOWN;
  printf("APING UNKNOWN - %s (see standard error)\n", why);
  fflush(stdout);
  return AP_NAGIOS_UNKNOWN;
}

/* ---- end of output formats and unattended runs ---- */

/* -s -v: the ICMP engine's counters after the summary. */
static void show_counters(const struct pinger *p, const struct ap_scan *s,
                          const struct opts *o) {
  if (o->summary && o->verbose && p->exec == NULL)
    ap_echo_report(p->echo, s->retries, s->backoffs, stderr);
}

/* The random order's seed: --seed, else random bytes, else the clock. */
static uint64_t order_seed(const struct opts *o, uint64_t now) {
  uint64_t seed = o->seed;

  /* Shards of one sweep must share one order: without --seed they all
   * use seed 0 rather than each a random one. */
  if (o->have_seed || o->nshards > 1)
    return seed;
  if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
    seed = now;
  return seed;
}

/* Probes every target with p's engine.  Returns an exit status. */
static int probe(struct run *run, uv_loop_t *loop, struct targets *t,
                 const struct pinger *p, const struct opts *o,
                 struct guard *g) {
  struct ap_order order;
  struct ap_scan_cfg cfg;
  uint64_t start = uv_hrtime(), seed = order_seed(o, start);
  int err;

  ap_order_init(&order, t->set.count, o->random, seed, o->shard, o->nshards);
  err = open_output(run, t, o);
  if (err != 0)
    return err;
  ping_cfg(p, o, &cfg);
  err = ap_scan_init(&run->scan, loop, &t->set, &order, ping_engine(p),
                     &cfg, verdict_cb);
  if (err == 0)
    err = ping_start(p, loop);
  if (err == 0)
    err = ap_scan_start(&run->scan);
  if (err != 0) {
    fprintf(stderr, "aping: cannot start: %s\n", uv_strerror(err));
    release_output(run);
    return EX_SYSTEM;
  }
  run->total = run->scan.total;
  run->ndone = &run->scan.ndone;
  run->stop = scan_stop;
  guard_run(g, run);
  start_watchers(run, loop, o);
  ap_loopwatch_run(loop, UV_RUN_DEFAULT);
  g->stop = NULL;
  stop_watchers(run, loop);
  err = run->scan.status;
  if (err == UV_ECANCELED)
    report_unfinished(run, t, o, seed);
  fflush(stdout); /* the verdicts before the summary, on a shared tty */
  if (o->summary)
    ap_out_summary(&run->out, stderr, run->total, t->unresolved,
                   uv_hrtime() - start);
  show_counters(p, &run->scan, o);
  ap_scan_release(&run->scan);
  if (err != 0 && err != UV_ECANCELED) {
    release_output(run);
    return ping_error(p, t, o, err);
  }
  err = close_output(run, t, o, uv_hrtime() - start);
  return err != 0 ? err : exit_status(run, t, o);
}

/* A run with service checks: the ping scan (unless -m none) and the
 * checks side by side, the combiner between them and the output. */
struct svc_run {
  struct run base; /* the scan, the output and the watchers */
  struct ap_svc svc;
  struct ap_combine comb;
  struct ap_cgate gate;
  struct ap_order order;     /* the scan's */
  struct ap_order svc_order; /* the same order, for the checks */
  struct ap_svc_check *checks;
  size_t nchecks;
  struct pinger ping;
  int pinging;
  int oom;
};

static void svc_run_stop(struct svc_run *sr) {
  if (sr->pinging)
    ap_scan_stop(&sr->base.scan);
  ap_svc_stop(&sr->svc);
}

/* run->stop of a run with service checks. */
static int svc_stop(struct run *run) {
  struct svc_run *sr = ap_container_of(run, struct svc_run, base);
  int was = !sr->svc.closing || (sr->pinging && !run->scan.closing);

  svc_run_stop(sr);
  return was;
}

static void ping_cb(struct ap_scan *s, const struct ap_result *r) {
  struct svc_run *sr = ap_container_of(s, struct svc_run, base.scan);

  if (ap_combine_ping(&sr->comb, r) != 0) {
    sr->oom = 1;
    svc_run_stop(sr);
  }
}

static void emit_cb(struct ap_combine *c, const struct ap_result *r) {
  struct svc_run *sr = ap_container_of(c, struct svc_run, comb);

  show_result(&sr->base, r);
}

/* The checks of every target, in --tcp order, then --telnet's port unless
 * --tcp has it (then that check speaks Telnet).  Returns 0 or -1. */
static int build_checks(struct svc_run *sr, const struct opts *o) {
  size_t i, n = o->ports.n;

  sr->checks = calloc(n + 1, sizeof(*sr->checks));
  if (sr->checks == NULL)
    return -1;
  for (i = 0; i < n; i++) {
    sr->checks[i].port = o->ports.v[i];
    sr->checks[i].mode = o->banner ? AP_TCP_BANNER : AP_TCP_CONNECT;
    if (o->ports.v[i] == o->telnet_port)
      sr->checks[i].mode = AP_TCP_TELNET;
  }
  if (o->telnet_port != 0 && ap_ports_find(&o->ports, o->telnet_port) < 0) {
    sr->checks[n].port = o->telnet_port;
    sr->checks[n++].mode = AP_TCP_TELNET;
  }
  sr->nchecks = n;
  return 0;
}

/* A check takes at most as long as a silent target's pings: -t, and the
 * wait of each retry. */
static uint64_t check_timeout(const struct opts *o) {
  double wait = (double) o->cfg.timeout_ms, all = 0;
  unsigned k;

  for (k = 0; k <= o->cfg.retries; k++, wait *= o->cfg.backoff)
    all += wait;
  return all > 86400000.0 ? 86400000 : (uint64_t) all;
}

/* The ping scan ended.  If it failed (ping(8) cannot be run, a socket
 * error), the checks stop too: their targets would wait for ping verdicts
 * that never come. */
static void gate_closed_cb(struct ap_cgate *g) {
  struct svc_run *sr = ap_container_of(g, struct svc_run, gate);
  int err = sr->base.scan.status;

  if (err != 0 && err != UV_ECANCELED)
    ap_svc_stop(&sr->svc);
}

/* Sets up the checks and, unless -m none, the ping scan behind its gate.
 * Returns 0 or a UV_E* code. */
static int svc_run_init(struct svc_run *sr, uv_loop_t *loop,
                        const struct targets *t, const struct opts *o) {
  unsigned conns = o->jobs > 0 ? o->jobs : DEFAULT_CONNS;
  struct ap_scan_cfg scfg;
  struct ap_svc_cfg cfg;
  int err;

  memset(&cfg, 0, sizeof(cfg));
  cfg.checks = sr->checks;
  cfg.nchecks = sr->nchecks;
  cfg.tcp.timeout_ms = check_timeout(o);
  cfg.tcp.idle_ms = BANNER_IDLE_MS;
  cfg.tcp.cap = o->banner_bytes;
  cfg.expect = o->have_expect ? &o->expect : NULL;
  cfg.max_conns = conns;
  cfg.fd_reserve = sr->ping.exec != NULL ? ap_exec_fds(sr->ping.exec) : 0;
  cfg.rate = o->cfg.rate;
  cfg.ahead_limit = sr->pinging ? CHECKS_AHEAD + conns : 0;
  ap_combine_init(&sr->comb, sr->nchecks, sr->pinging, o->any, emit_cb);
  err = ap_combine_track(&sr->comb, t->set.count);
  if (err == 0)
    err = ap_svc_init(&sr->svc, loop, &t->set, &sr->svc_order, &sr->comb,
                      &cfg);
  if (err != 0 || !sr->pinging)
    return err;
  ap_cgate_init(&sr->gate, ping_engine(&sr->ping), &sr->comb,
                CHECKS_AHEAD + conns);
  sr->gate.closed_cb = gate_closed_cb;
  ping_cfg(&sr->ping, o, &scfg);
  err = ap_scan_init(&sr->base.scan, loop, &t->set, &sr->order,
                     &sr->gate.base, &scfg, ping_cb);
  if (err != 0)
    return err;
  ap_cgate_attach(&sr->gate);
  return ping_start(&sr->ping, loop);
}

/* How the pings and the checks ended: 0, UV_ECANCELED (stopped), or the
 * UV_E* code of what failed. */
static int svc_run_error(const struct svc_run *sr) {
  int err = sr->svc.status;

  if (sr->pinging && (err == 0 || err == UV_ECANCELED) &&
      sr->base.scan.status != 0)
    err = sr->base.scan.status;
  if (sr->oom)
    err = UV_ENOMEM;
  return err;
}

/* After the loop of a run with service checks: the targets it left
 * without a result (walking the same order again), the summary and the
 * end of the output.  Returns an exit status. */
static int svc_run_end(struct svc_run *sr, const struct targets *t,
                       const struct opts *o, uint64_t seed, uint64_t start) {
  struct run *run = &sr->base;
  struct unfinished u = { .run = run, .set = &t->set };
  struct ap_order again;
  uint64_t emitted = ap_combine_emitted(&sr->comb);
  int err = svc_run_error(sr);

  if (err == UV_ECANCELED && ap_combine_done(&sr->comb) != NULL) {
    ap_order_init(&again, t->set.count, o->random, seed, o->shard,
                  o->nshards);
    ap_order_each_missing(&again, ap_combine_done(&sr->comb),
                          again.left > emitted ? again.left - emitted : 0,
                          unfinished_cb, &u);
  }
  fflush(stdout); /* the verdicts before the summary, on a shared tty */
  if (o->summary)
    ap_out_summary(&run->out, stderr, run->total, t->unresolved,
                   uv_hrtime() - start);
  if (sr->pinging) {
    show_counters(&sr->ping, &run->scan, o);
    ap_scan_release(&run->scan);
  }
  ap_combine_release(&sr->comb);
  free(sr->checks);
  if (err != 0 && err != UV_ECANCELED) {
    release_output(run);
    return ping_error(&sr->ping, t, o, err);
  }
  err = close_output(run, t, o, uv_hrtime() - start);
  return err != 0 ? err : exit_status(run, t, o);
}

/* Pings with p's engine (unless -m none) and checks the services of every
 * target.  Returns an exit status. */
static int probe_services(uv_loop_t *loop, struct targets *t,
                          const struct pinger *p, const struct opts *o,
                          struct guard *g) {
  static struct svc_run sr;
  struct run *run = &sr.base;
  uint64_t start = uv_hrtime(), seed = order_seed(o, start);
  int err;

  sr.ping = *p;
  sr.pinging = o->method != METHOD_NONE;
  ap_order_init(&sr.order, t->set.count, o->random, seed, o->shard,
                o->nshards);
  sr.svc_order = sr.order;
  run->total = sr.order.left;
  run->ndone = &sr.comb.emitted;
  run->stop = svc_stop;
  err = open_output(run, t, o);
  if (err != 0)
    return err;
  err = build_checks(&sr, o) != 0 ? UV_ENOMEM
                                  : svc_run_init(&sr, loop, t, o);
  if (err == 0 && sr.pinging)
    err = ap_scan_start(&run->scan);
  if (err == 0)
    err = ap_svc_start(&sr.svc);
  if (err != 0) {
    fprintf(stderr, "aping: cannot start: %s\n", uv_strerror(err));
    release_output(run);
    return EX_SYSTEM;
  }
  if (o->verbose)
    fprintf(stderr, "aping: TCP: at most %u connections at once\n",
            sr.svc.cfg.max_conns);
  guard_run(g, run);
  start_watchers(run, loop, o);
  ap_loopwatch_run(loop, UV_RUN_DEFAULT);
  g->stop = NULL;
  stop_watchers(run, loop);
  return svc_run_end(&sr, t, o, seed, start);
}

static void release_targets(struct targets *t) {
  size_t i;

  for (i = 0; i < t->nnames; i++)
    free(t->names[i]);
  free(t->names);
  ap_tset_release(&t->set);
  ap_tset_release(&t->excl);
  ap_names_release(&t->shown);
}

/* After a stop while names were still resolving nothing is probed: every
 * target is unfinished, and so is every name still unanswered, shown by
 * name without an address.  Returns an exit status. */
static int report_stopped(struct run *run, struct targets *t,
                          const struct opts *o, struct guard *g) {
  struct ap_order order;
  struct ap_result r;
  uint64_t idx;
  size_t i;
  int err;

  ap_order_init(&order, t->set.count, o->random,
                order_seed(o, uv_hrtime()), o->shard, o->nshards);
  run->guard = g;
  run->total = order.left;
  err = open_output(run, t, o);
  if (err != 0)
    return err;
  while (ap_order_next(&order, &idx)) {
    memset(&r, 0, sizeof(r));
    r.idx = idx;
    r.verdict = AP_UNFINISHED;
    ap_tset_at(&t->set, idx, &r.addr);
    ap_out_result(&run->out, &r);
  }
  for (i = 0; i < t->nnames; i++)
    if (!ap_resolve_answered(&t->res, i))
      ap_out_unfinished_name(&run->out, t->names[i]);
  fflush(stdout); /* the verdicts before the summary, on a shared tty */
  if (o->summary)
    ap_out_summary(&run->out, stderr, run->total + t->pending,
                   t->unresolved, uv_hrtime() - o->start_ns);
  err = close_output(run, t, o, uv_hrtime() - o->start_ns);
  return err != 0 ? err : exit_status(run, t, o);
}

/* Checks what there is to probe, chooses how to ping, and probes it. */
static int probe_all(struct run *run, struct targets *t,
                     struct ap_echo *echo, const struct opts *o,
                     uv_loop_t *loop, struct guard *g) {
  static struct ap_exec exec;
  struct pinger p = { echo, NULL };
  int rc = 0, v4, v6;

  if (t->set.count == 0) {
    if (t->unresolved > 0)
      return EX_NONAME;
    fprintf(stderr, "aping: no targets left to probe (exit %d)\n", EX_USAGE);
    return EX_USAGE;
  }
  if (o->method == METHOD_EXEC ||
      (o->method == METHOD_AUTO && socket_missing(echo, &t->set))) {
    p.exec = &exec;
    rc = use_exec(&exec, echo, &t->set, o, loop);
  } else if ((rc = ap_priv_seal()) != 0) {
    /* No child will be spawned: no_new_privs, if the drop left it off. */
    fprintf(stderr, "aping: cannot set no_new_privs: %s (exit %d)\n",
            uv_strerror(rc), EX_SYSTEM);
    rc = EX_SYSTEM;
  } else if (o->method != METHOD_NONE) {
    rc = check_sockets(echo, &t->set, o->verbose);
    families(&t->set, &v4, &v6);
    ap_echo_keep(echo, v4, v6);
  }
  if (rc == 0 && (o->ports.n > 0 || o->telnet_port != 0))
    rc = probe_services(loop, t, &p, o, g);
  else if (rc == 0)
    rc = probe(run, loop, t, &p, o, g);
  if (p.exec != NULL)
    ap_exec_release(&exec);
  return rc;
}

/* Gathers the targets, resolves their names and probes them, stopping
 * early on SIGINT, SIGTERM or the --deadline.  Returns an exit status. */
static int run_targets(struct targets *t, struct ap_echo *echo,
                       const struct opts *o, uv_loop_t *loop) {
  static struct guard g;
  static struct run run;
  int rc;

  rc = take_lock(o);
  if (rc == 0)
    rc = collect(t, o);
  if (rc != 0)
    return rc;
  guard_start(&g, loop, o);
  rc = resolve(t, loop, &g);
  if (rc == 0)
    rc = finish_set(t);
  if (rc == 0 && guard_stopped(&g))
    rc = report_stopped(&run, t, o, &g);
  else if (rc == 0)
    rc = probe_all(&run, t, echo, o, loop, &g);
  guard_close(&g, loop, ap_resolve_abandoned(&t->res));
  return rc;
}

/* Flushes standard output and gives the exit status: with --format
 * nagios, the plugin's.  After a SIGPIPE the output has no reader: as a
 * filter that is killed by SIGPIPE would, aping ends quietly with 141
 * (128 + SIGPIPE), its stop status. */
static int finish(int rc, const struct opts *o) {
  if (stdout_broken) {
    (void) fflush(stdout);
    return 128 + SIGPIPE;
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "aping: cannot write output: %s\n", strerror(errno));
    rc = EX_SYSTEM;
  }
  return o->format == AP_FORMAT_NAGIOS ? plugin_exit(rc) : rc;
}

/* Whether ping(8) may be spawned: -m exec, or -m auto with a family that
 * has no socket.  Then no_new_privs waits (priv.h) until probe_all() knows
 * which engine runs. */
static int may_spawn(const struct ap_echo *e, const struct opts *o) {
  if (o->method != METHOD_AUTO)
    return o->method == METHOD_EXEC;
  return (o->family != 6 && e->sock[0].kind == AP_ECHO_NONE) ||
         (o->family != 4 && e->sock[1].kind == AP_ECHO_NONE);
}

int main(int argc, char **argv) {
  static struct ap_echo echo;
  struct targets t;
  struct opts o;
  uv_loop_t loop;
  uint8_t key[16];
  int rc, err, ping;

  parse_opts(&o, argc, argv);
  if (getrandom(key, sizeof(key), 0) != sizeof(key)) {
    fprintf(stderr, "aping: cannot get random bytes: %s\n", strerror(errno));
    return EX_SYSTEM;
  }
  /* -m exec and -m none open no socket. */
  ping = o.method != METHOD_EXEC && o.method != METHOD_NONE;
  ap_echo_open(&echo, ping && o.family != 6, ping && o.family != 4, key);
  err = ap_priv_drop(may_spawn(&echo, &o));
  if (err != 0) {
    fprintf(stderr, "aping: cannot drop privileges: %s\n", uv_strerror(err));
    return EX_SYSTEM;
  }
  if (uv_loop_init(&loop) != 0) {
    fprintf(stderr, "aping: cannot start the event loop\n");
    return EX_SYSTEM;
  }
  /* -vv: a loop turn this long is a blocking call to find (loopwatch.h). */
  if (o.verbose >= 2 && ap_loopwatch_start(&loop, LOOP_TURN_MS, stderr) != 0)
    fprintf(stderr, "aping: warning: cannot watch the event loop\n");
  memset(&t, 0, sizeof(t));
  t.o = &o;
  rc = run_targets(&t, &echo, &o, &loop);
  /* Lookups a stop abandoned still use the names and the loop, and exit()
   * would wait for them (libuv joins its pool's threads): end now. */
  if (ap_resolve_abandoned(&t.res)) {
    rc = finish(rc, &o);
    fflush(stderr);
    _exit(rc);
  }
  ap_loopwatch_stop();
  uv_run(&loop, UV_RUN_NOWAIT); /* its close callback */
  ap_echo_discard(&echo);
  release_targets(&t);
  free(o.files);
  free(o.excl);
  free(o.exfiles);
  ap_ports_release(&o.ports);
  if (o.have_expect)
    regfree(&o.expect);
  if (uv_loop_close(&loop) != 0)
    fprintf(stderr, "aping: warning: event loop not closed cleanly\n");
  return finish(rc, &o);
}
