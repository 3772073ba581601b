/* cli.c - see cli.h. */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "output.h"

#define HELP_COL 22   /* where --help's descriptions start */
#define HELP_WIDTH 78 /* and where they wrap */
#define USAGE_INDENT 13

static const char intro[] =
    "\n"
    "Probe every target with ICMP echo and say which are alive.\n"
    "A target is an address (192.0.2.7, 2001:db8::7), a CIDR block\n"
    "(192.0.2.0/24), a range (192.0.2.10-192.0.2.20 or 192.0.2.10-20) or\n"
    "a host name.  A link-local target ends in its zone, the interface to\n"
    "use: fe80::1%eth0, fe80::1-ff%eth0, fe80::/120%eth0.\n";

static const char outro[] =
    "\n"
    "Exit status: 0 all targets alive, 1 some unreachable, 2 a name could\n"
    "not be resolved, 3 bad usage, 4 system error, 5 (--state) some status\n"
    "changed, 6 (--lock) another run holds the lock, 7 (--deadline)\n"
    "stopped with targets unfinished, 130 and 143 interrupted by SIGINT and\n"
    "SIGTERM.  With --format nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n";

/* ---- the parser ---- */

/* What getopt_long() is given, made from the table. */
struct getopt_spec {
  char shorts[2 * AP_OPTS_MAX + 2];
  struct option longs[2 * AP_OPTS_MAX + 1]; /* names and aliases */
};

/* Appends the long option name, which getopt_long() returns as val. */
static void add_long(struct getopt_spec *g, size_t *l, const char *name,
                     int arg, int val) {
  g->longs[*l].name = name;
  g->longs[*l].has_arg = arg;
  g->longs[*l].flag = NULL;
  g->longs[*l].val = val;
  (*l)++;
}

static void make_spec(struct getopt_spec *g) {
  size_t nopt;
  const struct ap_opt *options = ap_cli_options(&nopt);
  size_t i, s = 0, l = 0;

  g->shorts[s++] = ':'; /* a missing value is ':', not '?' */
  for (i = 0; i < nopt; i++) {
    const struct ap_opt *o = &options[i];
    int arg = o->kind <= AP_OPT_COUNT || o->kind >= AP_OPT_HELP
                  ? no_argument
                  : o->optional ? optional_argument : required_argument;
    if (o->letter != 0) {
      g->shorts[s++] = o->letter;
      if (arg == required_argument)
        g->shorts[s++] = ':';
    }
    if (o->name != NULL)
      add_long(g, &l, o->name, arg, o->letter != 0 ? o->letter
                                                   : 256 + (int) i);
    if (o->alias != NULL)
      add_long(g, &l, o->alias, arg, o->letter != 0 ? o->letter
                                                    : 256 + (int) i);
  }
  g->shorts[s] = '\0';
  memset(&g->longs[l], 0, sizeof(g->longs[l]));
}

/* The table entry getopt_long() returned c for, or NULL. */
static const struct ap_opt *entry(int c) {
  size_t nopt;
  const struct ap_opt *options = ap_cli_options(&nopt);
  size_t i;

  if (c >= 256)
    return (size_t) (c - 256) < nopt ? &options[c - 256] : NULL;
  for (i = 0; i < nopt; i++)
    if (options[i].letter == c)
      return &options[i];
  return NULL;
}

/* The long names (and aliases) that begin with the len bytes at prefix,
 * listed into buf ("--exclude, --expect"; the first AMBIG_LIST, then
 * "..."); returns how many options they belong to. */
