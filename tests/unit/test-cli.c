/* test-cli.c - the option table: every option parses, values out of range
 * and options that conflict are refused with a message naming them, and
 * the usage line and --help list every option. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cliparse.h"
#include "output.h"
#include "tap.h"

/* The option as typed: "--name" if it has one, else "-L". */
static const char *spelt(const struct ap_opt *o, char *buf, size_t len) {
  return ap_opt_name(o, buf, len);
}

/* A value every option of its kind takes. */
static const char *good_value(const struct ap_opt *o, char *buf,
                              size_t len) {
  static const struct { const char *opt; const char *value; } fn[] = {
    { "--telnet", "2323" }, { "--tcp", "22,80" }, { "--tcp-ping", "22,443" }, { "--expect", "^SSH" },
    { "--shard", "2/3" }, { "-i", "20" }, { "-o", "out.txt" },
    { "--warn", "2" }, { "--crit", "10%" }, { "--deadline", "1.5" },
    { "--ping-command", "/bin/ping" }, { "--squiet", "5,cumulative" },
    { "--listen", "[::1]:9857" }, { "--buckets", "0.001,0.01,0.1" },
    { "-C", "3" }, { "--rta", "200,500" }, { "--pl", "40,80" },
    { "--src", "192.0.2.9" }, { "--iface", "lo" }, { "--tos", "0x10" },
    { "--fwmark", "7" },
  };
  char name[64];
  size_t i;

  switch (o->kind) {
  case AP_OPT_UINT:
    snprintf(buf, len, "%llu", (unsigned long long) o->min);
    return buf;
  case AP_OPT_REAL:
    snprintf(buf, len, "%g", o->rmin);
    return buf;
  case AP_OPT_WORD: return o->words[0];
  case AP_OPT_STR: case AP_OPT_LIST: return "value";
  case AP_OPT_FN:
    spelt(o, name, sizeof(name));
    for (i = 0; i < sizeof(fn) / sizeof(fn[0]); i++)
      if (strcmp(fn[i].opt, name) == 0)
        return fn[i].value;
    return NULL;
  default: return NULL;
  }
}

/* Options that need another to make sense, for the table walk. */
static void partners(const char *name, const char **w, int *n) {
  if (strcmp(name, "--banner") == 0 || strcmp(name, "--banner-bytes") == 0 ||
      strcmp(name, "--expect") == 0 || strcmp(name, "--any") == 0) {
    w[(*n)++] = "--tcp";
    w[(*n)++] = "22";
    w[(*n)++] = "--banner";
  } else if (strcmp(name, "--warn") == 0 || strcmp(name, "--crit") == 0 ||
             strcmp(name, "--rta") == 0 || strcmp(name, "--pl") == 0) {
    w[(*n)++] = "--format";
    w[(*n)++] = "nagios";
  } else if (strcmp(name, "-m") == 0) {
    w[(*n)++] = "--tcp"; /* the first word is auto; none would need it */
    w[(*n)++] = "22";
  } else if (strcmp(name, "--period") == 0 ||
             strcmp(name, "--timestamp") == 0) {
    w[(*n)++] = "-l";
  } else if (strcmp(name, "--buckets") == 0) {
    w[(*n)++] = "--listen";
    w[(*n)++] = "9857";
  }
}

static void test_every_option_parses(void) {
  size_t n, i;
  const struct ap_opt *opts = ap_cli_options(&n);
  struct ap_config c;
  struct ap_err err;
  char name[64], vbuf[64], joined[128];

  EXPECT(n >= 40);
  for (i = 0; i < n; i++) {
    const struct ap_opt *o = &opts[i];
    const char *w[16] = { "aping" };
    const char *v = good_value(o, vbuf, sizeof(vbuf));
    int k = 1, r;

    spelt(o, name, sizeof(name));
    partners(name, w, &k);
    if (o->optional && v != NULL) {
      snprintf(joined, sizeof(joined), "%s=%s", name, v);
      w[k++] = joined;
    } else {
      w[k++] = name;
      if (v != NULL)
        w[k++] = v;
    }
    w[k++] = "192.0.2.1";
    r = parse(&c, &err, w);
    if (o->kind == AP_OPT_HELP)
      EXPECT(r == AP_CLI_HELP);
    else if (o->kind == AP_OPT_VERSION)
      EXPECT(r == AP_CLI_VERSION);
    else if (r != AP_CLI_RUN) {
      printf("# %s %s: %s\n", name, v ? v : "", err.msg);
      EXPECT(r == AP_CLI_RUN);
    }
    ap_cli_release(&c);
  }
}

