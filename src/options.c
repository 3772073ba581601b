/* options.c - see options.h. */
#include "options.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "httpd.h"
#include "output.h"
#include "vec.h"

#define CFG(field) offsetof(struct ap_config, field)

static int opt_interval(struct ap_config *c, const struct ap_opt *o,
                        const char *arg, char *err, size_t len);
static int opt_shard(struct ap_config *c, const struct ap_opt *o,
                     const char *arg, char *err, size_t len);
static int opt_tcp(struct ap_config *c, const struct ap_opt *o,
                   const char *arg, char *err, size_t len);
static int opt_tcp_ping(struct ap_config *c, const struct ap_opt *o,
                        const char *arg, char *err, size_t len);
static int opt_telnet(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len);
static int opt_expect(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len);
static int opt_outfile(struct ap_config *c, const struct ap_opt *o,
                       const char *arg, char *err, size_t len);
static int opt_threshold(struct ap_config *c, const struct ap_opt *o,
                         const char *arg, char *err, size_t len);
static int opt_deadline(struct ap_config *c, const struct ap_opt *o,
                        const char *arg, char *err, size_t len);
static int opt_command(struct ap_config *c, const struct ap_opt *o,
                       const char *arg, char *err, size_t len);
static int opt_squiet(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len);
static int opt_listen(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len);
static int opt_buckets(struct ap_config *c, const struct ap_opt *o,
                       const char *arg, char *err, size_t len);
static int opt_vcount(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len);
static int opt_hostlim(struct ap_config *c, const struct ap_opt *o,
                       const char *arg, char *err, size_t len);
static int opt_pkt(struct ap_config *c, const struct ap_opt *o,
                   const char *arg, char *err, size_t len);

/* In the order of enum ap_method, enum ap_format and enum ap_when. */
static const char *const methods[] = { "auto", "icmp", "exec", "none", NULL };
static const char *const formats[] = { "text", "json", "csv", "prom",
                                       "nagios", NULL };
static const char *const whens[] = { "auto", "always", "never", NULL };
static const char *const orders[] = { "random", "sequential", NULL };

