#!/bin/bash
# tests/lab/test-sendfail.sh - sends that fail (issue 8).
#
# 1. The kernel refusing probes for a while (ENOBUFS, EAGAIN: injected by
#    the LD_PRELOAD shim tests/lab/sendfail.c) costs time, not targets:
#    the scan backs off on a timer and sends them again, and stays idle
#    meanwhile instead of spinning.
# 2. A route that disappears in the middle of a scan gives the targets
#    behind it an error verdict with its reason, and the scan ends normally.
# Both for IPv4 and IPv6.  Every scan runs through lab_exec, inside the
# lab's scanner namespace.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

for tool in cc /usr/bin/time; do
  command -v "$tool" >/dev/null || skip_all "missing tool: $tool"
done
lab_test_up
# Readable by nobody too, for the datagram socket; the count file there is
# written by the scan.
chmod 755 "$tmp"
cc -shared -fPIC -o "$tmp/sendfail.so" "$(dirname "$0")/sendfail.c" -ldl
# A sanitizer build (make check-asan) wants its runtime first among the
# preloaded libraries, or it refuses to start.
asan=$(ldd "$APING" 2>/dev/null | awk '/libasan/ {print $3}')
PRELOAD="${asan:+$asan:}$tmp/sendfail.so"
mkdir -m 1777 "$tmp/nobody"

# diag: this file's own (expect calls it): the times, the sends the shim
# refused and the counters that are not 0.
diag() {
  echo "# exit $RC, ${WALL:-?} s wall, ${CPU:-?} s CPU, $FAILED sends failed"
  printf '%s\n' "$OUT" | head -5 | sed 's/^/# out: /'
  printf '%s\n' "$ERR" | grep -v '^ *[a-z-]* 0$' | head -30 | sed 's/^/# err: /'
}

# faulty VAR=VALUE... -- ARGS...: aping ARGS in the lab with the shim and
# the SENDFAIL_* settings given.  Sets OUT, ERR, RC, WALL and CPU (user +
# system, seconds) and FAILED (sends the shim made fail).
faulty() {
  local vars=() t
  while [ "$1" != -- ]; do
    vars+=("$1")
    shift
  done
  shift
  rm -f "$tmp/count"
  lab_run /usr/bin/time -f '%e %U %S' -o "$tmp/time" \
    env LD_PRELOAD="$PRELOAD" SENDFAIL_COUNT="$tmp/count" \
    "${vars[@]}" "$APING" "$@"
  t=$(tail -n 1 "$tmp/time")
  WALL=${t%% *}
  CPU=$(awk '{print $2 + $3}' <<<"$t")
  FAILED=$(cat "$tmp/count" 2>/dev/null || echo 0)
}

# idle: the scan took at most half its wall time in CPU (a scan that spun
# through its back-offs would take about all of it).
idle() {
  awk -v w="$WALL" -v c="$CPU" 'BEGIN {exit !(c <= w / 2)}'
}

want4=$(for i in $(seq 1 254); do echo "198.18.1.$i"; done | sort)
want6=$( (echo 2001:db8:1::; for i in $(seq 1 255); do
  printf '2001:db8:1::%x\n' "$i"; done) | sort)

for fam in 4 6; do
  if [ "$fam" = 4 ]; then net=$LAB_UP_NET4 want=$want4 n=254; else
    net=$LAB_UP_NET6 want=$want6 n=256
  fi
  # The first 60 sends all fail: about half a second of back-offs.
  faulty SENDFAIL_FIRST=60 -- -a -s -v -r 0 "$net"
  what="IPv$fam: the first 60 sends refused: all $n answering hosts found"
  expect test "$(printf '%s\n' "$OUT" | sort)" = "$want" -a "$RC" -eq 0
  what="IPv$fam: ... the shim did refuse 60 sends"
  expect test "$FAILED" -eq 60
  what="IPv$fam: ... counted by errno and backed off each time"
  expect test "$(counter send-error-ENOBUFS)" -eq 30 -a \
    "$(counter send-error-EAGAIN)" -eq 30 -a "$(counter backoffs)" -eq 60
  what="IPv$fam: ... every probe sent once, on the timer: idle meanwhile"
  expect test "$(counter probes-sent)" -eq "$n" -a "$(counter replies-valid)" \
    -eq "$n" -a "$(counter retries)" -eq 0
  what="IPv$fam: ... CPU time well under the wall time (no spin)"
  expect idle
done

# Every third send refused throughout a 4094-target sweep, in batches.
faulty SENDFAIL_EVERY=3 -- -a -s -v -r 0 198.19.0.0/20
what="every third send refused: all 4094 hosts of a /20 found"
expect test "$(printf '%s\n' "$OUT" | sort -u | wc -l)" -eq 4094 -a \
  "$RC" -eq 0
what="... with as many back-offs as refusals, and no probe lost"
expect test "$FAILED" -gt 10 -a "$(counter backoffs)" -eq "$FAILED" -a \
  "$(counter probes-sent)" -eq 4094
what="... idle while backing off"
expect idle