static void test_values_land(void) {
  const char *w[] = { "aping", "-t", "750", "-r", "3", "-c", "4", "-B",
                      "1.5", "-i", "20", "-j", "9", "--shard", "2/5",
                      "--seed", "42", "--order", "sequential", "-6",
                      "--telnet", "-f", "a", "-f", "b", "--exclude",
                      "2001:db8::1", "-vv", "-q", "--format", "json",
                      "--deadline", "2.5", "-o", "-", "2001:db8::/120",
                      NULL };
  struct ap_config c;
  struct ap_err err;

  EXPECT(parse(&c, &err, w) == AP_CLI_RUN);
  EXPECT(c.scan.timeout_ms == 750 && c.scan.retries == 3);
  EXPECT(c.scan.count == 4 && c.scan.backoff == 1.5);
  EXPECT(c.scan.rate == 50.0);
  EXPECT(c.ping.jobs == 9);
  EXPECT(c.order.shard == 2 && c.order.nshards == 5);
  EXPECT(c.order.seed == 42 && c.order.have_seed && c.order.sequential);
  EXPECT(c.intake.family == 6 && c.ping.family == 6);
  EXPECT(c.svc.telnet_port == 23);
  EXPECT(c.intake.files.n == 2 && strcmp(c.intake.files.v[1], "b") == 0);
  EXPECT(c.intake.excl.n == 1);
  EXPECT(c.run.verbose == 2 && c.ping.verbose == 2);
  EXPECT(c.out.show == AP_SHOW_NONE && c.out.format == AP_FORMAT_JSON);
  EXPECT(c.run.deadline_ms == 2500);
  EXPECT(c.out.outfile == NULL);
  EXPECT(c.intake.targets.n == 1 &&
         strcmp(c.intake.targets.v[0], "2001:db8::/120") == 0);
  ap_cli_release(&c);
}

static void test_packet_values_land(void) {
  const char *w[] = { "aping", "-S", "192.0.2.3", "--src", "2001:db8::3",
                      "-I", "eth0", "-b", "1000", "-H", "7", "-O", "0xb8",
                      "-M", "--fwmark", "0x10", "-D", "--print-ttl",
                      "192.0.2.1", NULL };
  const struct ap_pkt_cfg *p;
  struct ap_config c;
  struct ap_err err;

  EXPECT(parse(&c, &err, w) == AP_CLI_RUN);
  p = &c.ping.pkt;
  EXPECT(p->have_src[0] && p->have_src[1]);
  EXPECT(p->src[0].ss_family == AF_INET && p->src[1].ss_family == AF_INET6);
  EXPECT(strcmp(p->iface, "eth0") == 0 && p->size == 1000);
  EXPECT(p->ttl == 7 && p->tos == 0xb8 && p->df);
  EXPECT(p->have_mark && p->mark == 16);
  EXPECT(c.out.timestamps && c.out.print_ttl);
  ap_cli_release(&c);
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "x", NULL }) ==
         AP_CLI_RUN);
  p = &c.ping.pkt;
  EXPECT(!p->have_src[0] && !p->have_src[1] && p->iface == NULL);
  EXPECT(p->size == 0 && p->ttl == 0 && p->tos == -1 && !p->df &&
         !p->have_mark);
  ap_cli_release(&c);
}

