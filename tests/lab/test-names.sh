#!/bin/bash
# tests/lab/test-names.sh - names and addresses: --all-addresses, -A, -d
# and -n, and link-local targets with their zone (fe80::1%eth0).
#
# Names come from the lab's hosts file (lab.sh: lab-multi has three
# addresses, lab-mixed one that answers and one that does not, lab-ptr is
# the reverse name of 198.18.1.10, which lab-alias also names).  The
# link-local targets are NET's own addresses on the scanner link, reached
# through the zone to-net; through to-slow the same addresses reach
# nothing.  At the end the scanner's resolver is made to hang, to show
# that a verdict waits at most 1 s for its reverse name.
#
# Every scan runs through lab_exec (ip netns exec into the lab's scanner
# namespace), which refuses to run if the lab is not there.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
dns_pid=
trap '[ -z "$dns_pid" ] || kill "$dns_pid" 2>/dev/null; rm -rf "$tmp"; lab_down' EXIT

# sorted: OUT's lines, sorted, on one line.
sorted() {
  printf '%s\n' "$OUT" | sort | tr '\n' ';'
}

# ---- every address of a name

scan --all-addresses "$LAB_NAME_MULTI"
what="--all-addresses: each of the three addresses, as NAME (ADDRESS)"
expect test "$(sorted | sed 's/ ([0-9.]* ms)//g')" = \
  "lab-multi (198.18.1.6) is alive;lab-multi (198.18.1.7) is alive;lab-multi (2001:db8:1::6) is alive;"
what="--all-addresses, all alive: exit 0"
expect test "$RC" -eq 0

scan --all "$LAB_NAME_MIXED"
what="--all (fping's name): one address alive, the other unreachable"
expect grep -qE '^lab-mixed \(198\.18\.1\.8\) is alive' <<<"$OUT"
expect grep -qx 'lab-mixed (198.18.2.8) is unreachable' <<<"$OUT"
what="--all, one unreachable: exit 1"
expect test "$RC" -eq 1 -a "$(wc -l <<<"$OUT")" -eq 2

scan "$LAB_NAME_MULTI" "$LAB_NAME_MIXED"
what="without it, a name is its first address, shown by name alone"
expect test "$(sorted | sed 's/ ([0-9.]* ms)//g')" = \
  "lab-mixed is alive;lab-multi is alive;"

scan -4 --all-addresses "$LAB_NAME_MULTI"
what="-4 --all-addresses: the IPv4 addresses only"
expect test "$(sorted | sed 's/ ([0-9.]* ms)//g')" = \
  "lab-multi (198.18.1.6) is alive;lab-multi (198.18.1.7) is alive;"
scan -6 --all-addresses "$LAB_NAME_MULTI"
what="-6 --all-addresses: the IPv6 address only"
expect grep -qE '^lab-multi \(2001:db8:1::6\) is alive' <<<"$OUT"
expect test "$(wc -l <<<"$OUT")" -eq 1

scan --all-addresses -a "$LAB_NAME_MIXED" "$LAB_NAME_MULTI" 198.18.1.6
what="--all-addresses -a: alive ones only, an address given twice once"
expect test "$(sorted)" = \
  "lab-mixed (198.18.1.8);lab-multi (198.18.1.6);lab-multi (198.18.1.7);lab-multi (2001:db8:1::6);"

scan --all-addresses --format json "$LAB_NAME_MIXED" "$LAB_NAME_MULTI"
what="--all-addresses, JSON: a record per address, each with the name"
py '
import json, sys
recs = [json.loads(l) for l in sys.stdin if l.strip()]
t = {r["address"]: r for r in recs if r["type"] == "target"}
assert sorted(t) == ["198.18.1.6", "198.18.1.7", "198.18.1.8",
                     "198.18.2.8", "2001:db8:1::6"], t
assert t["198.18.2.8"]["name"] == "lab-mixed", t
assert t["198.18.2.8"]["verdict"] == "unreachable", t
assert {t[a]["name"] for a in t if a != "198.18.1.8" and
        a != "198.18.2.8"} == {"lab-multi"}, t
