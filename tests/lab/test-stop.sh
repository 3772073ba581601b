#!/bin/bash
# tests/lab/test-stop.sh - the process environment and stopping on time,
# in the lab:
#   - descriptors 0, 1 and 2 closed, in every combination, with each engine
#     (ICMP, ping(8), TCP): the exit status and the output where it should
#     be (standard output, standard error, -o);
#   - a huge IPv6 block (2001:db8:2::/92, silent) stopped by --deadline:
#     with nothing listed (-q, -a, -u, nagios, JSON with -q) it ends at
#     once, its unfinished targets counted right; listed, the unfinished
#     stream out, and a second SIGINT or SIGTERM (or any stopping signal)
#     ends the run at once, -o and --state left as they were and no
#     temporary file; --state keeps an unfinished target's last status;
#   - --deadline while target files are read (-f - from a writer that
#     never closes, -f FIFO and --exclude-file FIFO with none);
#   - SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM (and SIGINT, SIGTERM) at
#     several moments of a run with -o and --state: each ends it as SIGTERM
#     does, no temporary file left, the files whole.
# Every scan runs through lab_exec (the lab's scanner namespace).
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
lab_services_up
BIG=2001:db8:2::/92 # silent, 2^36 addresses
BIG_N=68719476736
MAX=(--max-targets 100000000000)

# -- closed standard descriptors