static void test_defaults(void) {
  const char *w[] = { "aping", "192.0.2.1", NULL };
  struct ap_config c;
  struct ap_err err;

  EXPECT(parse(&c, &err, w) == AP_CLI_RUN);
  EXPECT(c.scan.timeout_ms == 500 && c.scan.retries == 1);
  EXPECT(c.scan.backoff == 2.0 && c.scan.rate == 10000.0);
  EXPECT(c.scan.count == 0 && c.ping.jobs == 0);
  EXPECT(c.intake.max_targets == 1ULL << 24);
  EXPECT(c.order.shard == 1 && c.order.nshards == 1 && !c.order.have_seed);
  EXPECT(c.svc.banner_bytes == 1024 && c.svc.telnet_port == 0);
  EXPECT(c.ping.method == AP_METHOD_AUTO);
  ap_cli_release(&c);
}

/* words must be refused with exit 3 and a message holding needle. */
static int refused(const char *needle, const char **words) {
  struct ap_config c;
  struct ap_err err;
  int r = parse(&c, &err, words);

  ap_cli_release(&c);
  if (r == AP_CLI_ERROR && err.code == AP_EXIT_USAGE &&
      strstr(err.msg, needle) != NULL && strstr(err.msg, "(exit 3)") != NULL)
    return 1;
  printf("# wanted '%s', got %d: %s\n", needle, r, err.msg);
  return 0;
}

#define REFUSED(needle, ...) \
  EXPECT(refused(needle, (const char *[]){ "aping", __VA_ARGS__, NULL }))

static void test_ranges(void) {
  size_t n, i;
  const struct ap_opt *opts = ap_cli_options(&n);
  char name[64], low[32], high[32], want[128];

  for (i = 0; i < n; i++) {
    const struct ap_opt *o = &opts[i];
    if (o->kind != AP_OPT_UINT)
      continue;
    spelt(o, name, sizeof(name));
    snprintf(want, sizeof(want), "invalid %s 'x': need a whole number", name);
    REFUSED(want, name, "x", "192.0.2.1");
    snprintf(want, sizeof(want), "invalid %s '-1'", name);
    REFUSED(want, name, "-1", "192.0.2.1");
    if (o->min > 0) {
      snprintf(low, sizeof(low), "%llu", (unsigned long long) o->min - 1);
      snprintf(want, sizeof(want), "invalid %s '%s'", name, low);
      REFUSED(want, name, low, "192.0.2.1");
    }
    if (o->max < UINT64_MAX) {
      snprintf(high, sizeof(high), "%llu", (unsigned long long) o->max + 1);
      snprintf(want, sizeof(want), "invalid %s '%s'", name, high);
      REFUSED(want, name, high, "192.0.2.1");
    }
  }
  REFUSED("invalid -t '0': need a whole number from 1 to 3600000", "-t", "0",
          "192.0.2.1");
  REFUSED("invalid -B '0.5': need a decimal number from 1 to 10", "-B", "0.5", "x");
  REFUSED("invalid --rate 'fast'", "--rate", "fast", "x");
  REFUSED("invalid -i '-1'", "-i", "-1", "x");
  REFUSED("invalid -m 'carrier-pigeon': need auto, icmp, exec or none", "-m",
          "carrier-pigeon", "x");
  REFUSED("invalid --shard '3/2'", "--shard", "3/2", "x");
  REFUSED("invalid --tcp '0'", "--tcp", "0", "x");
  REFUSED("invalid --telnet '0'", "--telnet=0", "x");
  REFUSED("invalid --expect '('", "--expect", "(", "--telnet", "x");
  REFUSED("invalid --warn '5x'", "--format", "nagios", "--warn", "5x", "x");
  REFUSED("invalid --deadline '0'", "--deadline", "0", "x");
  REFUSED("invalid --ping-command ''", "--ping-command", "", "x");
  /* The new options name their bad value, as they were typed. */
  REFUSED("invalid -C '0': need a whole number from 1 to 10000", "-C", "0",
          "x");
  REFUSED("invalid --vcount '10001'", "--vcount", "10001", "x");
  REFUSED("invalid --vcount 'x'", "--vcount=x", "x");
  REFUSED("invalid --count '0'", "--count", "0", "x");
  REFUSED("invalid --timeout 'soon'", "--timeout=soon", "x");
  REFUSED("invalid -p '5'", "-c", "2", "-p", "5", "x");
  REFUSED("invalid --period '3600001'", "-c", "2", "--period", "3600001",
          "x");
  REFUSED("invalid --rta '500,200': need WARN,CRIT in ms", "--format",
          "nagios", "--rta", "500,200", "x");
  REFUSED("invalid --rta '200'", "--format", "nagios", "--rta", "200", "x");
  REFUSED("invalid --rta '0,5'", "--format", "nagios", "--rta", "0,5", "x");
  REFUSED("invalid --pl '40,101': need WARN,CRIT in percent", "--format",
          "nagios", "--pl", "40,101", "x");
  REFUSED("invalid --pl 'many,more'", "--format", "nagios", "--pl",
          "many,more", "x");
}

