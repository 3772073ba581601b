#!/bin/bash
# tests/lab/test-fidelity.sh - probe fidelity: round trips timed by the
# kernel's receive stamp (never negative, not inflated by a flat-out
# sweep), the packet options (-S, -I, -b, --ttl, --tos, --df, --fwmark)
# seen on the wire and in their failures, and the reply metadata (ts, ttl
# in JSON and CSV, --print-ttl, -D).  Every scan runs through lab_exec,
# inside the lab's scanner namespace; what leaves it is recorded inside
# the lab's NET namespace (tests/lab/sniff.py).
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up

# nobody: what a user without privileges gets (ICMP datagram sockets).
nobody() {
  lab_run setpriv --reuid=nobody --regid=nogroup --clear-groups \
    --inh-caps=-all --bounding-set=-all -- "$APING" "$@"
}

# sniffed SCAN-ARGS...: the scan, with the echo requests that reach NET's
# link to the scanner recorded in $SNIFF (JSON lines).
sniffed() {
  lab_sniff_start "$LAB_NET" "${SNIFF_IF:-to-scan}"
  scan "$@"
  lab_sniff_stop
  SNIFF=$(cat "$LAB_SNIFF_OUT")
}

# wire PYTHON-CONDITION: every recorded request (r, a dict) to one of
# the targets' addresses meets the condition, and there is one at least.
wire() {
  local out
  if out=$(printf '%s\n' "$SNIFF" | "$LAB_PYTHON" -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin if l.strip()]
recs = [r for r in recs if r["dst"] in sys.argv[2:]]
bad = [r for r in recs if not eval(sys.argv[1])]
if not recs or bad:
    print("no request seen" if not recs else "not so: %s" % bad[:3])
    sys.exit(1)
' "$1" "$LAB_UP4" "$LAB_UP6" "$LAB_FAR4" "$LAB_FAR6" 2>&1); then
    tap_ok "$what"
  else
    tap_not_ok "$what"
    printf '%s\n' "$out" | sed 's/^/# py: /'
    diag
  fi
}

# one_line STATUS NEEDLE: the last run refused with STATUS and exactly one
# line on standard error holding NEEDLE, nothing on standard output.
one_line() {
  test "$RC" -eq "$1" -a -z "$OUT" -a "$(printf '%s\n' "$ERR" | wc -l)" \
    -eq 1 && [[ $ERR == *"$2"* ]]
}

# p50 and the elapsed time of a -s summary in ERR, in ms.
p50() { awk '/50th percentile/ {print $1}' <<<"$ERR"; }
elapsed_ms() { awk '/elapsed real time/ {print $1 * 1000}' <<<"$ERR"; }

# ---- timing: the kernel's receive stamp ----

# A flat-out sweep: the replies wait in the socket while aping sends on,
# but their round trip ends when the kernel received them.
scan -q -s -v -r 0 --rate 0 198.19.0.0/18
what="a flat-out /18: every target alive"
expect grep -q '^ *16382 alive$' <<<"$ERR"
replies=$(counter replies-valid)
what="... every reply timed by the kernel's receive stamp ($replies)"
expect test "$(counter rtt-kernel-stamp)" -eq "$replies" -a \
  "$(counter rtt-read-time)" -eq 0 -a "$replies" -eq 16382
flat=$(p50) flat_run=$(elapsed_ms)
what="... no round trip longer than the run ($flat_run ms)"
expect awk -v m="$(awk '/max round trip/ {print $1}' <<<"$ERR")" \
  -v e="$flat_run" 'BEGIN { exit !(m <= e) }'
scan -q -s -r 0 --rate 2000 198.19.0.0/24
low=$(p50)
what="... median $flat ms, within 0.5 ms of the median at --rate 2000 ($low ms)"
expect awk -v f="$flat" -v l="$low" 'BEGIN { exit !(f <= l + 0.5) }'

# The same through datagram sockets, IPv4 and IPv6, as nobody.
nobody -q -s -v -r 0 --rate 0 198.19.0.0/22 2001:db8:1::/120
what="datagram sockets: every reply timed by the kernel's stamp"
expect test "$(counter rtt-kernel-stamp)" -eq 1278 -a \
  "$(counter rtt-read-time)" -eq 0 -a "$RC" -eq 0

# Per-target round trips in JSON: none negative, none past the run.
scan --format json -s -v -r 0 --rate 0 198.19.1.0/24 2001:db8:1::/120
what="raw sockets, IPv4 and IPv6: every reply timed by the kernel's stamp"
expect test "$(counter rtt-kernel-stamp)" -eq 510 -a \
  "$(counter rtt-read-time)" -eq 0