# closed FDS ARGS...: aping ARGS in the lab with each descriptor of FDS
# (digits among 012) closed; sets OUT, ERR, RC.
closed() {
  local fds=$1 redir="" i
  shift
  for ((i = 0; i < ${#fds}; i++)); do redir="$redir ${fds:i:1}<&-"; done
  lab_run sh -c "exec \"\$@\" $redir" sh "$APING" "$@"
}

# The host that is down answers with an ICMP error, at once: what is
# checked is where the output goes, and a silent host made each of the 21
# runs wait its 1.5 s (half a minute in all) for nothing more.
for engine in icmp exec tcp; do
  case $engine in
    tcp) args=(-m none --tcp 22) ;;
    *) args=(-m "$engine") ;;
  esac
  for fds in 0 1 2 01 02 12 012; do
    closed "$fds" -s "${args[@]}" 198.18.1.5 "$LAB_UNREACH4"
    what="$engine, fds $fds closed: exit 1 (one host down), no abort"
    expect test "$RC" -eq 1
    what="... the verdicts on standard output unless it is closed"
    if [[ $fds == *1* ]]; then
      expect test -z "$OUT"
    else
      expect grep -q '^198\.18\.1\.5 is \(alive\|up\)' <<<"$OUT"
    fi
    what="... the summary on standard error unless it is closed"
    if [[ $fds == *2* ]]; then
      expect test -z "$ERR"
    else
      expect grep -qE '^ +2 targets$' <<<"$ERR"
    fi
    rm -f "$tmp/o"
    closed "$fds" --format nagios -o "$tmp/o" "${args[@]}" 198.18.1.5
    what="$engine, fds $fds closed, nagios -o: exit 0, the line in the file"
    expect test "$RC" -eq 0 -a -z "$OUT"
    expect grep -q '^APING OK - 1/1' "$tmp/o"
  done
done

# -- huge blocks stopped by --deadline: nothing listed, nothing walked

# quick STATUS ARGS...: aping --deadline 1 ARGS over BIG; ok when it ends
# within 20 s (the walk of 2^36 targets it replaces takes hours) with
# STATUS.
quick() {
  local status=$1
  shift
  scan --deadline 1 -t 500 -r 0 "${MAX[@]}" "$@" "$BIG"
  what="--deadline 1 $* over $BIG: ends in ${MS} ms (bound 20000), exit $status"
  expect test "$MS" -lt 20000 -a "$RC" -eq "$status"
}

quick 7 -q -s
what="... -s counts every target: unreachable + unfinished = $BIG_N"
expect test "$(awk '/ unreachable$/ {u = $1} / unfinished$/ {f = $1}
  END {printf "%.0f\n", u + f}' <<<"$ERR")" -eq "$BIG_N"
quick 7 -a
expect test -z "$OUT"
quick 7 -u -s
quick 3 --format nagios
what="... nagios: UNKNOWN, the unfinished counted"
expect grep -qE '^APING UNKNOWN - .*, [0-9]+ unfinished \(deadline\)' <<<"$OUT"
quick 7 -q --format json
what="... json -q: the summary counts them all"
py 'import json,sys
s = json.loads(sys.stdin.read().splitlines()[-1])
assert s["unfinished"] + s["unreachable"] == int(sys.argv[1]), s
assert s["stopped"] == "deadline", s' "$BIG_N"
rm -f "$tmp/st"
quick 7 -q --state "$tmp/st"
what="... -q --state (first run): a state file of what finished"
expect grep -q '^end [0-9]*$' "$tmp/st"

# --state keeps an unfinished target's last status (the targets never
# answer within the deadline: -t 5000).
printf 'aping-state 1\nalive 198.18.2.5\nunreachable 198.18.2.6\nend 2\n' \
  >"$tmp/st"
scan -q --deadline 1 -t 5000 --state "$tmp/st" 198.18.2.0/24
what="--state, -q, all unfinished: exit 7, the last statuses kept"
expect test "$RC" -eq 7
expect grep -qx 'alive 198.18.2.5' "$tmp/st"
expect grep -qx 'unreachable 198.18.2.6' "$tmp/st"
expect grep -qx 'end 2' "$tmp/st"

# -- the listing streams, and a second signal ends it at once

# temps: the temporary files left in $tmp (.NAME.XXXXXX).
temps() { find "$tmp" -mindepth 1 -maxdepth 1 -name '.*' | wc -l; }

# listed: the lines listed so far, on standard output or in -o's temporary
# file.
listed() { cat "$LAB_DIR/bg.out" "$tmp"/.o.* 2>/dev/null | wc -l; }

# second SIG1 SIG2 ARGS...: aping ARGS over BIG in the background, with
# --deadline 1 (60 with a SIG1); -o and --state, if ARGS name them, are
# $tmp/o, holding "old", and $tmp/st.  Waits until 1000 lines are out,
# sends SIG1 (none: "-"), waits for more lines, sends SIG2; sets OUT, ERR,
# RC and MS (from SIG2 to the end).
second() {
  local s1=$1 s2=$2 n=0
  shift 2
  echo old >"$tmp/o"
  printf 'aping-state 1\nalive 2001:db8:2::5\nend 1\n' >"$tmp/st"
  # With SIG1 the deadline must not come first (a slow sanitizer build
  # may take over a second to time out 1000 targets): SIG1 is the stop.
  local dl=1
  [ "$s1" = - ] || dl=60
  bg --deadline "$dl" -t 500 -r 0 "${MAX[@]}" "$@" "$BIG"
  for _ in $(seq 200); do
    n=$(listed)
    [ "$n" -gt 1000 ] && break
    sleep 0.1
  done
  [ "$s1" = - ] || kill -"$s1" "$BG"
  sleep 0.5
  what="listing $* over $BIG: streams ($n lines), still running"
  expect test "$n" -gt 1000 -a -d "/proc/$BG"
  kill -"$s2" "$BG"
  bg_wait
}

second - INT
what="... a SIGINT after the deadline ends it at once: $MS ms (bound 5000)"
expect test "$MS" -lt 5000 -a "$RC" -eq 130
expect grep -q 'stopped at once by a second signal (SIGINT)' <<<"$ERR"
what="... every line written is whole"
expect test "$(tail -c 1 "$LAB_DIR/bg.out" | od -An -c | tr -d ' ')" = '\n'

second - TERM -o "$tmp/o" --state "$tmp/st" --format json
what="-o, --state, json: a SIGTERM after the deadline ends it: $MS ms, 143"
expect test "$MS" -lt 5000 -a "$RC" -eq 143
what="... -o and --state left as they were, no temporary file"
expect test "$(cat "$tmp/o")" = old
expect grep -qx 'alive 2001:db8:2::5' "$tmp/st"
expect test "$(temps)" -eq 0

second INT TERM -s
what="SIGINT (first stop, streaming the unfinished), then SIGTERM: 143"
expect test "$MS" -lt 5000 -a "$RC" -eq 143
what="... no summary after a second signal"
expect test "$(grep -c 'targets$' <<<"$ERR")" -eq 0

for sig in HUP QUIT USR1 USR2 ALRM; do
  second - "$sig" -o "$tmp/o" --state "$tmp/st"
  what="SIG$sig during the listing ends it at once: $MS ms, 128+n"
  expect test "$MS" -lt 5000 -a "$RC" -eq "$((128 + $(kill -l "$sig")))"
  what="... -o, --state as they were, no temporary file"
  expect test "$(cat "$tmp/o")" = old -a "$(temps)" \
    -eq 0
done

# -- --deadline while target files are read

mkfifo "$tmp/fifo"
# A writer that gives one target and never closes.
{ echo 198.18.1.5; sleep 60; } >"$tmp/fifo" &
writer=$!
# shellcheck disable=SC2016 # for the inner shell
lab_run sh -c 'exec "$@" <"$0"' "$tmp/fifo" "$APING" --deadline 1 -f -
kill "$writer" 2>/dev/null || true
what="-f - from a writer that never closes: ends at the deadline, exit 7"
expect test "$RC" -eq 7 -a "$MS" -lt 10000
what="... the target read so far is unfinished, and stderr says why"
expect grep -qx '198.18.1.5 is unfinished' <<<"$OUT"
expect grep -q 'deadline came while target files were read' <<<"$ERR"

scan --deadline 1 -f "$tmp/fifo" 198.18.1.6
what="-f FIFO with no writer: ends at the deadline, exit 7"
expect test "$RC" -eq 7 -a "$MS" -lt 10000
expect grep -qx '198.18.1.6 is unfinished' <<<"$OUT"
scan --deadline 1 -f "$tmp/fifo"
what="-f FIFO with no writer, no other target: exit 7, one line on stderr"
expect test "$RC" -eq 7 -a -z "$OUT" -a "$MS" -lt 10000
expect test "$ERR" = \
  "aping: the deadline came before any target was read (exit 7)"
scan --deadline 1 --format nagios -f "$tmp/fifo"
what="... with --format nagios: UNKNOWN"
expect test "$RC" -eq 3
expect test "$OUT" = \
  "APING UNKNOWN - the deadline came before any target (see standard error)"
scan --deadline 1 --exclude-file "$tmp/fifo" 198.18.1.7
what="--exclude-file FIFO with no writer: ends at the deadline, nothing probed"
expect test "$RC" -eq 7 -a "$MS" -lt 10000
expect grep -qx '198.18.1.7 is unfinished' <<<"$OUT"

# -- the signals that would end aping by default, at several moments

# during MOMENT SIG: aping with -o and --state in the background, SIG sent
# at MOMENT (start: at once; probing: 1 s into a sweep of the silent block;
# listing: while the unfinished stream out after a deadline).
during() {
  local moment=$1 sig=$2
  echo old >"$tmp/o"
  printf 'aping-state 1\nalive 198.18.1.5\nend 1\n' >"$tmp/st"
  case $moment in
    start) bg -t 5000 -o "$tmp/o" --state "$tmp/st" --format json \
      198.18.1.0/24 198.18.2.0/24 ;;
    probing) bg -t 5000 -o "$tmp/o" --state "$tmp/st" --format json \
      198.18.1.0/24 198.18.2.0/24; sleep 1 ;;
    listing) bg --deadline 1 -t 500 "${MAX[@]}" -o "$tmp/o" \
      --state "$tmp/st" --format json "$BIG"; sleep 2 ;;
  esac
  kill -"$sig" "$BG" 2>/dev/null || true
  bg_wait
}

for sig in HUP QUIT USR1 USR2 ALRM INT TERM; do
  for moment in start probing listing; do
    during "$moment" "$sig"
    what="SIG$sig at $moment: exit 128+n, no temporary file"
    expect test "$RC" -eq "$((128 + $(kill -l "$sig")))" -a \
      "$(temps)" -eq 0
    what="... -o and --state whole: old, or new and complete"
    # shellcheck disable=SC2016 # for the inner shell
    expect sh -c '[ "$(cat "$1")" = old ] ||
      tail -1 "$1" | grep -q "\"stopped\":\"SIG'"$sig"'\""' sh "$tmp/o"
    # shellcheck disable=SC2016 # for the inner shell
    expect sh -c 'grep -qx "aping-state 1" "$1" && grep -q "^end " "$1"' \
      sh "$tmp/st"
  done
done

# In a continuous run SIGHUP still reloads: the run goes on.
bg -l -p 200 198.18.1.5
sleep 1
kill -HUP "$BG"
sleep 1
what="-l: SIGHUP reloads, the run goes on"
expect test -d "/proc/$BG"
kill -QUIT "$BG"
bg_wait
what="-l: SIGQUIT ends it as SIGTERM does (every target answered: 0)"
expect test "$RC" -eq 0

tap_done