static void test_syntax(void) {
  REFUSED("unknown option '--frobnicate'", "--frobnicate", "x");
  REFUSED("unknown option '-Z'", "-Z", "x");
  REFUSED("option '--any' does not take a value", "--any=yes", "x");
  REFUSED("option '-t' needs a value", "x", "-t");
  REFUSED("option '--timeout' needs a value", "x", "--timeout");
  REFUSED("option '--quiet' does not take a value", "--quiet=yes", "x");
  REFUSED("unknown option '--reachable'", "--reachable", "2", "x");
  REFUSED("unknown option '--dontfrag'", "--dontfrag", "x");
  REFUSED("option '--rate' needs a value", "x", "--rate");
  REFUSED("--expect given twice ('b')", "--telnet", "--expect", "a",
          "--expect", "b", "x");
}

/* The packet options: values, and what they do not apply to. */
static void test_packet_conflicts(void) {
  REFUSED("invalid -S 'nowhere': need an IPv4 or IPv6 address", "-S",
          "nowhere", "x");
  REFUSED("an IPv4 source address is given already", "-S", "192.0.2.1",
          "--src", "192.0.2.2", "x");
  REFUSED("invalid -I 'a/b'", "-I", "a/b", "x");
  REFUSED("invalid -I 'abcdefghijklmnop'", "-I", "abcdefghijklmnop", "x");
  REFUSED("invalid -I ''", "-I", "", "x");
  REFUSED("-I given twice", "-I", "lo", "-I", "lo", "x");
  REFUSED("invalid --tos '256'", "--tos", "256", "x");
  REFUSED("invalid -O '0x100'", "-O", "0x100", "x");
  REFUSED("invalid --tos '0x'", "--tos", "0x", "x");
  REFUSED("invalid --fwmark '4294967296'", "--fwmark", "4294967296", "x");
  REFUSED("--ttl applies to the echo requests: not with -m none", "-m",
          "none", "--tcp", "22", "--ttl", "3", "x");
  REFUSED("-b applies to the echo requests: not with -m none", "-m", "none",
          "--tcp", "22", "-b", "100", "x");
  REFUSED("--fwmark marks only the echo requests", "--fwmark", "1",
          "--telnet", "x");
  REFUSED("--fwmark needs an ICMP socket", "-m", "exec", "--fwmark", "1",
          "x");
  REFUSED("-m exec takes -S or -I, not both", "-m", "exec", "-S",
          "192.0.2.1", "-I", "lo", "x");
  REFUSED("-S: an IPv6 source address with -4", "-4", "-S", "2001:db8::1",
          "x");
  REFUSED("-S: an IPv4 source address with -6", "-6", "-S", "192.0.2.1",
          "x");
}

