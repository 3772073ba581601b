/* cliparse.h - the unit tests' way to run the option parser over words. */
#ifndef AP_TEST_CLIPARSE_H
#define AP_TEST_CLIPARSE_H

#include <string.h>

#include "cli.h"

/* Parses the words (NULL-terminated, "aping" first) into *c.  Returns
 * what ap_cli_parse() returned; err keeps the message. */
static int parse(struct ap_config *c, struct ap_err *err,
                 const char *const *words) {
  static char *argv[64]; /* the config points into it */
  int argc = 0;

  while (words[argc] != NULL && argc < 63) {
    argv[argc] = (char *) words[argc];
    argc++;
  }
  argv[argc] = NULL;
  ap_config_defaults(c);
  memset(err, 0, sizeof(*err));
  return ap_cli_parse(c, argc, argv, err);
}

#endif