what="JSON: every rtt_ms between 0 and the run's elapsed time"
py '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
end = recs[-1]["elapsed_s"] * 1000
rtts = [r["rtt_ms"] for r in recs if r["type"] == "target"]
assert len(rtts) == 510, len(rtts)
assert all(r is not None and 0 <= r <= end for r in rtts), (min(rtts), end)
'

# ---- -S: the source address ----

scan -S "$LAB_SRC4" --src "$LAB_SRC6" "$LAB_UP4" "$LAB_UP6"
what="-S: replies to a second local address come back (IPv4, IPv6)"
expect test "$RC" -eq 0 -a "$(grep -c 'is alive' <<<"$OUT")" -eq 2
scan -S "$LAB_SRC_DROP4" -S "$LAB_SRC_DROP6" -r 0 -t 200 "$LAB_UP4" "$LAB_UP6"
what="-S: the requests leave from it (NET drops replies to that one)"
expect test "$RC" -eq 1 -a "$(grep -c 'is unreachable$' <<<"$OUT")" -eq 2
nobody -S "$LAB_SRC4" -S "$LAB_SRC6" "$LAB_UP4" "$LAB_UP6"
what="-S with datagram sockets (nobody)"
expect test "$RC" -eq 0 -a "$(grep -c 'is alive' <<<"$OUT")" -eq 2
nobody -S "$LAB_SRC_DROP4" -r 0 -t 200 "$LAB_UP4"
expect test "$RC" -eq 1
scan -m exec -S "$LAB_SRC4" "$LAB_UP4"
what="-S with ping(8) (-m exec: ping -I ADDR)"
expect test "$RC" -eq 0
scan -m exec -S "$LAB_SRC_DROP4" "$LAB_UP4"
expect test "$RC" -eq 1
scan -S 198.18.9.77 "$LAB_UP4"
what="-S with an address that is not local: one line, exit 4"
expect one_line 4 "cannot use source address '198.18.9.77': not an address of this host"
scan -S 2001:db8:9::77 -m none --tcp 22 "$LAB_UP6"
what="... also when only TCP checks use it (-m none)"
expect one_line 4 "cannot use source address '2001:db8:9::77'"
scan -S 198.18.9.300 "$LAB_UP4"
what="-S with a malformed address: one line, exit 3"
expect one_line 3 "invalid -S '198.18.9.300'"

# ---- -I: the interface ----

SNIFF_IF=$LAB_ALT_IF sniffed -I "$LAB_ALT_IF" "$LAB_UP4" "$LAB_UP6"
what="-I $LAB_ALT_IF: alive through the second interface (IPv4, IPv6)"
expect test "$RC" -eq 0 -a "$(grep -c 'is alive' <<<"$OUT")" -eq 2
what="... the requests arrived on it, from its addresses"
wire 'r["src"] in ("'"$LAB_ALT4"'", "'"$LAB_ALT6"'")'
nobody --iface "$LAB_ALT_IF" "$LAB_UP4" "$LAB_UP6"
what="-I with datagram sockets (nobody)"
expect test "$RC" -eq 0
scan -I aping-none0 "$LAB_UP4"
what="-I with a missing interface: one line, exit 4"
expect one_line 4 "cannot bind to interface 'aping-none0': no such interface"
scan -I 'a/b' "$LAB_UP4"
what="-I with a malformed name: one line, exit 3"
expect one_line 3 "invalid -I 'a/b'"

# ---- -S and -I for TCP connections ----

lab_services_up
scan -m none --tcp 22 -S "$LAB_SRC4" -t 300 "$LAB_UP4" "$LAB_UP6"
what="--tcp with -S: open"
expect test "$(grep -c '22/tcp open' <<<"$OUT")" -eq 2
scan -m none --tcp 22 -I "$LAB_ALT_IF" -t 300 "$LAB_UP4" "$LAB_UP6"
what="--tcp with -I: open"
expect test "$(grep -c '22/tcp open' <<<"$OUT")" -eq 2
scan -m none --tcp 22 -S "$LAB_SRC_DROP4" -t 300 "$LAB_UP4"
what="--tcp with -S: the connection leaves from it (no answer: filtered)"
expect grep -q '22/tcp filtered' <<<"$OUT"
scan -m none --tcp 22 -I lo -t 300 "$LAB_UP4"
what="--tcp with -I lo: the connection leaves through lo (not open)"
expect test "$RC" -eq 1 -a "$(grep -c '22/tcp open' <<<"$OUT")" -eq 0

