#!/bin/bash
# tests/lab/test-exec.sh - the ping(8) engine (-m exec) in the lab.
#
# Every scan runs through lab_exec (the lab's scanner namespace), and inside
# a PID namespace of its own: once aping has exited, any process it left
# behind (a ping, a fake ping's child, a zombie) is still in that namespace
# and shows in `ps` there.  Fake pings (tests/lab/fake-ping/, run with
# --ping-command) inject the faults: hanging, ignoring SIGTERM, garbage
# output, exit 2, death by a signal.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

command -v unshare >/dev/null || skip_all "needs unshare (util-linux)"
lab_test_up
lab_services_up
# uid nobody must reach the copies of aping and the fake pings.
chmod 755 "$tmp"
cp "$APING" "$tmp/aping"
cp -r "$(dirname "$0")/fake-ping" "$tmp/fake"
chmod -R a+rX "$tmp"
FAKE=$tmp/fake
PRE=()

# scan ARGS...: "${PRE[@]}" aping ARGS in the lab, in a new PID namespace
# (this file's own scan, in place of labtest.sh's).
# Sets OUT, ERR, RC, MS, and LEFT: the processes still there after aping
# exited (besides the namespace's shell and ps).
scan() {
  local t0
  rm -f "$tmp/run.rc" "$tmp/run.ps"
  t0=$(date +%s%N)
  OUT=$(lab_exec unshare --pid --fork --mount-proc sh -c \
    '"$@" 2>"$0.err"; echo $? >"$0.rc"; ps -eo pid=,stat=,args= >"$0.ps"' \
    "$tmp/run" "${PRE[@]}" "$APING" "$@") || true
  MS=$((($(date +%s%N) - t0) / 1000000))
  ERR=$(cat "$tmp/run.err")
  RC=$(cat "$tmp/run.rc" 2>/dev/null || echo none)
  LEFT=$(left_behind "$tmp/run.ps")
}

nothing_left() {
  what="... and leaves no process behind"
  expect test -z "$LEFT"
}

# -- the same results as the ICMP engine

scan -m exec -a 198.18.1.0/24 198.18.2.0/24
want=$(for i in $(seq 1 254); do echo "198.18.1.$i"; done | sort)
what="-m exec -a on 254 answering + 254 silent prints exactly the answering"
expect test "$(printf '%s\n' "$OUT" | sort)" = "$want"
what="... and exits 1"
expect test "$RC" -eq 1
# (How fast: bench/bench-exec.sh, make bench.)
nothing_left

scan -m exec 198.18.1.7 198.18.2.7 "$LAB_UNREACH4" 2001:db8:1::6 \
  2001:db8:2::7 "$LAB_UNREACH6" "$LAB_NAME_UP"
what="verdict lines as with ICMP: alive with the RTT, unreachable"
expect grep -qxE '198\.18\.1\.7 is alive \([0-9]+\.[0-9]{2} ms\)' <<<"$OUT"
expect grep -qx '198.18.2.7 is unreachable' <<<"$OUT"
what="an ICMP error that ping printed is the reason, with its sender"
expect grep -qx '198.18.4.9 is unreachable (host unreachable from 198.18.0.2)' <<<"$OUT"
expect grep -qx '2001:db8:4::9 is unreachable (no route from 2001:db8::2)' <<<"$OUT"
what="IPv6 targets are pinged with -6; names are shown"
expect grep -qE '^2001:db8:1::6 is alive \(' <<<"$OUT"
expect grep -qx '2001:db8:2::7 is unreachable' <<<"$OUT"
expect grep -qE '^lab-host is alive \(' <<<"$OUT"
nothing_left

scan -m exec -c 4 -s "$LAB_LOSSY4" "$LAB_SLOW4"
what="-c 4: a host losing half its replies is alive (ping exits 1 with -w)"
expect test "$RC" -eq 0
expect grep -q '2 alive' <<<"$ERR"
what="... and a reply after 300 ms gives its RTT"
expect grep -qE '^198\.18\.3\.1 : xmt/rcv/%loss = 4/4/0%, min/avg/max = [0-9.]+/(2[5-9][0-9]|[3-9][0-9][0-9])\.' <<<"$OUT"

