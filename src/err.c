/* err.c - see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

int ap_err_set(struct ap_err *e, int code, const char *fmt, ...) {
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  va_end(ap);
  if (n < 0)
    n = 0;
  if ((size_t) n >= sizeof(e->msg))
    n = (int) sizeof(e->msg) - 16; /* room for the status: cut the rest */
  snprintf(e->msg + n, sizeof(e->msg) - (size_t) n, " (exit %d)", code);
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
