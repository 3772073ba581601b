/* test-cli-opts.c - the option table as a class, over every option: a
 * number is decimal and nothing else, an option is named as it was
 * typed, a beginning several long options share is ambiguous, and an
 * option that does nothing with the others is refused or warned about. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cliparse.h"
#include "output.h"
#include "utf8.h"
#include "tap.h"

/* The words are refused with exit 3 and a message holding needle. */
static int refused(const char *needle, const char *const *words) {
  struct ap_config c;
  struct ap_err err;
  int r = parse(&c, &err, words);

  ap_cli_release(&c);
  if (r == AP_CLI_ERROR && err.code == AP_EXIT_USAGE &&
      strstr(err.msg, needle) != NULL && strstr(err.msg, "(exit 3)") != NULL)
    return 1;
  printf("# wanted '%s' (exit 3), got %d: %s\n", needle, r, err.msg);
  return 0;
}

/* ---- numbers ---- */

/* What an option's value looks like around a number: "%s" alone, or the
 * number inside a longer value (--shard 1/%s), and what else the option
 * needs to be read at all. */
struct numeric {
  const char *opt, *fmt, *with;
  int hex_ok, exp_ok; /* documented: --tos and --fwmark take 0x, --buckets
                         an exponent */
};

static const struct numeric fn_numbers[] = {
  { "-i", "%s", NULL, 0, 0 },
  { "--deadline", "%s", NULL, 0, 0 },
  { "-C", "%s", NULL, 0, 0 },
  { "--telnet", "%s", NULL, 0, 0 },
  { "--shard", "%s/3", NULL, 0, 0 },
  { "--shard", "1/%s", NULL, 0, 0 },
  { "--squiet", "%s", NULL, 0, 0 },
  { "--squiet", "%s,cumulative", NULL, 0, 0 },
  { "--listen", "127.0.0.1:%s", NULL, 0, 0 },
  { "--listen", "%s", NULL, 0, 0 },
  { "--buckets", "%s", "--listen=9857", 0, 1 },
  { "--buckets", "0.0001,%s", "--listen=9857", 0, 1 },
  { "--warn", "%s", "--format=nagios", 0, 0 },
  { "--crit", "%s%%", "--format=nagios", 0, 0 },
  { "--rta", "%s,500", "--format=nagios", 0, 0 },
  { "--rta", "200,%s", "--format=nagios", 0, 0 },
  { "--pl", "%s,80", "--format=nagios", 0, 0 },
  { "--pl", "40,%s%%", "--format=nagios", 0, 0 },
  { "--tcp", "%s", NULL, 0, 0 },
  { "--tcp", "22,%s", NULL, 0, 0 },
  { "--tcp-ping", "%s-90", NULL, 0, 0 },
  { "--tos", "%s", NULL, 1, 0 },
  { "--fwmark", "%s", NULL, 1, 0 },
};

/* The options read by functions of their own that take no number. */
static const char *const fn_words[] = { "--expect", "-o", "--ping-command",
                                        "--src", "--iface" };

/* Numbers in every spelling the manual does not allow, each a value that
 * strtod() or strtoul() alone would take (or skip a part of). */
static const struct { const char *s; int hex, exp; } bad_numbers[] = {
  { "0x10", 1, 0 }, { "0X1a", 1, 0 }, { "0x1p-5", 0, 0 }, { "0x1P4", 0, 0 },
  { "1e3", 0, 1 }, { "5E0", 0, 1 }, { "inf", 0, 0 }, { "INF", 0, 0 },
  { "infinity", 0, 0 }, { "nan", 0, 0 }, { "nan(1)", 0, 0 }, { " 5", 0, 0 },
  { "\t5", 0, 0 }, { "5 ", 0, 0 }, { "+5", 0, 0 }, { "-0", 0, 0 },
  { "", 0, 0 }, { ".", 0, 0 }, { "1.2.3", 0, 0 }, { "0x", 0, 0 },
  { "5s", 0, 0 }, { "\xef\xbc\x95", 0, 0 } /* a fullwidth 5 */,
};

