#!/bin/bash
# tests/lab/test-resolve-stop.sh - --deadline, SIGINT and SIGTERM are in
# force while host names are still resolving.
#
# The lab's scanner namespace gets a resolver that never answers: its
# nsswitch.conf asks DNS after the hosts file, and its resolv.conf points at
# 127.0.0.1:53, where a socket inside the namespace takes every query and
# answers none, with a 20-second resolver timeout.  A run that waited for
# such lookups would take 20 s; aping must stop on time, list every target
# and every unanswered name as unfinished, keep --state and -o consistent,
# and exit 7, 130 or 143.
#
# Every scan runs through lab_exec (ip netns exec into the lab's scanner
# namespace), which refuses to run if the lab is not there.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
dns_pid=
trap '[ -z "$dns_pid" ] || kill "$dns_pid" 2>/dev/null; rm -rf "$tmp"; lab_down' EXIT

# The silent resolver: names the hosts file lacks go to DNS, which hangs.
etc=/etc/netns/$LAB_SCAN
cat >"$etc/nsswitch.conf" <<'EOF'
hosts:          files dns
EOF
cat >"$etc/resolv.conf" <<'EOF'
nameserver 127.0.0.1
options timeout:20 attempts:1
EOF
# The silent resolver writes $tmp/dns-asked once a query came in, and
# ends with this script.
lab_exec "$LAB_PYTHON" -c '
import os, select, socket, sys, time
ready, asked, parent = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 53))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", 53))
t.listen(64)
open(ready, "w").close()
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    r, _, _ = select.select([u], [], [], 0.5)
    if r:
        u.recvfrom(4096)
        open(asked, "w").close()
' "$tmp/dns-ready" "$tmp/dns-asked" "$$" >/dev/null 2>&1 &
dns_pid=$!
for _ in $(seq 100); do [ -e "$tmp/dns-ready" ] && break; sleep 0.05; done
[ -e "$tmp/dns-ready" ] || { echo "silent resolver did not start" >&2; exit 1; }

# scan_signal SIG ARGS...: aping ARGS in the background, SIG once its
# first lookup reached the resolver; sets OUT, ERR, RC, and MS from the
# start of the run to its end.
scan_signal() {
  local sig=$1 t0
  shift
  rm -f "$tmp/dns-asked"
  t0=$(date +%s%N)
  bg "$@"
  for _ in $(seq 200); do
    [ -e "$tmp/dns-asked" ] && break
    sleep 0.05
  done
  kill -s "$sig" "$BG"
  bg_wait
  MS=$((($(date +%s%N) - t0) / 1000000))
}

# Quick enough to tell "stopped on time" from "waited for the resolver"
# (20 s) on any machine.
QUICK=5000

# The resolver really hangs: without a deadline, the lookup is still
# under way after two seconds.
lab_exec timeout 2 getent hosts slow-0.test >/dev/null && RC=0 || RC=$?
MS=0 OUT= ERR=
what="the lab's resolver hangs (getent still waiting after 2 s)"
expect test "$RC" -eq 124

scan --deadline 0.5 -t 200 slow-a.test "$LAB_NAME_UP" 198.18.1.6 slow-b.test
what="--deadline during lookups: exit 7"
expect test "$RC" -eq 7
what="--deadline during lookups: stops on time, not after the resolver"
expect test "$MS" -lt "$QUICK"
what="--deadline during lookups: unanswered names are unfinished"
expect grep -qx 'slow-a.test is unfinished' <<<"$OUT"
what="--deadline during lookups: both unanswered names listed"
expect grep -qx 'slow-b.test is unfinished' <<<"$OUT"
what="--deadline during lookups: addresses and resolved names unfinished too"
expect test "$(grep -c ' is unfinished$' <<<"$OUT")" -eq 4
what="--deadline during lookups: nothing is probed"
expect test "$(grep -cE ' is (alive|unreachable)' <<<"$OUT")" -eq 0