assert recs[-1]["targets"] == 5, recs[-1]
'

scan --all-addresses --format csv "$LAB_NAME_MIXED"
what="--all-addresses, CSV: address and name columns"
expect grep -q '^198\.18\.2\.8,lab-mixed,unreachable,' <<<"$OUT"
expect grep -q '^198\.18\.1\.8,lab-mixed,alive,' <<<"$OUT"

scan --all-addresses --state "$tmp/state" "$LAB_NAME_MIXED"
what="--all-addresses, --state: each address remembered apart"
expect grep -qx 'alive lab-mixed(198.18.1.8)' "$tmp/state"
expect grep -qx 'unreachable lab-mixed(198.18.2.8)' "$tmp/state"
scan --all-addresses --state "$tmp/state" "$LAB_NAME_MIXED"
what="... and read back by the next run: nothing changed, exit 0"
expect test -z "$OUT" -a "$RC" -eq 0

# ---- -A: by address

scan -A "$LAB_NAME_UP" "$LAB_NAME_UP6" 198.18.2.7
what="-A: names given are shown by their address"
expect test "$(sorted | sed 's/ ([0-9.]* ms)//g')" = \
  "198.18.1.5 is alive;198.18.2.7 is unreachable;2001:db8:1::5 is alive;"
scan -A -a "$LAB_NAME_UP"
what="-A -a: the address"
expect test "$OUT" = 198.18.1.5
scan -A --format json "$LAB_NAME_UP"
what="-A, JSON: the name stays in its field"
py '
import json, sys
r = json.loads(sys.stdin.readline())
assert r["address"] == "198.18.1.5" and r["name"] == "lab-host", r
'

# ---- -d and -n: reverse names

scan -d 198.18.1.5 "$LAB_NONAME4" "$LAB_NAME_ALIAS"
what="-d: an address by its reverse name, one without a name by address"
expect test "$(sorted | sed 's/ ([0-9.]* ms)//g')" = \
  "198.18.1.9 is alive;lab-host is alive;lab-ptr is alive;"
what="-d: a name given is shown by the reverse name of its address"
expect grep -q '^lab-ptr is alive' <<<"$OUT"

scan -n 198.18.1.5 "$LAB_NAME_ALIAS"
what="-n: an address by its reverse name, a name given stays"
expect test "$(sorted | sed 's/ ([0-9.]* ms)//g')" = \
  "lab-alias is alive;lab-host is alive;"

scan --rdns -A 198.18.1.5 "$LAB_NONAME4"
what="-d -A: NAME (ADDRESS), or the address alone without a name"
expect test "$(sorted | sed 's/ ([0-9.]* ms)//g')" = \
  "198.18.1.9 is alive;lab-host (198.18.1.5) is alive;"

scan --name --format json 198.18.1.5 "$LAB_NONAME4" 198.18.2.7
what="-n, JSON: the reverse name in the name field (unreachable too)"
py '
import json, sys
recs = [json.loads(l) for l in sys.stdin if l.strip()]
t = {r["address"]: r for r in recs if r["type"] == "target"}
assert t["198.18.1.5"]["name"] == "lab-host", t
assert "name" not in t["198.18.1.9"], t
assert t["198.18.2.7"]["name"] == "lab-silent" and \
    t["198.18.2.7"]["verdict"] == "unreachable", t
'

scan -d -c 2 -t 100 "$LAB_NAME_PTR" 198.18.1.5
what="-d -c 2: the statistics lines by reverse name"
expect grep -qE '^lab-host : xmt/rcv/%loss = 2/2/0%' <<<"$OUT"
expect grep -qE '^lab-ptr : xmt/rcv/%loss = 2/2/0%' <<<"$OUT"

scan -d -m exec 198.18.1.5
what="-d with ping(8): by reverse name"
expect grep -qE '^lab-host is alive' <<<"$OUT"

