/* err.c - see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "utf8.h"

int ap_err_set(struct ap_err *e, int code, const char *fmt, ...) {
  char raw[AP_ERR_LEN];
  va_list ap;
  size_t n;

  va_start(ap, fmt);
  if (vsnprintf(raw, sizeof(raw), fmt, ap) < 0)
    raw[0] = '\0';
  va_end(ap);
  /* What the user or a file gave (a bad target, a path) is shown escaped,
   * as every output shows such strings; room is kept for the status. */
  n = ap_utf8_escape((const uint8_t *) raw, strlen(raw), 0, e->msg,
                     sizeof(e->msg) - 16, NULL);
  snprintf(e->msg + n, sizeof(e->msg) - n, " (exit %d)", code);
  e->code = code;
  return code;
}

const char *ap_strerror(int err) {
  /* UV_E* codes of system errors are -errno; the rest (UV_EAI_*, UV_EOF
   * and libuv's own) are below -3000, past every errno. */
  if (err < 0 && err > -3000)
    return strerror(-err);
  return uv_strerror(err);
}
