/* output.h - turning verdicts into what the user reads.
 *
 * Text output follows fping: "ADDR is alive (0.12 ms)" and "ADDR is
 * unreachable" as each verdict is known; -a and -u print bare addresses;
 * -s adds a summary on stderr.  Service checks follow the verdict on its
 * line: "ADDR is alive (0.10 ms); 22/tcp open \"SSH-2.0-x\"; 80/tcp
 * closed"; with -m none the line starts "ADDR is up" or "ADDR is down";
 * with -c N it is fping's "ADDR : xmt/rcv/%loss = ..." instead, and with
 * -C N fping's "ADDR : 0.041 - 0.038" follows on standard error.  The other
 * formats (--format) stream a record per verdict too and close with the
 * run's totals; none keeps anything per target but a fixed-size RTT
 * histogram.  With --state only the targets whose status changed since the
 * last run are listed.
 */
#ifndef AP_OUTPUT_H
#define AP_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "atomic.h"
#include "config.h"
#include "err.h"
#include "format.h"
#include "hist.h"
#include "intake.h"
#include "nagios.h"
#include "result.h"
#include "state.h"

enum ap_show {
  AP_SHOW_ALL = 0, /* every verdict, as a sentence */
  AP_SHOW_ALIVE,   /* -a: targets that are OK only */
  AP_SHOW_UNREACH, /* -u: targets that are not OK only */
  AP_SHOW_NONE     /* -q */
};

enum ap_format {
  AP_FORMAT_TEXT = 0,
  AP_FORMAT_JSON,
  AP_FORMAT_CSV,
  AP_FORMAT_PROM,
  AP_FORMAT_NAGIOS
};

struct ap_out {
  FILE *f;
  int show;
  const struct ap_names *names;
  int count;            /* -c N given: print per-target statistics */
  uint64_t ok;          /* targets whose verdict is OK */
  uint64_t alive;       /* targets that answered the ping */
  uint64_t unreachable; /* targets that did not */
  uint64_t not_pinged;  /* -m none: targets that were not pinged */
  uint64_t checked;     /* targets with service checks */
  uint64_t rtt_min;
  uint64_t rtt_max;
  uint64_t rtt_sum;

  /* Set after ap_out_init(), before ap_out_begin(). */
  int format;              /* enum ap_format */
  int elapsed;             /* -e: the RTT on -a lines too */
  int by_addr;             /* -A */
  int all_addresses;       /* --all-addresses */
  int rdns;                /* -n, -d: enum ap_rdns_mode */
  int color;               /* colour text lines (a terminal) */
  struct ap_state *state;  /* --state: loaded, new file begun; or NULL */
  struct ap_nagios nagios; /* --warn, --crit, --rta, --pl */
  FILE *vf;                /* -C: where each target's round-trip times go
                              (standard error, as with fping), or NULL */

  uint64_t unfinished; /* AP_UNFINISHED results given */
  uint64_t changed; /* with --state: status differs from the last run's */
  struct ap_hist hist;
  FILE *spool[AP_PROM_NFAMILIES]; /* prom: each family's samples */
  int status; /* nagios: enum ap_nagios_status, set by ap_out_end() */

  int loop;           /* a continuous run: its CSV records (outloop.h) */
  int timestamps;     /* -D */
  int print_ttl;      /* --print-ttl */
  uint64_t period_ms; /* -p */

  /* What ap_out_open() opened. */
  const struct ap_output_cfg *cfg;
  struct ap_atomic file;      /* -o FILE while it is written */
  struct ap_state state_file; /* --state */
};

void ap_out_init(struct ap_out *o, FILE *f, int show,
                 const struct ap_names *names);

/* The files of -o and --state, opened before anything is probed, so
 * that a path that cannot be written ends the run before it starts. */
struct ap_out_files {
  struct ap_atomic file; /* -o FILE */
  struct ap_state st;    /* --state */
  int file_open;
  int st_open;
};

#define AP_OUT_WAIT (-1) /* ap_out_files_open(): -o is a FIFO, no reader */

/* Opens what cfg names (--state: the last run's file read and a new one
 * begun; -o: a temporary file beside FILE), those that are not open yet.
 * Returns 0; AP_OUT_WAIT when -o is a FIFO with no reader yet (the open
 * does not wait: call again later, what is open stays so); or an exit
 * status with err set (and nothing left open): 3 for an empty path, 4
 * for a path that cannot be written (a directory missing, a symbolic link
 * not followed). */
int ap_out_files_open(struct ap_out_files *fl,
                      const struct ap_output_cfg *cfg, struct ap_err *err);

/* Closes them, the old files left as they were.  Harmless when nothing
 * is open (all zero). */
void ap_out_files_release(struct ap_out_files *fl);

/* Sends the output where cfg says, taking the files fl holds (opened by
 * ap_out_files_open(), else opened now; fl is left empty), or standard
 * output; and begins the output (ap_out_init(), ap_out_begin()): count
 * says -c N statistics are printed, services that service checks run.
 * Returns 0, or an exit status with err set (and nothing left open). */
