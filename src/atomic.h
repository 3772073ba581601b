/* atomic.h - files that are replaced whole or not at all.
 *
 * Output (-o) and state (--state) files are written to a temporary file in
 * the same directory, synced, and renamed over the old one, so that a
 * reader (node_exporter, the next cron run) sees the old file or the new
 * one, never a half-written one, even if aping is killed meanwhile.
 */
#ifndef AP_ATOMIC_H
#define AP_ATOMIC_H

#include <stdio.h>

struct ap_atomic {
  FILE *f;    /* the temporary file, open for writing */
  char *path; /* the file it will replace */
  char *tmp;  /* its own name: ".NAME.XXXXXX" next to path, or NULL when
                 path is not a regular file and is written in place */
};

/* Creates the temporary file for path, readable as a new file would be
 * (0666 less the umask).  Returns 0 or a negative UV_E* code. */
int ap_atomic_open(struct ap_atomic *a, const char *path);

/* Flushes, syncs and closes the temporary file and renames it over path.
 * Returns 0, or a negative UV_E* code after removing the temporary file
 * (path is then untouched). */
int ap_atomic_commit(struct ap_atomic *a);

/* Closes and removes the temporary file; path is untouched.  Harmless on
 * a struct that was never opened (all zero) or already committed. */
void ap_atomic_abort(struct ap_atomic *a);

/* Takes an exclusive flock(2) on path (created if missing, never removed)
 * without waiting, and keeps it until the process exits.  Returns 0,
 * UV_EBUSY when another process holds it, or a negative UV_E* code. */
int ap_lock_take(const char *path);

#endif