/* The options, in the order --help lists them. */
static const struct ap_opt options[] = {
  /* Targets */
  { .letter = 'f', .alias = "file", .kind = AP_OPT_LIST, .meta = "file",
    .dest = CFG(intake.files), .group = "Targets",
    .help = "read targets from FILE, one or more per line ('-' is standard "
            "input, '#' starts a comment)" },
  { .name = "exclude", .kind = AP_OPT_LIST, .meta = "target",
    .dest = CFG(intake.excl),
    .help = "never probe TARGET (an address, block or range)" },
  { .name = "exclude-file", .kind = AP_OPT_LIST, .meta = "file",
    .dest = CFG(intake.exfiles),
    .help = "never probe the targets listed in FILE" },
  { .letter = '4', .alias = "ipv4", .kind = AP_OPT_SET, .val = 4,
    .dest = CFG(intake.family),
    .help = "probe only IPv4 targets" },
  { .letter = '6', .alias = "ipv6", .kind = AP_OPT_SET, .val = 6,
    .dest = CFG(intake.family),
    .help = "probe only IPv6 targets" },
  { .name = "all-addresses", .alias = "all", .kind = AP_OPT_SET, .val = 1,
    .dest = CFG(intake.all_addresses),
    .help = "probe every address a host name resolves to (of the families "
            "allowed), each shown as NAME (ADDRESS); without it, the first "
            "address only" },
  { .name = "max-targets", .kind = AP_OPT_UINT, .meta = "n", .size = 8,
    .dest = CFG(intake.max_targets), .min = 1, .max = UINT64_MAX,
    .help = "refuse to probe more than N addresses (default 16777216)" },
  /* Method */
  { .letter = 'm', .kind = AP_OPT_WORD, .meta = "method", .words = methods,
    .dest = CFG(ping.method), .group = "Method",
    .help = "icmp: a raw ICMP socket if permitted, else an ICMP datagram "
            "socket; exec: run ping(8) per target; auto (default): icmp if "
            "a socket can be opened, else exec\n-m none: no ping, only the "
            "service checks below" },
  { .name = "ping-command", .kind = AP_OPT_FN, .fn = opt_command,
    .meta = "path",
    .help = "with exec (or auto without a socket), run PATH instead of ping "
            "from PATH; an error with -m icmp, -m none, -l or -C, which "
            "never run it" },
  { .name = "tcp-ping", .kind = AP_OPT_FN, .fn = opt_tcp_ping,
    .meta = "ports",
    .help = "also connect to these ports: a target that accepts or refuses "
            "a connection is alive, even if it drops ICMP (the verdict "
            "says which port showed it)" },
  /* Packets */
  { .name = "src", .letter = 'S', .kind = AP_OPT_FN, .fn = opt_pkt,
    .meta = "addr", .group = "Packets",
    .help = "send from source address ADDR (once per family), also for "
            "--tcp and --telnet" },
  { .name = "iface", .letter = 'I', .kind = AP_OPT_FN, .fn = opt_pkt,
    .meta = "iface", .once = 1,
    .help = "send through interface IFACE only (SO_BINDTODEVICE), also for "
            "--tcp and --telnet" },
  { .name = "size", .letter = 'b', .kind = AP_OPT_UINT, .meta = "bytes",
    .size = sizeof(size_t), .dest = CFG(ping.pkt.size), .min = 24,
    .max = AP_PKT_SIZE_MAX,
    .help = "echo request payload of BYTES bytes, from 24 (the MAC and send "
            "time) to 65507 (default 24)" },
  { .name = "ttl", .letter = 'H', .kind = AP_OPT_UINT, .meta = "n",
    .size = sizeof(int), .dest = CFG(ping.pkt.ttl), .min = 1, .max = 255,
    .help = "set the echo requests' TTL (IPv6: hop limit) to N; a router "
            "that drops one says time exceeded" },
  { .name = "tos", .letter = 'O', .kind = AP_OPT_FN, .fn = opt_pkt,
    .meta = "n",
    .help = "set the echo requests' type of service (IPv6: traffic class) "
            "byte to N, 0 to 255 or 0x0 to 0xff (DSCP times 4)" },
  { .name = "df", .letter = 'M', .kind = AP_OPT_SET, .val = 1,
    .dest = CFG(ping.pkt.df),
    .help = "don't fragment: a request over the path's MTU fails with "
            "\"Message too long\"" },
  { .name = "fwmark", .kind = AP_OPT_FN, .fn = opt_pkt, .meta = "n",
    .help = "mark the echo requests with N (SO_MARK, for policy routing; "
            "needs CAP_NET_ADMIN)" },
  /* Services */
  { .name = "tcp", .kind = AP_OPT_FN, .fn = opt_tcp, .meta = "ports",
    .group = "Services",
    .help = "connect to these ports (22 or 22,80,443 or 8000-8010): open, "
            "closed, filtered or error; a port passes when it is open" },
  { .name = "banner", .kind = AP_OPT_SET, .val = 1, .dest = CFG(svc.banner),
    .help = "also read what each --tcp port says first" },
  { .name = "banner-bytes", .kind = AP_OPT_UINT, .meta = "n",
    .size = sizeof(size_t), .dest = CFG(svc.banner_bytes), .min = 1,
    .max = 65536, .help = "read at most N bytes of a banner (default 1024)" },
  { .name = "telnet", .kind = AP_OPT_FN, .fn = opt_telnet, .meta = "port",
    .optional = 1, .min = 1, .max = 65535,
    .help = "read the Telnet banner of PORT (default 23), refusing every "
            "option the server asks for" },
  { .name = "expect", .kind = AP_OPT_FN, .fn = opt_expect, .meta = "regex",
    .once = 1,
    .help = "a banner passes only if it matches REGEX (POSIX extended)" },
  { .name = "any", .kind = AP_OPT_SET, .val = 1, .dest = CFG(svc.any),
    .help = "a target is OK when one of its checks passes (default: all; "
            "the ping is a check)" },
  /* Timing */
  { .letter = 't', .alias = "timeout", .kind = AP_OPT_UINT, .meta = "ms",
    .size = 8, .dest = CFG(scan.timeout_ms), .min = 1, .max = 3600000,
    .group = "Timing",
    .help = "wait MS ms for the first reply (default 500; with -p, the "
            "smaller of 500 and -p)" },
  { .letter = 'r', .alias = "retry", .kind = AP_OPT_UINT, .meta = "retries",
    .size = sizeof(unsigned), .dest = CFG(scan.retries), .max = 20,
    .help = "probe a silent target RETRIES more times (default 1); with "
            "-c or -C a warning: ignored" },
  { .letter = 'c', .alias = "count", .kind = AP_OPT_UINT, .meta = "count",
    .size = sizeof(unsigned), .dest = CFG(scan.count), .min = 1,
    .max = 100000,
    .help = "send COUNT probes to every target, -p ms apart (exec: ping -c "
            "COUNT), and print loss and min/avg/max round trip (no -r); "
            "alive if any is answered; not with -m none" },
  { .letter = 'C', .alias = "vcount", .kind = AP_OPT_FN, .fn = opt_vcount,
    .meta = "count", .min = 1, .max = 10000,
    .help = "as -c, and also print each target's round-trip times on "
            "standard error as fping -C does, with -q too: 'HOST : 0.041 - "
            "0.038' ('-': no reply)" },
  { .letter = 'p', .name = "period", .kind = AP_OPT_UINT, .meta = "ms",
    .size = 8, .dest = CFG(loop.period_ms), .min = 10, .max = 3600000,
    .help = "with -c or -C, the time between two probes of a target "
            "(default: -t); with -l, probe each target every MS ms (default "
            "1000), the targets' probes spread over the period" },
  { .letter = 'B', .alias = "backoff", .kind = AP_OPT_REAL, .meta = "factor",
    .dest = CFG(scan.backoff), .rmin = 1, .rmax = 10,
    .help = "multiply the wait by FACTOR for each retry (default 2); with "
            "-c, -C or -r 0 a warning: ignored" },
  { .name = "rate", .kind = AP_OPT_REAL, .meta = "pps", .once = 1,
    .dest = CFG(scan.rate), .rmin = 0, .rmax = 1e9,
    .help = "send at most PPS probes a second, 0 for no limit (default "
            "10000)" },
  { .letter = 'i', .alias = "interval", .kind = AP_OPT_FN, .fn = opt_interval,
    .meta = "ms",
    .once = 1,
    .help = "wait MS ms between probes (same as --rate 1000/MS; 0 for no "
            "limit)" },
  { .letter = 'j', .kind = AP_OPT_UINT, .meta = "n",
    .size = sizeof(unsigned), .dest = CFG(ping.jobs), .min = 1,
    .max = 65536,
    .help = "at most N probes in flight at once: ping(8) processes with "
            "exec (default 256, or fewer so that they use at most a quarter "
            "of the open-file limit), TCP connections for service checks "
            "(default 256), ICMP echo requests (default: no limit)" },
  { .name = "threads", .kind = AP_OPT_UINT, .meta = "n",
    .size = sizeof(unsigned), .dest = CFG(ping.threads), .min = 1,
    .max = 64,
    .help = "sweep with N event loops on N threads, each with its own "
            "sockets, share of the targets and share of --rate and -j "
            "(default: one per usable core, at most 8, and only as many as "
            "pay: a loop per 1024 targets and per 50000/s of --rate); only "
            "the ICMP echo sweep: ping(8), service checks, -n, -d and -l "
            "run on one loop (with them: a warning); 1: one loop" },
  /* Order */
  { .name = "order", .kind = AP_OPT_WORD, .meta = "order", .words = orders,
    .dest = CFG(order.sequential), .group = "Order",
    .help = "probe in a random permutation (default) or in address order" },
  { .name = "seed", .kind = AP_OPT_UINT, .meta = "n", .size = 8,
    .dest = CFG(order.seed), .max = UINT64_MAX,
    .help = "make the random order reproducible (with --order sequential "
            "a warning: ignored)" },
  { .name = "shard", .kind = AP_OPT_FN, .fn = opt_shard, .meta = "i/n",
    .help = "probe only slice I of N of the order (shards share one order: "
            "the --seed, by default 0)" },
  /* Output */
  { .letter = 'a', .alias = "alive", .kind = AP_OPT_SET, .val = AP_SHOW_ALIVE,
    .dest = CFG(out.show), .group = "Output",
    .help = "print only alive targets, one per line (with --format nagios "
            "a warning: ignored)" },
  { .letter = 'u', .alias = "unreach", .kind = AP_OPT_SET,
    .val = AP_SHOW_UNREACH,
    .dest = CFG(out.show),
    .help = "print only unreachable targets, one per line (with --format "
            "nagios a warning: ignored)" },
  { .letter = 'q', .alias = "quiet", .kind = AP_OPT_SET, .val = AP_SHOW_NONE,
    .dest = CFG(out.show),
    .help = "print no verdicts, only set the exit status (-C still prints "
            "its lines; with --format nagios a warning: ignored)" },
  { .letter = 's', .alias = "stats", .kind = AP_OPT_SET, .val = 1,
    .dest = CFG(run.summary),
    .help = "print a summary to standard error, with RTT percentiles and a "
            "histogram" },
  { .letter = 'e', .alias = "elapsed", .kind = AP_OPT_SET, .val = 1,
    .dest = CFG(out.elapsed),
    .help = "with -a, show each target's round-trip time (otherwise a "
            "warning: ignored)" },
  { .name = "addr", .letter = 'A', .kind = AP_OPT_SET, .val = 1,
    .dest = CFG(out.by_addr),
    .help = "show targets by address, also those given by name (with -d or "
            "-n: NAME (ADDRESS)); JSON and CSV keep both (with them a "
            "warning: ignored)" },
  { .name = "rdns", .letter = 'd', .kind = AP_OPT_SET, .val = AP_RDNS_ALL,
    .dest = CFG(out.rdns),
    .help = "show targets by the name their address resolves back to, also "
            "those given by name; a verdict waits at most 1 s for it, else "
            "shows the address (or the name given)" },
  { .name = "name", .letter = 'n', .kind = AP_OPT_SET, .val = AP_RDNS_ADDRS,
    .dest = CFG(out.rdns),
    .help = "the same for targets given as addresses only: a name given "
            "stays" },
  { .name = "print-ttl", .kind = AP_OPT_SET, .val = 1,
    .dest = CFG(out.print_ttl),
    .help = "show the TTL (IPv6: hop limit) of each reply: (TTL 64); "
            "text only (json and csv always have it; otherwise a warning)" },
  { .letter = 'v', .kind = AP_OPT_COUNT, .dest = CFG(run.verbose),
    .help = "say which probing method was chosen; with -s, the ICMP "
            "engine's counters too; given twice, also report each loop turn "
            "busy for 100 ms or more" },
  { .name = "version", .letter = 'V', .kind = AP_OPT_VERSION,
    .help = "print the version" },
  { .name = "help", .letter = 'h', .kind = AP_OPT_HELP,
    .help = "print this help" },
  { .name = "format", .kind = AP_OPT_WORD, .meta = "format",
    .words = formats, .dest = CFG(out.format),
    .help = "text (default), JSON lines, CSV, Prometheus text format, or a "
            "monitoring-plugin status line" },
  { .letter = 'o', .kind = AP_OPT_FN, .fn = opt_outfile, .meta = "file",
    .help = "write the output to FILE, replaced atomically (a link in a "
            "sticky directory only if yours or the directory owner's; "
            "/dev/stdout and a FIFO written as they are)" },
  { .name = "color", .kind = AP_OPT_WORD, .meta = "when", .words = whens,
    .dest = CFG(out.color),
    .help = "colour text verdicts (auto: on a terminal, unless NO_COLOR is "
            "set; always with another format: a warning, ignored)" },
  { .name = "progress", .kind = AP_OPT_WORD, .meta = "when", .words = whens,
    .dest = CFG(run.progress),
    .help = "show progress on standard error (auto: when it is a "
            "terminal)" },
  { .name = "warn", .kind = AP_OPT_FN, .fn = opt_threshold, .meta = "n[%]",
    .dest = CFG(out.nagios.warn),
    .help = "nagios: WARNING when more than N (N%) fail" },
  { .name = "crit", .kind = AP_OPT_FN, .fn = opt_threshold, .meta = "n[%]",
    .dest = CFG(out.nagios.crit),
    .help = "nagios: CRITICAL when more than N (N%) fail (default: CRITICAL "
            "when any fails, unless --warn)" },
  { .name = "rta", .kind = AP_OPT_FN, .fn = opt_hostlim, .meta = "warn,crit",
    .val = 0,
    .help = "nagios, as check_icmp: each target is WARNING or CRITICAL when "
            "its round-trip average reaches WARN or CRIT ms, or it has no "
            "reply; the worst target decides (implies -c 5)" },
  { .name = "pl", .kind = AP_OPT_FN, .fn = opt_hostlim, .meta = "warn,crit",
    .val = 1,
    .help = "nagios, as check_icmp: the same for each target's packet loss, "
            "WARN and CRIT in percent (such as 40,80)" },
  /* Unattended runs */
  { .letter = 'x', .kind = AP_OPT_UINT, .meta = "n", .size = 8,
    .dest = CFG(run.min_ok), .min = 1, .max = UINT64_MAX,
    .group = "Unattended runs",
    .help = "exit 0 when at least N targets are OK" },
  { .name = "state", .kind = AP_OPT_STR, .meta = "file",
    .dest = CFG(out.state),
    .help = "remember each target's status in FILE; list only the targets "
            "whose status changed since the last run, and exit 5 when any "
            "did, else 0" },
  { .name = "deadline", .kind = AP_OPT_FN, .fn = opt_deadline, .meta = "s",
    .help = "stop after S seconds, reading target files included; "
            "unfinished targets are listed as such, exit 7" },
  { .name = "lock", .kind = AP_OPT_STR, .meta = "file", .dest = CFG(run.lock),
    .help = "hold an flock on FILE (your own regular file, created 0600, "
            "no link); exit 6 if another run holds it" },
  /* Continuous monitoring */
  { .name = "loop", .letter = 'l', .kind = AP_OPT_SET, .val = 1,
    .dest = CFG(loop.on), .group = "Continuous monitoring",
    .help = "probe every target again every period until stopped (SIGINT, "
            "SIGTERM, --deadline), with a line per reply and per timeout; "
            "at the end, each target's totals as with -c" },
  { .name = "timestamp", .letter = 'D', .kind = AP_OPT_SET, .val = 1,
    .dest = CFG(loop.timestamps),
    .help = "begin each text verdict line (with -l, each line) with the "
            "Unix time: [1765106136.12345]; text only (otherwise a "
            "warning)" },
  { .name = "squiet", .letter = 'Q', .kind = AP_OPT_FN, .fn = opt_squiet,
    .meta = "secs[,cumulative]",
    .help = "every SECS seconds, each target's statistics of the interval "
            "(with ,cumulative: since the start) instead of a line per "
            "probe; implies -l" },
  { .name = "listen", .kind = AP_OPT_FN, .fn = opt_listen,
    .meta = "[addr:]port",
    .help = "serve Prometheus metrics at http://ADDR:PORT/metrics (every "
            "address without ADDR; [ADDR]:PORT for IPv6); implies -l" },
  { .name = "buckets", .kind = AP_OPT_FN, .fn = opt_buckets, .meta = "list",
    .help = "with --listen, the RTT histogram's bucket bounds in seconds, "
            "comma-separated (default 0.00005 doubling to 26.2144)" },
};