scan --deadline 0.5 --format json slow-a.test 198.18.1.6
what="--deadline during lookups, JSON: records and summary"
py '
import json, sys
recs = [json.loads(l) for l in sys.stdin if l.strip()]
t = [r for r in recs if r["type"] == "target"]
s = recs[-1]
assert s["type"] == "summary", s
assert s["targets"] == 2 and s["unfinished"] == 2, s
assert s["stopped"] == "deadline", s
assert all(r["verdict"] == "unfinished" for r in t), t
name = [r for r in t if r.get("name") == "slow-a.test"]
assert len(name) == 1 and name[0]["address"] is None, t
assert any(r["address"] == "198.18.1.6" for r in t), t
'
what="--deadline during lookups, JSON: exit 7"
expect test "$RC" -eq 7

scan --deadline 0.5 --format csv slow-a.test
what="--deadline during lookups, CSV: an empty address for the name"
expect grep -q '^,slow-a.test,unfinished,unfinished,0,' <<<"$OUT"

scan --deadline 0.5 --format nagios slow-a.test 198.18.1.6
what="--deadline during lookups, nagios: UNKNOWN, exit 3"
expect grep -qE '^APING UNKNOWN - 0/2 alive, 2 unfinished \(deadline\)' \
  <<<"$OUT"
what="--deadline during lookups, nagios: exit status 3"
expect test "$RC" -eq 3

scan --deadline 0.5 -s slow-a.test
what="--deadline during lookups, -s: the summary counts the name"
expect grep -qE '^ +1 unfinished$' <<<"$ERR"

# More names than lookups run at once: queued ones are cancelled.
names=$(seq -f 'slow-%g.test' 1 300)
# shellcheck disable=SC2086
scan --deadline 0.5 $names
what="300 hanging names, --deadline 0.5: on time"
expect test "$MS" -lt "$QUICK"
what="300 hanging names: every one listed unfinished, exit 7"
expect test "$(grep -c '^slow-[0-9]*\.test is unfinished$' <<<"$OUT")" \
  -eq 300 -a "$RC" -eq 7

scan_signal INT slow-a.test 198.18.1.6
what="SIGINT during lookups: exit 130, on time"
expect test "$RC" -eq 130 -a "$MS" -lt "$QUICK"
what="SIGINT during lookups: the targets listed unfinished"
expect test "$(grep -c ' is unfinished$' <<<"$OUT")" -eq 2

printf 'aping-state 1\nalive slow-a.test\nunreachable 198.18.1.6\nend 2\n' \
  >"$tmp/state"
scan_signal TERM --state "$tmp/state" --format json -o "$tmp/out.json" \
  slow-a.test 198.18.1.6
what="SIGTERM during lookups with --state and -o: exit 143, on time"
expect test "$RC" -eq 143 -a "$MS" -lt "$QUICK"
what="SIGTERM during lookups: the state file keeps the old statuses"
expect test "$(sort "$tmp/state")" = \
  "$(printf 'aping-state 1\nalive slow-a.test\nunreachable 198.18.1.6\nend 2\n' | sort)"
OUT=$(cat "$tmp/out.json" 2>/dev/null || true)
what="SIGTERM during lookups: -o holds both targets and the summary"
py '
import json, sys
recs = [json.loads(l) for l in sys.stdin if l.strip()]
assert [r["type"] for r in recs] == ["target", "target", "summary"], recs
assert recs[-1]["stopped"] == "SIGTERM", recs[-1]
'

# The busiest moment of name resolution: 1000 names hanging, as many
# lookups in flight as aping runs at once and the rest queued.
names=$(seq -f 'slow-%g.test' 1 1000)
# shellcheck disable=SC2086
scan_signal INT $names
what="SIGINT with 1000 hanging names: exit 130, on time"
expect test "$RC" -eq 130 -a "$MS" -lt "$QUICK"
what="... every name listed unfinished, nothing on stderr"
expect test "$(grep -c '^slow-[0-9]*\.test is unfinished$' <<<"$OUT")" \
  -eq 1000 -a -z "$ERR"

# Lookups that finish before the deadline: a normal run.
scan --deadline 10 "$LAB_NAME_UP" 198.18.1.6
what="names that resolve in time: probed as usual, exit 0"
expect test "$RC" -eq 0 -a "$(grep -c ' is alive' <<<"$OUT")" -eq 2

tap_done
