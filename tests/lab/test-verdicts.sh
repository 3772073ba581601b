#!/bin/bash
# tests/lab/test-verdicts.sh - verdicts that must not depend on when the
# loop comes round: a reply already queued in a socket is read before any
# timeout fires, at small timeouts and full speed, through raw and datagram
# sockets, IPv4 and IPv6, and through ping(8).
#
# Every scan runs through lab_exec* (ip netns exec into the lab's scanner
# namespace), which refuses to run if the lab is not there.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up

cp "$APING" "$tmp/aping"
chmod 755 "$tmp" "$tmp/aping"

# all_alive N: OUT holds N lines, each "ADDR is alive (...)", and RC is 0.
all_alive() {
  [ "$RC" -eq 0 ] &&
    [ "$(grep -c ' is alive ' <<<"$OUT")" -eq "$1" ] &&
    [ "$(wc -l <<<"$OUT")" -eq "$1" ]
}

# sweep HOW N ARGS...: RUNS runs of aping -t 1 -r 0 --rate 0 ARGS, as root
# (HOW root: raw sockets) or as nobody (HOW nobody: datagram sockets);
# every one of the N answering targets must be alive in every run.  The
# counts straddle the scheduler's batch (256) and go well above it: the
# first batch's timeouts fall due while later batches are still going out.
RUNS=4
sweep() {
  local how=$1 n=$2 i bad=0
  shift 2
  for i in $(seq "$RUNS"); do
    if [ "$how" = root ]; then
      lab_run "$tmp/aping" -t 1 -r 0 --rate 0 "$@"
    else
      OUT=$(lab_exec_nobody "$tmp/aping" -t 1 -r 0 --rate 0 "$@" \
        2>"$tmp/err") && RC=0 || RC=$?
      ERR=$(cat "$tmp/err")
    fi
    all_alive "$n" || { bad=$i; break; }
  done
  what="-t 1 -r 0 --rate 0 as $how, $* ($n answering): all alive in $RUNS runs"
  if [ "$bad" -eq 0 ]; then tap_ok "$what"; else
    tap_not_ok "$what"
    echo "# run $bad: $(grep -c ' is alive ' <<<"$OUT") alive," \
      "$(grep -c unreachable <<<"$OUT") unreachable"
    diag
  fi
}

for how in root nobody; do
  sweep "$how" 255 198.19.0.0-198.19.0.254
  sweep "$how" 257 198.19.0.0-198.19.1.0
  sweep "$how" 510 198.19.0.0/23
  sweep "$how" 4094 198.19.0.0/20
  sweep "$how" 256 2001:db8:1::/120
  sweep "$how" 512 2001:db8:1::/120 198.19.0.1-198.19.1.0
done

# -c: each of the probes is counted, none lost for the loop's delay.
lab_run "$tmp/aping" -t 1 -c 3 -p 10 --rate 0 -q -s 198.19.0.0/23
what="-t 1 -c 3 --rate 0 on 510 answering: no probe lost"
expect grep -q ' 0 unreachable' <<<"$ERR"

# ping(8) decides each target itself: its verdicts hold at -t 1 too.
for net in 198.19.0.0-198.19.1.44 2001:db8:1::/120; do
  lab_run "$tmp/aping" -m exec -t 1 -r 0 --rate 0 "$net"
  n=$([ "$net" = 2001:db8:1::/120 ] && echo 256 || echo 301)
  what="-m exec -t 1 -r 0 --rate 0, $net: all $n alive"
  expect all_alive "$n"
done

tap_done
