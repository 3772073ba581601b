/* priv.h - capabilities: raise CAP_NET_RAW to open sockets, then drop all.
 *
 * aping is installed with the file capability cap_net_raw (or run as root).
 * It raises CAP_NET_RAW into its effective set only while it opens its
 * sockets, then drops every capability (and, if it was installed setuid
 * root, its root identity) before it parses targets, reads files, resolves
 * names or spawns anything.
 */
#ifndef AP_PRIV_H
#define AP_PRIV_H

/* Raises CAP_NET_RAW into the effective set if it is permitted.  Returns 0
 * when the capability is now effective, or a negative UV_E* code. */
int ap_priv_raise(void);

/* Drops every capability from the effective, permitted and inheritable sets
 * and gives up a setuid or setgid identity.  Returns 0 or a negative UV_E*
 * code, which the caller must treat as fatal. */
int ap_priv_drop(void);

#endif
