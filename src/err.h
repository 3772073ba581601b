/* err.h - a fatal error as a message and an exit status.
 *
 * Modules never print or exit: a failure that ends aping is written into
 * a struct ap_err by ap_err_set(), which appends the exit status itself,
 * and only main.c prints it and exits.  The message is one line without
 * "aping: " (main adds it): what failed first, no capital, no full stop,
 * the subject quoted, as in "cannot open 'hosts.txt': No such file or
 * directory (exit 3)".
 */
#ifndef AP_ERR_H
#define AP_ERR_H

#define AP_ERR_LEN 1280

struct ap_err {
  int code;              /* the exit status, 0 when no error is set */
  char msg[AP_ERR_LEN];  /* the message, " (exit CODE)" included */
};

/* Sets e to the message fmt formats, escaped as ap_utf8_escape() without
 * flags shows it (control and format characters, invalid UTF-8: a bad
 * target or a path cannot act on the terminal) and cut to fit, followed
 * by " (exit CODE)".  Returns code, so that a caller can `return
 * ap_err_set(e, 3, ...)`. */
int ap_err_set(struct ap_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The text of a UV_E* code in the one style every message uses: the C
 * library's strerror() for system errors (libuv's codes are negated errno
 * values on Unix), libuv's own text for the others (UV_EAI_*, UV_EOF).
 * The result is valid until the next call. */
const char *ap_strerror(int err);

#endif
