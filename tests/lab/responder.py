#!/usr/bin/env python3
"""User-space ICMP/ICMPv6 echo responder for the aping test lab.

The lab kernel may lack the netem qdisc, so slow, lossy and duplicating
hosts are simulated here instead: the kernel's own echo replies are turned
off in the namespace this runs in (icmp_echo_ignore_all), and this program
answers echo requests for the configured addresses itself.

Usage:

    responder.py [--ready FILE] [--parent-pid PID] [--verbose]
                 --host SPEC [--host SPEC ...]

    SPEC = ADDRESS[,delay=MS][,loss=alternate|loss=K/M][,dup=N]

      delay=MS      answer MS milliseconds after the request arrived
      loss=alternate  drop every other request (same as loss=1/2)
      loss=K/M      of every M consecutive requests drop the first K
      dup=N         send every reply N times (N >= 1; 2 makes duplicates)

    Commas separate the options because IPv6 addresses contain colons, e.g.
      --host 198.18.3.1,delay=300 --host 2001:db8:3::3,loss=alternate

Loss is deterministic and counted per flow: a flow is (pinged address,
pinger address, ICMP identifier).  So with loss=alternate the 1st, 3rd,
5th... request of every ping run is dropped and the 2nd, 4th... answered,
whatever ran before; tests are reproducible no matter in which order they
run against the same lab.

--ready FILE is created once the sockets are open (the lab waits for it).
--parent-pid PID makes the responder exit when PID has gone away, so a lab
whose owner was SIGKILLed does not leave a responder behind.

Only the Python standard library is used.  Anything that is not a
well-formed echo request to a configured address is ignored.
"""

import argparse
import heapq
import ipaddress
import itertools
import os
import select
import signal
import socket
import struct
import sys
import time

ICMP_ECHO_REPLY = 0
ICMP_ECHO_REQUEST = 8
ICMP6_ECHO_REQUEST = 128
ICMP6_ECHO_REPLY = 129

# Linux values; Python's socket module does not export all of them.
SOL_RAW = 255
ICMP_FILTER = 1           # level SOL_RAW, IPv4 raw ICMP sockets
ICMP6_FILTER = 1          # level IPPROTO_ICMPV6
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)

# Bound the per-flow loss counters so a flood cannot grow memory forever.
MAX_FLOWS = 65536


class HostSpec:
    """How one configured address behaves."""

    def __init__(self, addr, delay_ms=0, drop_k=0, drop_m=1, dup=1):
        self.addr = addr              # ipaddress.IPv4Address / IPv6Address
        self.delay = delay_ms / 1000.0
        self.drop_k = drop_k          # drop the first drop_k of every drop_m
        self.drop_m = drop_m
        self.dup = dup

    def __repr__(self):
        return ("%s delay=%dms loss=%d/%d dup=%d"
                % (self.addr, self.delay * 1000, self.drop_k, self.drop_m,
                   self.dup))


def parse_host(text):
    """Parse 'ADDRESS[,opt=val...]' into a HostSpec; raise ValueError."""
    parts = text.split(",")
    addr = ipaddress.ip_address(parts[0].strip())
    spec = HostSpec(addr)
    for opt in parts[1:]:
        key, sep, val = opt.partition("=")
        key, val = key.strip(), val.strip()
        if not sep:
            raise ValueError("option %r needs a value" % opt)
        if key == "delay":
            ms = int(val)
            if ms < 0:
                raise ValueError("delay must be >= 0")
            spec.delay = ms / 1000.0
        elif key == "loss":
            if val == "alternate":
                k, m = 1, 2
            else:
                k_s, slash, m_s = val.partition("/")
                if not slash:
                    raise ValueError("loss must be 'alternate' or K/M")
                k, m = int(k_s), int(m_s)
            if m < 1 or k < 0 or k > m:
                raise ValueError("loss K/M needs 0 <= K <= M, M >= 1")
            spec.drop_k, spec.drop_m = k, m
        elif key == "dup":
            n = int(val)
            if n < 1:
                raise ValueError("dup must be >= 1")
            spec.dup = n
        else:
            raise ValueError("unknown option %r" % key)
    return spec