#define AMBIG_LIST 8
static size_t long_matches(const char *prefix, size_t len, char *buf,
                           size_t buflen) {
  size_t nopt, i, j, opts = 0, listed = 0, n = 0;
  const struct ap_opt *options = ap_cli_options(&nopt);

  buf[0] = '\0';
  for (i = 0; i < nopt; i++) {
    const char *names[2] = { options[i].name, options[i].alias };
    int hit = 0;
    for (j = 0; j < 2; j++) {
      if (names[j] == NULL || strncmp(names[j], prefix, len) != 0)
        continue;
      hit = 1;
      if (listed++ < AMBIG_LIST && n < buflen)
        n += (size_t) snprintf(buf + n, buflen - n, "%s--%s",
                               n ? ", " : "", names[j]);
      else if (listed == AMBIG_LIST + 1 && n < buflen)
        n += (size_t) snprintf(buf + n, buflen - n, ", ...");
    }
    opts += (size_t) hit;
  }
  return opts;
}

/* What getopt_long() refused: an unknown or ambiguous option, a missing
 * value, a value for an option that takes none.  The option is named as
 * it was typed: "-p", "--peri", "--help" (never what the table calls it,
 * which may be another spelling). */
static int bad_option(char **argv, int c, struct ap_err *err) {
  const char *tok = optind >= 1 ? argv[optind - 1] : "";
  int is_long = strncmp(tok, "--", 2) == 0 && tok[2] != '\0';
  size_t len = is_long ? strcspn(tok, "=") : 0;
  char name[64], could[512];

  if (is_long)
    snprintf(name, sizeof(name), "%.*s", (int) len, tok);
  else if (optopt > 0 && optopt < 256)
    snprintf(name, sizeof(name), "-%c", optopt);
  else
    snprintf(name, sizeof(name), "%s", tok);
  if (c == ':')
    return ap_err_set(err, AP_EXIT_USAGE, "option '%s' needs a value", name);
  if (optopt != 0 && (optopt >= 256 || is_long))
    return ap_err_set(err, AP_EXIT_USAGE, "option '%s' does not take a value",
                      name);
  /* getopt_long() says '?' for both an unknown long option and one that
   * begins several: tell them apart. */
  if (is_long && long_matches(tok + 2, len - 2, could, sizeof(could)) > 1)
    return ap_err_set(err, AP_EXIT_USAGE, "ambiguous option '%s' (could be "
                      "%s)", name, could);
  return ap_err_set(err, AP_EXIT_USAGE, "unknown option '%s'", name);
}

/* Whether the option spelt spec ("-i", "--rate") was given. */
static int was_given(const uint8_t *given, const char *spec) {
  size_t nopt;
  const struct ap_opt *options = ap_cli_options(&nopt);
  size_t i;

  for (i = 0; i < nopt; i++) {
    const struct ap_opt *o = &options[i];
    if ((spec[1] == '-' && o->name != NULL && strcmp(o->name, spec + 2) == 0)
        || (spec[1] != '-' && o->letter == spec[1]))
      return given[i];
  }
  return 0;
}

/* The packet options that do not apply to what is asked for: the reason,
 * written into buf, or NULL. */
static const char *packet_conflicts(const struct ap_config *c, int checks,
                                    char *buf, size_t len) {
  const struct ap_pkt_cfg *p = &c->ping.pkt;
  const char *name;

  if (c->ping.method == AP_METHOD_NONE && ap_pkt_icmp_only(p, &name)) {
    snprintf(buf, len, "%s applies to the echo requests: not with -m none",
             name);
    return buf;
  }
  if (p->have_mark && checks)
    return "--fwmark marks only the echo requests (a mark needs "
           "CAP_NET_ADMIN, which TCP connections made after the privilege "
           "drop do not have): not with --tcp or --telnet";
  if (p->have_mark && c->ping.method == AP_METHOD_EXEC)
    return "--fwmark needs an ICMP socket: ping(8) cannot set a mark";
  if (c->ping.method == AP_METHOD_EXEC && p->iface != NULL &&
      (p->have_src[0] || p->have_src[1]))
    return "-m exec takes -S or -I, not both: ping(8)'s -I is either the "
           "source address or the interface";
  if (c->intake.family == 4 && p->have_src[1])
    return "-S: an IPv6 source address with -4";
  if (c->intake.family == 6 && p->have_src[0])
    return "-S: an IPv4 source address with -6";
  return NULL;
}