_Static_assert(sizeof(options) / sizeof(options[0]) <= AP_OPTS_MAX,
               "AP_OPTS_MAX is too small for the option table");

const struct ap_opt *ap_cli_options(size_t *n) {
  *n = sizeof(options) / sizeof(options[0]);
  return options;
}

void ap_config_defaults(struct ap_config *c) {
  memset(c, 0, sizeof(*c));
  c->intake.max_targets = 1ULL << 24;
  c->order.shard = c->order.nshards = 1;
  c->scan.timeout_ms = 500;
  c->scan.retries = 1;
  c->scan.backoff = 2.0;
  c->scan.rate = 10000.0;
  c->svc.banner_bytes = 1024;
  c->loop.period_ms = 1000;
  ap_buckets_default(&c->loop.buckets);
  ap_pkt_defaults(&c->ping.pkt);
  c->run.start_ns = uv_hrtime();
}

/* ---- values ---- */

const char *ap_opt_name(const struct ap_opt *o, char *buf, size_t len) {
  if (o->name != NULL)
    snprintf(buf, len, "--%s", o->name);
  else
    snprintf(buf, len, "-%c", o->letter);
  return buf;
}

static void *dest(struct ap_config *c, const struct ap_opt *o) {
  return (char *) c + o->dest;
}

