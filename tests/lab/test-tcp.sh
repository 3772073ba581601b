#!/bin/bash
# tests/lab/test-tcp.sh - TCP port and Telnet banner checks in the lab.
#
# The services are tests/lab/services.py inside the lab's NET namespace
# (lab_services_up); every scan runs through lab_exec, inside the lab.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
lab_services_up

# The line of address $1 in OUT.
line_of() {
  printf '%s\n' "$OUT" | grep -E "^$(printf '%s' "$1" | sed 's/\./\\./g') "
}

# ---- banners, Telnet, verdicts, on IPv4 and IPv6

SSH='"SSH-2.0-OpenSSH_9.2p1 lab"'
TELNET='"Welcome to lab-host (Debian GNU/Linux 12)\r\n\r\nlab-host login:"'

scan --tcp 22 --banner --telnet "$LAB_UP4"
what="ping, SSH banner and Telnet banner on one line, as the issue shows"
expect grep -qxF "; 22/tcp open $SSH; 23/tcp open telnet $TELNET" \
  <<<"$(sed -E 's/^198\.18\.1\.5 is alive \([0-9]+\.[0-9]{2} ms\)//' <<<"$OUT")"
expect grep -qE '^198\.18\.1\.5 is alive \([0-9]+\.[0-9]{2} ms\); 22/tcp' <<<"$OUT"
what="... exit 0, one line, nothing on stderr"
expect test "$RC" -eq 0 -a "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 -a -z "$ERR"

scan --tcp 22 --banner --telnet "$LAB_UP6"
what="IPv6: the same checks on 2001:db8:1::5"
expect grep -qE "^2001:db8:1::5 is alive \([0-9.]+ ms\); 22/tcp open $SSH; 23/tcp open telnet \"Welcome to lab-host" <<<"$OUT"
expect test "$RC" -eq 0

scan -m none --telnet="$LAB_PORT_TELNET_WAIT" "$LAB_UP4"
what="a Telnet server that waits for answers gets WONT/DONT and shows its banner"
expect grep -qxF '198.18.1.5 is up; 2323/tcp open telnet "Answers: DONT 1, WONT 24, WONT 31\r\nbyte \xff\r\nwait-host login:"' <<<"$OUT"
what="... ended by its prompt, not by the 300 ms idle time"
expect test "$RC" -eq 0 -a "$MS" -lt 290

scan -m none --telnet=2323 2001:db8:1::9
what="IPv6: the waiting Telnet server too"
expect grep -qF '2001:db8:1::9 is up; 2323/tcp open telnet "Answers: DONT 1, WONT 24, WONT 31' <<<"$OUT"

scan -m none --tcp 22 --banner "$LAB_UP4"
what="an SSH banner ends with its first line, at once"
expect grep -qxF "198.18.1.5 is up; 22/tcp open $SSH" <<<"$OUT"
expect test "$MS" -lt 290

scan -m none --tcp 25 --banner "$LAB_UP4"
what="an SMTP banner sent after 500 ms is waited for (idle counts from data)"
expect grep -qxF '198.18.1.5 is up; 25/tcp open "220 lab-host ESMTP ready"' <<<"$OUT"
expect test "$MS" -ge 500 -a "$MS" -lt 1400

scan -m none --tcp 80 "$LAB_UP4"
what="a closed port: '80/tcp closed', the target is down, exit 1"
expect grep -qxF '198.18.1.5 is down; 80/tcp closed' <<<"$OUT"
expect test "$RC" -eq 1

scan -t 200 -r 0 --tcp 22 "$LAB_SILENT4"
what="a silent address: unreachable and '22/tcp filtered' after -t"
expect grep -qxF '198.18.2.7 is unreachable; 22/tcp filtered' <<<"$OUT"
expect test "$RC" -eq 1 -a "$MS" -ge 200 -a "$MS" -lt 1200

scan --tcp 22,80 "$LAB_UNREACH4"
what="an ICMP error: 'error (host unreachable)' for each port"
expect grep -qxF '198.18.4.9 is unreachable (host unreachable from 198.18.0.2); 22/tcp error (host unreachable); 80/tcp error (host unreachable)' <<<"$OUT"

scan -t 200 -r 0 --tcp 22,80 "$LAB_SILENT6" 2001:db8:1::7
what="IPv6: filtered and closed"
expect grep -qxF '2001:db8:2::7 is unreachable; 22/tcp filtered; 80/tcp filtered' <<<"$OUT"
expect grep -qE '^2001:db8:1::7 is alive \([0-9.]+ ms\); 22/tcp open; 80/tcp closed$' <<<"$OUT"