lab_services_up
scan -d -m none --tcp 22 198.18.1.5
what="-d -m none (not probed: looked up at its verdict): by reverse name"
expect grep -qE '^lab-host is up; 22/tcp open' <<<"$OUT"
scan -d --tcp 22 198.18.1.5 "$LAB_NONAME4"
what="-d with --tcp: by reverse name"
expect grep -qE '^lab-host is alive .*; 22/tcp open' <<<"$OUT"
expect grep -qE '^198\.18\.1\.9 is alive .*; 22/tcp open' <<<"$OUT"

# A /17 and a /17 that does not answer: every verdict out once, no more
# memory than without -d.  (Under AddressSanitizer, without its quarantine
# of freed memory, which would count every lookup's buffers.)
maxrss() {
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 \
    lab_run "$LAB_PYTHON" -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE)
lines = r.stdout.decode().splitlines()
print(r.returncode, len(lines), len(set(lines)),
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$APING" "$@"
}
maxrss -a "$LAB_BENCH_UP" "$LAB_BENCH_SILENT"
read -r _ plain_n _ plain_kb <<<"$OUT"
maxrss -a -d "$LAB_BENCH_UP" "$LAB_BENCH_SILENT"
read -r rc_d d_n d_uniq d_kb <<<"$OUT"
what="-d over two /17s: every alive target listed once, exit 1"
expect test "$rc_d" -eq 1 -a "$d_n" -eq 32766 -a "$d_uniq" -eq 32766 \
  -a "$plain_n" -eq 32766
# A byte kept per target would be 64 KiB; AddressSanitizer's allocator
# keeps caches and size classes of its own for the resolver's threads.
extra=4096
[ -z "${ASAN_OPTIONS:-}" ] || extra=16384
what="-d over two /17s: under $extra KiB more than without ($plain_kb KiB, $d_kb KiB)"
expect test "$d_kb" -lt $((plain_kb + extra))
echo "# two /17s: $plain_kb KiB without -d, $d_kb KiB with"

# ---- link-local targets and their zone

scan "$LAB_LL_PEER"
what="the peer's own link-local address, with its zone: alive"
expect grep -qE "^${LAB_LL_PEER//./\\.} is alive" <<<"$OUT"
expect test "$RC" -eq 0

scan "$LAB_LL_UP1" "fe80::1:1%$LAB_LL_OTHER_IF"
what="the zone picks the interface: alive through to-net, not to-slow"
expect grep -qE '^fe80::1:1%to-net is alive' <<<"$OUT"
expect grep -qE '^fe80::1:1%to-slow is unreachable( \(.*\))?$' <<<"$OUT"
expect test "$RC" -eq 1

scan "$LAB_LL_BLOCK"
what="a block in a zone: two alive, two unreachable, shown with the zone"
expect test "$(sorted | sed 's/ ([^)]*)//g')" = \
  "fe80::1:0%to-net is unreachable;fe80::1:1%to-net is alive;fe80::1:2%to-net is alive;fe80::1:3%to-net is unreachable;"

scan -a fe80::1:1-fe80::1:2%to-net fe80::1:1-3%to-slow
what="ranges in a zone (long and short form): the right ones alive"
expect test "$(sorted)" = "fe80::1:1%to-net;fe80::1:2%to-net;"

scan --exclude "$LAB_LL_UP1" -u "$LAB_LL_BLOCK"
what="an exclusion in a zone leaves the others"
expect test "$(sorted)" = "fe80::1:0%to-net;fe80::1:3%to-net;"

scan -m none -t 500 -r 0 --tcp 80 "$LAB_LL_UP1" "fe80::1:1%$LAB_LL_OTHER_IF"
what="TCP checks go out on the zone's interface too: refused, not answered"
expect grep -qx 'fe80::1:1%to-net is down; 80/tcp closed' <<<"$OUT"
expect grep -qE '^fe80::1:1%to-slow is down; 80/tcp (filtered|error)' <<<"$OUT"

index=$(lab_exec cat "/sys/class/net/$LAB_LL_IF/ifindex")
scan -a "fe80::1:1%$index"
what="a zone by interface index, shown by the interface's name"
expect test "$OUT" = "fe80::1:1%to-net"

