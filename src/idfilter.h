/* idfilter.h - a raw ICMP socket's kernel filter on our echo identifier.
 *
 * Every raw ICMP socket gets a copy of every ICMP packet the host
 * receives.  With --threads each loop has its own sockets and its own
 * identifier, and a classic BPF program (SO_ATTACH_FILTER) lets through
 * only the echo replies carrying that identifier and the errors
 * (destination unreachable, time exceeded) that quote a request carrying
 * it: a reply is copied to the one loop that sent its probe, and the
 * others never see it.  The filter only sorts; every packet it passes is
 * still validated in full (icmp.h).  Datagram sockets need none: the
 * kernel routes their replies by identifier already.
 */
#ifndef AP_IDFILTER_H
#define AP_IDFILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#define AP_IDFILTER_MAX 16 /* instructions, at most */

/* Writes the program for family (AF_INET: packets as a raw IPv4 socket
 * gets them, from the IPv4 header; AF_INET6: from the ICMPv6 header) and
 * identifier ident into prog (AP_IDFILTER_MAX room).  Returns its length.
 * Pure. */
size_t ap_idfilter_build(int family, uint16_t ident, struct sock_filter *prog);

/* Attaches that program to the socket fd.  Returns 0 or a UV_E* code. */
int ap_idfilter_attach(int fd, int family, uint16_t ident);

#endif
