#!/bin/bash
# tests/lab/test-threads.sh - the ICMP sweep on several loops (--threads):
# every target reported exactly once (seeded, sharded, retried through
# loss, IPv4 and IPv6), whole lines in every format, the same summary,
# statistics, state and exit status as one loop, signals and --deadline
# stopping every loop, forged replies never counted, and the default
# starting loops only where they pay.  Every scan runs through lab_exec,
# inside the lab's scanner namespace.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
forger=
trap 'kill "$forger" 2>/dev/null || true; rm -rf "$tmp"; lab_down' EXIT

# The addresses of OUT's lines (the first field), sorted, one per line.
addrs() { printf '%s\n' "$OUT" | sed '/^$/d' | awk '{print $1}' | sort; }
# 198.18.1.1 ... 198.18.1.254 and 2001:db8:1::0 ... 2001:db8:1::ff.
want4=$(for i in $(seq 1 254); do echo "198.18.1.$i"; done | sort)
want6=$(for i in $(seq 0 255); do printf '2001:db8:1::%x\n' "$i"; done |
  sed 's/::0$/::/' | sort)
want=$(printf '%s\n%s\n' "$want4" "$want6" | sort)

# ---- exact coverage

# As root, the loops trade their raw sockets for datagram sockets, which
# the kernel sorts replies into, where the scanner's namespace allows them
# (net.ipv4.ping_group_range); else they keep raw sockets, each filtered
# on its loop's identifier.
DG='datagram sockets, each loop.s replies sorted by the kernel'
RAW='raw sockets, each loop.s replies filtered by identifier'
scan -v -a --threads 4 --seed 5 -r 0 --rate 0 198.18.1.0/24 2001:db8:1::/120
what="--threads 4: the sweep runs on 4 loops of datagram sockets (-v says so)"
expect grep -qx "aping: ICMP: 4 loops on 4 threads, $DG" <<<"$ERR"
what="--threads 4, seeded, IPv4 and IPv6: every answering address exactly once"
expect test "$(addrs)" = "$want" -a "$RC" -eq 0
lab_nodgram scan -v -a --threads 4 --seed 5 -r 0 --rate 0 198.18.1.0/24 \
  2001:db8:1::/120
what="no datagram socket allowed: 4 loops of raw sockets, filtered (-v)"
expect grep -qx "aping: ICMP: 4 loops on 4 threads, $RAW" <<<"$ERR"
what="... every answering address exactly once, IPv4 and IPv6"
expect test "$(addrs)" = "$want" -a "$RC" -eq 0

scan -a --threads 3 -r 0 --rate 0 198.19.0.0/17
what="--threads 3 on the lab's /17: all 32766 exactly once"
expect test "$(addrs | uniq | wc -l)" -eq 32766 -a \
  "$(printf '%s\n' "$OUT" | wc -l)" -eq 32766 -a "$RC" -eq 0

# Datagram sockets (as nobody, no capability): the kernel gives each
# loop's socket its own identifier and its own replies.
lab_run setpriv --reuid=nobody --regid=nogroup --clear-groups \
  --inh-caps=-all --bounding-set=-all -- "$APING" -v -a --threads 3 -r 0 \
  --rate 0 198.18.1.0/24 2001:db8:1::/120 198.18.4.1
what="datagram sockets on 3 loops: every answering address once, the error too"
expect test "$(addrs)" = "$want" -a "$RC" -eq 1 -a \
  "$(grep -c 'datagram socket$' <<<"$ERR")" -eq 2 -a \
  "$(grep -c "3 loops on 3 threads, $DG" <<<"$ERR")" -eq 1

# Shards with loops: shard i of 3 on 2 loops probes exactly shard i.
same=yes
: >"$tmp/all"
for i in 1 2 3; do
  scan -a --seed 7 --shard "$i/3" --threads 1 -r 0 198.18.1.0/24
  one=$(addrs)
  scan -a --seed 7 --shard "$i/3" --threads 2 -r 0 --rate 0 198.18.1.0/24
  [ "$(addrs)" = "$one" ] || same=no
  addrs >>"$tmp/all"
done
what="--shard I/3 with --threads 2 probes exactly what it does on one loop"
expect test "$same" = yes
what="... and the 3 shards cover the /24 exactly once"
expect test "$(sort "$tmp/all")" = "$want4"

# Loss and retries: the lossy block drops the first request of every
# flow (tests/lab/lab.sh), so one retry finds each host, on any loop.
lossy=$LAB_LOSSY_HOSTS
# shellcheck disable=SC2086 # a list
scan -a -s -v --threads 2 -r 1 --rate 0 $lossy
what="-r 1 through loss on 2 loops: all 64 lossy hosts, IPv4 and IPv6, once"
expect test "$(addrs | uniq | wc -l)" -eq 64 -a \
  "$(printf '%s\n' "$OUT" | wc -l)" -eq 64 -a "$RC" -eq 0