/* A whole number in [min, max].  Returns 0, or -1 after saying why. */
static int read_uint(const struct ap_opt *o, const char *s, uint64_t *v,
                     char *err, size_t len) {
  unsigned long long x;
  char *end;

  errno = 0;
  x = strtoull(s, &end, 10);
  if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || x < o->min ||
      x > o->max) {
    snprintf(err, len, "need a whole number from %" PRIu64 " to %" PRIu64,
             o->min, o->max);
    return -1;
  }
  *v = x;
  return 0;
}

/* A decimal number in [min, max]: digits with at most one point, as the
 * manual says, nothing else.  strtod() alone would also take a sign,
 * leading blanks, an exponent, hexadecimal ("0x10", "0x1p-5"), "inf" and
 * "nan".  Returns 0, or -1 after saying why (the bounds written out in
 * decimal, never as 1e+09). */
static int read_real(const char *s, double min, double max, double *v,
                     char *err, size_t len) {
  size_t n = strlen(s);
  char *end;

  errno = 0;
  *v = strtod(s, &end);
  if (n == 0 || strspn(s, "0123456789.") != n || *end != '\0' || errno != 0 || !isfinite(*v) || *v < min ||
      *v > max) {
    snprintf(err, len, "need a decimal number from %.15g to %.15g", min,
             max);
    return -1;
  }
  return 0;
}