# The lab's router often lets the ICMPv6 error about a first packet go
# unsent (ping needs its retry too): the default -t 500 -r 1 gives the
# kernel's SYN retry, 1 s later, the time to draw the error.
scan --tcp 22,80 "$LAB_UNREACH6"
what="IPv6: an ICMPv6 error is 'error (network unreachable)'"
expect grep -qE '^2001:db8:4::9 is unreachable \(no route from 2001:db8::2\); 22/tcp error \(network unreachable\); 80/tcp error \(network unreachable\)$' <<<"$OUT"

# ---- verdicts: all, --any, --expect, -a/-u

scan -m none --tcp 22,80 "$LAB_UP4"
what="all checks must pass: one closed port makes the target down"
expect test "$RC" -eq 1 -a "$OUT" = "198.18.1.5 is down; 22/tcp open; 80/tcp closed"
scan -m none --any --tcp 22,80 "$LAB_UP4"
what="--any: one open port is enough"
expect test "$RC" -eq 0 -a "$OUT" = "198.18.1.5 is up; 22/tcp open; 80/tcp closed"
scan --any -t 200 -r 0 --tcp 22 "$LAB_SILENT4"
what="--any with the ping: nothing passes, so not OK"
expect test "$RC" -eq 1

scan -m none --tcp 22,25 --banner --expect '^(SSH-2\.0|220 )' "$LAB_UP4"
what="--expect (POSIX extended) that every banner matches"
expect test "$RC" -eq 0
scan -m none --tcp 22,25 --banner --expect '^SSH-' "$LAB_UP4"
what="--expect that one banner misses: shown with the reason, exit 1"
expect grep -qxF "198.18.1.5 is down; 22/tcp open $SSH; 25/tcp open \"220 lab-host ESMTP ready\" (banner does not match)" <<<"$OUT"
expect test "$RC" -eq 1
scan -m none --telnet --expect '^lab-host login:$' "$LAB_UP4"
what="--expect on a Telnet banner, ^ and \$ at line boundaries"
expect test "$RC" -eq 0

scan -a -m none --tcp 22,80 --any "$LAB_UP4" "$LAB_SILENT4" -t 200 -r 0
what="-a prints the targets that are OK over their checks"
expect test "$OUT" = "198.18.1.5"
scan -u -m none --tcp 22,80 --any "$LAB_UP4" "$LAB_SILENT4" -t 200 -r 0
what="-u prints the others"
expect test "$OUT" = "198.18.2.7"

scan -m none --tcp 22,23 --telnet "$LAB_UP4"
what="--telnet on a port --tcp lists checks it once, as Telnet"
expect grep -qE '^198\.18\.1\.5 is up; 22/tcp open; 23/tcp open telnet "Welcome' <<<"$OUT"
expect test "$(grep -o '23/tcp' <<<"$OUT" | wc -l)" -eq 1

# ---- hostile peers: each ends within the timeout, memory bounded

scan -m none -t 700 -r 0 --tcp 7001,7002,7003,7004 --banner "$LAB_UP4"
what="flood, drip, endless commands and a mute peer all end within -t"
expect test "$MS" -lt 1000
expect grep -qE '^198\.18\.1\.5 is up; 7001/tcp open "(flood )+(flood|floo|flo|fl|f)?"; 7002/tcp open "S(SH-?)?"; 7003/tcp open "\\xff\\xfd\\x00.*"; 7004/tcp open \(no banner\)$' <<<"$OUT"

flood=$(sed -E 's/.*7001\/tcp open "([^"]*)".*/\1/' <<<"$OUT")
what="a flood is cut at --banner-bytes (default 1024)"
expect test "${#flood}" -le 1024 -a "${#flood}" -ge 1000

scan -m none --banner-bytes 100 --tcp 7001 --banner "$LAB_UP4"
flood=$(sed -E 's/.*7001\/tcp open "([^"]*)".*/\1/' <<<"$OUT")
what="... or at --banner-bytes 100"
expect test "${#flood}" -le 100 -a "${#flood}" -ge 95

scan -m none -t 3000 -r 0 --tcp 7002 --banner "$LAB_UP4"
what="a dripping peer ends after 300 ms of silence, long before -t 3000"
expect grep -qxF '198.18.1.5 is up; 7002/tcp open "S"' <<<"$OUT"
expect test "$MS" -lt 1500

scan -m none -t 3000 -r 0 --telnet=7003 "$LAB_UP4"
what="endless Telnet commands: no text, ends at 16 x --banner-bytes read"
expect grep -qxF '198.18.1.5 is up; 7003/tcp open telnet (no banner)' <<<"$OUT"
expect test "$MS" -lt 1500

scan -m none -t 400 -r 0 --tcp 7004 --banner "$LAB_UP4"
what="a peer that never speaks: open with no banner, at -t"
expect grep -qxF '198.18.1.5 is up; 7004/tcp open (no banner)' <<<"$OUT"
expect test "$MS" -ge 400 -a "$MS" -lt 1200

