/* format.h - machine-readable records: JSON, CSV, Prometheus, Nagios.
 *
 * The escaping functions write one value to a stream and know nothing
 * else; the record writers put one target's result, or the run's totals,
 * into one format.  Nothing here keeps state between calls, so every
 * record goes out as soon as its verdict is known.
 */
#ifndef AP_FORMAT_H
#define AP_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"

/* Writes len bytes as a JSON string, quotes included.  Printable UTF-8
 * goes through as it is; `"` and `\` are escaped; control characters (C0,
 * DEL, C1) and the format characters of utf8.h become \n, \r, \t, \b, \f
 * or \uXXXX (their code point: NEL is \u0085, U+202E \u202e), and every
 * byte that is not part of valid UTF-8 (including NUL) \u00XX, so any
 * bytes give valid JSON and a byte of an invalid sequence reads back as
 * the code point of the same number. */
void ap_json_bytes(FILE *f, const void *s, size_t len);

/* Writes s as a JSON string, or null when s is NULL. */
void ap_json_str(FILE *f, const char *s);

/* Writes len bytes as text, as ap_utf8_escape() with flags shows them
 * (controls, format characters and invalid bytes escaped), however
 * long. */
void ap_text_bytes(FILE *f, const void *s, size_t len, int flags);

/* Writes s as one CSV field (RFC 4180), escaped as ap_text_bytes()
 * without flags shows it (so never a CR or LF), in double quotes with
 * inner quotes doubled when it holds a comma or a quote.  NULL is an
 * empty field. */
void ap_csv_field(FILE *f, const char *s);

/* Writes s as the inside of a Prometheus label value: escaped as
 * ap_text_bytes() without flags shows it, then `\`, `"` and line feed
 * escaped as the text exposition format wants. */
void ap_prom_label(FILE *f, const char *s);

/* Words for a verdict (enum ap_verdict) and a check state. */
const char *ap_verdict_name(int verdict);
const char *ap_check_state_name(int state);

/* One target's record: its result, the name it was given by (or NULL),
 * what it is shown as (the name, else the address), its address as text,
 * its status (ap_status_name()), and with --state the status it had in the
 * previous run ("new" when it had none), else NULL; when the verdict was
 * known (RFC 3339, UTC, milliseconds: ap_rfc3339()), or NULL. */
struct ap_rec {
  const struct ap_result *r;
  const char *name;
  const char *who;
  const char *addr;
  const char *status;
  const char *prev;
  const char *ts;
};

/* The target's status, as --state remembers it: "alive", "unreachable",
 * "failed" (answered, or was not pinged, but a service check failed), or
 * "ok" (not pinged, every service check passed); or "unfinished", which
 * --state never stores. */
const char *ap_status_name(const struct ap_result *r);

/* JSON lines: one object per target, then one summary object. */
void ap_json_result(FILE *f, const struct ap_rec *rec);
void ap_json_checks(FILE *f, const struct ap_result *r);

/* A round-trip time in ms as fping 5 prints it: three significant
 * digits ("0.041", "1.23", "12.3", "301"), "%.3e" from 1000 s.  Returns
 * buf. */
const char *ap_fping_ms(uint64_t ns, char *buf, size_t len);

/* -C: fping's line of a target's round-trip times, "who : 0.041 - 0.038"
 * ('-' for a probe without a reply), one field per probe sent. */
void ap_fping_vcount(FILE *f, const char *who, const struct ap_result *r);

/* CSV: the header row, then one row per target (with -C, its round-trip
 * times in the last column, as a JSON array). */
void ap_csv_header(FILE *f);
void ap_csv_result(FILE *f, const struct ap_rec *rec);

/* The run's totals, for every format's closing record. */
struct ap_totals {
  uint64_t targets;    /* addresses this run (or shard) was to probe */
  uint64_t ok;
  uint64_t alive;
  uint64_t unreachable;
  uint64_t not_pinged;
  uint64_t unfinished;
  uint64_t unresolved; /* names that did not resolve */
  int state;           /* --state in use: changed is meaningful */
  uint64_t changed;
  uint64_t rtt_min_ns; /* over alive targets; meaningless when alive = 0 */
  uint64_t rtt_avg_ns;
  uint64_t rtt_max_ns;
  uint64_t rtt_p50_ns;
  uint64_t rtt_p90_ns;
  uint64_t rtt_p99_ns;
  uint64_t elapsed_ns;
  uint64_t end_unix_ms; /* when the run ended, Unix time in ms */
  const char *stopped; /* NULL, "deadline", "SIGINT" or "SIGTERM" */
};

void ap_json_summary(FILE *f, const struct ap_totals *t);

/* Prometheus text format.  The per-target families are written to
 * streams of their own (one per family) so that each family's samples stay
 * together; the caller puts each family's header (ap_prom_header) before
 * them.  The families of -c statistics (AP_PROM_RTT_MIN to AP_PROM_LOSS)
 * get samples only when their streams are not NULL. */
enum ap_prom_family {
  AP_PROM_UP = 0,
  AP_PROM_RTT,
  AP_PROM_RTT_MIN,
  AP_PROM_RTT_MAX,
  AP_PROM_SENT,
  AP_PROM_REPLIES,
  AP_PROM_LOSS,
  AP_PROM_SERVICE,
  AP_PROM_NFAMILIES
};

/* Whether a family holds -c statistics. */
#define AP_PROM_COUNTED(family) \
  ((family) >= AP_PROM_RTT_MIN && (family) <= AP_PROM_LOSS)

/* A family's HELP and TYPE lines; count says -c was given (the RTT is
 * then the average of the replies). */
void ap_prom_header(FILE *f, int family, int count);
void ap_prom_result(FILE *const fam[AP_PROM_NFAMILIES],
                    const struct ap_rec *rec);
/* The run's totals, its end time and aping_build_info. */
void ap_prom_totals(FILE *f, const struct ap_totals *t);

/* aping_build_info, as --format prom and the exporter (metrics.h) give it:
 * HELP, TYPE and the sample, with the version as a label. */
void ap_prom_build_info(FILE *f, const char *version);

#endif
