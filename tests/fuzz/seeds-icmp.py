#!/usr/bin/env python3
"""tests/fuzz/seeds-icmp.py - writes the seeds of fuzz-icmp into
tests/fuzz/corpus/icmp/ (see fuzz-icmp.c for the layout of an input).

Built seeds describe genuine replies and errors (the harness computes their
MACs); raw seeds are packets as the kernel hands them over, laid out like
real ones (captured from ping(8) in the lab) but with MACs that cannot
match, and their truncated forms."""
import os
import struct

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "icmp")
os.makedirs(out, exist_ok=True)

V4_DST = bytes([198, 18, 1, 5]) + bytes(12)
V4_GW = bytes([198, 18, 0, 2]) + bytes(12)
V6_DST = bytes.fromhex("20010db8000100000000000000000005")
V6_GW = bytes.fromhex("20010db8000000000000000000000002")
SENT = struct.pack(">Q", 0x0000123456789abc)


def built(name, mode, dst, frm, f=b"\x01\x01\x00\x00", damage=b""):
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(bytes([mode]) + dst + frm + f + SENT + damage)


def raw(name, mode, frm, pkt):
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(bytes([mode]) + frm + pkt)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def icmp4(t, c, rest):
    h = struct.pack(">BBHI", t, c, 0, 0) + rest
    return h[:2] + struct.pack(">H", csum(h)) + h[4:]


def ip4(src, dst, payload, proto=1):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64,
                    proto, 0, bytes(src), bytes(dst))
    return h[:10] + struct.pack(">H", csum(h)) + h[12:] + payload


# Genuine ones: bit 0 IPv4 header, bit 1 IPv6, bit 2 built, bit 3 error.
built("v4-reply", 0x04, V4_DST, V4_DST)
built("v4-reply-rawsock", 0x05, V4_DST, V4_DST)
built("v6-reply", 0x06, V6_DST, V6_DST)
built("v4-unreach", 0x0C, V4_DST, V4_GW, b"\x01\x01\x00\x00")
built("v4-timex-options", 0x0D, V4_DST, V4_GW, b"\x00\x00\x04\x00")
built("v6-unreach", 0x0E, V6_DST, V6_GW, b"\x00\x03\x00\x00")
# Cut short (first damage byte odd: cut to the second byte's length).
built("v4-reply-cut", 0x04, V4_DST, V4_DST, damage=b"\x01\x1f")
built("v4-unreach-cut-quote", 0x0D, V4_DST, V4_GW, damage=b"\x01\x30")
built("v6-unreach-cut", 0x0E, V6_DST, V6_GW, damage=b"\x01\x40")
# A quoted header with a bad IHL, the checksum made right again.
built("v4-unreach-bad-ihl", 0x0D, V4_DST, V4_GW, damage=b"\x02\x00\x1c\x0b")

# Raw: an echo reply such as ping(8) gets, an unreachable quoting another
# program's request, an IPv6 reply, and a quoted header cut in the middle.
payload = b"aping/1\0" + bytes(range(24))
echo4 = icmp4(0, 0, payload)
raw("raw-v4-reply", 0x01, V4_DST, ip4(V4_DST[:4], bytes([198, 18, 0, 1]),
                                      echo4[:4] + b"\x42\x42\x00\x01"
                                      + echo4[8:]))
req = ip4(bytes([198, 18, 0, 1]), V4_DST[:4],
          icmp4(8, 0, b"\x13\x37\x00\x01" + bytes(56)))
raw("raw-v4-unreach", 0x01, V4_GW,
    ip4(V4_GW[:4], bytes([198, 18, 0, 1]), icmp4(3, 1, req[:28])))
raw("raw-v4-unreach-cut", 0x01, V4_GW,
    ip4(V4_GW[:4], bytes([198, 18, 0, 1]), icmp4(3, 1, req[:12])))
raw("raw-v6-reply", 0x02, V6_DST,
    struct.pack(">BBHHH", 129, 0, 0, 0x4242, 1) + payload)
raw("raw-v6-unreach-short", 0x02, V6_GW,
    struct.pack(">BBHI", 1, 3, 0, 0) + bytes([0x60]) + bytes(20))