def inet_checksum(data):
    """RFC 1071 one's complement sum, as used by ICMP (IPv4)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def parse_ipv4_echo(packet):
    """Return (src, dst, icmp_message) for an IPv4 echo request, else None.

    Raw IPv4 sockets deliver the IP header too; the destination comes from
    there.
    """
    if len(packet) < 20:
        return None
    ver_ihl = packet[0]
    if ver_ihl >> 4 != 4:
        return None
    ihl = (ver_ihl & 0x0F) * 4
    total_len = struct.unpack("!H", packet[2:4])[0]
    if ihl < 20 or total_len < ihl + 8 or total_len > len(packet):
        return None
    if packet[9] != socket.IPPROTO_ICMP:
        return None
    icmp = packet[ihl:total_len]
    if icmp[0] != ICMP_ECHO_REQUEST or icmp[1] != 0:
        return None
    if inet_checksum(icmp) != 0:
        return None
    src = ipaddress.IPv4Address(packet[12:16])
    dst = ipaddress.IPv4Address(packet[16:20])
    return src, dst, icmp


def build_reply(request, reply_type, with_checksum):
    """Echo reply: same identifier, sequence and payload as the request."""
    body = request[4:]
    if not with_checksum:
        # The kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets
        # (it needs the pseudo-header, which it knows and we would guess).
        return struct.pack("!BBH", reply_type, 0, 0) + body
    csum = inet_checksum(struct.pack("!BBH", reply_type, 0, 0) + body)
    return struct.pack("!BBH", reply_type, 0, csum) + body


class Responder:
    def __init__(self, hosts, verbose=False, parent_pid=None):
        self.hosts = {h.addr: h for h in hosts}
        self.verbose = verbose
        self.parent_pid = parent_pid
        self.flows = {}               # (dst, src, ident) -> requests seen
        self.queue = []               # heap of (due, seq, send-closure)
        self.seq = itertools.count()  # tie-breaker for equal due times
        self.sock4 = None
        self.sock6 = None

    def log(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("responder: " + (fmt % args) + "\n")
            sys.stderr.flush()

    # -- sockets -----------------------------------------------------------

    def open_sockets(self):
        want4 = any(a.version == 4 for a in self.hosts)
        want6 = any(a.version == 6 for a in self.hosts)
        if want4:
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                              socket.IPPROTO_ICMP)
            s.setblocking(False)
            # Only echo requests wake us up (bit set = type blocked).
            try:
                s.setsockopt(SOL_RAW, ICMP_FILTER,
                             struct.pack("=I", 0xFFFFFFFF
                                         & ~(1 << ICMP_ECHO_REQUEST)))
            except OSError:
                pass
            self.sock4 = s
        if want6:
            s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                              socket.IPPROTO_ICMPV6)
            s.setblocking(False)
            # The destination of an IPv6 packet is not in the data of a raw
            # ICMPv6 socket; ask for it as ancillary data.
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
            try:
                words = [0xFFFFFFFF] * 8
                words[ICMP6_ECHO_REQUEST >> 5] &= ~(
                    1 << (ICMP6_ECHO_REQUEST & 31))
                s.setsockopt(socket.IPPROTO_ICMPV6, ICMP6_FILTER,
                             struct.pack("=8I", *words))
            except OSError:
                pass
            self.sock6 = s

    # -- receive -----------------------------------------------------------

    def drop_this_one(self, spec, dst, src, ident):
        """Deterministic loss, counted per flow (see module docstring)."""
        if spec.drop_k == 0:
            return False
        key = (dst, src, ident)
        if key not in self.flows and len(self.flows) >= MAX_FLOWS:
            self.flows.clear()
        n = self.flows.get(key, 0)
        self.flows[key] = n + 1
        return (n % spec.drop_m) < spec.drop_k

    def handle_request(self, family, src, src_sockaddr, dst, icmp):
        spec = self.hosts.get(dst)
        if spec is None:
            return
        ident, seqno = struct.unpack("!HH", icmp[4:8])
        if self.drop_this_one(spec, dst, src, ident):
            self.log("%s <- %s id=%d seq=%d dropped", dst, src, ident, seqno)
            return
        if family == socket.AF_INET:
            reply = build_reply(icmp, ICMP_ECHO_REPLY, True)
        else:
            reply = build_reply(icmp, ICMP6_ECHO_REPLY, False)
        due = time.monotonic() + spec.delay
        self.log("%s <- %s id=%d seq=%d reply x%d in %dms", dst, src, ident,
                 seqno, spec.dup, spec.delay * 1000)
        for _ in range(spec.dup):
            heapq.heappush(self.queue, (due, next(self.seq), family, reply,
                                        src_sockaddr, dst))

    def read4(self):
        while True:
            try:
                packet, _addr = self.sock4.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            parsed = parse_ipv4_echo(packet)
            if parsed is None:
                continue
            src, dst, icmp = parsed
            self.handle_request(socket.AF_INET, src, (str(src), 0), dst, icmp)

    def read6(self):
        cmsg_space = socket.CMSG_SPACE(20)  # struct in6_pktinfo
        while True:
            try:
                data, ancdata, _flags, addr = self.sock6.recvmsg(65535,
                                                                 cmsg_space)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if len(data) < 8 or data[0] != ICMP6_ECHO_REQUEST or data[1] != 0:
                continue
            dst = None
            for level, ctype, cdata in ancdata:
                if (level == socket.IPPROTO_IPV6
                        and ctype == socket.IPV6_PKTINFO
                        and len(cdata) >= 16):
                    dst = ipaddress.IPv6Address(cdata[:16])
            if dst is None:
                continue
            try:
                src = ipaddress.IPv6Address(addr[0].split("%")[0])
            except ValueError:
                continue
            self.handle_request(socket.AF_INET6, src, addr, dst, data)

    # -- send --------------------------------------------------------------

    def send(self, family, reply, sockaddr, src):
        """Send from the pinged address, via IP(V6)_PKTINFO on one socket."""
        try:
            if family == socket.AF_INET:
                pktinfo = struct.pack("=i4s4s", 0, src.packed, b"\0" * 4)
                self.sock4.sendmsg([reply],
                                   [(socket.IPPROTO_IP, IP_PKTINFO, pktinfo)],
                                   0, sockaddr)
            else:
                pktinfo = struct.pack("=16si", src.packed, 0)
                self.sock6.sendmsg([reply],
                                   [(socket.IPPROTO_IPV6, socket.IPV6_PKTINFO,
                                     pktinfo)], 0, sockaddr)
        except OSError as err:
            self.log("send to %s failed: %s", sockaddr[0], err)

    def flush_due(self):
        now = time.monotonic()
        while self.queue and self.queue[0][0] <= now:
            _due, _seq, family, reply, sockaddr, src = heapq.heappop(
                self.queue)
            self.send(family, reply, sockaddr, src)

    # -- main loop ---------------------------------------------------------

    def parent_alive(self):
        if self.parent_pid is None:
            return True
        try:
            os.kill(self.parent_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        # A dead owner nobody has reaped yet still answers kill(0): a zombie.
        try:
            with open("/proc/%d/stat" % self.parent_pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        return state != "Z"

    def run(self):
        socks = [s for s in (self.sock4, self.sock6) if s is not None]
        next_parent_check = time.monotonic() + 1.0
        while True:
            now = time.monotonic()
            timeout = next_parent_check - now
            if self.queue:
                timeout = min(timeout, self.queue[0][0] - now)
            readable, _, _ = select.select(socks, [], [], max(0.0, timeout))
            if self.sock4 in readable:
                self.read4()
            if self.sock6 in readable:
                self.read6()
            self.flush_due()
            if time.monotonic() >= next_parent_check:
                if not self.parent_alive():
                    self.log("parent %d gone, exiting", self.parent_pid)
                    return
                next_parent_check = time.monotonic() + 1.0


def main(argv):
    parser = argparse.ArgumentParser(
        description="ICMP/ICMPv6 echo responder with delay, loss and "
                    "duplication per address (aping test lab)")
    parser.add_argument("--host", action="append", default=[], metavar="SPEC",
                        help="ADDRESS[,delay=MS][,loss=alternate|K/M]"
                             "[,dup=N]; repeatable")
    parser.add_argument("--ready", metavar="FILE",
                        help="create FILE once the sockets are open")
    parser.add_argument("--parent-pid", type=int, metavar="PID",
                        help="exit when process PID no longer exists")
    parser.add_argument("--verbose", action="store_true",
                        help="log every request on stderr")
    args = parser.parse_args(argv)

    if not args.host:
        parser.error("at least one --host is needed")
    hosts = []
    for text in args.host:
        try:
            hosts.append(parse_host(text))
        except ValueError as err:
            parser.error("bad --host %r: %s" % (text, err))

    # SIGTERM (lab_down) and SIGINT end the loop through SystemExit, which
    # also interrupts select() promptly.
    def stop(_signum, _frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    responder = Responder(hosts, verbose=args.verbose,
                          parent_pid=args.parent_pid)
    responder.open_sockets()
    for h in hosts:
        responder.log("serving %r", h)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())
    responder.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
