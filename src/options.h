/* options.h - the option table: every option of aping, declared once.
 *
 * One entry per option holds its long name, its letter, how its value is
 * read and checked, where it goes in struct ap_config, and its help.
 * cli.c generates getopt's option string, the long options, the usage
 * line and --help from it.  Reading a value never prints or exits: it
 * says what is wrong in a buffer.
 */
#ifndef AP_OPTIONS_H
#define AP_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* The most entries the table may have (cli.c sizes its arrays by it). */
#define AP_OPTS_MAX 96

/* How a value is read. */
enum ap_opt_kind {
  AP_OPT_SET = 0, /* no value: stores val into the int at dest */
  AP_OPT_COUNT,   /* no value: adds 1 to the int at dest */
  AP_OPT_UINT,    /* a whole number in [min, max], of size bytes at dest */
  AP_OPT_REAL,    /* a decimal number in [rmin, rmax], a double at dest */
  AP_OPT_WORD,    /* one of words: its index, an int at dest */
  AP_OPT_STR,     /* the value itself, a const char * at dest */
  AP_OPT_LIST,    /* appended to the struct ap_strlist at dest */
  AP_OPT_FN,      /* read by fn */
  AP_OPT_HELP,    /* -h: print the help */
  AP_OPT_VERSION  /* -V: print the version */
};

struct ap_opt;

/* Reads the value of an AP_OPT_FN option (arg is NULL for an optional
 * value not given).  Returns 0, or -1 after writing why into err (no
 * capital, no full stop, naming the value), or UV_ENOMEM. */
typedef int (*ap_opt_fn)(struct ap_config *c, const struct ap_opt *o,
                         const char *arg, char *err, size_t errlen);

struct ap_opt {
  const char *name;   /* long name, or NULL */
  const char *alias;  /* another long name for it (fping's), or NULL */
  char letter;        /* short letter, or 0 */
  unsigned char kind; /* enum ap_opt_kind */
  unsigned char size; /* AP_OPT_UINT: the destination's size in bytes */
  unsigned char optional; /* the value may be left out (--telnet[=port]) */
  unsigned char once; /* given twice is an error */
  const char *meta;   /* the value's name, for the usage line */
  size_t dest;        /* offsetof(struct ap_config, ...) */
  int val;            /* AP_OPT_SET: the value stored */
  uint64_t min, max;  /* AP_OPT_UINT */
  double rmin, rmax;  /* AP_OPT_REAL */
  const char *const *words; /* AP_OPT_WORD, NULL-terminated */
  ap_opt_fn fn;             /* AP_OPT_FN */
  const char *group;  /* the --help heading this option opens, or NULL */
  const char *help;   /* its --help text, one paragraph */
};

/* The option table and its length. */
const struct ap_opt *ap_cli_options(size_t *n);

/* Sets every default (what no option at all means). */
void ap_config_defaults(struct ap_config *c);

/* Stores the value arg of option o into c.  Returns 0, -1 after writing
 * why the value is bad into err (no capital, no full stop), or UV_ENOMEM. */
int ap_opt_store(struct ap_config *c, const struct ap_opt *o, const char *arg,
                 char *err, size_t errlen);

/* How o is named in messages: "--name" if it has one, else "-L". */
const char *ap_opt_name(const struct ap_opt *o, char *buf, size_t len);

#endif
