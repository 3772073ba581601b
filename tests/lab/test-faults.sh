#!/bin/bash
# tests/lab/test-faults.sh - faults and limits, in the lab:
#   - descriptor exhaustion: with `ulimit -n 32` a TCP sweep and an exec
#     sweep of a /24 still finish with every verdict right;
#   - memory: a million-target shard of 127.0.0.0/8, a 100 000-line target
#     file and 10 000 unresolvable names stay within the manual's bound on
#     peak RSS (32 MiB), and the names end with exit 2 in bounded time;
#   - signals: SIGINT and SIGTERM at each engine's busiest moment (ICMP
#     sending at full rate, 64 pings running, 256 connects pending) exit
#     130/143 with no process left, -o and --state whole and no temporary
#     file; SIGPIPE on a closed standard output (`| head -1`) ends aping
#     quietly with 141, nothing left behind;
#   - -vv: the loop watcher's report, and a turn blocked on purpose by a
#     reader that does not read.
# Every scan runs through lab_exec (the lab's scanner namespace); those
# that check for leftovers inside a PID namespace of their own, whose `ps`
# after aping's exit shows whatever it left.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

command -v unshare >/dev/null || skip_all "needs unshare (util-linux)"
[ -x /usr/bin/time ] || skip_all "needs /usr/bin/time (package time)"
lab_test_up
lab_services_up
RSS_BOUND_KIB=32768 # the manual's bound (Resources), generous on purpose
# A sanitizer build (make check-asan) keeps freed memory in quarantine and
# adds shadow memory: its RSS says nothing about aping's own, and leaks are
# LeakSanitizer's to find there.  Per-target growth still shows at 256 MiB.
if ldd "$APING" 2>/dev/null | grep -q libasan; then
  RSS_BOUND_KIB=262144
fi

# limited N ARGS...: aping ARGS with `ulimit -n N`; sets OUT, ERR, RC.
limited() {
  local n=$1
  shift
  lab_run sh -c 'ulimit -n "$0" && exec "$@"' "$n" "$APING" "$@"
}

# -- descriptor exhaustion

want_tcp=$(for i in $(seq 1 254); do
  echo "198.18.1.$i is alive; 22/tcp open; 80/tcp closed"
done | sort)
for j in "" "-j 200"; do
  # shellcheck disable=SC2086 # $j is an option and its value, or nothing
  limited 32 -r 0 -t 1000 $j --tcp 22,80 198.18.1.0/24 198.18.2.1
  what="ulimit -n 32, --tcp 22,80 ${j:-(default -j)}: 254 hosts open/closed"
  expect test "$(sed 's/ ([0-9.]* ms)//' <<<"$OUT" | grep -v '^198\.18\.2' |
    sort)" = "$want_tcp"
  what="... the silent host filtered, exit 1, no error"
  expect grep -qx \
    '198.18.2.1 is unreachable; 22/tcp filtered; 80/tcp filtered' <<<"$OUT"
  expect test "$RC" -eq 1 -a -z "$ERR"
done
for j in "" "-j 200"; do
  # shellcheck disable=SC2086
  limited 32 -m exec $j 198.18.1.0/24 198.18.2.1
  what="ulimit -n 32, -m exec ${j:-(default -j)}: 254 alive, 1 unreachable"
  expect test "$(grep -c '^198\.18\.1\.[0-9]* is alive (' <<<"$OUT")" -eq 254
  expect grep -qx '198.18.2.1 is unreachable' <<<"$OUT"
  expect test "$RC" -eq 1 -a -z "$ERR"
done

# -- memory and time: peak RSS (KiB) from /usr/bin/time -f %M

# measured ARGS...: aping ARGS under /usr/bin/time; sets OUT, ERR, RC and
# RSS (KiB), with a timeout that turns a hang into exit 124.
measured() {
  lab_run timeout 300 /usr/bin/time -o "$tmp/time" -f '%M' "$APING" "$@"
  RSS=$(tail -1 "$tmp/time")
}

measured -q -s -r 0 -t 500 --rate 0 --seed 1 --shard 1/16 127.0.0.0/8
what="--shard 1/16 of 127.0.0.0/8: about a million targets, all alive"
expect grep -qE '^ *104857[0-9] alive$' <<<"$ERR"
expect test "$RC" -eq 0
what="... peak RSS $RSS KiB, within $RSS_BOUND_KIB KiB"
expect test "$RSS" -lt "$RSS_BOUND_KIB"

awk 'BEGIN { for (i = 0; i < 100000; i++)
  printf "127.%d.%d.%d\n", 1 + int(i / 65536), int(i / 256) % 256, i % 256 }' \
  >"$tmp/100k"
