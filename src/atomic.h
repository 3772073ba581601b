/* atomic.h - files that are replaced whole or not at all.
 *
 * Output (-o) and state (--state) files are written to a temporary file in
 * the same directory, synced, and renamed over the old one, so that a
 * reader (node_exporter, the next cron run) sees the old file or the new
 * one, never a half-written one, even if aping is killed meanwhile.
 *
 * aping may run as root in directories others can write to (/tmp,
 * /run/lock).  A symbolic link on the way is followed, and its target
 * replaced, only as safepath.h allows; a file of another user's that is
 * replaced does not give its mode to the caller's new one.  A path that
 * is standard output or standard error already (/dev/stdout >> log) is
 * written as that stream, never replaced; a FIFO is opened without
 * waiting for its reader.
 */
#ifndef AP_ATOMIC_H
#define AP_ATOMIC_H

#include <stdio.h>

struct ap_atomic {
  FILE *f;    /* the temporary file, open for writing */
  char *path; /* the file it will replace */
  char *tmp;  /* its own name: ".NAME.XXXXXX" next to path, or NULL when
                 path is not a regular file and is written in place */
  char why[320]; /* after UV_EPERM from ap_atomic_open(), when a symbolic
                    link was refused: which, and why (else empty) */
};

/* Creates the temporary file for path: with the mode of the file it
 * replaces when the caller owns that file, else readable as a new file
 * would be (0666 less the umask).  A path that is not a regular file is
 * opened to be written in place; one that is standard output or standard
 * error (the same file) is written through that descriptor.  Returns 0;
 * UV_EAGAIN when path is a FIFO that has no reader yet (try again later);
 * UV_EPERM with a->why when a symbolic link may not be followed; or
 * another negative UV_E* code (UV_EINVAL for an empty path, UV_ENOENT
 * when its directory does not exist). */
int ap_atomic_open(struct ap_atomic *a, const char *path);

/* Flushes, syncs and closes the temporary file and renames it over path.
 * Returns 0, or a negative UV_E* code after removing the temporary file
 * (path is then untouched). */
int ap_atomic_commit(struct ap_atomic *a);

/* Closes and removes the temporary file; path is untouched.  Harmless on
 * a struct that was never opened (all zero) or already committed. */
void ap_atomic_abort(struct ap_atomic *a);

/* Takes an exclusive flock(2) on path without waiting, and keeps it
 * until the process exits.  The file is created 0600 if missing (never
 * removed); one that exists must be a regular file of the caller's, and
 * loses any access by group or others, so that no other user can open it
 * to hold the lock.  A symbolic link is not followed.  Returns 0; UV_EBUSY
 * when another process holds it; UV_EPERM when another user (*owner) owns
 * it; UV_EINVAL when it is not a regular file; UV_ELOOP when it is a
 * symbolic link; or another negative UV_E* code. */
int ap_lock_take(const char *path, unsigned *owner);

#endif