int ap_out_open(struct ap_out *o, const struct ap_output_cfg *cfg,
                struct ap_out_files *fl, const struct ap_names *names,
                int count, int services, struct ap_err *err);

/* Ends the output (ap_out_end()) and puts the files in place: -o first,
 * the state only once the output is there; then releases everything.
 * Returns 0, or an exit status with err set. */
int ap_out_close(struct ap_out *o, uint64_t targets, uint64_t unresolved,
                 uint64_t elapsed_ns, const char *stopped,
                 struct ap_err *err);

/* Writes what a format puts before the first verdict (the CSV header; for
 * prom, the first family's header and temporary files for the others).
 * Returns 0 or a negative UV_E* code. */
int ap_out_begin(struct ap_out *o);

/* Prints one target's verdict (AP_UNFINISHED too) and counts it; with
 * --state, records its status in the new state file. */
void ap_out_result(struct ap_out *o, const struct ap_result *r);

/* The same with the target shown by name (a reverse lookup's, or the
 * name given), or by address when name is NULL, whatever the name table
 * says. */
void ap_out_result_as(struct ap_out *o, const struct ap_result *r,
                      const char *name);

/* The most a target's text name takes: a host name (NI_MAXHOST), each
 * byte escaped in at most 4, " (", an address, ")". */
#define AP_WHO_MAX (4 * 1025 + AP_ADDR_STRLEN + 4)

/* What a target with this name (NULL: none) and address is shown as in
 * text, in Prometheus' target label, in the Nagios line and in --state:
 * the name, else the address; with -A the address, or with -n or -d
 * "NAME (ADDRESS)"; with --all-addresses "NAME (ADDRESS)", as a name may
 * have several.  The name is escaped as ap_utf8_escape() without flags
 * shows it (controls, format characters, invalid UTF-8).  Returns addr,
 * name or buf (len bytes, AP_WHO_MAX). */
const char *ap_out_who(const struct ap_out *o, const char *name,
                       const char *addr, char *buf, size_t len);

/* Whether an unfinished target's record would be written anywhere: in
 * the full listing (not -a, -u, -q or --format nagios), or with --state,
 * where it keeps the status the last run's file gave it.  When not, a
 * stopped run counts its unfinished targets with ap_out_unfinished()
 * rather than give each one's record. */
int ap_out_lists_unfinished(const struct ap_out *o);

/* Counts n unfinished targets whose records ap_out_lists_unfinished()
 * says nobody would see. */
void ap_out_unfinished(struct ap_out *o, uint64_t n);

/* Prints a host name whose lookup a stopped run left unanswered: an
 * unfinished target with no address (null in JSON, empty in CSV). */
void ap_out_unfinished_name(struct ap_out *o, const char *name);

/* With --state: a host name that did not resolve keeps its previous
 * status (state.h: ap_state_keep()); it prints nothing (the name was
 * reported when its lookup failed). */
void ap_out_keep_name(struct ap_out *o, const char *name);

/* Writes what a format puts after the last verdict: the JSON summary
 * object, the prom totals and the families kept aside, the Nagios line
 * (whose status goes to o->status).  stopped is NULL, "deadline",
 * "SIGINT" or "SIGTERM".  Returns 0 or a negative UV_E* code. */
int ap_out_end(struct ap_out *o, uint64_t targets, uint64_t unresolved,
               uint64_t elapsed_ns, const char *stopped);

/* Frees what ap_out_begin() and ap_out_open() took; files not committed
 * are removed, the old ones left as they were. */
void ap_out_release(struct ap_out *o);

/* What the results given so far come to: every count of struct
 * ap_totals but targets, unresolved and elapsed_ns, which only the run
 * knows. */
void ap_out_tally(const struct ap_out *o, struct ap_totals *t);

/* With --format nagios, after ap_out_end() or ap_out_close(): the status
 * of the line (enum ap_nagios_status). */
int ap_out_status(const struct ap_out *o);

/* With -C, after ap_out_open(): where fping's line of each target's
 * round-trip times goes (standard error, as with fping), whatever -a, -u,
 * -q and --state let through; with --format text only. */
void ap_out_vcount(struct ap_out *o, FILE *f);

/* The name table verdicts are shown with, from now on (a reload). */
void ap_out_names(struct ap_out *o, const struct ap_names *names);

/* The wall clock now, Unix nanoseconds. */
uint64_t ap_out_wall_ns(void);

/* -D: "[1765106136.12345] " (the Unix time as fping -D writes it) at the
 * start of a text line; nothing without -D. */
void ap_out_stamp(const struct ap_out *o);

/* Prints the -s summary. */
void ap_out_summary(const struct ap_out *o, FILE *f, uint64_t targets,
                    uint64_t unresolved, uint64_t elapsed_ns);

#endif