what="... each found by its retry: 64 retries, 128 probes"
expect test "$(counter retries)" -eq 64 -a "$(counter probes-sent)" -eq 128
# shellcheck disable=SC2086
scan -c 5 --threads 2 --rate 0 $lossy
lost=$(lab_lossy_lost 5)
what="-c 5 on 2 loops: every lossy host 5/$((5 - lost))/$((lost * 20))%, each once"
expect test "$(printf '%s\n%s\n' "$OUT" "$ERR" | grep -c \
  " : xmt/rcv/%loss = 5/$((5 - lost))/$((lost * 20))%")" -eq 64

# Sends the kernel refuses for a while (ENOBUFS, EAGAIN: the shim of
# tests/lab/test-sendfail.sh) cost each loop time, not targets.
if command -v cc >/dev/null; then
  chmod 755 "$tmp"
  cc -shared -fPIC -o "$tmp/sendfail.so" "$(dirname "$0")/sendfail.c" -ldl
  asan=$(ldd "$APING" 2>/dev/null | awk '/libasan/ {print $3}')
  lab_run env LD_PRELOAD="${asan:+$asan:}$tmp/sendfail.so" SENDFAIL_FIRST=60 \
    SENDFAIL_EVERY=7 "$APING" -a -s -v --threads 3 -r 0 --rate 0 \
    198.18.1.0/24 2001:db8:1::/120
  what="sends refused on 3 loops: every answering address once, after backoffs"
  expect test "$(addrs)" = "$want" -a "$RC" -eq 0 -a "$(counter backoffs)" -gt 0
else
  echo "# refused sends not tried: no C compiler for the shim"
fi

# ---- one output, the same as one loop's

set4="198.18.1.0/24 198.18.2.0/28 198.18.4.1-4"
for t in 1 3; do
  # shellcheck disable=SC2086
  scan --format json -s --threads "$t" -r 0 -t 200 --rate 0 $set4
  printf '%s\n' "$OUT" >"$tmp/json$t"
  printf '%s\n' "$ERR" | grep -E 'targets|alive|unreachable' >"$tmp/sum$t"
  echo "$RC" >"$tmp/rc$t"
done
OUT=$(cat "$tmp/json3")
what="JSON on 3 loops: every line parses, every target once, verdicts as on one loop"
py '
import json, sys
one = {}
for l in open(sys.argv[1]):
    r = json.loads(l) if l.strip() else {}
    if r.get("type") == "target":
        one[r["address"]] = r["status"]
seen = {}
for l in sys.stdin:
    r = json.loads(l) if l.strip() else {}
    if r.get("type") != "target":
        continue
    assert r["address"] not in seen, "twice: " + r["address"]
    seen[r["address"]] = r["status"]
assert seen == one, "differ from one loop"
assert len(seen) == 254 + 14 + 4, len(seen)
' "$tmp/json1"
what="-s summary on 3 loops: the same counts as on one loop"
expect cmp -s "$tmp/sum1" "$tmp/sum3"
what="exit status on 3 loops: the same as on one loop (1: some unreachable)"
expect test "$(cat "$tmp/rc3")" = "$(cat "$tmp/rc1")" -a "$(cat "$tmp/rc3")" = 1

scan --format csv --threads 2 -r 0 --rate 0 198.19.0.0/17
what="CSV on 2 loops: a header, then 32766 whole records of as many fields"
py '
import csv, sys
rows = list(csv.reader(sys.stdin))
head, body = rows[0], [r for r in rows[1:] if r]
assert len(body) == 32766, len(body)
assert all(len(r) == len(head) for r in body), "a torn record"
assert len({r[head.index("address")] for r in body}) == 32766
'
scan -a -e --threads 2 -r 0 --rate 0 198.19.0.0/17
what="text on 2 loops: no torn or joined line among 32766"
expect test "$(printf '%s\n' "$OUT" |
  grep -cE '^198\.19\.[0-9]+\.[0-9]+ \([0-9.]+ ms\)$')" -eq 32766

scan -q -C 2 --threads 2 --rate 0 198.18.1.0/24
what="-C 2 on 2 loops: each target's two round-trip times, once each"
expect test "$(printf '%s\n%s\n' "$OUT" "$ERR" |
  grep -cE '^198\.18\.1\.[0-9]+ +: [0-9.]+ [0-9.]+$')" -eq 254

