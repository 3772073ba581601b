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

/* Raises CAP_NET_RAW into the effective set if it is permitted.  Returns 0
 * when the capability is now effective, or a negative UV_E* code. */
int ap_priv_raise(void);

/* Drops every capability from the effective, permitted, inheritable and
 * ambient sets and gives up a setuid or setgid identity; with CAP_SETPCAP,
 * first empties the bounding set (but for CAP_NET_RAW when spawn is set)
 * and, unless spawn is set, locks SECBIT_NOROOT.  Unless spawn is set
 * (ping(8) may be run), also sets no_new_privs.  Returns 0 or a negative
 * UV_E* code, which the caller must treat as fatal. */
int ap_priv_drop(int spawn);

/* Sets no_new_privs, once it is known that no child will be spawned after
 * an ap_priv_drop(1).  Returns 0 or a negative UV_E* code (fatal). */
int ap_priv_seal(void);

#endif