# ---- -b: the payload ----

sniffed -b 1000 "$LAB_UP4" "$LAB_UP6"
what="-b 1000: alive, IPv4 and IPv6"
expect test "$RC" -eq 0 -a "$(grep -c 'is alive' <<<"$OUT")" -eq 2
what="... 1000 bytes of payload on the wire"
wire 'r["payload"] == 1000'
sniffed "$LAB_UP4" "$LAB_UP6"
what="by default 24 bytes: the tag, the send time and the MAC"
wire 'r["payload"] == 24'
what="... IPv4 requests as atomic datagrams: DF set, identification 0, whole"
wire 'r["v"] == 6 or (r["df"] and r["id"] == 0 and not r["frag"])'
sniffed -b 524 -c 3 -p 20 "$LAB_UP4"
what="-b 524 (a 552-byte packet, the largest so sent): atomic, answered"
expect test "$RC" -eq 0
wire 'r["df"] and r["id"] == 0 and r["len"] == 552'
sniffed -b 525 -c 3 -p 20 "$LAB_UP4"
what="-b 525: the kernel's own way, DF as the route allows, an identification"
expect test "$RC" -eq 0
wire 'r["len"] == 553 and not r["frag"]'
expect test "$(printf '%s\n' "$SNIFF" | grep -c '"id": 0,')" -lt 3
sniffed --size 3000 "$LAB_UP4" "$LAB_UP6"
what="-b 3000 (over the MTU): fragmented, and the reply counted"
expect test "$RC" -eq 0
wire 'r["frag"]'
scan -b 65507 "$LAB_UP4" "$LAB_UP6"
what="-b 65507, the largest: alive"
expect test "$RC" -eq 0
nobody -b 65507 -s -v "$LAB_UP4" "$LAB_UP6"
what="... through datagram sockets too"
expect test "$RC" -eq 0 -a "$(counter replies-valid)" -eq 2
for b in 23 65508 x; do
  scan -b "$b" "$LAB_UP4"
  what="-b $b: one line, exit 3"
  expect one_line 3 "invalid -b '$b'"
done
SNIFF_IF=to-scan sniffed -m exec -b 100 "$LAB_UP4"
what="-b with ping(8): ping -s 100"
expect test "$RC" -eq 0
wire 'r["payload"] == 100'

# ---- --df ----

scan -b 3000 --df -r 0 "$LAB_UP4" "$LAB_UP6"
what="--df: a request over the MTU is refused, not fragmented"
expect test "$RC" -eq 1 -a \
  "$(grep -c 'is unreachable (message too long)$' <<<"$OUT")" -eq 2
nobody -b 3000 -M -r 0 "$LAB_UP4" "$LAB_UP6"
what="-M (fping's letter) with datagram sockets"
expect test "$(grep -c 'message too long' <<<"$OUT")" -eq 2
sniffed --df -b 1400 "$LAB_UP4"
what="--df: the IPv4 request has DF set"
wire 'r["df"] and not r["frag"]'

# ---- --ttl and time exceeded ----

scan --ttl 1 "$LAB_FAR4" "$LAB_FAR6" "$LAB_UP4"
what="--ttl 1: time exceeded from the router, IPv4 and IPv6"
expect grep -qx "$LAB_FAR4 is unreachable (time exceeded from $LAB_ROUTER4)" <<<"$OUT"
expect grep -qx "$LAB_FAR6 is unreachable (time exceeded from $LAB_ROUTER6)" <<<"$OUT"
what="... and a host one hop away still answers"
expect grep -q "^$LAB_UP4 is alive" <<<"$OUT"
scan -H 2 "$LAB_FAR4" "$LAB_FAR6"
what="-H 2: the hosts behind the router answer"
expect test "$RC" -eq 0
nobody --ttl 1 "$LAB_FAR4" "$LAB_FAR6"
what="--ttl 1 with datagram sockets: time exceeded from the router"
expect test "$(grep -c -e "(time exceeded from $LAB_ROUTER4)" \
  -e "(time exceeded from $LAB_ROUTER6)" <<<"$OUT")" -eq 2