static int read_word(const struct ap_opt *o, const char *s, int *v,
                     char *err, size_t len) {
  size_t i, n;

  for (i = 0; o->words[i] != NULL; i++)
    if (strcmp(s, o->words[i]) == 0) {
      *v = (int) i;
      return 0;
    }
  n = (size_t) snprintf(err, len, "need ");
  for (i = 0; o->words[i] != NULL && n < len; i++)
    n += (size_t) snprintf(err + n, len - n, "%s%s",
                           i == 0 ? "" : o->words[i + 1] == NULL ? " or "
                                                                 : ", ",
                           o->words[i]);
  return -1;
}

static void store_uint(void *p, size_t size, uint64_t v) {
  switch (size) {
  case 2: *(uint16_t *) p = (uint16_t) v; break;
  case 4: *(uint32_t *) p = (uint32_t) v; break;
  default: *(uint64_t *) p = v; break;
  }
}

int ap_opt_store(struct ap_config *c, const struct ap_opt *o,
                 const char *arg, char *err, size_t len) {
  struct ap_strlist *l;
  uint64_t u;

  switch (o->kind) {
  case AP_OPT_SET: *(int *) dest(c, o) = o->val; return 0;
  case AP_OPT_COUNT: (*(int *) dest(c, o))++; return 0;
  case AP_OPT_STR: *(const char **) dest(c, o) = arg; return 0;
  case AP_OPT_FN: return o->fn(c, o, arg, err, len);
  case AP_OPT_WORD: return read_word(o, arg, dest(c, o), err, len);
  case AP_OPT_REAL:
    return read_real(arg, o->rmin, o->rmax, dest(c, o), err, len);
  case AP_OPT_UINT:
    if (read_uint(o, arg, &u, err, len) != 0)
      return -1;
    store_uint(dest(c, o), o->size, u);
    return 0;
  case AP_OPT_LIST:
    l = dest(c, o);
    if (AP_VEC_RESERVE(l->v, l->cap, l->n) != 0)
      return UV_ENOMEM;
    l->v[l->n++] = arg;
    return 0;
  }
  return 0;
}