# The kernel refusing every send, for good: after a whole probe timeout
# (-t 300) of refusals the probes offered get their verdict with the
# kernel's reason, so the run ends instead of backing off forever.
faulty SENDFAIL_FIRST=100000000 -- -s -v -r 0 -t 300 198.18.1.1-8 \
  "$LAB_UP6"
what="every send refused: the run ends (exit 1), all 9 unreachable"
expect test "$RC" -eq 1 -a "$(grep -cE ' is unreachable \((no buffer space available|resource temporarily unavailable)\)$' <<<"$OUT")" -eq 9
what="... in about the probe timeout, not forever (${WALL:-?} s)"
expect awk -v w="$WALL" 'BEGIN {exit !(w < 10)}'
what="... no probe went out, and it backed off meanwhile"
expect test "$(counter probes-sent)" -eq 0 -a "$(counter backoffs)" -gt 5
what="... idle while backing off"
expect idle

# The same through an unprivileged datagram socket.
OUT=$(lab_exec_nobody env LD_PRELOAD="$PRELOAD" \
  SENDFAIL_FIRST=10 SENDFAIL_COUNT="$tmp/nobody/count" "$APING" -a -s -v \
  -r 0 "$LAB_UP_NET4" 2>"$tmp/err") && RC=0 || RC=$?
ERR=$(cat "$tmp/err") FAILED=$(cat "$tmp/nobody/count" 2>/dev/null || echo 0)
WALL='' CPU=''
what="datagram socket, 10 sends refused: all 254 found, 10 back-offs"
expect test "$(printf '%s\n' "$OUT" | sort)" = "$want4" -a "$RC" -eq 0 -a \
  "$FAILED" -eq 10 -a "$(counter backoffs)" -eq 10 -a \
  "$(grep -c 'datagram socket' <<<"$ERR")" -eq 1

# A route deleted in the middle of a scan: at 200 probes/s the 508 targets
# take 2.5 s, and the route to the silent block goes after 1 s.  Targets
# probed before wait out their timeout; those probed after fail at once
# with the kernel's reason.
# route_gone FAMILY ANSWERING SILENT ROUTE: sets OUT, ERR and RC.
route_gone() {
  local fam=$1 up=$2 silent=$3 route=$4 pid
  lab_exec "$APING" --rate 200 -r 0 -t 300 "$up" "$silent" \
    >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  # A second after the first verdict (an answering host's, at once), so
  # that a slow start cannot leave no target probed before the deletion.
  for _ in $(seq 100); do
    [ -s "$tmp/out" ] && break
    sleep 0.1
  done
  sleep 1
  lab_exec ip "-$fam" route del "$route"
  wait "$pid" && RC=0 || RC=$?
  lab_exec ip "-$fam" route add "$route" via "$5" dev to-net
  OUT=$(cat "$tmp/out") ERR=$(cat "$tmp/err")
}

WALL='' CPU='' FAILED=-
route_gone 4 "$LAB_UP_NET4" 198.18.2.0/24 198.18.2.0/24 198.18.0.2
up='198\.18\.1\.' silent='198\.18\.2\.' re='[0-9]+'
n=254
for fam in 4 6; do
  if [ "$fam" = 6 ]; then
    n=256
    route_gone 6 "$LAB_UP_NET6" 2001:db8:2::1-fe 2001:db8:2::/64 2001:db8::2
    up=2001:db8:1:: silent=2001:db8:2:: re='[0-9a-f]*'
  fi
  what="IPv$fam: route deleted mid-scan: exit 1, nothing on stderr"
  expect test "$RC" -eq 1 -a -z "$ERR"
  what="IPv$fam: ... every target has one verdict"
  expect test "$(printf '%s\n' "$OUT" | awk '{print $1}' | sort -u |
    wc -l)" -eq "$(printf '%s\n' "$OUT" | wc -l)" -a \
    "$(printf '%s\n' "$OUT" | grep -cE ' is (alive|unreachable)')" -eq \
    "$(printf '%s\n' "$OUT" | wc -l)" -a \
    "$(printf '%s\n' "$OUT" | grep -cE "^$silent")" -eq 254
  what="IPv$fam: ... the answering block is all alive"
  expect test "$(printf '%s\n' "$OUT" |
    grep -cE "^$up$re is alive \([0-9.]+ ms\)$")" -eq "$n" -a \
    "$(printf '%s\n' "$OUT" | grep -cE "^$up")" -eq "$n"
  what="IPv$fam: ... targets probed after it say why"
  expect test "$(printf '%s\n' "$OUT" |
    grep -cE "^$silent$re is unreachable \(network is unreachable\)$")" \
    -gt 0
  what="IPv$fam: ... and the rest timed out"
  expect test "$(printf '%s\n' "$OUT" |
    grep -cE "^$silent$re is unreachable( \(network is unreachable\))?$")" \
    -eq 254 -a "$(printf '%s\n' "$OUT" |
    grep -cE "^$silent$re is unreachable$")" -gt 0
done

tap_done