/* Tries every bad number as option opt's value, formatted by fmt. */
static void bad_numbers_for(const char *opt, const char *fmt,
                            const char *with, int hex_ok, int exp_ok) {
  char value[64], joined[96], shown[260], want[320];
  size_t i;

  for (i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++) {
    const char *w[8] = { "aping" };
    int k = 1;

    if ((bad_numbers[i].hex && hex_ok) || (bad_numbers[i].exp && exp_ok))
      continue;
    snprintf(value, sizeof(value), fmt, bad_numbers[i].s);
    if (with != NULL)
      w[k++] = with;
    /* --opt=VALUE, so that an empty value and an optional one are given. */
    if (opt[1] == '-') {
      snprintf(joined, sizeof(joined), "%s=%s", opt, value);
      w[k++] = joined;
    } else {
      w[k++] = opt;
      w[k++] = value;
    }
    w[k++] = "192.0.2.1";
    /* Messages show a value's control characters escaped (src/utf8.h). */
    ap_utf8_escape((const uint8_t *) value, strlen(value), 0, shown,
                   sizeof(shown), NULL);
    snprintf(want, sizeof(want), "invalid %s '%s'", opt, shown);
    if (!refused(want, w)) {
      printf("# %s %s\n", opt, value);
      EXPECT(0);
    }
  }
}

static void test_numbers_are_decimal(void) {
  size_t n, i, j, tried = 0;
  const struct ap_opt *opts = ap_cli_options(&n);
  char name[64], fmt_ok[64];

  for (i = 0; i < n; i++) {
    const struct ap_opt *o = &opts[i];
    int found = 0;

    ap_opt_name(o, name, sizeof(name));
    if (o->kind == AP_OPT_UINT || o->kind == AP_OPT_REAL) {
      bad_numbers_for(name, "%s", NULL, 0, 0);
      tried++;
      continue;
    }
    if (o->kind != AP_OPT_FN)
      continue;
    for (j = 0; j < sizeof(fn_numbers) / sizeof(fn_numbers[0]); j++)
      if (strcmp(fn_numbers[j].opt, name) == 0) {
        bad_numbers_for(name, fn_numbers[j].fmt, fn_numbers[j].with,
                        fn_numbers[j].hex_ok, fn_numbers[j].exp_ok);
        found = 1;
      }
    for (j = 0; j < sizeof(fn_words) / sizeof(fn_words[0]); j++)
      found |= strcmp(fn_words[j], name) == 0;
    /* A new option read by a function must be put in one list or the
     * other, so that none escapes this test. */
    if (!found) {
      printf("# %s: neither a number nor a word to this test\n", name);
      EXPECT(0);
    }
    tried += (size_t) found;
  }
  EXPECT(tried >= 30);
  /* What the manual allows still goes through, with the bounds in the
   * message written out in decimal. */
  {
    struct ap_config c;
    struct ap_err err;

    EXPECT(parse(&c, &err, (const char *[]){ "aping", "--rate", "2.5",
                                            "--deadline", ".5", "-B", "1.",
                                            "-t", "0010", "x", NULL }) ==
           AP_CLI_RUN);
    EXPECT(c.scan.rate == 2.5 && c.run.deadline_ms == 500);
    EXPECT(c.scan.backoff == 1.0 && c.scan.timeout_ms == 10);
    ap_cli_release(&c);
    snprintf(fmt_ok, sizeof(fmt_ok), "need a decimal number from 0 to "
             "1000000000");
    EXPECT(refused(fmt_ok, (const char *[]){ "aping", "--rate", "0x10", "x",
                                           NULL }));
    EXPECT(parse(&c, &err, (const char *[]){ "aping", "--listen", "9857",
                                            "--buckets", "5e-05,0.5", "x",
                                            NULL }) == AP_CLI_RUN);
    EXPECT(c.loop.buckets.n == 2 && c.loop.buckets.le_ns[0] == 50000);
    ap_cli_release(&c);
    EXPECT(parse(&c, &err, (const char *[]){ "aping", "--tos", "0xb8",
                                            "--fwmark", "0x10", "x",
                                            NULL }) == AP_CLI_RUN);
    EXPECT(c.ping.pkt.tos == 0xb8 && c.ping.pkt.mark == 16);
    ap_cli_release(&c);
  }
}

/* ---- names as typed, ambiguous beginnings ---- */

/* How many options have a long name or alias beginning with the len
 * bytes at p, and whether one of them is exactly it. */
static size_t sharing(const char *p, size_t len, int *exact) {
  size_t n, i, k = 0;
  const struct ap_opt *opts = ap_cli_options(&n);

  *exact = 0;
  for (i = 0; i < n; i++) {
    const char *names[2] = { opts[i].name, opts[i].alias };
    int hit = 0, j;
    for (j = 0; j < 2; j++) {
      if (names[j] == NULL || strncmp(names[j], p, len) != 0)
        continue;
      hit = 1;
      *exact |= strlen(names[j]) == len;
    }
    k += (size_t) hit;
  }
  return k;
}