/* ---- options read by functions of their own ---- */

static int opt_interval(struct ap_config *c, const struct ap_opt *o,
                        const char *arg, char *err, size_t len) {
  double ms;

  (void) o;
  if (read_real(arg, 0, 3600000, &ms, err, len) != 0)
    return -1;
  c->scan.rate = ms > 0 ? 1000 / ms : 0;
  return 0;
}

static int opt_shard(struct ap_config *c, const struct ap_opt *o,
                     const char *s, char *err, size_t len) {
  unsigned long long i, n;
  int end = -1;

  (void) o;
  if (sscanf(s, "%llu/%llu%n", &i, &n, &end) != 2 || end < 0 ||
      s[end] != '\0' || s[strspn(s, "0123456789/")] != '\0' || n < 1 ||
      n > UINT32_MAX || i < 1 || i > n) {
    snprintf(err, len, "need I/N with 1 <= I <= N");
    return -1;
  }
  c->order.shard = i;
  c->order.nshards = n;
  return 0;
}

static int opt_tcp(struct ap_config *c, const struct ap_opt *o,
                   const char *arg, char *err, size_t len) {
  int r = ap_ports_parse(&c->svc.ports, arg, err, len);

  (void) o;
  return r == UV_EINVAL ? -1 : r;
}

static int opt_tcp_ping(struct ap_config *c, const struct ap_opt *o,
                        const char *arg, char *err, size_t len) {
  int r = ap_ports_parse(&c->svc.tcp_ping, arg, err, len);

  (void) o;
  return r == UV_EINVAL ? -1 : r;
}

