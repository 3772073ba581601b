#!/usr/bin/env python3
"""User-space ICMP/ICMPv6 echo responder for the aping test lab.

The lab kernel may lack the netem qdisc, so slow, lossy and duplicating
hosts are simulated here instead: the kernel's own echo replies are turned
off in the namespace this runs in (icmp_echo_ignore_all), and this program
answers echo requests for the configured addresses itself.

Usage:

    responder.py [--ready FILE] [--parent-pid PID] [--verbose]
                 --host SPEC [--host SPEC ...]
    responder.py --count N --host SPEC [--host SPEC ...]

    SPEC = ADDRESS[/PREFIX][,delay=MS][,drop_in=K/M][,drop_out=K/M][,dup=N]

      ADDRESS/PREFIX  every address of the block (all of them, the first
                    and last too), each with the options given, e.g.
                    198.18.3.64/27 (at most 4096 addresses)
      delay=MS      answer MS milliseconds after the request arrived (the
                    kernel's receive timestamp, so time spent queued in
                    this program counts towards the delay)
      drop_in=K/M   of every M consecutive requests of a flow drop the
                    first K (requests 0..K-1, M..M+K-1, ...: "lost on the
                    way in")
      loss=K/M      the same as drop_in=K/M; loss=alternate is loss=1/2
      drop_out=K/M  of every M consecutive replies it would send for a
                    flow (requests that drop_in let through) drop the
                    last K (replies M-K..M-1, 2M-K..2M-1, ...: "lost on
                    the way back")
      dup=N         send every reply N times (N >= 1; 2 makes duplicates)

    Commas separate the options because IPv6 addresses contain colons, e.g.
      --host 198.18.3.1,delay=300 --host 2001:db8:3::3,loss=alternate
      --host 198.18.3.64/27,delay=20,drop_in=1/10,drop_out=1/10

Loss is deterministic and counted per flow: a flow is (pinged address,
pinger address, ICMP identifier), counted from the flow's first request.
So with loss=alternate the 1st, 3rd, 5th... request of every ping run is
dropped and the 2nd, 4th... answered, whatever ran before; tests are
reproducible no matter in which order they run against the same lab.

The phases are chosen so that the two kinds of loss do not line up: the
in-drops come first in their cycle, the out-drops last in theirs, and the
out-cycle counts only the requests that got in.  With drop_in=1/10 and
drop_out=1/10 a flow loses requests 0, 10, 20, 30, ... on the way in and
the replies to requests 11, 22, 33, ..., 99, 111, 122, ... on the way
out: no request is lost twice, and the two patterns drift through each
other rather than repeating every 10 requests.

Of N requests of one flow exactly this many get a reply (each dropped
request or reply counts once, whatever dup= says):

    in  = K_in * (N // M_in) + min(N % M_in, K_in)        dropped in
    P   = N - in                                          let through
    out = K_out * (P // M_out) + max(0, P % M_out - (M_out - K_out))
    received = P - out

so the loss is exactly 1 - (1 - K_in/M_in) * (1 - K_out/M_out) whenever
N is a multiple of M_in and P one of M_out (with 1/10 both ways: every
100 requests, 19 lost, 19 %).  --count N prints, for each --host, the
replies N requests of one flow get, by running the very code that decides
what to drop (no sockets are opened).

--ready FILE is created once the sockets are open (the lab waits for it).
--parent-pid PID makes the responder exit when PID has gone away, so a lab
whose owner was SIGKILLed does not leave a responder behind.

Only the Python standard library is used.  Anything that is not a
well-formed echo request to a configured address is ignored.
"""

import argparse
import ctypes
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
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # = SCM_TIMESTAMPNS
PR_SET_TIMERSLACK = 29

# Bound the per-flow loss counters so a flood cannot grow memory forever.
MAX_FLOWS = 65536
# Bound the addresses one ADDRESS/PREFIX spec may expand to.
MAX_BLOCK = 4096

TIMESPEC = struct.Struct("@ll")
CMSG_TIMESTAMP = socket.CMSG_SPACE(TIMESPEC.size)
CMSG_PKTINFO6 = socket.CMSG_SPACE(20)  # struct in6_pktinfo
ZERO4 = bytes(4)