scan -m exec -c 3 198.18.1.5 198.18.2.7
what="-m exec -c 3: fping's statistics line, as with ICMP"
expect grep -qxE '198\.18\.1\.5 : xmt/rcv/%loss = 3/3/0%, min/avg/max = [0-9]+\.[0-9]{2}/[0-9]+\.[0-9]{2}/[0-9]+\.[0-9]{2}' <<<"$OUT"
expect grep -qx '198.18.2.7 : xmt/rcv/%loss = 3/0/100%' <<<"$OUT"
expect test "$RC" -eq 1

scan -m exec -c 3 --format json 198.18.1.5
what="... and the statistics in the JSON record"
expect grep -q '"stats":{"sent":3,"received":3,"loss_pct":0.0,"rtt_min_ms":[0-9]' <<<"$OUT"
scan -m exec --format json 198.18.1.5
what="without -c no statistics in the JSON record, as with ICMP"
expect test "$(grep -c '"type":"target"' <<<"$OUT")" -eq 1 -a \
  "$(grep -c '"stats"' <<<"$OUT")" -eq 0

scan -m exec -v 198.18.1.5
what="-v names the method and the command line"
expect grep -qx 'aping: method exec: .*ping \[-6\] -n -c 1 -W 1 -w 1 ADDR, at most [0-9]* at once' <<<"$ERR"

# -- the command line ping gets: an argv, and LC_ALL=C

scan -m exec -c 2 -t 1500 --ping-command "$FAKE/args" 198.18.1.5 2001:db8:1::5
what="ping gets -n -c COUNT -W ceil(-t) -w COUNT-1+W ADDR, and -6 for IPv6"
expect test "$(sort "$FAKE/args.log" | tr '\n' '|')" = \
  "-6 -n -c 2 -W 2 -w 3 2001:db8:1::5|-n -c 2 -W 2 -w 3 198.18.1.5|"
what="... with LC_ALL=C and no LANG"
expect test "$(sort -u "$FAKE/env.log")" = "LC_ALL=C LANG=unset"
what="... and its RTT is read from its output"
expect grep -qx '198.18.1.5 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 1.25/1.25/1.25' <<<"$OUT"
scan -m exec --ping-command "$FAKE/args" 198.18.1.5
expect grep -qx '198.18.1.5 is alive (1.25 ms)' <<<"$OUT"

# -- BusyBox ping: the same argv, its own output format

if bb=$(command -v busybox); then
  mkdir "$tmp/bb"
  ln -s "$bb" "$tmp/bb/ping"
  scan -m exec -c 2 --ping-command "$tmp/bb/ping" 198.18.1.5 198.18.2.7 \
    2001:db8:1::5 "$LAB_LOSSY4"
  what="BusyBox ping: alive (IPv4 and IPv6, RTT read), silent, lossy"
  expect grep -qE '^198\.18\.1\.5 : xmt/rcv/%loss = 2/2/0%, min/avg/max = 0\.[0-9]{2}/' <<<"$OUT"
  expect grep -qE '^2001:db8:1::5 : xmt/rcv/%loss = 2/2/0%, ' <<<"$OUT"
  expect grep -qx '198.18.2.7 : xmt/rcv/%loss = 2/0/100%' <<<"$OUT"
  expect grep -qE '^198\.18\.3\.3 : xmt/rcv/%loss = 2/1/50%, ' <<<"$OUT"
else
  tap_skip "BusyBox ping" "busybox is not installed (make deps)"
fi

# -- faults

scan -m exec -t 1000 --ping-command "$FAKE/hang" 198.18.1.5
what="a ping that hangs is killed after its deadline and reported"
expect grep -qx '198.18.1.5 is unreachable (timed out)' <<<"$OUT"
expect test "$RC" -eq 1
# Not before the deadline; after it, seconds of slack for a loaded machine.
what="... at -w + 1 s grace, not before ($MS ms)"
expect test "$MS" -ge 1900 -a "$MS" -lt 12000
nothing_left