measured -q -s -r 0 -t 500 --rate 0 -f "$tmp/100k"
what="a 100 000-line target file: every target alive"
expect grep -qE '^ *100000 alive$' <<<"$ERR"
expect test "$RC" -eq 0
what="... peak RSS $RSS KiB, within $RSS_BOUND_KIB KiB"
expect test "$RSS" -lt "$RSS_BOUND_KIB"

# In the lab, names other than lab-host* fail at once (hosts file only).
seq -f 'nx-%g.invalid' 10000 >"$tmp/names"
t0=$(date +%s)
measured -q -f "$tmp/names" "$LAB_UP4"
secs=$(($(date +%s) - t0))
what="10 000 unresolvable names: exit 2, each named once on stderr"
expect test "$RC" -eq 2
expect test "$(grep -c '^nx-[0-9]*\.invalid: name not known' <<<"$ERR")" \
  -eq 10000
what="... in bounded time ($secs s; the bound only catches a hang)"
expect test "$secs" -lt 120
what="... peak RSS $RSS KiB, within $RSS_BOUND_KIB KiB"
expect test "$RSS" -lt "$RSS_BOUND_KIB"

# -- signals at the busiest moment

# The driver, run inside a new PID namespace: starts aping, waits until
# READY (a shell condition; $p is aping's pid) holds, sends SIG, waits,
# and lists what is left.
cat >"$tmp/stop.sh" <<'EOF'
#!/bin/sh
d=$1 sig=$2 ready=$3
shift 3
"$@" >"$d/out" 2>"$d/err" &
p=$!
i=0
while [ $i -lt 400 ] && ! eval "$ready"; do
  sleep 0.025
  i=$((i + 1))
done
[ $i -lt 400 ] && echo ready >"$d/ready"
kill -s "$sig" $p
wait $p
echo $? >"$d/rc"
ps -eo pid=,stat=,args= >"$d/ps"
EOF

# stop_during SIG READY ARGS...: aping ARGS in the lab, SIG at READY.  The
# run writes -o $tmp/run/out.json (JSON) and --state $tmp/run/state.
# Sets OUT, ERR, RC, READY (whether READY held) and LEFT.
stop_during() {
  local sig=$1 ready=$2
  shift 2
  rm -rf "$tmp/run" && mkdir "$tmp/run"
  lab_exec unshare --pid --fork --mount-proc sh "$tmp/stop.sh" "$tmp/run" \
    "$sig" "$ready" "$APING" -v --format json -o "$tmp/run/out.json" \
    --state "$tmp/run/state" "$@" || true
  RC=$(cat "$tmp/run/rc" 2>/dev/null || echo none) MS=
  OUT=$(cat "$tmp/run/out" 2>/dev/null || true)
  ERR=$(cat "$tmp/run/err" 2>/dev/null || true)
  READY=$([ -e "$tmp/run/ready" ] && echo yes || echo no)
  LEFT=$(left_behind "$tmp/run/ps")
}

# files_whole SIG: -o is JSON lines ending with a summary stopped by SIG,
# the state file is whole (header to trailer), nothing else in the
# directory (no temporary file).
files_whole() {
  python3 - "$tmp/run/out.json" "$1" <<'EOF' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert recs and recs[-1]["type"] == "summary", recs[-1:]
assert recs[-1]["stopped"] == sys.argv[2], recs[-1]
n = sum(1 for r in recs if r["type"] == "target")
assert n == recs[-1]["targets"], (n, recs[-1])
EOF
  [ "$(head -1 "$tmp/run/state")" = "aping-state 1" ] &&
    grep -qE '^end [0-9]+$' <(tail -1 "$tmp/run/state") &&
    [ "$(ls -A "$tmp/run" | grep -cvxE 'out|err|rc|ps|ready|out\.json|state')" \
      -eq 0 ]
}

# Each engine's busiest moment:
#   icmp: a /16 half silent at --rate 0, signalled as soon as the sockets
#         are open, while it sends as fast as it can;
#   exec: 64 pings of silent hosts running at once;
#   tcp:  256 connects to silent hosts pending (-m none).
busy_icmp='grep -q "raw socket" "$d/err"'
busy_exec='[ "$(pgrep -c -x ping)" -ge 64 ]'
busy_tcp='grep -q "TCP: at most" "$d/err" && sleep 0.3'
for sig in INT TERM; do
  code=$([ "$sig" = INT ] && echo 130 || echo 143)
  for engine in icmp exec tcp; do
    case $engine in
      icmp) set -- -r 0 -t 5000 --rate 0 198.19.0.0/16
            ready=$busy_icmp ;;
      exec) set -- -m exec -j 64 198.18.2.0/24
            ready=$busy_exec ;;
      tcp) set -- -m none -j 256 -t 5000 -r 0 --tcp 22 198.19.128.0/20
           ready=$busy_tcp ;;
    esac
    stop_during "$sig" "$ready" "$@"
    what="SIG$sig, $engine at its busiest: exit $code"
    expect test "$READY" = yes -a "$RC" = "$code"
    what="... no process left"
    expect test -z "$LEFT"
    what="... -o and --state whole, no temporary file"
    expect files_whole "SIG$sig"
    what="... nothing on stderr but -v's lines"
    expect test -z "$(grep -v '^aping: \(ICMP\|ICMPv6\|method exec\|TCP\):' \
      <<<"$ERR")"
  done