state="$tmp/state"
scan --state "$state" --threads 2 -r 0 -t 200 --rate 0 198.18.1.0/24 198.18.2.0/28
scan --state "$state" --threads 1 -r 0 -t 200 198.18.1.0/24 198.18.2.0/28
what="--state written on 2 loops reads back on one: nothing changed, exit 0"
expect test "$RC" -eq 0 -a -z "$(printf '%s' "$OUT" | sed '/^$/d')"

# ---- signals and the deadline stop every loop

# A silent block waits 5 s per target: a stop comes first.
bg -t 5000 -r 0 --threads 3 --rate 0 198.18.2.0/24 198.18.1.0/24
sleep 1
# Every thread of the run, the loops' too, holds no capability.
caps=$(cat /proc/"$BG"/task/*/status 2>/dev/null |
  awk '/^Cap(Inh|Prm|Eff|Amb):/ && $2 != "0000000000000000" {bad++}
       /^NoNewPrivs:/ && $2 != 1 {bad++}
       /^Name:/ {n++} END {print n + 0, bad + 0}')
what="as root on 3 loops: every thread ($caps: threads, bad sets) without capabilities"
expect test "${caps% *}" -ge 4 -a "${caps#* }" -eq 0
kill -INT "$BG"
bg_wait
what="SIGINT on 3 loops: exit 130 within a second or two"
expect test "$RC" -eq 130 -a "$MS" -lt 4000
what="... every target reported once: alive, or unfinished"
expect test "$(addrs | uniq | wc -l)" -eq 508 -a \
  "$(printf '%s\n' "$OUT" | grep -c ' is alive')" -eq 254 -a \
  "$(printf '%s\n' "$OUT" | grep -c ' is unfinished')" -eq 254
bg -t 5000 -r 0 --threads 2 --rate 0 198.18.2.0/24 198.18.1.0/24
sleep 1
kill -TERM "$BG"
bg_wait
what="SIGTERM on 2 loops: exit 143"
expect test "$RC" -eq 143 -a "$(addrs | uniq | wc -l)" -eq 508

scan --deadline 1 --format json -t 5000 -r 0 --threads 2 --rate 0 \
  198.18.2.0/24 198.18.1.0/24
what="--deadline 1 on 2 loops: exit 7, each target once, the silent unfinished"
py '
import json, sys
rs = [json.loads(l) for l in sys.stdin if l.strip()]
rs = [r for r in rs if r["type"] == "target"]
assert len(rs) == 508 and len({r["address"] for r in rs}) == 508, len(rs)
assert sum(r["status"] == "unfinished" for r in rs) == 254
'
what="... exit 7, about a second after the start"
expect test "$RC" -eq 7 -a "$MS" -lt 4000

lab_run sh -c "\"$APING\" -a --threads 2 -r 0 --rate 0 198.19.0.0/17 | head -1"
what="a closed pipe on 2 loops: one line, no error"
expect test "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 -a -z "$ERR"

# ---- forged replies on several loops

# The forger against both kinds of loop sockets.
for how in dgram raw; do
  ip netns exec "$LAB_NET" "${LAB_PYTHON:-python3}" \
    "$(dirname "$0")/forger.py" to-scan 198.18.2. 198.18.0.2 "$tmp/forged" \
    "$tmp/ready" >"$tmp/forger.log" 2>&1 &
  forger=$!
  for _ in $(seq 50); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
  nodg=
  [ "$how" = dgram ] || nodg=lab_nodgram
  $nodg scan -s -v -r 1 --threads 3 --rate 0 198.18.1.0/24 198.18.2.0/24
  kill "$forger"
  wait "$forger" 2>/dev/null || true
  forger=
  rm -f "$tmp/ready"
  forged=$(cat "$tmp/forged" 2>/dev/null || echo 0)
  echo "# the forger sent $forged forged packets ($how sockets)"
  what="the forger did forge, against 3 loops of $how sockets"
  expect test "$forged" -ge 254
  what="forged replies and errors never count on any loop ($how sockets)"
  expect test "$(printf '%s\n' "$OUT" | grep -c '^198\.18\.2\.[0-9]* is unreachable$')" \
    -eq 254 -a "$(printf '%s\n' "$OUT" | grep -c '^198\.18\.1\..* is alive')" -eq 254
  what="-s -v on 3 loops: the counters of all loops, added up ($how sockets)"
  expect test "$(counter replies-valid)" -eq 254 -a \
    "$(counter probes-sent)" -eq 762 -a "$(counter retries)" -eq 254
done

# Another program's ping beside the scan: on one loop its replies reach
# the raw socket and are counted as foreign; on several, the kernel gives
# them to no loop's datagram socket, or each raw socket's filter drops
# them before they are copied.
declare -A foreign
# foreign_run LABEL THREADS [lab_nodgram]: the scan beside a ping.
foreign_run() {
  local label=$1 t=$2 pinger
  shift 2
  lab_exec ping -c 8 -i 0.25 "$LAB_UP4" >/dev/null 2>&1 &
  pinger=$!
  "$@" scan -s -v -t 2000 -r 0 --threads "$t" --rate 0 198.18.2.1-4
  wait "$pinger" || true
  foreign[$label]=$(counter rejected-foreign)
}
foreign_run one 1
foreign_run dgram 2
foreign_run raw 2 lab_nodgram
what="another program's replies: counted as foreign on one loop (${foreign[one]}), none on 2 of datagram sockets (${foreign[dgram]}), filtered out on 2 of raw sockets (${foreign[raw]})"
expect test "${foreign[one]}" -gt 0 -a "${foreign[dgram]}" -eq 0 -a \
  "${foreign[raw]}" -eq 0

# -vv on several loops: any report, of the main loop or a worker's, is a
# whole line in the documented format.
scan -vv -a --threads 2 -r 0 --rate 0 198.19.0.0/17
KIND='[a-z ]+ x[0-9]+'
LINE="^aping: debug: (thread [0-9]+: )?loop turn took [0-9]+ ms: "
LINE="$LINE($KIND(, $KIND)*|no named callback)\$"
what="-vv on 2 loops: every report line in its format, every verdict out"
expect test "$(grep '^aping: debug:' <<<"$ERR" | grep -cvE "$LINE")" -eq 0 \
  -a "$(printf '%s\n' "$OUT" | wc -l)" -eq 32766

# ---- where loops pay, and where they do not

scan -v -r 0 198.18.1.1-3
what="3 targets: one loop, whatever the cores"
expect test "$(grep -c 'loops on' <<<"$ERR" || true)" -eq 0 -a "$RC" -eq 0
scan -v -q -r 0 198.19.0.0/17
what="the default --rate (10000/s) needs no second loop"
expect test "$(grep -c 'loops on' <<<"$ERR" || true)" -eq 0 -a "$RC" -eq 0
cores=$(nproc)
[ "$cores" -le 8 ] || cores=8
scan -v -q -r 0 --rate 0 198.19.0.0/17
if [ "$cores" -ge 2 ]; then
  what="--rate 0 on the /17: a loop per usable core ($cores)"
  expect grep -qx "aping: ICMP: $cores loops on $cores threads, $DG" <<<"$ERR"
else
  what="--rate 0 on the /17 with one usable core: one loop"
  expect test "$(grep -c 'loops on' <<<"$ERR" || true)" -eq 0
fi
scan -v -a --threads 4 -j 2 -r 0 198.18.1.1-40
what="-j 2 bounds the loops to 2, and every target is found"
expect test "$(grep -c 'aping: ICMP: 2 loops' <<<"$ERR")" -eq 1 -a \
  "$(addrs | uniq | wc -l)" -eq 40
scan -v -a --threads 4 -r 0 -n 198.18.1.1-40
what="-n runs on one loop"
expect test "$(grep -c 'loops on' <<<"$ERR" || true)" -eq 0 -a \
  "$(printf '%s\n' "$OUT" | wc -l)" -eq 40 -a "$RC" -eq 0

# ---- ThreadSanitizer (make check-tsan sets APING_TSAN to ./aping-tsan)

if [ -n "${APING_TSAN:-}" ]; then
  races=
  for args in "-a -s -v --threads 3 -r 1 --rate 0 198.18.1.0/24 198.18.2.0/28 \
2001:db8:1::/120 198.18.4.1-3" "-q -C 2 -vv --threads 2 --rate 0 198.18.1.0/24" \
    "--deadline 1 -q -t 3000 --threads 2 --rate 0 198.18.2.0/24 198.18.1.0/24"
  do
    # shellcheck disable=SC2086 # the arguments, split
    lab_run env TSAN_OPTIONS=exitcode=66 "$APING_TSAN" $args
    # 126 and up: not run at all (no such binary), which proves nothing.
    [ "$RC" -lt 126 ] && [ "$RC" -ne 66 ] &&
      ! grep -q ThreadSanitizer <<<"$ERR" || races+=" [$args: exit $RC]"
  done
  what="ThreadSanitizer: no race in threaded sweeps, stops and -C"
  expect test -x "$APING_TSAN" -a -z "$races"
else
  echo "# ThreadSanitizer runs not made: no APING_TSAN (make check-tsan)"
fi

tap_done