static int opt_telnet(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len) {
  uint64_t port = 23;

  if (arg != NULL && read_uint(o, arg, &port, err, len) != 0)
    return -1;
  c->svc.telnet_port = (uint16_t) port;
  return 0;
}

static int opt_expect(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len) {
  int r;

  (void) o;
  r = regcomp(&c->svc.expect, arg, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
  if (r != 0) {
    regerror(r, &c->svc.expect, err, len);
    return -1;
  }
  c->svc.have_expect = 1;
  return 0;
}

static int opt_outfile(struct ap_config *c, const struct ap_opt *o,
                       const char *arg, char *err, size_t len) {
  (void) o;
  (void) err;
  (void) len;
  c->out.outfile = strcmp(arg, "-") == 0 ? NULL : arg;
  return 0;
}

static int opt_threshold(struct ap_config *c, const struct ap_opt *o,
                         const char *arg, char *err, size_t len) {
  if (ap_threshold_parse(arg, dest(c, o)) == 0)
    return 0;
  snprintf(err, len, "need a count of failed targets, or a percentage such "
           "as 10%%");
  return -1;
}

static int opt_deadline(struct ap_config *c, const struct ap_opt *o,
                        const char *arg, char *err, size_t len) {
  double s;

  (void) o;
  if (read_real(arg, 0.001, 1e7, &s, err, len) != 0)
    return -1;
  c->run.deadline_ms = (uint64_t) (s * 1000 + 0.5);
  return 0;
}

static int opt_command(struct ap_config *c, const struct ap_opt *o,
                       const char *arg, char *err, size_t len) {
  (void) o;
  if (arg[0] == '\0') {
    snprintf(err, len, "need a program");
    return -1;
  }
  c->ping.command = arg;
  return 0;
}

static int opt_squiet(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len) {
  char *end;
  unsigned long v;

  (void) o;
  errno = 0;
  v = strtoul(arg, &end, 10);
  if (arg[0] < '0' || arg[0] > '9' || errno != 0 || v < 1 || v > 86400 ||
      (*end != '\0' && strcmp(end, ",cumulative") != 0)) {
    snprintf(err, len, "need SECS (1 to 86400), or SECS,cumulative");
    return -1;
  }
  c->loop.squiet_s = v;
  c->loop.cumulative = *end != '\0';
  return 0;
}

/* [ADDR:]PORT: an IPv4 address or a bracketed IPv6 one, and a port. */
static int opt_listen(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len) {
  struct sockaddr_storage *ss = &c->loop.listen_addr;
  const char *colon = strrchr(arg, ':'), *port = colon ? colon + 1 : arg;
  char host[64] = "";
  unsigned long p;
  char *end;

  (void) o;
  memset(ss, 0, sizeof(*ss));
  errno = 0;
  p = strtoul(port, &end, 10);
  if (port[0] < '0' || port[0] > '9' || *end != '\0' || errno != 0 ||
      p < 1 || p > 65535) {
    snprintf(err, len, "need [ADDR:]PORT with a port from 1 to 65535");
    return -1;
  }
  if (colon != NULL && (size_t) (colon - arg) < sizeof(host))
    snprintf(host, sizeof(host), "%.*s", (int) (colon - arg), arg);
  if (colon != NULL && host[0] == '\0' && colon != arg) {
    snprintf(err, len, "address too long");
    return -1;
  }
  if (ap_listen_addr(host, (uint16_t) p, ss) != 0) {
    snprintf(err, len, "'%s' is not an IPv4 address or a bracketed IPv6 "
             "address", host);
    return -1;
  }
  c->loop.listen = 1;
  return 0;
}

static int opt_buckets(struct ap_config *c, const struct ap_opt *o,
                       const char *arg, char *err, size_t len) {
  (void) o;
  return ap_buckets_parse(&c->loop.buckets, arg, err, len) == 0 ? 0 : -1;
}

/* -C N: -c N, keeping each probe's round-trip time for fping's lines. */
static int opt_vcount(struct ap_config *c, const struct ap_opt *o,
                      const char *arg, char *err, size_t len) {
  uint64_t n;

  if (read_uint(o, arg, &n, err, len) != 0)
    return -1;
  c->scan.count = (unsigned) n;
  c->scan.keep_rtts = 1;
  c->out.vcount = 1;
  return 0;
}

/* --rta WARN,CRIT (o->val 0) and --pl WARN,CRIT (o->val 1). */
static int opt_hostlim(struct ap_config *c, const struct ap_opt *o,
                       const char *arg, char *err, size_t len) {
  struct ap_hostlim *l = &c->out.nagios.lim;
  int pl = o->val;

  if (ap_hostlim_parse(arg, pl, pl ? &l->pl_warn : &l->rta_warn_ms,
                       pl ? &l->pl_crit : &l->rta_crit_ms) != 0) {
    snprintf(err, len, pl ? "need WARN,CRIT in percent from 0 to 100, "
                            "such as 40,80, WARN not over CRIT"
                          : "need WARN,CRIT in ms from 0.001 to 3600000, "
                            "such as 200,500, WARN not over CRIT");
    return -1;
  }
  if (pl)
    l->pl = 1;
  else
    l->rta = 1;
  return 0;
}

/* -S, -I, --tos, --fwmark: read by the packet options (pktopt.h). */
static int opt_pkt(struct ap_config *c, const struct ap_opt *o,
                   const char *arg, char *err, size_t len) {
  struct ap_pkt_cfg *p = &c->ping.pkt;

  switch (o->letter) {
  case 'S': return ap_pkt_read_src(p, arg, err, len);
  case 'I': return ap_pkt_read_iface(p, arg, err, len);
  case 'O': return ap_pkt_read_tos(p, arg, err, len);
  default: return ap_pkt_read_mark(p, arg, err, len);
  }
}