/* Options that make no sense together, or only with others. */
static int conflicts(const struct ap_config *c, const uint8_t *given,
                     struct ap_err *err) {
  const struct ap_services_cfg *s = &c->svc;
  int checks = s->ports.n > 0 || s->telnet_port != 0 || s->tcp_ping.n > 0;
  int banners = (s->ports.n > 0 && s->banner) || s->telnet_port != 0;
  const char *why = NULL;
  char buf[128];

  if (was_given(given, "-4") && was_given(given, "-6"))
    why = "-4 and -6 given together";
  else if (was_given(given, "-i") && was_given(given, "--rate"))
    why = "-i and --rate given together";
  else if (was_given(given, "-x") && c->out.state != NULL)
    why = "-x and --state given together: the exit status says either how "
          "many are OK or whether anything changed";
  else if (was_given(given, "-x") && c->out.format == AP_FORMAT_NAGIOS)
    why = "-x does not apply to --format nagios: use --crit";
  else if ((c->out.nagios.warn.set || c->out.nagios.crit.set) &&
           c->out.format != AP_FORMAT_NAGIOS)
    why = "--warn and --crit need --format nagios";
  else if (s->banner && s->ports.n == 0)
    why = "--banner needs --tcp PORTS";
  else if (s->have_expect && !banners)
    why = "--expect needs --banner or --telnet";
  else if (was_given(given, "--banner-bytes") && !banners)
    why = "--banner-bytes needs --banner or --telnet";
  else if (s->any && !checks)
    why = "--any needs --tcp, --telnet or --tcp-ping";
  else if (c->ping.method == AP_METHOD_NONE && !checks)
    why = "-m none needs --tcp, --telnet or --tcp-ping: nothing to check";
  else
    why = packet_conflicts(c, checks, buf, sizeof(buf));
  return why != NULL ? ap_err_set(err, AP_EXIT_USAGE, "%s", why) : 0;
}

/* -c, -C and what goes with them: -p, --rta and --pl. */
static const char *count_conflicts(const struct ap_config *c,
                                   const uint8_t *given) {
  const struct ap_hostlim *l = &c->out.nagios.lim;

  if (was_given(given, "-c") && was_given(given, "-C"))
    return "-c and -C given together";
  if (c->out.vcount && c->ping.method == AP_METHOD_EXEC)
    return "-C needs an ICMP socket: not with -m exec";
  if ((was_given(given, "-c") || was_given(given, "-C")) &&
      c->ping.method == AP_METHOD_NONE)
    return "-c and -C count echo requests: not with -m none, which sends "
           "none";
  if (!l->rta && !l->pl)
    return NULL;
  if (c->out.format != AP_FORMAT_NAGIOS)
    return "--rta and --pl need --format nagios";
  if (c->out.nagios.warn.set || c->out.nagios.crit.set)
    return "--rta and --pl do not go with --warn and --crit: they judge "
           "each target, --warn and --crit count the failed ones";
  if (c->ping.method == AP_METHOD_NONE)
    return "--rta and --pl need pings: not with -m none";
  return NULL;
}