scan --ttl 1 -c 2 -t 100 "$LAB_FAR4"
what="--ttl 1 -c 2: both probes sent and lost, the reason ends the statistics line"
expect grep -qx "$LAB_FAR4 : xmt/rcv/%loss = 2/0/100% (time exceeded from $LAB_ROUTER4)" <<<"$OUT"
scan --ttl 1 --format json "$LAB_FAR4"
what="--ttl 1 in JSON: reason and from"
py '
import json, sys
r = json.loads(sys.stdin.readline())
assert r["reason"] == "time exceeded" and r["from"] == "'"$LAB_ROUTER4"'", r
'
scan -l -p 100 --deadline 0.25 --ttl 1 "$LAB_FAR4"
what="--ttl 1 with -l: each probe's line"
expect grep -q "^$LAB_FAR4 : \[0\], time exceeded from $LAB_ROUTER4 " <<<"$OUT"
sniffed --ttl 7 "$LAB_UP4" "$LAB_UP6"
what="--ttl 7: the requests leave with TTL and hop limit 7"
wire 'r["ttl"] == 7'
scan --ttl 0 "$LAB_UP4"
what="--ttl 0: one line, exit 3"
expect one_line 3 "invalid --ttl '0'"

# ---- --tos ----

sniffed -O 0xb8 "$LAB_UP4" "$LAB_UP6"
what="-O 0xb8: the TOS byte and traffic class on the wire (IPv4, IPv6)"
expect test "$RC" -eq 0
wire 'r["tos"] == 0xb8'
sniffed --tos 32 -m exec "$LAB_UP4"
what="--tos with ping(8): ping -Q 32"
wire 'r["tos"] == 32'
scan --tos 256 "$LAB_UP4"
what="--tos 256: one line, exit 3"
expect one_line 3 "invalid --tos '256'"

# ---- --fwmark ----

# Marked probes take their own routing table, where the answering block
# is unreachable: the mark shows in the verdict.
lab_exec ip rule add fwmark 7 lookup 77
lab_exec ip route add unreachable 198.18.1.0/24 table 77
lab_exec ip -6 rule add fwmark 7 lookup 77
lab_exec ip -6 route add unreachable 2001:db8:1::/64 table 77
scan --fwmark 7 -r 0 "$LAB_UP4" "$LAB_UP6"
what="--fwmark 7: the marked requests follow the mark's routes"
expect test "$RC" -eq 1 -a "$(grep -c 'is unreachable (' <<<"$OUT")" -eq 2
scan --fwmark 8 "$LAB_UP4" "$LAB_UP6"
what="... another mark, the main routes"
expect test "$RC" -eq 0
lab_exec ip rule del fwmark 7 lookup 77
lab_exec ip -6 rule del fwmark 7 lookup 77
nobody --fwmark 7 "$LAB_UP4"
what="--fwmark without CAP_NET_ADMIN: one line, exit 4"
expect one_line 4 "cannot set --fwmark 7: Operation not permitted"
scan --fwmark 7 --tcp 22 "$LAB_UP4"
what="--fwmark with --tcp: one line, exit 3"
expect one_line 3 "--fwmark marks only the echo requests"

# ---- reply metadata: ts and ttl ----

# The answering block is one hop away (TTL 64), FAR two (63).
t0=$(date +%s.%N)
scan --format json -r 0 -t 200 "$LAB_UP4" "$LAB_UP6" "$LAB_FAR4" \
  "$LAB_FAR6" "$LAB_SILENT4"
t1=$(date +%s.%N)
what="JSON: ts (RFC 3339, UTC, ms, during the run) and ttl per target"
py '
import datetime, json, re, sys
t0, t1 = float(sys.argv[1]), float(sys.argv[2])
recs = {r.get("address"): r for r in map(json.loads, sys.stdin)
        if r["type"] == "target"}
want = {"'"$LAB_UP4"'": 64, "'"$LAB_UP6"'": 64, "'"$LAB_FAR4"'": 63,
        "'"$LAB_FAR6"'": 63, "'"$LAB_SILENT4"'": None}
assert set(recs) == set(want), recs.keys()
for a, r in recs.items():
    assert r["ttl"] == want[a], (a, r)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["ts"]), r
    ts = datetime.datetime.strptime(r["ts"], "%Y-%m-%dT%H:%M:%S.%fZ")
    ts = ts.replace(tzinfo=datetime.timezone.utc).timestamp()
    assert t0 - 0.001 <= ts <= t1 + 0.001, (ts, t0, t1)