class HostSpec:
    """How one configured address behaves."""

    def __init__(self, addr, delay_ms=0, dup=1):
        self.addr = addr              # ipaddress.IPv4Address / IPv6Address
        self.delay = delay_ms / 1000.0
        self.in_k, self.in_m = 0, 1   # drop the first in_k of every in_m
        self.out_k, self.out_m = 0, 1  # drop the last out_k of every out_m
        self.dup = dup
        self.cmsg = None              # the source address, as sendmsg wants

    def counted(self):
        """True when requests must be counted per flow (some loss)."""
        return self.in_k > 0 or self.out_k > 0

    def copy_for(self, addr):
        spec = HostSpec(addr)
        spec.delay, spec.dup = self.delay, self.dup
        spec.in_k, spec.in_m = self.in_k, self.in_m
        spec.out_k, spec.out_m = self.out_k, self.out_m
        return spec

    def __repr__(self):
        return ("%s delay=%gms drop_in=%d/%d drop_out=%d/%d dup=%d"
                % (self.addr, self.delay * 1000, self.in_k, self.in_m,
                   self.out_k, self.out_m, self.dup))


def parse_fraction(key, val):
    """'K/M' (or 'alternate' for loss) -> (K, M); raise ValueError."""
    if key == "loss" and val == "alternate":
        return 1, 2
    k_s, slash, m_s = val.partition("/")
    if not slash:
        raise ValueError("%s must be K/M" % key)
    k, m = int(k_s), int(m_s)
    if m < 1 or k < 0 or k > m:
        raise ValueError("%s K/M needs 0 <= K <= M, M >= 1" % key)
    return k, m


def parse_host(text):
    """Parse 'ADDRESS[/PREFIX][,opt=val...]' into a list of HostSpec (one
    per address); raise ValueError."""
    parts = text.split(",")
    net = ipaddress.ip_network(parts[0].strip(), strict=True)
    if net.num_addresses > MAX_BLOCK:
        raise ValueError("block larger than %d addresses" % MAX_BLOCK)
    spec = HostSpec(net.network_address)
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
        elif key in ("loss", "drop_in"):
            spec.in_k, spec.in_m = parse_fraction(key, val)
        elif key == "drop_out":
            spec.out_k, spec.out_m = parse_fraction(key, val)
        elif key == "dup":
            n = int(val)
            if n < 1:
                raise ValueError("dup must be >= 1")
            spec.dup = n
        else:
            raise ValueError("unknown option %r" % key)
    return [spec.copy_for(a) for a in net]


class Flows:
    """Per-flow request counters and the drop decision: pure logic."""

    def __init__(self):
        self.counts = {}              # flow key -> [requests, replies]

    def verdict(self, spec, key):
        """What happens to the next request of flow KEY to SPEC's address:
        None (answered), "in" or "out" (dropped)."""
        if not spec.counted():
            return None
        c = self.counts.get(key)
        if c is None:
            if len(self.counts) >= MAX_FLOWS:
                self.counts.clear()
            c = self.counts[key] = [0, 0]
        i = c[0]
        c[0] = i + 1
        if i % spec.in_m < spec.in_k:
            return "in"
        j = c[1]
        c[1] = j + 1
        if j % spec.out_m >= spec.out_m - spec.out_k:
            return "out"
        return None


def received_of(spec, n):
    """Replies that N requests of one fresh flow get, by running the drop
    decision itself (what --count prints)."""
    flows = Flows()
    return sum(flows.verdict(spec, b"flow") is None for _ in range(n))


