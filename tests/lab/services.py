#!/usr/bin/env python3
"""TCP services for the aping test lab: banners, Telnet and hostile peers.

Run inside the lab's NET namespace (lab_services_up does), where AnyIP
routes make whole blocks local: a socket bound to 0.0.0.0 or :: there
answers on every address of 198.18.1.0/24, 198.19.0.0/17 and
2001:db8:1::/120.  Every service listens on both families.

    port  behaviour
      22  SSH style: "SSH-2.0-OpenSSH_9.2p1 lab" CR LF at once
      23  Telnet: asks for options (DO, WILL, a subnegotiation), one byte
          per segment, then a multi-line banner ending in "lab-host login: "
    2323  Telnet that waits: asks DO TTYPE, WILL ECHO, DO NAWS and prints
          nothing until all three are answered; then a banner that says
          which answers it got and ends in "wait-host login: "
      25  SMTP style, delayed: "220 lab-host ESMTP ready" after 500 ms
    7001  flood: data as fast as the client takes it, forever
    7002  drip: one byte a second, never a line end
    7003  endless Telnet commands: DO/WILL/SB forever, never any text
    7004  mute: accepts and never sends anything
    7005  text that must be escaped: printable UTF-8 ("\u00e9t\u00e9"), C1
          controls (CSI, NEL), bidi override and isolate, line separator,
          byte order mark, ESC, invalid UTF-8 and a character cut short,
          then CR LF
  (80 has nothing listening: the kernel refuses.)

--ready FILE is created once every socket listens; --parent-pid PID makes
the program exit when PID is gone (a lab owner killed with SIGKILL does not
leave it behind).  Only the Python standard library is used.
"""

import argparse
import asyncio
import itertools
import os
import signal
import sys

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA, TTYPE, NAWS = 1, 3, 24, 31
NAMES = {DONT: "DONT", DO: "DO", WONT: "WONT", WILL: "WILL"}

SSH_BANNER = b"SSH-2.0-OpenSSH_9.2p1 lab\r\n"
TELNET_BANNER = (b"\r\nWelcome to lab-host (Debian GNU/Linux 12)\r\n\r\n"
                 b"lab-host login: ")


def close(writer):
    try:
        writer.close()
    except OSError:
        pass


async def ssh(reader, writer):
    writer.write(SSH_BANNER)
    await writer.drain()
    # Wait for the client to go: an SSH server waits for its version line.
    await reader.read(1024)


async def telnet(reader, writer):
    hello = bytes([IAC, DO, TTYPE, IAC, WILL, ECHO, IAC, WILL, SGA,
                   IAC, DO, NAWS, IAC, SB, TTYPE, 1, IAC, IAC, IAC, SE])
    # One byte per segment: the client must reassemble split commands.
    for b in hello:
        writer.write(bytes([b]))
        await writer.drain()
        await asyncio.sleep(0.002)
    writer.write(TELNET_BANNER)
    await writer.drain()
    await reader.read(1024)


async def read_answers(reader, want):
    """Reads until every option in want (option -> request) is answered;
    returns the answers as text, or None at EOF."""
    got, buf = {}, b""
    while len(got) < len(want):
        data = await reader.read(64)
        if not data:
            return None
        buf += data
        while len(buf) >= 3 or (buf and buf[0] != IAC):
            if buf[0] != IAC:
                buf = buf[1:]
            elif buf[1] in NAMES:
                if buf[2] in want:
                    got.setdefault(buf[2], "%s %d" % (NAMES[buf[1]], buf[2]))
                buf = buf[3:]
            else:
                buf = buf[2:]
    return ", ".join(got[o] for o in sorted(got))


async def telnet_wait(reader, writer):
    writer.write(bytes([IAC, DO, TTYPE, IAC, WILL, ECHO, IAC, DO, NAWS]))
    await writer.drain()
    want = {TTYPE: DO, ECHO: WILL, NAWS: DO}
    try:
        answers = await asyncio.wait_for(read_answers(reader, want), 10)
    except asyncio.TimeoutError:
        return
    if answers is None:
        return
    # "\xff" (sent as IAC IAC) checks that a literal 0xFF gets through.
    writer.write(b"Answers: " + answers.encode() + b"\r\nbyte " +
                 bytes([IAC, IAC]) + b"\r\nwait-host login: ")
    await writer.drain()
    await reader.read(1024)


async def smtp(reader, writer):
    await asyncio.sleep(0.5)
    writer.write(b"220 lab-host ESMTP ready\r\n")
    await writer.drain()
    await reader.read(1024)


async def flood(reader, writer):
    chunk = b"flood " * 10000
    while True:
        writer.write(chunk)
        await writer.drain()


async def drip(reader, writer):
    for b in itertools.cycle(b"SSH-2.0-drip"):
        writer.write(bytes([b]))
        await writer.drain()
        await asyncio.sleep(1)


async def endless_iac(reader, writer):
    for n in itertools.count():
        opt = n % 256
        # Well-formed: 0xFF inside a subnegotiation is doubled.
        sb = bytes([opt, opt] if opt == IAC else [opt])
        writer.write(bytes([IAC, DO, opt, IAC, WILL, opt, IAC, SB]) + sb +
                     b"x" * 50 + bytes([IAC, IAC, IAC, SE]))
        await writer.drain()


async def mute(reader, writer):
    await reader.read(1024)


UNICODE_BANNER = (b"\xc3\xa9t\xc3\xa9 csi:\xc2\x9b2J nel:\xc2\x85 "
                  b"rlo:\xe2\x80\xae lri:\xe2\x81\xa6 ls:\xe2\x80\xa8 "
                  b"bom:\xef\xbb\xbf esc:\x1b[0m bad:\xff\xc0\xaf "
                  b"cut:\xe2\x82\r\n")


async def unicode(reader, writer):
    writer.write(UNICODE_BANNER)
    await writer.drain()
    await reader.read(1024)


SERVICES = {22: ssh, 23: telnet, 2323: telnet_wait, 25: smtp, 7001: flood,
            7002: drip, 7003: endless_iac, 7004: mute, 7005: unicode}


def handler(fn):
    async def run(reader, writer):
        try:
            await fn(reader, writer)
        except (ConnectionError, OSError):
            pass
        finally:
            close(writer)
    return run


def parent_alive(pid):
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


async def main(args):
    servers = []
    for port, fn in SERVICES.items():
        servers.append(await asyncio.start_server(
            handler(fn), host=["0.0.0.0", "::"], port=port,
            backlog=4096, reuse_address=True))
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 1)
        except asyncio.TimeoutError:
            if not parent_alive(args.parent_pid):
                break
    for s in servers:
        s.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ready", metavar="FILE")
    p.add_argument("--parent-pid", type=int, metavar="PID")
    try:
        asyncio.run(main(p.parse_args()))
    except KeyboardInterrupt:
        pass
    sys.exit(0)