' "$t0" "$t1"
scan --format csv -r 0 -t 200 "$LAB_UP4" "$LAB_FAR6" "$LAB_SILENT6"
what="CSV: ts and ttl columns"
py '
import csv, sys
rows = {r["address"]: r for r in csv.DictReader(sys.stdin)}
assert rows["'"$LAB_UP4"'"]["ttl"] == "64", rows
assert rows["'"$LAB_FAR6"'"]["ttl"] == "63", rows
assert rows["'"$LAB_SILENT6"'"]["ttl"] == "", rows
assert all(r["ts"].endswith("Z") and len(r["ts"]) == 24 for r in rows.values())
'
nobody --format json "$LAB_UP4" "$LAB_FAR4" "$LAB_UP6" "$LAB_FAR6"
what="JSON ttl through datagram sockets (IP_RECVTTL, IPV6_RECVHOPLIMIT)"
py '
import json, sys
ttl = {r["address"]: r["ttl"] for r in map(json.loads, sys.stdin)
       if r["type"] == "target"}
assert ttl == {"'"$LAB_UP4"'": 64, "'"$LAB_FAR4"'": 63, "'"$LAB_UP6"'": 64,
               "'"$LAB_FAR6"'": 63}, ttl
'
scan -l -p 100 --deadline 0.25 --format json "$LAB_FAR4"
what="-l JSON: every probe record has its reply's ttl"
py '
import json, sys
probes = [r for r in map(json.loads, sys.stdin) if r["type"] == "probe"]
assert probes and all(p["ttl"] == 63 for p in probes), probes
'
scan -l -p 100 --deadline 0.25 --format csv "$LAB_UP4"
what="-l CSV: a ttl column"
py '
import csv, sys
rows = [r for r in csv.DictReader(sys.stdin) if r["type"] == "probe"]
assert rows and all(r["ttl"] == "64" for r in rows), rows
'

# ---- text: --print-ttl and -D ----

scan --print-ttl -r 0 -t 200 "$LAB_UP4" "$LAB_FAR6" "$LAB_SILENT4"
what="--print-ttl: (TTL N) after an alive target's round trip"
expect grep -qE "^$LAB_UP4 is alive \([0-9.]+ ms\) \(TTL 64\)$" <<<"$OUT"
expect grep -qE "^$LAB_FAR6 is alive \([0-9.]+ ms\) \(TTL 63\)$" <<<"$OUT"
expect grep -qx "$LAB_SILENT4 is unreachable" <<<"$OUT"
scan -a -e --print-ttl "$LAB_FAR4"
what="-a -e --print-ttl"
expect grep -qE "^$LAB_FAR4 \([0-9.]+ ms\) \(TTL 63\)$" <<<"$OUT"
scan -m exec --print-ttl "$LAB_FAR4" "$LAB_FAR6"
what="--print-ttl with ping(8): the TTL it printed"
expect test "$(grep -cE ' is alive \([0-9.]+ ms\) \(TTL 63\)$' <<<"$OUT")" -eq 2
t0=$(date +%s)
scan -D -r 0 -t 200 "$LAB_UP4" "$LAB_SILENT4"
t1=$(date +%s)
what="-D without -l: each line starts with the Unix time"
expect test "$(grep -cE '^\[[0-9]{10}\.[0-9]{5}\] 198\.18\.' <<<"$OUT")" -eq 2
what="... of the run"
expect awk -v a="$t0" -v b="$t1" -F'[][]' \
  '{ if ($2 < a || $2 > b + 1) exit 1 }' <<<"$OUT"
scan -l -p 100 --deadline 0.25 -D --print-ttl "$LAB_UP4"
what="-l -D --print-ttl: time first, TTL last"
expect grep -qE "^\[[0-9.]+\] $LAB_UP4 : \[0\], [0-9.]+ ms \([0-9.]+ avg, 0% loss\) \(TTL 64\)$" <<<"$OUT"

# ---- a link narrower than an atomic request ----
# Last in the file: an MTU under 1280 takes IPv6 off the link (both ends
# of the scanner's link to NET are narrowed).  -b 450
# makes a 478-byte request, atomic by default, over a 400-byte link: the
# kernel refuses it (EMSGSIZE), and aping sends it again the kernel's way,
# fragmented, as before atomic requests.
_lab_in "$LAB_SCAN" ip link set dev to-net mtu 400
_lab_in "$LAB_NET" ip link set dev to-scan mtu 400
for who in scan nobody; do
  $who -b 450 -c 2 -p 50 -s -v "$LAB_UP4"
  what="a 400-byte link, -b 450 ($who): sent again fragmented, answered"
  expect test "$RC" -eq 0 -a "$(counter replies-valid)" -eq 2 -a \
    "$(counter send-error-EMSGSIZE 0)" -eq 0
done
_lab_in "$LAB_SCAN" ip link set dev to-net mtu 1500
_lab_in "$LAB_NET" ip link set dev to-scan mtu 1500

tap_done