static void test_conflicts(void) {
  struct ap_config c;
  struct ap_err err;

  REFUSED("-4 and -6 given together", "-4", "-6", "x");
  REFUSED("-i and --rate given together", "-i", "10", "--rate", "5", "x");
  REFUSED("-x and --state given together", "-x", "1", "--state", "s", "x");
  REFUSED("-x does not apply to --format nagios", "-x", "1", "--format",
          "nagios", "x");
  REFUSED("--warn and --crit need --format nagios", "--warn", "1", "x");
  REFUSED("--banner needs --tcp", "--banner", "x");
  REFUSED("--expect needs --banner or --telnet", "--tcp", "22", "--expect",
          "a", "x");
  REFUSED("--banner-bytes needs --banner or --telnet", "--banner-bytes", "9",
          "x");
  REFUSED("--any needs --tcp, --telnet or --tcp-ping", "--any", "x");
  REFUSED("-m none needs --tcp, --telnet or --tcp-ping", "-m", "none",
          "x");
  REFUSED("--tcp-ping does not apply to -l", "-l", "--tcp-ping", "22", "x");
  REFUSED("invalid --tcp-ping '0'", "--tcp-ping", "0", "x");
  REFUSED("-p needs -c, -C, -l, -Q or --listen", "-p", "100", "x");
  REFUSED("-t over -p", "-c", "3", "-p", "100", "-t", "200", "x");
  REFUSED("-t over -p", "--vcount=3", "--period=100", "--timeout=101", "x");
  REFUSED("-c and -C given together", "-c", "3", "-C", "3", "x");
  REFUSED("-C does not apply to -l", "-l", "-C", "3", "x");
  REFUSED("-C needs an ICMP socket: not with -m exec", "-m", "exec", "-C",
          "3", "x");
  REFUSED("--rta and --pl need --format nagios", "--rta", "200,500", "x");
  REFUSED("--rta and --pl need --format nagios", "--pl", "40,80",
          "--format", "json", "x");
  REFUSED("--rta and --pl do not go with --warn and --crit", "--format",
          "nagios", "--pl", "40,80", "--crit", "1", "x");
  REFUSED("--rta and --pl need pings: not with -m none", "--format",
          "nagios", "--rta", "1,2", "-m", "none", "--tcp", "22", "x");
  REFUSED("--format prom and nagios do not apply to -l", "-l", "--format",
          "nagios", "--rta", "1,2", "x");
  REFUSED("--buckets needs --listen", "--buckets", "0.1", "x");
  REFUSED("--buckets needs --listen", "-l", "--buckets", "0.1", "x");
  REFUSED("-c does not apply to -l", "-l", "-c", "3", "x");
  REFUSED("-r and -B do not apply to -l", "-Q", "5", "-r", "2", "x");
  REFUSED("-x and --state do not apply to -l", "-l", "--state", "f", "x");
  REFUSED("--format prom and nagios do not apply to -l", "--listen", "9857",
          "--format", "prom", "x");
  REFUSED("-m exec does not apply to -l", "-l", "-m", "exec", "x");
  REFUSED("-t over -p", "-l", "-p", "100", "-t", "200", "x");
  REFUSED("invalid -p '5'", "-l", "-p", "5", "x");
  REFUSED("invalid -Q '0'", "-Q", "0", "x");
  REFUSED("invalid --squiet '5,sum'", "--squiet", "5,sum", "x");
  REFUSED("invalid --listen '99999'", "--listen", "99999", "x");
  REFUSED("invalid --listen 'localhost:80'", "--listen", "localhost:80",
          "x");
  REFUSED("invalid --listen '::1:80'", "--listen", "::1:80", "x");
  REFUSED("invalid --buckets '0.1,0.01'", "--listen", "1", "--buckets",
          "0.1,0.01", "x");
  REFUSED("invalid --buckets 'x'", "--listen", "1", "--buckets", "x", "x");
  test_packet_conflicts();
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "-v", NULL }) ==
         AP_CLI_USAGE);
  ap_cli_release(&c);
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "-f", "h", NULL }) ==
         AP_CLI_RUN);
  ap_cli_release(&c);
}

/* Whether text has "  OPT" at a line's start or ", OPT", followed by a
 * space, '=', '[', ',' or the line's end. */
static int lists(const char *text, const char *opt) {
  size_t len = strlen(opt);
  const char *p;

  for (p = strstr(text, opt); p != NULL; p = strstr(p + 1, opt)) {
    int before = (p - text >= 3 && p[-1] == ' ' && p[-2] == ' ' &&
                  p[-3] == '\n') ||
                 (p - text >= 2 && p[-1] == ' ' && p[-2] == ',') ||
                 (p - text >= 1 && p[-1] == '[');
    char after = p[len];
    if (before && (after == ' ' || after == '=' || after == '[' ||
                   after == ',' || after == '\n' || after == ']'))
      return 1;
  }
  return 0;
}