/* Every beginning of every long name: shared by several options (and not
 * a whole name) it is ambiguous, naming them; else it is that option. */
static void test_ambiguous(void) {
  size_t n, i, j, len, ambiguous = 0;
  const struct ap_opt *opts = ap_cli_options(&n);
  char typed[80], want[120];
  struct ap_config c;
  struct ap_err err;

  for (i = 0; i < n; i++) {
    const char *names[2] = { opts[i].name, opts[i].alias };
    for (j = 0; j < 2; j++) {
      if (names[j] == NULL)
        continue;
      for (len = 1; len <= strlen(names[j]); len++) {
        int exact, r;
        size_t k = sharing(names[j], len, &exact);
        snprintf(typed, sizeof(typed), "--%.*s", (int) len, names[j]);
        r = parse(&c, &err, (const char *[]){ "aping", "x", typed, NULL });
        ap_cli_release(&c);
        if (k > 1 && !exact) {
          ambiguous++;
          snprintf(want, sizeof(want), "ambiguous option '%s' (could be ",
                   typed);
          if (r != AP_CLI_ERROR || strstr(err.msg, want) == NULL ||
              strstr(err.msg, "--") == NULL) {
            printf("# %s: %s\n", typed, err.msg);
            EXPECT(0);
          }
          /* Each name it could be is listed (up to eight, then "..."). */
          snprintf(want, sizeof(want), "--%s", names[j]);
          EXPECT(strstr(err.msg, want) != NULL ||
                 strstr(err.msg, ", ...)") != NULL);
        } else if (r == AP_CLI_ERROR &&
                   (strstr(err.msg, "ambiguous") != NULL ||
                    strstr(err.msg, "unknown option") != NULL)) {
          printf("# %s: %s\n", typed, err.msg);
          EXPECT(0);
        }
      }
    }
  }
  EXPECT(ambiguous >= 20);
  EXPECT(refused("ambiguous option '--ex' (could be --exclude, "
                 "--exclude-file, --expect)",
                 (const char *[]){ "aping", "--ex", "x", NULL }));
  EXPECT(refused("ambiguous option '--ex' (could be",
                 (const char *[]){ "aping", "--ex=5", "x", NULL }));
  EXPECT(refused("unknown option '--frob'",
                 (const char *[]){ "aping", "--frob=5", "x", NULL }));
}

/* Every option is named as it was typed: a value given to one that takes
 * none, a value missing. */
static void test_named_as_typed(void) {
  size_t n, i, j;
  const struct ap_opt *opts = ap_cli_options(&n);
  char typed[80], want[120], letter[3];

  for (i = 0; i < n; i++) {
    const struct ap_opt *o = &opts[i];
    const char *names[2] = { o->name, o->alias };
    int none = o->kind <= AP_OPT_COUNT || o->kind >= AP_OPT_HELP;

    for (j = 0; j < 2; j++) {
      if (names[j] == NULL)
        continue;
      if (none) {
        snprintf(typed, sizeof(typed), "--%s=x", names[j]);
        snprintf(want, sizeof(want), "option '--%s' does not take a value",
                 names[j]);
        EXPECT(refused(want, (const char *[]){ "aping", typed, "x",
                                              NULL }));
        /* A beginning that only it has, as typed. */
        if (strlen(names[j]) > 1) {
          int exact;
          size_t len = strlen(names[j]) - 1;
          if (sharing(names[j], len, &exact) == 1) {
            snprintf(typed, sizeof(typed), "--%.*s=x", (int) len, names[j]);
            snprintf(want, sizeof(want), "option '--%.*s' does not take a "
                     "value", (int) len, names[j]);
            EXPECT(refused(want, (const char *[]){ "aping", "x", typed,
                                                  NULL }));
          }
        }
      } else if (!o->optional) {
        snprintf(typed, sizeof(typed), "--%s", names[j]);
        snprintf(want, sizeof(want), "option '%s' needs a value", typed);
        EXPECT(refused(want, (const char *[]){ "aping", "x", typed, NULL }));
      }
    }
    if (o->letter != 0 && !none && !o->optional) {
      snprintf(letter, sizeof(letter), "-%c", o->letter);
      snprintf(want, sizeof(want), "option '%s' needs a value", letter);
      EXPECT(refused(want, (const char *[]){ "aping", "x", letter, NULL }));
      snprintf(typed, sizeof(typed), "-q%c", o->letter);
      EXPECT(refused(want, (const char *[]){ "aping", "x", typed, NULL }));
    }
  }
}