def inet_checksum(data):
    """RFC 1071 one's complement sum, as used by ICMP (IPv4)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def parse_ipv4_echo(packet):
    """Return (src, dst, icmp_message) for an IPv4 echo request, else None;
    src and dst are the 4-byte packed addresses.

    Raw IPv4 sockets deliver the IP header too; the destination comes from
    there.
    """
    if len(packet) < 20:
        return None
    ver_ihl = packet[0]
    if ver_ihl >> 4 != 4:
        return None
    ihl = (ver_ihl & 0x0F) * 4
    total_len = (packet[2] << 8) | packet[3]
    if ihl < 20 or total_len < ihl + 8 or total_len > len(packet):
        return None
    if packet[9] != socket.IPPROTO_ICMP:
        return None
    icmp = packet[ihl:total_len]
    if icmp[0] != ICMP_ECHO_REQUEST or icmp[1] != 0:
        return None
    if inet_checksum(icmp) != 0:
        return None
    return packet[12:16], packet[16:20], icmp


def build_reply(request, reply_type, with_checksum):
    """Echo reply: same identifier, sequence and payload as the request."""
    body = request[4:]
    if not with_checksum:
        # The kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets
        # (it needs the pseudo-header, which it knows and we would guess).
        return struct.pack("!BBH", reply_type, 0, 0) + body
    csum = inet_checksum(struct.pack("!BBH", reply_type, 0, 0) + body)
    return struct.pack("!BBH", reply_type, 0, csum) + body


def arrival(ancdata, default):
    """The kernel's receive time (CLOCK_REALTIME) from SO_TIMESTAMPNS
    ancillary data, else DEFAULT."""
    for level, ctype, cdata in ancdata:
        if (level == socket.SOL_SOCKET and ctype == SO_TIMESTAMPNS
                and len(cdata) >= TIMESPEC.size):
            sec, nsec = TIMESPEC.unpack_from(cdata)
            return sec + nsec * 1e-9
    return default


def tight_timers():
    """Ask for timer slack of 1 ns (the default 50 us would be added to
    every delay); harmless where prctl is missing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


# A long sleep oversleeps by 100 us or more (an idle CPU wakes slowly, in a
# virtual machine most of all), a short one by some 30 us: sleep long to
# just before a reply is due, then short; the last few microseconds, poll.
WAKE_EARLY = 0.0005
WAKE_SPIN = 0.00005


def wake_before(wait):
    """How long to sleep when the next reply is due in WAIT seconds."""
    if wait > 2 * WAKE_EARLY:
        return wait - WAKE_EARLY
    if wait < WAKE_SPIN:
        return 0.0
    return wait