scan --format json "$LAB_LL_UP2"
what="JSON: the address with its zone"
expect grep -q '"address":"fe80::1:2%to-net"' <<<"$OUT"

lab_run "$APING" -m exec "$LAB_LL_UP1" "fe80::1:1%$LAB_LL_OTHER_IF"
what="ping(8) (-m exec) gets the zone too"
expect grep -qE '^fe80::1:1%to-net is alive' <<<"$OUT"
expect grep -qE '^fe80::1:1%to-slow is unreachable( \(.*\))?$' <<<"$OUT"

OUT=$(lab_exec_nobody "$APING" "$LAB_LL_UP1" "fe80::1:1%$LAB_LL_OTHER_IF" \
  2>"$LAB_DIR/run.err") && RC=0 || RC=$?
ERR=$(cat "$LAB_DIR/run.err")
what="as nobody (ICMP datagram sockets), the zone picks the interface"
expect grep -qE '^fe80::1:1%to-net is alive' <<<"$OUT"
expect grep -qE '^fe80::1:1%to-slow is unreachable( \(.*\))?$' <<<"$OUT"

scan fe80::1:1%nosuch0
what="a zone naming no interface here: one line naming it, exit 3"
expect test "$RC" -eq 3 -a -z "$OUT" -a "$(wc -l <<<"$ERR")" -eq 1
expect grep -q "no interface 'nosuch0'" <<<"$ERR"

# ---- a resolver that never answers: verdicts wait at most 1 s

etc=/etc/netns/$LAB_SCAN
printf 'hosts:          files dns\n' >"$etc/nsswitch.conf"
printf 'nameserver 127.0.0.1\noptions timeout:20 attempts:1\n' \
  >"$etc/resolv.conf"
lab_exec "$LAB_PYTHON" -c '
import os, select, socket, sys
ready, parent = sys.argv[1], int(sys.argv[2])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 53))
open(ready, "w").close()
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    r, _, _ = select.select([u], [], [], 0.5)
    if r:
        u.recvfrom(4096)
' "$tmp/dns-ready" "$$" >/dev/null 2>&1 &
dns_pid=$!
for _ in $(seq 100); do [ -e "$tmp/dns-ready" ] && break; sleep 0.05; done
[ -e "$tmp/dns-ready" ] || { echo "silent resolver did not start" >&2; exit 1; }

lab_exec timeout 2 getent hosts "$LAB_NONAME4" >/dev/null && RC=0 || RC=$?
MS=0 OUT='' ERR=''
what="the resolver hangs (a reverse lookup still waiting after 2 s)"
expect test "$RC" -eq 124

scan -d "$LAB_NONAME4" 198.18.1.5
what="-d, resolver hanging: the verdict by address, the named one by name"
expect test "$(sorted | sed 's/ ([0-9.]* ms)//g')" = \
  "198.18.1.9 is alive;lab-host is alive;"
what="-d, resolver hanging: exit 0, about 1 s, not the resolver's 20 s"
expect test "$RC" -eq 0 -a "$MS" -ge 900 -a "$MS" -lt 4000

scan -d -t 2000 -r 0 "$LAB_NONAME4" 198.18.2.9
what="-d, resolver hanging: a verdict after 2 s waits 1 s more, no longer"
expect grep -qx '198.18.2.9 is unreachable' <<<"$OUT"
expect grep -qE '^198\.18\.1\.9 is alive' <<<"$OUT"
expect test "$RC" -eq 1 -a "$MS" -ge 2900 -a "$MS" -lt 5000

scan -d --deadline 0.5 -t 3000 "$LAB_NONAME4" 198.18.2.7
what="-d, --deadline before the names: held verdicts out, the rest unfinished"
expect grep -qE '^198\.18\.1\.9 is alive' <<<"$OUT"
expect grep -qx '198.18.2.7 is unfinished' <<<"$OUT"
expect test "$RC" -eq 7 -a "$MS" -lt 3000

tap_done