/* What does not go with a continuous run, and what needs one. */
static const char *loop_conflicts(const struct ap_config *c,
                                  const uint8_t *given) {
  if (!c->loop.on) {
    if (was_given(given, "-p") && c->scan.count == 0)
      return "-p needs -c, -C, -l, -Q or --listen";
    if (was_given(given, "-p") && c->scan.timeout_ms > c->loop.period_ms)
      return "-t over -p: each probe must end before the next";
    return was_given(given, "--buckets") ? "--buckets needs --listen" : NULL;
  }
  if (was_given(given, "-c"))
    return "-c does not apply to -l, which probes until stopped";
  if (was_given(given, "-C"))
    return "-C does not apply to -l, which probes until stopped";
  if (c->out.rdns != AP_RDNS_OFF)
    return "-n and -d do not apply to -l";
  if (was_given(given, "-r") || was_given(given, "-B"))
    return "-r and -B do not apply to -l: each probe has one try";
  if (was_given(given, "-x") || c->out.state != NULL)
    return "-x and --state do not apply to -l";
  if (c->out.format == AP_FORMAT_PROM || c->out.format == AP_FORMAT_NAGIOS)
    return "--format prom and nagios do not apply to -l: use --listen";
  if (c->ping.method == AP_METHOD_EXEC)
    return "-m exec does not apply to -l, which needs an ICMP socket";
  if (c->svc.tcp_ping.n > 0)
    return "--tcp-ping does not apply to -l: use --tcp";
  if (was_given(given, "--buckets") && !c->loop.listen)
    return "--buckets needs --listen";
  if (c->scan.timeout_ms > c->loop.period_ms)
    return "-t over -p: each probe must end before the next";
  return NULL;
}

/* --ping-command where ping(8) is never run: refused, since the run
 * would not do what it asks. */
static const char *command_conflicts(const struct ap_config *c) {
  if (c->ping.command == NULL)
    return NULL;
  if (c->ping.method == AP_METHOD_ICMP || c->ping.method == AP_METHOD_NONE)
    return c->ping.method == AP_METHOD_ICMP
               ? "--ping-command is for ping(8), which -m icmp never runs"
               : "--ping-command is for ping(8), which -m none never runs";
  if (c->loop.on)
    return "--ping-command is for ping(8), which -l never runs (it needs "
           "an ICMP socket)";
  if (c->out.vcount)
    return "--ping-command is for ping(8), which -C never runs (it needs "
           "an ICMP socket)";
  return NULL;
}

/* Options given that change nothing with the others, harmlessly (fping's
 * command lines carry some, such as SmokePing's -B1 -r1 with -C): each
 * is named in c->warn for main to print.  The harmful ones are refused
 * above instead. */
static void warn(struct ap_config *c, const char *why) {
  if (c->nwarn < AP_CLI_WARN_MAX)
    c->warn[c->nwarn++] = why;
}

static void ignored(struct ap_config *c, const uint8_t *given) {
  int text = c->out.format == AP_FORMAT_TEXT;

  c->nwarn = 0;
  if (c->out.elapsed && (c->out.show != AP_SHOW_ALIVE || !text))
    warn(c, "-e shows round-trip times only in -a's text list (the full "
            "verdict lines have them anyway): ignored");
  if ((was_given(given, "-r") || was_given(given, "-B")) &&
      c->scan.count > 0)
    warn(c, "-r and -B do not apply to -c, -C, --rta and --pl, which send "
            "each probe once: ignored");
  else if (was_given(given, "-B") && c->scan.retries == 0)
    warn(c, "-B spaces out retries, and -r 0 makes none: ignored");
  if (c->order.have_seed && c->order.sequential)
    warn(c, "--seed keys the random order, and --order sequential has "
            "none: ignored");
  if (c->out.timestamps && !text)
    warn(c, "-D stamps text lines, and the other formats have their own "
            "time: ignored");
  if (c->out.print_ttl && !text)
    warn(c, "--print-ttl shows the TTL in text lines, and json and csv "
            "always have it: ignored");
  if (c->out.by_addr && (c->out.format == AP_FORMAT_JSON ||
                         c->out.format == AP_FORMAT_CSV))
    warn(c, "-A shows addresses in text, prom and nagios, and json and csv "
            "always have both: ignored");
  if (c->out.show != AP_SHOW_ALL && c->out.format == AP_FORMAT_NAGIOS)
    warn(c, "-a, -u and -q choose what is listed, and the nagios line "
            "covers every target: ignored");
  if (c->out.color == AP_WHEN_ALWAYS && !text)
    warn(c, "--color colours text lines only: ignored");
  if (c->ping.threads > 1 &&
      (c->ping.method == AP_METHOD_EXEC || c->ping.method == AP_METHOD_NONE ||
       c->loop.on || c->svc.ports.n > 0 || c->svc.telnet_port != 0 ||
       c->svc.tcp_ping.n > 0 || c->out.rdns != AP_RDNS_OFF))
    warn(c, "--threads spreads ICMP echo sweeps only, and ping(8), service "
            "checks, -n, -d and -l run on one loop: ignored");
}