class Responder:
    def __init__(self, hosts, verbose=False, parent_pid=None):
        # Keyed by the packed address: no address object per packet.
        self.hosts = {h.addr.packed: h for h in hosts}
        self.verbose = verbose
        self.parent_pid = parent_pid
        self.flows = Flows()
        self.queue = []               # heap of (due, seq, sock, ...)
        self.seq = itertools.count()  # tie-breaker for equal due times
        self.sock4 = None
        self.sock6 = None
        for h in hosts:
            if h.addr.version == 4:
                h.cmsg = [(socket.IPPROTO_IP, IP_PKTINFO,
                           struct.pack("=i4s4s", 0, h.addr.packed, ZERO4))]
            else:
                h.cmsg = [(socket.IPPROTO_IPV6, socket.IPV6_PKTINFO,
                           struct.pack("=16si", h.addr.packed, 0))]

    def log(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("responder: " + (fmt % args) + "\n")
            sys.stderr.flush()

    # -- sockets -----------------------------------------------------------

    def open_sockets(self):
        want4 = any(h.addr.version == 4 for h in self.hosts.values())
        want6 = any(h.addr.version == 6 for h in self.hosts.values())
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
            self.timestamps(s)
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
            self.timestamps(s)
            self.sock6 = s

    @staticmethod
    def timestamps(sock):
        """Receive timestamps, so that a delay runs from the arrival of the
        request, not from when this loop got round to it."""
        try:
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        except OSError:
            pass

    # -- receive -----------------------------------------------------------

    def handle_request(self, sock, spec, src, sockaddr, icmp, reply, t_in):
        """Counts the request of flow (SPEC, SRC, identifier) and queues
        REPLY unless it is to be dropped; T_IN is its arrival on the
        monotonic clock."""
        ident = icmp[4:6]
        why = self.flows.verdict(spec, (spec.addr.packed, src, ident))
        if why is not None:
            if self.verbose:
                self.log("%s <- %s id=%d seq=%d dropped (%s)", spec.addr,
                         sockaddr[0], *struct.unpack("!HH", icmp[4:8]), why)
            return
        due = t_in + spec.delay
        if self.verbose:
            self.log("%s <- %s id=%d seq=%d reply x%d in %gms", spec.addr,
                     sockaddr[0], *struct.unpack("!HH", icmp[4:8]),
                     spec.dup, spec.delay * 1000)
        for _ in range(spec.dup):
            heapq.heappush(self.queue, (due, next(self.seq), sock, reply,
                                        spec.cmsg, sockaddr))

    def read4(self, clock):
        while True:
            try:
                packet, ancdata, _flags, _addr = self.sock4.recvmsg(
                    65535, CMSG_TIMESTAMP)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            parsed = parse_ipv4_echo(packet)
            if parsed is None:
                continue
            src, dst, icmp = parsed
            spec = self.hosts.get(dst)
            if spec is None:
                continue
            # Type 8 -> 0 changes the sum by 0x0800 (RFC 1624): no need to
            # add the whole message up again.
            csum = ((icmp[2] << 8) | icmp[3]) + 0x0800
            csum = (csum & 0xFFFF) + (csum >> 16)
            reply = (bytes((ICMP_ECHO_REPLY, 0, csum >> 8, csum & 0xFF))
                     + icmp[4:])
            self.handle_request(self.sock4, spec, src,
                                (socket.inet_ntoa(src), 0), icmp, reply,
                                clock(arrival(ancdata, None)))

    def read6(self, clock):
        while True:
            try:
                data, ancdata, _flags, addr = self.sock6.recvmsg(
                    65535, CMSG_PKTINFO6 + CMSG_TIMESTAMP)
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
                    dst = cdata[:16]
            spec = self.hosts.get(dst)
            if spec is None:
                continue
            reply = build_reply(data, ICMP6_ECHO_REPLY, False)
            self.handle_request(self.sock6, spec, addr[0], addr, data, reply,
                                clock(arrival(ancdata, None)))

    # -- send --------------------------------------------------------------

    def flush_due(self):
        """Send every reply that is due, from the pinged address (IP(V6)_
        PKTINFO on the one socket per family)."""
        queue = self.queue
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _due, _seq, sock, reply, cmsg, sockaddr = heapq.heappop(queue)
            try:
                sock.sendmsg([reply], cmsg, 0, sockaddr)
            except OSError as err:
                self.log("send to %s failed: %s", sockaddr[0], err)
            if not queue or queue[0][0] > now:
                now = time.monotonic()

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
                timeout = min(timeout, wake_before(self.queue[0][0] - now))
            readable, _, _ = select.select(socks, [], [], max(0.0, timeout))
            if readable:
                # Arrival timestamps are on the real-time clock, deadlines
                # on the monotonic one: the offset between the two, taken
                # once per wake-up, converts (a request that came in while
                # this loop read the others has a timestamp after it).
                offset = time.monotonic() - time.time()

                def clock(t_real, offset=offset):
                    if t_real is None:
                        return time.monotonic()
                    return t_real + offset
                if self.sock4 in readable:
                    self.read4(clock)
                if self.sock6 in readable:
                    self.read6(clock)
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
                        help="ADDRESS[/PREFIX][,delay=MS][,drop_in=K/M]"
                             "[,drop_out=K/M][,loss=alternate|K/M][,dup=N];"
                             " repeatable")
    parser.add_argument("--count", type=int, metavar="N",
                        help="print, for each host, how many of N requests "
                             "of one flow get a reply, and exit")
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
            hosts.extend(parse_host(text))
        except ValueError as err:
            parser.error("bad --host %r: %s" % (text, err))

    if args.count is not None:
        if args.count < 0:
            parser.error("--count needs N >= 0")
        for h in hosts:
            print(h.addr, received_of(h, args.count))
        return 0

    # SIGTERM (lab_down) and SIGINT end the loop through SystemExit, which
    # also interrupts select() promptly.
    def stop(_signum, _frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    tight_timers()
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