static void test_help_lists_every_option(void) {
  size_t n, i;
  const struct ap_opt *opts = ap_cli_options(&n);
  char *help = NULL, *usage = NULL, opt[64];
  size_t hlen = 0, ulen = 0;
  FILE *h = open_memstream(&help, &hlen), *u = open_memstream(&usage, &ulen);

  ap_cli_help(h);
  ap_cli_usage(u);
  fclose(h);
  fclose(u);
  EXPECT(strncmp(help, usage, ulen) == 0); /* help opens with the usage */
  for (i = 0; i < n; i++) {
    const struct ap_opt *o = &opts[i];
    if (o->letter != 0) {
      snprintf(opt, sizeof(opt), "-%c", o->letter);
      if (!lists(help + ulen, opt)) {
        printf("# --help lacks %s\n", opt);
        EXPECT(0);
      }
    }
    if (o->name != NULL) {
      snprintf(opt, sizeof(opt), "--%s", o->name);
      if (!lists(help + ulen, opt) ||
          (o->letter == 0 && !lists(usage, opt))) {
        printf("# --help or usage lacks %s\n", opt);
        EXPECT(0);
      }
    }
    if (o->alias != NULL) {
      snprintf(opt, sizeof(opt), "--%s", o->alias);
      if (!lists(help + ulen, opt)) {
        printf("# --help lacks %s\n", opt);
        EXPECT(0);
      }
    }
    EXPECT(o->help != NULL && o->help[0] != '\0');
    EXPECT(o->kind != AP_OPT_WORD || o->words != NULL);
    EXPECT(o->kind != AP_OPT_FN || o->fn != NULL);
  }
  /* Every line fits in 80 columns. */
  for (char *p = help, *nl; *p != '\0'; p = nl + 1) {
    nl = strchr(p, '\n');
    if (nl == NULL)
      break;
    EXPECT(nl - p <= 79);
  }
  free(help);
  free(usage);
}

static void test_loop(void) {
  struct ap_config c;
  struct ap_err err;

  /* -l takes -t down to the period, unless -t is given. */
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "-l", "-p", "200",
                                          "x", NULL }) == AP_CLI_RUN);
  EXPECT(c.loop.on && c.loop.period_ms == 200 && c.scan.timeout_ms == 200);
  EXPECT(c.out.loop && c.ping.keep_sockets);
  ap_cli_release(&c);
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "-l", "x", NULL }) ==
         AP_CLI_RUN);
  EXPECT(c.loop.period_ms == 1000 && c.scan.timeout_ms == 500);
  ap_cli_release(&c);
  /* -Q and --listen imply -l. */
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "-Q", "10,cumulative",
                                          "x", NULL }) == AP_CLI_RUN);
  EXPECT(c.loop.on && c.loop.squiet_s == 10 && c.loop.cumulative);
  ap_cli_release(&c);
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "--listen",
                                          "127.0.0.1:9857", "--buckets",
                                          "0.5,1", "x", NULL }) ==
         AP_CLI_RUN);
  EXPECT(c.loop.on && c.loop.listen);
  EXPECT(c.loop.listen_addr.ss_family == AF_INET);
  EXPECT(c.loop.buckets.n == 2 && c.loop.buckets.le_ns[1] == 1000000000);
  ap_cli_release(&c);
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "--listen", "9857", "x",
                                          NULL }) == AP_CLI_RUN);
  EXPECT(c.loop.listen_addr.ss_family == AF_INET6); /* every address */
  EXPECT(c.loop.buckets.n == 20);
  ap_cli_release(&c);
}

