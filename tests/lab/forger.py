#!/usr/bin/env python3
"""tests/lab/forger.py - forges ICMP replies and errors inside the lab.

Runs in the lab's hosts namespace.  It watches the scanner's echo requests
on IFACE (AF_PACKET, so it also sees requests to blackholed addresses) and,
for each request to an address in SILENT (a prefix such as "198.18.2."),
sends the scanner:
  1. an echo reply from that silent address whose identifier, sequence and
     payload are copied from the last genuine request it saw to another
     address (a replay with a changed source);
  2. the same with the identifier of the request to the silent address
     itself and the sequence and payload of the other request;
  3. an ICMP "host unreachable" from ROUTER about the silent address,
     quoting the other request with its destination rewritten.
A validating scanner must ignore all three.  The number of forgeries sent
is written to COUNTFILE when it gets SIGTERM.  Lab use only.
usage: forger.py IFACE SILENT_PREFIX ROUTER COUNTFILE READYFILE
"""
import os
import signal
import socket
import struct
import sys

ETH_P_IP = 0x0800


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def icmp(typ, code, rest):
    hdr = struct.pack("!BBH", typ, code, 0) + rest
    return struct.pack("!BBH", typ, code, checksum(hdr)) + rest


def ipv4(src, dst, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, 64,
                      1, 0, socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def main():
    iface, silent, router, countfile, readyfile = sys.argv[1:6]
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_IP))
    sniff.bind((iface, ETH_P_IP))
    out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sent = [0]

    def stop(*_):
        try:
            with open(countfile, "w") as f:
                f.write("%d\n" % sent[0])
        finally:
            os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    open(readyfile, "w").close()
    other = None  # (ident, seq, payload, dst) of a request to another host
    while True:
        try:
            frame = sniff.recv(2048)
        except OSError:
            # A packet socket reports an earlier link state change once
            # (ENETDOWN); it keeps working afterwards.
            continue
        ip = frame[14:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 1:
            continue
        ihl = (ip[0] & 15) * 4
        typ = ip[ihl]
        if typ != 8:
            continue
        src = socket.inet_ntoa(ip[12:16])
        dst = socket.inet_ntoa(ip[16:20])
        ident, seq = struct.unpack("!HH", ip[ihl + 4:ihl + 8])
        payload = ip[ihl + 8:]
        if not dst.startswith(silent):
            other = (ident, seq, payload, dst)
            continue
        if other is None:
            continue
        oid, oseq, opay, odst = other
        for rid in (oid, ident):
            body = icmp(0, 0, struct.pack("!HH", rid, oseq) + opay)
            out.sendto(ipv4(dst, src, body), (src, 0))
            sent[0] += 1
        quoted = ipv4(src, dst, icmp(8, 0, struct.pack("!HH", oid, oseq) +
                                      opay))
        err = icmp(3, 1, b"\0\0\0\0" + quoted)
        out.sendto(ipv4(router, src, err), (src, 0))
        sent[0] += 1


if __name__ == "__main__":
    main()
