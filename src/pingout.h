/* pingout.h - reading what ping(8) printed, without doing any I/O.
 *
 * Feed it ping's standard output in pieces of any size; it assembles lines
 * in a bounded buffer and picks out what it recognises, from iputils ping
 * and from BusyBox ping:
 *
 *   64 bytes from 192.0.2.7: icmp_seq=1 ttl=64 time=0.042 ms   (iputils)
 *   64 bytes from 192.0.2.7: seq=0 ttl=64 time=0.049 ms        (BusyBox)
 *   ... time=0.371 ms (DUP!)                                    (both)
 *   From 192.0.2.1 icmp_seq=1 Destination Host Unreachable      (iputils)
 *   3 packets transmitted, 3 received, +1 duplicates, +2 errors, ...
 *   3 packets transmitted, 3 packets received, 1 duplicates, ...
 *   rtt min/avg/max/mdev = 0.033/0.045/0.055/0.009 ms
 *   round-trip min/avg/max = 0.049/0.064/0.080 ms
 *
 * Everything else is ignored, and nothing is trusted: numbers are bounded,
 * statistics that contradict themselves are dropped, over-long lines are
 * skipped whole.  The exit status of ping, not this, decides a verdict;
 * this only adds the round-trip times, counts and the reason.
 */
#ifndef AP_PINGOUT_H
#define AP_PINGOUT_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"

#define AP_PINGOUT_LINE 256 /* longer lines are ignored */
#define AP_PINGOUT_TEXT 64  /* kept of an error line's parts */

struct ap_pingout {
  /* The statistics line, if one was read ("summary" set). */
  int summary;
  unsigned sent;
  unsigned received;
  unsigned dups;
  unsigned errors;
  /* The min/avg/max line, if one was read and made sense ("rtt" set). */
  int rtt;
  uint64_t min_ns;
  uint64_t avg_ns;
  uint64_t max_ns;
  /* Reply lines, duplicates left out. */
  unsigned replies;
  uint64_t first_ns; /* round-trip time on the first of them */
  uint64_t line_min_ns;
  uint64_t line_max_ns;
  uint64_t line_sum_ns;
  int have_ttl;      /* a reply line gave its ttl= */
  unsigned ttl;      /* the last such line's, 0 to 255 */
  /* The first ICMP error line ("From ADDR icmp_seq=N TEXT"). */
  int error;
  char error_from[AP_PINGOUT_TEXT]; /* ADDR as printed */
  char error_text[AP_PINGOUT_TEXT]; /* TEXT, printable ASCII only */
  /* Line assembly. */
  char line[AP_PINGOUT_LINE];
  size_t len;
  int overlong; /* the line being read is too long: skip to its end */
};

void ap_pingout_init(struct ap_pingout *p);

/* Takes the next len bytes of ping's standard output. */
void ap_pingout_feed(struct ap_pingout *p, const char *buf, size_t len);

/* Takes a last line that did not end with a newline. */
void ap_pingout_end(struct ap_pingout *p);

/* Fills st with what was read: the statistics line's counts when there is
 * one, else the reply lines counted against the count echo requests asked
 * for; the min/avg/max line's times when it makes sense, else those of the
 * reply lines.  *first_ns gets the first reply's round-trip time (0 when
 * none is known). */
void ap_pingout_stats(const struct ap_pingout *p, unsigned count,
                      struct ap_stats *st, uint64_t *first_ns);

/* The reason an ICMP error line gave, in aping's words where it knows
 * ping's ("host unreachable"), else as ping printed it; NULL when there
 * was no error line.  Valid as long as p. */
const char *ap_pingout_reason(const struct ap_pingout *p);

/* Copies s (at most n bytes, up to a newline or NUL) into dst of size
 * dstlen, with every byte outside printable ASCII made '?'.  For text from
 * a child process that is about to be printed. */
void ap_pingout_clean(char *dst, size_t dstlen, const char *s, size_t n);

#endif