/* Reads one option (o, its value arg) into c.  Returns 0 or an exit
 * status, with err set. */
/* The option just read as it was typed: "--period" or "-p". */
static const char *typed(const struct ap_opt *o, char **argv, char *buf,
                         size_t len) {
  const char *tok = argv[optind - 1];

  if (optarg != NULL && tok == optarg && optind >= 2)
    tok = argv[optind - 2]; /* the value was a word of its own */
  if (strncmp(tok, "--", 2) == 0 && (o->name != NULL || o->alias != NULL))
    snprintf(buf, len, "%.*s", (int) strcspn(tok, "="), tok);
  else if (o->letter != 0)
    snprintf(buf, len, "-%c", o->letter);
  else
    ap_opt_name(o, buf, len);
  return buf;
}

static int one(struct ap_config *c, const struct ap_opt *o, char **argv,
               uint8_t *seen, struct ap_err *err) {
  const char *arg = optarg;
  char name[64], why[256];
  int r;

  if (o->once && *seen)
    return ap_err_set(err, AP_EXIT_USAGE, "%s given twice ('%s')",
                      typed(o, argv, name, sizeof(name)), arg ? arg : "");
  *seen = 1;
  r = ap_opt_store(c, o, arg, why, sizeof(why));
  if (r == UV_ENOMEM)
    return ap_err_set(err, AP_EXIT_SYSTEM, "out of memory");
  if (r != 0)
    return ap_err_set(err, AP_EXIT_USAGE, "invalid %s '%s': %s",
                      typed(o, argv, name, sizeof(name)), arg ? arg : "",
                      why);
  return 0;
}

int ap_cli_parse(struct ap_config *c, int argc, char **argv,
                 struct ap_err *err) {
  size_t nopt;
  const struct ap_opt *options = ap_cli_options(&nopt);
  struct getopt_spec g;
  uint8_t given[AP_OPTS_MAX];
  const struct ap_opt *o;
  const char *why;
  int ch;

  memset(given, 0, sizeof(given));
  make_spec(&g);
  opterr = 0;
  optind = 0; /* glibc: start afresh, also after an earlier parse */
  while ((ch = getopt_long(argc, argv, g.shorts, g.longs, NULL)) != -1) {
    if (ch == '?' || ch == ':') {
      bad_option(argv, ch, err);
      return AP_CLI_ERROR;
    }
    o = entry(ch);
    if (o->kind == AP_OPT_HELP)
      return AP_CLI_HELP;
    if (o->kind == AP_OPT_VERSION)
      return AP_CLI_VERSION;
    if (one(c, o, argv, &given[o - options], err) != 0)
      return AP_CLI_ERROR;
  }
  c->run.have_min_ok = was_given(given, "-x");
  c->order.have_seed = was_given(given, "--seed");
  c->ping.family = c->intake.family;
  c->out.all_addresses = c->intake.all_addresses;
  c->ping.verbose = c->run.verbose;
  c->loop.on |= c->loop.squiet_s > 0 || c->loop.listen;
  c->out.loop = c->loop.on;
  c->ping.keep_sockets = c->loop.on;
  c->out.timestamps = c->loop.timestamps;
  c->out.period_ms = c->loop.period_ms;
  /* --rta and --pl judge statistics: as check_icmp, 5 probes by default. */
  if ((c->out.nagios.lim.rta || c->out.nagios.lim.pl) && c->scan.count == 0)
    c->scan.count = AP_HOSTLIM_COUNT;
  if (!c->loop.on && c->scan.count > 0 && was_given(given, "-p"))
    c->scan.period_ms = c->loop.period_ms;
  /* A probe ends before the target's next one is due. */
  if ((c->loop.on || c->scan.period_ms > 0) && !was_given(given, "-t") &&
      c->scan.timeout_ms > c->loop.period_ms)
    c->scan.timeout_ms = c->loop.period_ms;
  if (conflicts(c, given, err) != 0)
    return AP_CLI_ERROR;
  why = count_conflicts(c, given);
  if (why == NULL)
    why = loop_conflicts(c, given);
  if (why == NULL)
    why = command_conflicts(c);
  if (why != NULL) {
    ap_err_set(err, AP_EXIT_USAGE, "%s", why);
    return AP_CLI_ERROR;
  }
  ignored(c, given);
  c->intake.targets.v = (const char **) argv + optind;
  c->intake.targets.n = (size_t) (argc - optind);
  if (c->intake.targets.n == 0 && c->intake.files.n == 0)
    return AP_CLI_USAGE;
  return AP_CLI_RUN;
}