/* ---- options that do nothing with the others ---- */

struct combo {
  const char *words[12];
  int error;          /* refused with exit 3, else a warning */
  const char *needle; /* in the message or the warning */
};

static const struct combo ignored_combos[] = {
  { { "-e", "x" }, 0, "-e shows round-trip times only in -a's text list" },
  { { "-u", "-e", "x" }, 0, "-e shows round-trip times only" },
  { { "-q", "--elapsed", "x" }, 0, "-e shows round-trip times only" },
  { { "-a", "-e", "--format", "json", "x" }, 0, "-e shows round-trip" },
  { { "-c", "3", "-r", "2", "x" }, 0, "-r and -B do not apply to -c" },
  { { "-c", "3", "-B", "1.5", "x" }, 0, "-r and -B do not apply to -c" },
  { { "-C", "20", "-q", "-B1", "-r1", "-i10", "x" }, 0,
    "-r and -B do not apply to -c" },
  { { "--format", "nagios", "--rta", "1,2", "--retry", "3", "x" }, 0,
    "-r and -B do not apply to -c, -C, --rta and --pl" },
  { { "-r", "0", "-B", "3", "x" }, 0, "-B spaces out retries, and -r 0" },
  { { "--seed", "7", "--order", "sequential", "x" }, 0,
    "--seed keys the random order, and --order sequential has none" },
  { { "--seed", "7", "--order", "sequential", "--shard", "1/2", "x" }, 0,
    "--seed keys the random order" },
  { { "-D", "--format", "csv", "x" }, 0, "-D stamps text lines" },
  { { "--timestamp", "--format", "json", "-l", "x" }, 0,
    "-D stamps text lines" },
  { { "--print-ttl", "--format", "json", "x" }, 0,
    "--print-ttl shows the TTL in text lines" },
  { { "-m", "icmp", "--ping-command", "/bin/ping", "x" }, 1,
    "--ping-command is for ping(8), which -m icmp never runs" },
  { { "-m", "none", "--tcp", "22", "--ping-command", "/bin/ping", "x" }, 1,
    "--ping-command is for ping(8), which -m none never runs" },
  { { "-l", "--ping-command", "/bin/ping", "x" }, 1,
    "--ping-command is for ping(8), which -l never runs" },
  { { "--listen", "9857", "--ping-command", "/bin/ping", "x" }, 1,
    "--ping-command is for ping(8), which -l never runs" },
  { { "-C", "3", "--ping-command", "/bin/ping", "x" }, 1,
    "--ping-command is for ping(8), which -C never runs" },
  { { "-m", "none", "--tcp", "22", "-c", "3", "x" }, 1,
    "-c and -C count echo requests: not with -m none" },
  { { "-m", "none", "--telnet", "--vcount=3", "x" }, 1,
    "-c and -C count echo requests: not with -m none" },
  { { "-A", "--format", "json", "x" }, 0, "-A shows addresses in text" },
  { { "--addr", "--format", "csv", "x" }, 0, "-A shows addresses in text" },
  { { "-u", "--format", "nagios", "x" }, 0,
    "-a, -u and -q choose what is listed, and the nagios line" },
  { { "-q", "--format", "nagios", "--warn", "2", "x" }, 0,
    "-a, -u and -q choose what is listed" },
  { { "--color", "always", "--format", "prom", "x" }, 0,
    "--color colours text lines only" },
  { { "--threads", "2", "-m", "exec", "x" }, 0, "--threads spreads ICMP" },
  { { "--threads", "4", "-l", "x" }, 0, "--threads spreads ICMP" },
  { { "--threads", "2", "--listen", "9857", "x" }, 0,
    "--threads spreads ICMP" },
  { { "--threads", "2", "--tcp", "22", "x" }, 0, "--threads spreads ICMP" },
  { { "--threads", "2", "-m", "none", "--telnet", "x" }, 0,
    "--threads spreads ICMP" },
  { { "--threads", "2", "--tcp-ping", "22", "x" }, 0,
    "--threads spreads ICMP" },
  { { "--threads", "2", "-d", "x" }, 0, "--threads spreads ICMP" },
};