scan -m exec -t 1000 --ping-command "$FAKE/hang-hard" 198.18.1.5 198.18.1.6
what="a ping that ignores SIGTERM gets SIGKILL a grace period later"
expect test "$(grep -c 'is unreachable (timed out)$' <<<"$OUT")" -eq 2
what="... ($MS ms)"
expect test "$MS" -ge 2900 -a "$MS" -lt 13000
nothing_left

scan -m exec --ping-command "$FAKE/garbage" 198.18.1.1 198.18.1.2
what="garbage output: the exit status decides (0: alive, 1: unreachable)"
expect grep -qE '^198\.18\.1\.1 is alive' <<<"$OUT"
expect grep -qx '198.18.1.2 is unreachable' <<<"$OUT"
expect test "$RC" -eq 1

scan -m exec --ping-command "$FAKE/exit2" 198.18.1.5
what="ping exiting 2: unreachable, with the exit status and ping's message"
expect grep -qx '198.18.1.5 is unreachable (ping exited 2: connect: Network is unreachable)' <<<"$OUT"
expect test "$RC" -eq 1

scan -m exec --ping-command "$FAKE/signal" 198.18.1.5
what="ping killed by a signal: unreachable, with the signal"
expect grep -qx '198.18.1.5 is unreachable (ping killed by signal 9)' <<<"$OUT"

scan -m exec --ping-command "$tmp/no-such-ping" 198.18.1.5
what="a missing ping: says so, exit 4, nothing printed"
expect test "$RC" -eq 4 -a -z "$OUT"
expect grep -qx "aping: cannot run ping(8) '$tmp/no-such-ping': No such file or directory (exit 4)" <<<"$ERR"

printf '#!/bin/sh\nexit 0\n' >"$tmp/not-executable"
scan -m exec --ping-command "$tmp/not-executable" 198.18.1.5
what="a ping that is not executable: says so, exit 4"
expect test "$RC" -eq 4
expect grep -q "cannot run ping(8) '$tmp/not-executable': Permission denied" <<<"$ERR"

# -- SIGINT: the children are ended too

rm -f "$tmp/run.rc" "$tmp/run.ps"
(scan -m exec -j 20 --ping-command "$FAKE/hang" 198.18.1.1-20 &&
  printf '%s\n' "$RC" >"$tmp/int.rc" && printf '%s\n' "$LEFT" >"$tmp/int.left") &
bg=$!
for i in $(seq 50); do
  [ "$(pgrep -fc "^sleep 3600$" || true)" -ge 20 ] && break
  sleep 0.1
done
pid=$(pgrep -f "^$APING -m exec -j 20 --ping-command $FAKE/hang" || true)
what="SIGINT: 20 children were running under aping"
expect test -n "$pid" -a "$(pgrep -fc "^sleep 3600$" || true)" -ge 20
[ -n "$pid" ] && kill -INT "$pid"
t0=$(date +%s%N)
wait "$bg" || true
MS=$((($(date +%s%N) - t0) / 1000000))
RC=$(cat "$tmp/int.rc" 2>/dev/null || echo none)
LEFT=$(cat "$tmp/int.left" 2>/dev/null || echo "no ps")
# Exit 130 says the signal ended the run; the time is only a sanity bound,
# with seconds of slack for a loaded machine.
what="... aping exits 130 soon after ($MS ms)"
expect test "$RC" = 130 -a "$MS" -lt 10000
what="... and no child is left"
expect test -z "$LEFT"

scan -m exec --deadline 1 --ping-command "$FAKE/hang" 198.18.1.1-5
what="--deadline: the children are ended, their targets unfinished, exit 7"
expect test "$RC" -eq 7 -a "$(grep -c '^198\.18\.1\.[1-5] is unfinished$' <<<"$OUT")" -eq 5
nothing_left

# -- bounded: -j, and the default under a low open-file limit

rm -f "$FAKE/peaks" "$FAKE/live"
scan -m exec -j 8 --ping-command "$FAKE/count" 198.18.1.1-20 198.18.2.1-20
what="-j 8: at most 8 pings at once, and 8 were reached"
expect test "$(sort -n "$FAKE/peaks" | tail -n 1)" = 8
what="... every target done: 20 alive, 20 unreachable"
expect test "$(grep -c 'is alive' <<<"$OUT")" = 20 -a \
  "$(grep -c 'is unreachable$' <<<"$OUT")" = 20

