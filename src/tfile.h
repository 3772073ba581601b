/* tfile.h - reading target files (-f, --exclude-file), without any I/O.
 *
 * Feed the file in pieces of any size.  Each complete line is checked,
 * its comment ('#' to the end of the line) dropped, and what is left split
 * at spaces and tabs into specifications, which go one by one to a
 * callback.  A line stops the reading when it
 *
 *   - is longer than AP_TFILE_LINE_MAX bytes (its newline not counted;
 *     the carriage return of a CRLF line and a byte order mark are),
 *   - holds a NUL byte,
 *   - holds a control character other than tab and carriage return
 *     (C0, DEL, or C1 encoded in UTF-8), or
 *   - is not valid UTF-8 (overlong forms and surrogates included),
 *
 * comments included: such a file is not a list of targets, and what it
 * holds must not reach a terminal in an error message.  Memory stays
 * bounded: no more than AP_TFILE_LINE_MAX bytes of a line are ever held,
 * however long the line is.  A UTF-8 byte order mark opening the file is
 * skipped, and so is a carriage return ending a line (CRLF files).
 */
#ifndef AP_TFILE_H
#define AP_TFILE_H

#include <stddef.h>
#include <stdint.h>

#define AP_TFILE_LINE_MAX 4096

struct ap_tfile;

/* Called with each specification, NUL-terminated, of line f->lineno.
 * Returns 0 to go on; anything else stops the reading. */
typedef int (*ap_tfile_cb)(struct ap_tfile *f, const char *spec);

struct ap_tfile {
  ap_tfile_cb cb;
  void *data;
  uint64_t lineno; /* the line being read, from 1 */
  int result;      /* once nonzero, what every call returns */
  int cb_err;      /* what the callback returned to stop the reading */
  char why[64];    /* why line lineno is bad, after UV_EINVAL */
  size_t len;
  char line[AP_TFILE_LINE_MAX + 1];
};

void ap_tfile_init(struct ap_tfile *f, ap_tfile_cb cb, void *data);

/* Feeds the next n bytes of the file.  Returns 0; UV_EINVAL when line
 * f->lineno is bad (f->why says why: "holds a NUL byte"); or UV_ECANCELED
 * when the callback stopped the reading (its return value is in
 * f->cb_err).  After a nonzero return, every call returns the same. */
int ap_tfile_feed(struct ap_tfile *f, const void *buf, size_t n);

/* Ends the file: a last line without a newline counts as a line.  Returns
 * as ap_tfile_feed() does. */
int ap_tfile_end(struct ap_tfile *f);

/* Checks that the n bytes at s are valid UTF-8 with no control character
 * but tab and carriage return.  Returns 0, or the 1-based offset of the
 * first bad byte and a reason in why. */
size_t ap_tfile_check(const char *s, size_t n, char *why, size_t whylen);

#endif
