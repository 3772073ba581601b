#!/usr/bin/env python3
"""Records the ICMP echo requests that arrive on one interface of a lab
namespace, so that a test can see what aping put on the wire.

Usage (inside the namespace: `ip netns exec NS sniff.py ...`):

    sniff.py --iface IFACE --out FILE [--ready FILE] [--parent-pid PID]

Writes one JSON object per line to --out for every IPv4 or IPv6 packet
that arrives on IFACE and carries an ICMP echo request, or a fragment of
one:

    {"v": 4, "src": "198.18.0.1", "dst": "198.18.1.5", "ttl": 64,
     "tos": 0, "df": true, "frag": false, "id": 0, "len": 52,
     "payload": 24}

  ttl      TTL (IPv4) or hop limit (IPv6)
  tos      type of service (IPv4) or traffic class (IPv6) byte
  df       IPv4 Don't Fragment bit (false for IPv6)
  frag     the packet is a fragment (IPv4 MF or offset, IPv6 fragment
           header); such a request's first fragment still has "payload"
  id       IPv4 identification (IPv6: the fragment header's, null when
           there is none)
  len      the IP packet's length, headers included
  payload  the echo request's data bytes beyond the 8-byte ICMP header,
           when the packet is not fragmented; null otherwise

Nothing else is recorded.  --ready FILE is created once the socket is
open; --parent-pid PID makes it exit when PID has gone (as responder.py
does), and SIGTERM ends it.  It only listens: it never sends.
"""
import argparse
import json
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_HLEN = 14
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86DD


def parse_v4(pkt):
    if len(pkt) < 20:
        return None
    ihl = (pkt[0] & 0x0F) * 4
    total, = struct.unpack("!H", pkt[2:4])
    flags_off, = struct.unpack("!H", pkt[6:8])
    if pkt[9] != 1 or ihl < 20 or len(pkt) < ihl:
        return None
    mf = bool(flags_off & 0x2000)
    off = flags_off & 0x1FFF
    frag = mf or off != 0
    if off == 0 and (len(pkt) < ihl + 8 or pkt[ihl] != 8):
        return None  # not an echo request (or its first fragment)
    return {
        "v": 4,
        "src": socket.inet_ntop(socket.AF_INET, pkt[12:16]),
        "dst": socket.inet_ntop(socket.AF_INET, pkt[16:20]),
        "ttl": pkt[8],
        "tos": pkt[1],
        "df": bool(flags_off & 0x4000),
        "frag": frag,
        "id": struct.unpack("!H", pkt[4:6])[0],
        "len": total,
        "payload": None if frag else total - ihl - 8,
    }


def parse_v6(pkt):
    if len(pkt) < 40:
        return None
    plen, = struct.unpack("!H", pkt[4:6])
    nxt = pkt[6]
    tclass = ((pkt[0] & 0x0F) << 4) | (pkt[1] >> 4)
    at = 40
    frag = False
    if nxt == 44:  # a fragment header
        if len(pkt) < 48:
            return None
        frag = True
        nxt = pkt[40]
        off, = struct.unpack("!H", pkt[42:44])
        at = 48
        if off >> 3 != 0:
            nxt = None  # a later fragment: no ICMPv6 header here
    if nxt == 58:
        if len(pkt) < at + 8 or pkt[at] != 128:
            return None
    elif not frag:
        return None
    return {
        "v": 6,
        "src": socket.inet_ntop(socket.AF_INET6, pkt[8:24]),
        "dst": socket.inet_ntop(socket.AF_INET6, pkt[24:40]),
        "ttl": pkt[7],
        "tos": tclass,
        "df": False,
        "frag": frag,
        "id": struct.unpack("!I", pkt[44:48])[0] if frag else None,
        "len": 40 + plen,
        "payload": None if frag else plen - 8,
    }


def parent_alive(pid):
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready", metavar="FILE")
    ap.add_argument("--parent-pid", type=int, metavar="PID")
    args = ap.parse_args(argv)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((args.iface, 0))
    s.setblocking(False)
    out = open(args.out, "w", buffering=1)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("ready\n")
    next_check = time.monotonic() + 1.0
    while not stop:
        try:
            r, _, _ = select.select([s], [], [], 0.2)
        except InterruptedError:
            continue
        while r:
            try:
                frame, addr = s.recvfrom(70000)
            except BlockingIOError:
                break
            # addr: (ifname, proto, pkttype, hatype, hwaddr); 4 is
            # PACKET_OUTGOING: only what arrives counts.
            if addr[2] == 4 or len(frame) < ETH_HLEN:
                continue
            etype, = struct.unpack("!H", frame[12:14])
            pkt = frame[ETH_HLEN:]
            rec = None
            if etype == ETHERTYPE_IPV4:
                rec = parse_v4(pkt)
            elif etype == ETHERTYPE_IPV6:
                rec = parse_v6(pkt)
            if rec is not None:
                out.write(json.dumps(rec) + "\n")
        if time.monotonic() >= next_check:
            if not parent_alive(args.parent_pid):
                break
            next_check = time.monotonic() + 1.0
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