/* The same options where they do something: no warning, no error. */
static const char *const applying[][12] = {
  { "-a", "-e", "x" },
  { "--alive", "--elapsed", "-D", "--print-ttl", "x" },
  { "-r", "2", "-B", "1.5", "x" },
  { "-r", "0", "x" },
  { "--seed", "7", "x" },
  { "--seed", "7", "--order", "random", "--shard", "1/2", "x" },
  { "-m", "exec", "--ping-command", "/bin/ping", "x" },
  { "--ping-command", "/bin/ping", "x" }, /* auto may fall back to it */
  { "-m", "exec", "-c", "3", "--ping-command", "/bin/ping", "x" },
  { "-l", "-D", "--print-ttl", "x" },
  { "-c", "3", "x" },
  { "-A", "--format", "prom", "x" },
  { "-A", "--format", "nagios", "x" },
  { "-u", "--format", "prom", "x" }, /* prom leaves the others out */
  { "-q", "--format", "json", "x" },
  { "--color", "always", "x" },
  { "--color", "never", "--format", "json", "x" },
  { "-m", "none", "--tcp", "22", "-r", "2", "-B", "3", "x" },
  { "--threads", "2", "x" },
  { "--threads", "2", "-m", "icmp", "-c", "3", "x" },
  { "--threads", "1", "-l", "--tcp", "22", "x" },
};

static void test_ignored_options(void) {
  size_t i, k, warned;
  struct ap_config c;
  struct ap_err err;

  for (i = 0; i < sizeof(ignored_combos) / sizeof(ignored_combos[0]); i++) {
    const struct combo *t = &ignored_combos[i];
    const char *w[16] = { "aping" };
    int r;

    for (k = 0; t->words[k] != NULL; k++)
      w[k + 1] = t->words[k];
    r = parse(&c, &err, w);
    if (t->error) {
      if (r != AP_CLI_ERROR || err.code != AP_EXIT_USAGE ||
          strstr(err.msg, t->needle) == NULL) {
        printf("# combo %zu: wanted error '%s', got %d: %s\n", i, t->needle,
               r, err.msg);
        EXPECT(0);
      }
    } else {
      for (k = 0, warned = 0; r == AP_CLI_RUN && k < c.nwarn; k++)
        warned += strstr(c.warn[k], t->needle) != NULL &&
                  strstr(c.warn[k], ": ignored") != NULL;
      if (r != AP_CLI_RUN || warned != 1) {
        printf("# combo %zu: wanted one warning '%s', got %d (%zu "
               "warnings): %s\n", i, t->needle, r, c.nwarn, err.msg);
        EXPECT(0);
      }
    }
    ap_cli_release(&c);
  }
  for (i = 0; i < sizeof(applying) / sizeof(applying[0]); i++) {
    const char *w[16] = { "aping" };
    int r;

    for (k = 0; applying[i][k] != NULL; k++)
      w[k + 1] = applying[i][k];
    r = parse(&c, &err, w);
    if (r != AP_CLI_RUN || c.nwarn != 0) {
      printf("# applying %zu: got %d, %zu warnings (%s): %s\n", i, r,
             c.nwarn, c.nwarn ? c.warn[0] : "", err.msg);
      EXPECT(0);
    }
    ap_cli_release(&c);
  }
}

/* Many warnings at once (every kind in one run or the other): each is
 * given, none is lost. */
static void test_every_warning(void) {
  struct ap_config c;
  struct ap_err err;

  EXPECT(parse(&c, &err, (const char *[]){ "aping", "-e", "-r", "2",
                                          "--seed", "1", "--order",
                                          "sequential", "-D", "--print-ttl",
                                          "-u", "--color", "always", "-A",
                                          "--format", "nagios", "x",
                                          NULL }) == AP_CLI_RUN);
  EXPECT(c.nwarn == 6); /* -A applies to nagios; -r without -c does too */
  ap_cli_release(&c);
  EXPECT(parse(&c, &err, (const char *[]){ "aping", "-e", "-c", "2", "-r",
                                          "2", "--seed", "1", "--order",
                                          "sequential", "-D", "--print-ttl",
                                          "-a", "--color", "always", "-A",
                                          "--format", "csv", "x",
                                          NULL }) == AP_CLI_RUN);
  EXPECT(c.nwarn == 7); /* -a applies to csv */
  ap_cli_release(&c);
}

int main(void) {
  RUN(test_numbers_are_decimal);
  RUN(test_ambiguous);
  RUN(test_named_as_typed);
  RUN(test_ignored_options);
  RUN(test_every_warning);
  return tap_done();
}
