/* priv.h - capabilities: raise CAP_NET_RAW to open sockets, then drop all.
 *
 * aping is installed with the file capability cap_net_raw (or run as root,
 * or, where setcap is impossible, setuid root).  It raises CAP_NET_RAW into
 * its effective set only while it opens its sockets, then drops every
 * capability (and, if it was installed setuid root, its root identity)
 * before it parses targets, reads files, resolves names or spawns anything.
 * After the drop the effective, permitted, inheritable and ambient sets are
 * empty, and so are the uids of a setuid run.
 *
 * no_new_privs (PR_SET_NO_NEW_PRIVS) is set whenever aping will spawn no
 * child, which is every method but the ping(8) engine (-m exec, and -m auto
 * when a family has no ICMP socket).  There it must stay off: ping(8) on
 * Debian and Fedora works for an ordinary user only through its own file
 * capability (cap_net_raw=ep), which the kernel does not grant across an
 * execve() under no_new_privs, so the fallback would fail exactly where it
 * is needed (tests/lab/test-priv.sh checks both).  Children inherit no
 * capability all the same: aping's sets are empty, the ambient set too.
 * When aping holds CAP_SETPCAP (run as root or setuid root) it also cuts
 * the bounding set down: to nothing when no child is to be spawned (and
 * locks SECBIT_NOROOT), else to CAP_NET_RAW alone, so that what the kernel
 * gives a child exec'ed with uid 0 is what ping(8) needs and no more (a
 * BusyBox or setuid root ping has only that rule of root's to get it
 * from, so SECBIT_NOROOT is not set then).  "To be spawned" is decided
 * before the targets are known: with -m auto and a family that has no
 * ICMP socket, a root run keeps CAP_NET_RAW in its bounding set (and
 * SECBIT_NOROOT unlocked) even if every target turns out to be of the
 * other family; ap_priv_seal() then adds no_new_privs, but the bounding
 * set can no longer be cut, since CAP_SETPCAP is gone by then.
 */
#ifndef AP_PRIV_H
#define AP_PRIV_H

/* The sequence, in the order it runs:
 *
 *   1. ap_priv_setup(), once, from main, before anything else is read:
 *      raise CAP_NET_RAW into the effective set (if it is permitted), and
 *      CAP_NET_ADMIN when plan->admin says the sockets need it (SO_MARK,
 *      for --fwmark), plan->open() the probing sockets (which also sets
 *      what needs a capability on them: SO_MARK, and SO_BINDTODEVICE,
 *      which needed CAP_NET_RAW before Linux 5.7), then drop every
 *      capability from
 *      the effective, permitted, inheritable and ambient sets and give up
 *      a setuid or setgid identity.  With CAP_SETPCAP it first empties the
 *      bounding set, but for CAP_NET_RAW when plan->may_spawn() says
 *      ping(8) may be run, and otherwise locks SECBIT_NOROOT and sets
 *      no_new_privs.
 *   2. Targets are read, names resolved, the engine chosen (pinger.c).
 *   3. ap_priv_seal(), from the engine choice, when a drop that allowed
 *      for a child turns out to need none: no_new_privs then.
 */
struct ap_priv_plan {
  void (*open)(void *ctx);      /* opens the sockets; cannot fail as a
                                   whole (a socket it could not open is
                                   the engine's to report) */
  int (*may_spawn)(void *ctx);  /* after open: whether ping(8) may run */
  void *ctx;
  int admin;                    /* also raise CAP_NET_ADMIN to open */
};

/* Step 1.  Returns 0 or a negative UV_E* code, which the caller must
 * treat as fatal (the privileges may be half dropped). */
int ap_priv_setup(const struct ap_priv_plan *plan);

/* Step 3: sets no_new_privs.  Returns 0 or a negative UV_E* code (fatal). */
int ap_priv_seal(void);

#endif