void ap_cli_release(struct ap_config *c) {
  free(c->intake.files.v);
  free(c->intake.excl.v);
  free(c->intake.exfiles.v);
  c->intake.files.v = c->intake.excl.v = c->intake.exfiles.v = NULL;
  ap_ports_release(&c->svc.ports);
  ap_ports_release(&c->svc.tcp_ping);
  if (c->svc.have_expect)
    regfree(&c->svc.expect);
  c->svc.have_expect = 0;
}

/* ---- usage and help ---- */

static int takes_value(const struct ap_opt *o) {
  return o->kind > AP_OPT_COUNT && o->kind < AP_OPT_HELP;
}

/* Appends one usage item to the line, wrapping at 80 columns. */
static void usage_item(FILE *f, const char *item, size_t *col) {
  size_t len = strlen(item);

  if (*col + 1 + len > 79) {
    fprintf(f, "\n%*s", USAGE_INDENT, "");
    *col = USAGE_INDENT;
  } else {
    putc(' ', f);
    (*col)++;
  }
  fputs(item, f);
  *col += len;
}

/* Letters in the usage line's order: digits, then alphabetically with a
 * small letter before its capital. */
static int letter_cmp(const void *a, const void *b) {
  char x = **(const char *const *) a, y = **(const char *const *) b;
  int kx = isalpha((unsigned char) x) ? tolower((unsigned char) x) : 0;
  int ky = isalpha((unsigned char) y) ? tolower((unsigned char) y) : 0;

  if (kx != ky)
    return kx - ky;
  return kx == 0 ? x - y : y - x; /* digits in order; -v before -V */
}

void ap_cli_usage(FILE *f) {
  size_t nopt;
  const struct ap_opt *options = ap_cli_options(&nopt);
  char flags[AP_OPTS_MAX + 4] = "[-", item[96];
  const char *letters[AP_OPTS_MAX];
  size_t i, k, n = 0, col = 12;

  for (i = 0; i < nopt; i++)
    if (options[i].letter != 0 && options[i].kind != AP_OPT_HELP)
      letters[n++] = &options[i].letter;
  qsort(letters, n, sizeof(letters[0]), letter_cmp);
  for (i = 0, k = 2; i < n; i++)
    if (!takes_value(entry(*letters[i])))
      flags[k++] = *letters[i];
  flags[k++] = ']';
  flags[k] = '\0';
  fputs("usage: aping", f);
  usage_item(f, flags, &col);
  for (i = 0; i < n; i++) {
    const struct ap_opt *o = entry(*letters[i]);
    if (takes_value(o)) {
      snprintf(item, sizeof(item), "[-%c %s]", o->letter, o->meta);
      usage_item(f, item, &col);
    }
  }
  for (i = 0; i < nopt; i++) {
    const struct ap_opt *o = &options[i];
    if (o->letter != 0)
      continue;
    if (!takes_value(o))
      snprintf(item, sizeof(item), "[--%s]", o->name);
    else
      snprintf(item, sizeof(item), o->optional ? "[--%s[=%s]]" : "[--%s %s]",
               o->name, o->meta);
    usage_item(f, item, &col);
  }
  usage_item(f, "target ...", &col);
  putc('\n', f);
}