done

# -- SIGPIPE: `aping ... | head -1`

# piped ARGS...: aping ARGS | head -1 in the lab, in a new PID namespace;
# sets OUT (what head printed), ERR, RC (aping's) and LEFT.
piped() {
  rm -rf "$tmp/run" && mkdir "$tmp/run"
  OUT=$(lab_exec unshare --pid --fork --mount-proc bash -c \
    '"$@" 2>"$0/err" | head -1; echo "${PIPESTATUS[0]}" >"$0/rc"
     ps -eo pid=,stat=,args= >"$0/ps"' "$tmp/run" "$APING" "$@") || true
  RC=$(cat "$tmp/run/rc" 2>/dev/null || echo none) MS=
  ERR=$(cat "$tmp/run/err" 2>/dev/null || true)
  LEFT=$(left_behind "$tmp/run/ps" bash)
}

for engine in icmp exec tcp; do
  case $engine in
    icmp) set -- -r 0 --rate 0 198.19.0.0/17 ;;
    exec) set -- -m exec -j 64 198.18.1.0/24 198.18.2.0/26 ;;
    tcp) set -- -m none --tcp 22 198.19.0.0/18 ;;
  esac
  piped "$@"
  what="SIGPIPE, $engine: one line through head, exit 141, no message"
  expect test "$(wc -l <<<"$OUT")" -eq 1 -a "$RC" = 141 -a -z "$ERR"
  what="... no process left"
  expect test -z "$LEFT"
done

# A SIGPIPE that is not about standard output (here kill -PIPE; in life a
# closed stderr pipe or a service peer) does not stop the run: it goes on
# to every verdict and its usual exit status.
lab_exec bash -c '"$@" >"$0/out" 2>"$0/err" & pid=$!; sleep 0.5
  kill -PIPE "$pid"; wait "$pid"; echo $? >"$0/rc"' "$tmp" "$APING" \
  --rate 200 -r 0 -t 300 198.18.1.1-100 198.18.2.1-100 || true
RC=$(cat "$tmp/rc" 2>/dev/null || echo none) MS=
OUT=$(cat "$tmp/out") ERR=$(cat "$tmp/err")
what="kill -PIPE with standard output a file: the run goes on, exit 1"
expect test "$RC" = 1 -a -z "$ERR" -a \
  "$(grep -c ' is alive ' "$tmp/out")/$(grep -c ' is unreachable$' \
    "$tmp/out")" = 100/100

# -- -vv: turns of the loop that blocked

KIND='[a-z ]+ x[0-9]+'
LINE="^aping: debug: loop turn took [0-9]+ ms: "
LINE="$LINE($KIND(, $KIND)*|no named callback)\$"
# debug_lines_ok: every debug line is in the report's format.
debug_lines_ok() {
  ! grep '^aping: debug:' <<<"$ERR" | grep -qvE "$LINE"
}
for v in -vv "-v -v"; do
  # shellcheck disable=SC2086
  scan $v -r 0 198.18.1.0/24 198.18.2.0/28
  what="$v: a normal scan, any loop report in its format, verdicts as usual"
  expect debug_lines_ok
  expect test "$RC" -eq 1 -a "$(grep -c ' is alive ' <<<"$OUT")" -eq 254
done
scan -v -r 0 198.18.1.0/24
what="-v alone reports no loop turn"
expect test -z "$(grep '^aping: debug:' <<<"$ERR")"

# Standard output to a reader that waits 3 s before it reads: once the
# pipe is full (64 KiB, a few thousand verdicts into the sweep), writing a
# verdict blocks the loop for the rest of the wait.
lab_exec bash -c '"$@" 2>"$0" | { sleep 3; cat >/dev/null; }' \
  "$tmp/err" "$APING" -vv -r 0 198.19.0.0/17 || true
ERR=$(cat "$tmp/err")
RC=- MS=
OUT=
slow=$(grep -E "$LINE" <<<"$ERR" | sed -E 's/.* took ([0-9]+) ms:.*/\1/' |
  sort -n | tail -1)
what="-vv: a blocked write shows as a slow turn ($slow ms) naming output"
expect test "${slow:-0}" -ge 500
expect grep -qE '^aping: debug: loop turn took [0-9]{3,} ms: .*output x[0-9]+' \
  <<<"$ERR"
expect debug_lines_ok

tap_done