PRE=(bash -c 'ulimit -n 256 && exec "$@"' ulimit)
rm -f "$FAKE/peaks" "$FAKE/live"
scan -m exec -v --ping-command "$FAKE/count" 198.18.2.1-150
what="ulimit -n 256: the default -j is (256 - 32) / 4 = 56"
expect grep -q 'at most 56 at once' <<<"$ERR"
# The bound must hold; reaching it takes 56 spawns within the second a
# silent ping lives, which a loaded machine (the sanitizer run) may miss:
# more than half of it shows the bound is not some smaller number.
peak=$(sort -n "$FAKE/peaks" | tail -n 1)
what="... and at most 56 pings ran at once, and more than 28 ($peak)"
expect test "$peak" -le 56 -a "$peak" -gt 28
expect test "$(grep -c 'is unreachable$' <<<"$OUT")" = 150

# A /22's worth: the last 512 addresses of the answering benchmark block and
# the first 512 of the silent one (198.18.0.0/22 would hold the scanner's
# own addresses and hosts that take 3 s to fail ARP).
scan -m exec -a 198.19.126.0-198.19.129.255
want=$(for b in 126 127; do for i in $(seq 0 255); do echo "198.19.$b.$i"; done; done | sort)
what="ulimit -n 256: 1024 targets complete, exactly the 512 answering ones ($MS ms)"
expect test "$(printf '%s\n' "$OUT" | sort)" = "$want"
expect test "$RC" -eq 1
nothing_left

# -j beyond what the limit allows: spawns that fail for want of descriptors
# wait for running children instead of failing their targets.
PRE=(bash -c 'ulimit -n 40 && exec "$@"' ulimit)
scan -m exec -j 100 -a 198.18.1.1-30 198.18.2.1-30
what="ulimit -n 40 with -j 100: still exactly the 30 answering ones"
expect test "$(printf '%s\n' "$OUT" | sort -V | tr '\n' ' ')" = \
  "$(seq -f '198.18.1.%g' 1 30 | tr '\n' ' ')"
expect test "$RC" -eq 1
nothing_left
PRE=()

# -- beside service checks (tests/lab/services.py: SSH-style on port 22)

scan -m exec --tcp 22 198.18.1.5 198.18.2.7 "$LAB_UNREACH4"
what="-m exec with --tcp: ping(8)'s verdict and the check on one line"
expect grep -qxE '198\.18\.1\.5 is alive \([0-9]+\.[0-9]{2} ms\); 22/tcp open' <<<"$OUT"
expect grep -qx '198.18.2.7 is unreachable; 22/tcp filtered' <<<"$OUT"
expect grep -qE '^198\.18\.4\.9 is unreachable \(host unreachable from 198\.18\.0\.2\); 22/tcp error' <<<"$OUT"
what="... exit 1, three lines"
expect test "$RC" -eq 1 -a "$(printf '%s\n' "$OUT" | wc -l)" -eq 3
nothing_left

scan -v -m exec -j 7 --tcp 22 --banner 198.18.1.1-40
what="one -j for both: 7 ping processes and 7 connections"
expect grep -q 'aping: method exec: .* at most 7 at once$' <<<"$ERR"
expect grep -qx 'aping: TCP: at most 7 connections at once' <<<"$ERR"
what="... and all 40 alive and open"
expect test "$(grep -cE '^198\.18\.1\.[0-9]+ is alive \([0-9.]+ ms\); 22/tcp open "SSH' <<<"$OUT")" -eq 40

PRE=(bash -c 'ulimit -n 256 && exec "$@"' ulimit)
scan -v -m exec --tcp 22 198.18.1.1-150
what="ulimit -n 256: 56 pings, and the connections leave their descriptors"
expect grep -q 'at most 56 at once$' <<<"$ERR"
# 256 - 32 - (2 x 56 + 4) = 108
expect grep -qx 'aping: TCP: at most 108 connections at once' <<<"$ERR"
what="... and all 150 alive and open"
expect test "$(grep -cE '^198\.18\.1\.[0-9]+ is alive \([0-9.]+ ms\); 22/tcp open$' <<<"$OUT")" -eq 150
nothing_left
PRE=()

