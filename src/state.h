/* state.h - each target's status between runs (--state FILE).
 *
 * The file is text: a header line naming the format and its version, one
 * line per target ("STATUS TARGET"), and a trailer counting them, so that
 * a foreign file is recognised by its first line and a truncated one by
 * its last (and any line that is not text, as tfile.h checks it, is
 * corrupt):
 *
 *   aping-state 1
 *   alive 192.0.2.7
 *   unreachable gw.example.net
 *   end 2
 *
 * TARGET is what the verdict line shows: the name a target was given by,
 * else its address.  The previous run's file is held in memory, sorted,
 * and looked up once per verdict: --state is meant for target lists, not
 * for sweeps of millions of addresses.  The new file is written as the
 * verdicts come, then renamed over the old one (atomic.h).
 */
#ifndef AP_STATE_H
#define AP_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "atomic.h"

#define AP_STATE_MAGIC "aping-state"
#define AP_STATE_VERSION 1

struct ap_state_entry {
  const char *key; /* points into the loaded text */
  int status;      /* index into the status words */
  int taken;       /* written anew in this run (ap_state_take()) */
};

struct ap_state {
  char *text; /* the previous file */
  struct ap_state_entry *v;
  size_t n;
  struct ap_atomic out; /* the new file, while it is written */
  uint64_t nout;
};

/* The statuses a target can have (format.h: ap_status_name()). */
int ap_state_status(const char *word);     /* index, or -1 */
const char *ap_state_word(int status);

/* Parses the text of a state file, taking ownership of text (malloc'd,
 * NUL-terminated, len bytes before the NUL).  Returns 0, UV_ENOMEM, or
 * UV_EINVAL after writing why into err ("line 3: unknown status 'up'").
 * Either way ap_state_release() frees what s holds. */
int ap_state_parse(struct ap_state *s, char *text, size_t len, char *err,
                   size_t errlen);

/* Loads path.  A missing file is an empty state (the first run).  Returns
 * 0, UV_EINVAL for a foreign or corrupt file, or one that is not a regular
 * file (why is in err), UV_EPERM for a symbolic link that may not be
 * followed (safepath.h; why is in err), UV_EISDIR for a directory, or another
 * negative UV_E* code when it cannot be read; then too ap_state_release()
 * is due. */
int ap_state_load(struct ap_state *s, const char *path, char *err,
                  size_t errlen);

/* The status key had in the loaded state, or NULL. */
const char *ap_state_find(const struct ap_state *s, const char *key);

/* How many targets the loaded state holds. */
size_t ap_state_count(const struct ap_state *s);

/* The same, and marks key's entry as written anew in this run, so that
 * ap_state_keep() leaves it alone. */
const char *ap_state_take(struct ap_state *s, const char *key);

/* A name that did not resolve this time keeps its previous status, as an
 * unfinished target does: writes into the new file the entries of name
 * not taken yet, its own ("NAME") and those of its addresses
 * ("NAME(ADDRESS)", -A, --all-addresses), and takes them.  Returns how
 * many it wrote. */
size_t ap_state_keep(struct ap_state *s, const char *name);

/* Starts the new file for path.  Returns 0 or a negative UV_E* code. */
int ap_state_begin(struct ap_state *s, const char *path);

/* Records key's status (a word ap_state_status() knows) in the new file. */
void ap_state_put(struct ap_state *s, const char *key, const char *status);

/* Finishes the new file and puts it in place of the old one.  Returns 0
 * or a negative UV_E* code (the old file is then untouched). */
int ap_state_commit(struct ap_state *s);

/* Frees the loaded state and drops an unfinished new file. */
void ap_state_release(struct ap_state *s);

#endif