/* The value as --help shows it: the words, or the meta in capitals. */
static void help_value(const struct ap_opt *o, char *buf, size_t len) {
  size_t i, n = 0;

  if (o->kind == AP_OPT_WORD) {
    for (i = 0; o->words[i] != NULL && n < len; i++)
      n += (size_t) snprintf(buf + n, len - n, "%s%s", i ? "|" : "",
                             o->words[i]);
    return;
  }
  for (i = 0; o->meta[i] != '\0' && i + 1 < len; i++)
    buf[i] = (char) toupper((unsigned char) o->meta[i]);
  buf[i] = '\0';
}

/* The left column of an option's help: "-t MS", "-V, --version",
 * "--telnet[=PORT]". */
static void help_left(const struct ap_opt *o, char *buf, size_t len) {
  char value[96] = "";
  int n = 0;

  if (takes_value(o))
    help_value(o, value, sizeof(value));
  if (o->letter != 0)
    n = snprintf(buf, len, "-%c", o->letter);
  if (o->name != NULL)
    n += snprintf(buf + n, len - (size_t) n, "%s--%s", n ? ", " : "",
                  o->name);
  if (o->alias != NULL)
    n += snprintf(buf + n, len - (size_t) n, "%s--%s", n ? ", " : "",
                  o->alias);
  if (value[0] != '\0')
    snprintf(buf + n, len - (size_t) n, o->optional ? "[=%s]" : " %s",
             value);
}

/* Writes text from column col, wrapped at HELP_WIDTH, continuation lines
 * indented to HELP_COL; a line feed in text starts a new line there. */
static void help_text(FILE *f, const char *text, size_t col) {
  const char *p = text;
  size_t word;

  while (*p != '\0') {
    word = strcspn(p, " \n");
    if (col > HELP_COL && col + 1 + word > HELP_WIDTH) {
      fprintf(f, "\n%*s", HELP_COL, "");
      col = HELP_COL;
    } else if (col > HELP_COL) {
      putc(' ', f);
      col++;
    }
    fwrite(p, 1, word, f);
    col += word;
    p += word;
    if (*p == '\n') {
      fprintf(f, "\n%*s", HELP_COL, "");
      col = HELP_COL;
    }
    while (*p == ' ' || *p == '\n')
      p++;
  }
  putc('\n', f);
}

void ap_cli_help(FILE *f) {
  size_t nopt;
  const struct ap_opt *options = ap_cli_options(&nopt);
  char left[128];
  size_t i, col;

  ap_cli_usage(f);
  fputs(intro, f);
  for (i = 0; i < nopt; i++) {
    const struct ap_opt *o = &options[i];
    if (o->group != NULL)
      fprintf(f, "%s%s:\n", i == 0 ? "\n" : "", o->group);
    help_left(o, left, sizeof(left));
    fprintf(f, "  %s", left);
    col = 2 + strlen(left);
    /* A long left column gets its description on the next line. */
    if (col + 1 > HELP_COL)
      fprintf(f, "\n%*s", HELP_COL, "");
    else
      fprintf(f, "%*s", (int) (HELP_COL - col), "");
    help_text(f, o->help, HELP_COL);
  }
  fputs(outro, f);
}