# Peak memory of 254 flooded connections at once, against 254 closed
# ports: the difference is about 254 banner buffers, not what was sent.
rss() {
  lab_exec /usr/bin/time -f %M -o "$LAB_DIR/rss" "$APING" "$@" >/dev/null \
    2>&1 || true
  tail -n 1 "$LAB_DIR/rss"
}
base=$(rss -m none --tcp 80 --banner 198.18.1.0/24)
flooded=$(rss -m none -t 1000 -r 0 --tcp 7001 --banner 198.18.1.0/24)
echo "# peak RSS: $base KiB (closed ports), $flooded KiB (254 floods)"
what="254 floods at once cost less than 4 MiB more than 254 closed ports"
expect test "$flooded" -lt $((base + 4096))

# ---- many targets, concurrency, pings beside checks

scan -m none -j 16 --tcp 22 --banner 198.18.1.0/24
what="254 SSH banners with -j 16: every target once, all open"
expect test "$(printf '%s\n' "$OUT" | grep -cxE "198\.18\.1\.[0-9]+ is up; 22/tcp open $SSH")" -eq 254
expect test "$(printf '%s\n' "$OUT" | cut -d' ' -f1 | sort -u | wc -l)" -eq 254

scan -m none -j 1 -t 300 -r 0 --tcp 7004 198.18.1.1-3
what="-j 1: three connections one after another (about 3 x 0 ms: connect only)"
expect test "$RC" -eq 0
scan -m none -j 1 -t 300 -r 0 --tcp 7004 --banner 198.18.1.1-3
what="-j 1 with banners from a mute peer: 3 x 300 ms, one at a time"
expect test "$MS" -ge 900
scan -m none -j 3 -t 300 -r 0 --tcp 7004 --banner 198.18.1.1-3
what="-j 3: the same three at once"
expect test "$MS" -lt 800

scan -v -m none --tcp 22 --banner 198.18.1.0/24
what="-v says how many connections may be open at once (default 256)"
expect grep -qx 'aping: TCP: at most 256 connections at once' <<<"$ERR"
lab_run prlimit --nofile=64:64 "$APING" -v -m none --tcp 22 --banner 198.18.1.0/24
what="RLIMIT_NOFILE 64 bounds -j 256 to 32 connections, and all 254 finish"
expect grep -qx 'aping: TCP: at most 32 connections at once' <<<"$ERR"
expect test "$(printf '%s\n' "$OUT" | grep -c 'is up; 22/tcp open "SSH')" -eq 254
lab_run prlimit --nofile=64:4096 "$APING" -v -j 1000 -m none --tcp 22 198.18.1.0/24
what="... a soft limit under the hard one is raised for -j 1000"
expect grep -qx 'aping: TCP: at most 1000 connections at once' <<<"$ERR"
expect test "$RC" -eq 0

scan --tcp 22 198.18.1.0/24 198.18.2.0/24
what="pings and checks together: 254 alive+open, 254 unreachable+filtered"
expect test "$(printf '%s\n' "$OUT" | grep -cE '^198\.18\.1\.[0-9]+ is alive \([0-9.]+ ms\); 22/tcp open$')" -eq 254
expect test "$(printf '%s\n' "$OUT" | grep -cE '^198\.18\.2\.[0-9]+ is unreachable; 22/tcp filtered$')" -eq 254
expect test "$(printf '%s\n' "$OUT" | wc -l)" -eq 508
what="... side by side: about 1.5 s, not the sum of both"
expect test "$MS" -lt 2500

scan -s -m none --tcp 22,80 --any 198.18.1.1-4
what="-s with -m none: not pinged, ok and not ok counts, nothing unfinished"
expect grep -qE '^ +4 not pinged$' <<<"$ERR"
expect grep -qE '^ +4 ok$' <<<"$ERR"
expect grep -qE '^ +0 not ok$' <<<"$ERR"
expect test "$(grep -c unfinished <<<"$ERR")" -eq 0

# ---- no ICMP socket needed with -m none; signals

cp "$APING" "$tmp/aping"
chmod 755 "$tmp" "$tmp/aping"
OUT=$(lab_exec_nobody_nodgram "$tmp/aping" -m none --tcp 22 --banner \
  "$LAB_UP4" 2>&1) && RC=0 || RC=$?
what="-m none needs no ICMP socket: works as nobody with none allowed"
expect test "$RC" -eq 0 -a "$OUT" = "198.18.1.5 is up; 22/tcp open $SSH"

lab_run timeout --preserve-status -s INT 0.5 "$APING" -m none -t 20000 \
  --tcp 7004 --banner "$LAB_UP4"
what="SIGINT ends a run of open connections at once: exit 130, loop closed"
expect test "$RC" -eq 130 -a "$MS" -lt 2000 -a -z "$ERR"

tap_done
