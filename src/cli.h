/* cli.h - the command line, from the option table (options.h).
 *
 * getopt's option string, its long options, the usage line and --help
 * are all generated from the table, so an option is declared in one place
 * only.  Parsing fills the config and returns a message for what is
 * wrong; it never prints and never exits.
 */
#ifndef AP_CLI_H
#define AP_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "err.h"
#include "options.h"


enum ap_cli_action {
  AP_CLI_RUN = 0, /* probe: c is filled */
  AP_CLI_HELP,    /* -h: print ap_cli_help() on stdout, exit 0 */
  AP_CLI_VERSION, /* -V: print the version on stdout, exit 0 */
  AP_CLI_USAGE,   /* no target: print ap_cli_usage() on stderr, exit 3 */
  AP_CLI_ERROR    /* err says what is wrong and with which status */
};

/* Parses argv into c (after ap_config_defaults()).  Returns an enum
 * ap_cli_action; for AP_CLI_ERROR err is set; for AP_CLI_RUN c->warn
 * holds the options given that change nothing with the others (harmless
 * ones: the others are errors), for the caller to print as warnings.
 * Call ap_cli_release() whatever it returned.  Uses getopt_long(), so
 * argv may be permuted. */
int ap_cli_parse(struct ap_config *c, int argc, char **argv,
                 struct ap_err *err);

/* Frees what parsing allocated in c. */
void ap_cli_release(struct ap_config *c);

/* The usage line (the manual's SYNOPSIS), and the whole --help text. */
void ap_cli_usage(FILE *f);
void ap_cli_help(FILE *f);

#endif