scan -m exec -c 2 --tcp 22 --format json 198.18.1.5
what="-m exec -c 2 with --tcp: the JSON record has the statistics and the check"
expect grep -q '"stats":{"sent":2,"received":2,.*"checks":\[{"port":22,"service":"tcp","state":"open"' <<<"$OUT"

# -- unprivileged

# An ordinary user: no capability at all in aping (a copy without file
# capabilities, uid nobody), but the usual full bounding set, so that the
# system's ping works through its own file capability (Debian installs it
# with cap_net_raw=ep).  With ICMP datagram sockets forbidden, -m auto has
# no socket and must fall back to ping(8).
PRE=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --)
APING_ROOT=$APING
APING=$tmp/aping
lab_nodgram scan -v 198.18.1.5 198.18.2.7 "$LAB_UNREACH4" 2001:db8:1::5
what="as nobody with no socket allowed, -m auto falls back to ping(8)"
expect grep -q 'using ping(8)' <<<"$ERR"
expect grep -q 'aping: method exec: ' <<<"$ERR"
what="... and gets the right verdicts"
expect grep -qE '^198\.18\.1\.5 is alive' <<<"$OUT"
expect grep -qE '^2001:db8:1::5 is alive' <<<"$OUT"
expect grep -qx '198.18.2.7 is unreachable' <<<"$OUT"
expect grep -qx '198.18.4.9 is unreachable (host unreachable from 198.18.0.2)' <<<"$OUT"
nothing_left

lab_nodgram scan -v --tcp 22 198.18.1.5 2001:db8:1::5 198.18.2.7
what="... and with --tcp too: the fallback's verdicts beside the checks"
expect grep -q 'using ping(8)' <<<"$ERR"
expect grep -qxE '198\.18\.1\.5 is alive \([0-9.]+ ms\); 22/tcp open' <<<"$OUT"
expect grep -qxE '2001:db8:1::5 is alive \([0-9.]+ ms\); 22/tcp open' <<<"$OUT"
expect grep -qx '198.18.2.7 is unreachable; 22/tcp filtered' <<<"$OUT"
nothing_left

# lab_exec_nobody empties the bounding set: then a program with file
# capabilities cannot be run at all (execve fails with EPERM).  That is a
# ping that cannot be run, and says so...
PRE=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all
  --bounding-set=-all --)
scan -m exec 198.18.1.5
what="with an empty bounding set the system ping cannot run: exit 4"
expect test "$RC" -eq 4
expect grep -q "cannot run ping(8) '.*ping': Operation not permitted" <<<"$ERR"
# With service checks the pings fail at the first spawn; the checks must
# stop then, not wait for ping verdicts that never come (more targets than
# the checks may run ahead of the pings).  timeout turns a hang into 124.
PRE=(timeout 120 "${PRE[@]}")
scan -m exec --tcp 22 198.19.0.0/18
what="... and with --tcp the checks stop too: exit 4, nothing printed"
expect test "$RC" -eq 4 -a -z "$OUT"
expect grep -qx "aping: cannot run ping(8) '.*ping': Operation not permitted (exit 4)" <<<"$ERR"
PRE=("${PRE[@]:2}")

# ... while a copy of ping without file capabilities runs, and uses the
# ICMP datagram socket that the lab allows (aping is held to -m exec).
cp /usr/bin/ping "$tmp/ping"
chmod 755 "$tmp/ping"
scan -m exec --ping-command "$tmp/ping" 198.18.1.5 198.18.2.7
what="as nobody with no capability, a plain ping copy works through -m exec"
expect grep -qE '^198\.18\.1\.5 is alive' <<<"$OUT"
expect grep -qx '198.18.2.7 is unreachable' <<<"$OUT"
PRE=()
APING=$APING_ROOT

tap_done