/* Whether two long names (either may be NULL) are the same. */
static int same(const char *a, const char *b) {
  return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static void test_names_unique(void) {
  size_t n, i, j;
  const struct ap_opt *opts = ap_cli_options(&n);

  for (i = 0; i < n; i++) {
    EXPECT(!same(opts[i].name, opts[i].alias));
    for (j = i + 1; j < n; j++) {
      EXPECT(opts[i].letter == 0 || opts[i].letter != opts[j].letter);
      EXPECT(!same(opts[i].name, opts[j].name));
      EXPECT(!same(opts[i].name, opts[j].alias));
      EXPECT(!same(opts[i].alias, opts[j].name));
      EXPECT(!same(opts[i].alias, opts[j].alias));
    }
  }
}

/* fping's long names work as aliases of the same letters, and SmokePing's
 * command line parses. */
static void test_fping_names(void) {
  struct ap_config c;
  struct ap_err err;

  EXPECT(parse(&c, &err, (const char *[]){ "aping", "--count", "3",
                                          "--timeout", "200", "--retry",
                                          "2", "--backoff", "1.5",
                                          "--interval", "10", "--file", "f",
                                          "--alive", "--elapsed", "--stats",
                                          "--ipv4", NULL }) == AP_CLI_RUN);
  EXPECT(c.scan.count == 3 && c.scan.timeout_ms == 200);
  EXPECT(c.scan.retries == 2 && c.scan.backoff == 1.5);
  EXPECT(c.scan.rate == 100.0 && c.intake.files.n == 1);
  EXPECT(c.out.show == AP_SHOW_ALIVE && c.out.elapsed && c.run.summary);
  EXPECT(c.intake.family == 4 && !c.out.vcount && !c.scan.keep_rtts);
  EXPECT(c.scan.period_ms == 0); /* no -p: -t apart */
  ap_cli_release(&c);
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "--vcount=20",
                                          "--quiet", "--unreach", "--ipv6",
                                          "x", NULL }) == AP_CLI_RUN);
  EXPECT(c.scan.count == 20 && c.scan.keep_rtts && c.out.vcount);
  EXPECT(c.out.show == AP_SHOW_UNREACH && c.intake.family == 6);
  ap_cli_release(&c);
  /* fping -C 20 -q -B1 -r1 -i10 -p 100, as SmokePing runs it: -t comes
   * down to -p, as with -l. */
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "-C", "20", "-q",
                                          "-B1", "-r1", "-i10", "-p100",
                                          "x", NULL }) == AP_CLI_RUN);
  EXPECT(c.scan.count == 20 && c.out.show == AP_SHOW_NONE);
  EXPECT(c.scan.period_ms == 100 && c.scan.timeout_ms == 100);
  EXPECT(c.scan.rate == 100.0 && !c.loop.on);
  ap_cli_release(&c);
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "-c", "2", "-p", "2000",
                                          "-t", "1500", "x", NULL }) ==
         AP_CLI_RUN);
  EXPECT(c.scan.period_ms == 2000 && c.scan.timeout_ms == 1500);
  ap_cli_release(&c);
  /* --rta and --pl: check_icmp's 5 probes unless -c says otherwise. */
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "--format", "nagios",
                                          "--rta", "200,500", "x", NULL }) ==
         AP_CLI_RUN);
  EXPECT(c.scan.count == 5 && c.out.nagios.lim.rta && !c.out.nagios.lim.pl);
  EXPECT(c.out.nagios.lim.rta_warn_ms == 200);
  EXPECT(c.out.nagios.lim.rta_crit_ms == 500);
  ap_cli_release(&c);
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "--format", "nagios",
                                          "-C", "3", "--pl", "20%,60%", "x",
                                          NULL }) == AP_CLI_RUN);
  EXPECT(c.scan.count == 3 && c.out.nagios.lim.pl);
  EXPECT(c.out.nagios.lim.pl_warn == 20 && c.out.nagios.lim.pl_crit == 60);
  ap_cli_release(&c);
}

int main(void) {
  RUN(test_every_option_parses);
  RUN(test_values_land);
  RUN(test_packet_values_land);
  RUN(test_defaults);
  RUN(test_ranges);
  RUN(test_syntax);
  RUN(test_conflicts);
  RUN(test_help_lists_every_option);
  RUN(test_loop);
  RUN(test_names_unique);
  RUN(test_fping_names);
  return tap_done();
}
