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

# ---- several names of one address

# The lab's hosts file, with more names: three of one answering address
# (given in another order than the file's), two of a silent one, one
# address with a name per line, a name of two addresses.
hosts=/etc/netns/$LAB_SCAN/hosts
cp "$hosts" "$tmp/hosts.lab"
printf '%s\n' '198.18.1.20 n-one n-two n-three' '198.18.2.20 s-one s-two' \
  '198.18.1.21 n-four' '198.18.1.21 n-five' '198.18.1.22 m-both' \
  '198.18.1.23 m-both' >>"$hosts"
names=(n-three n-one n-two s-two s-one n-four n-five)

# firsts: OUT's first words, in order, on one line.
firsts() { awk '{print $1}' <<<"$OUT" | tr '\n' ' '; }

for run in 1 2 3; do
  scan "${names[@]}" n-one
  what="text, run $run: each name once, an address's in the order given"
  expect test "$(firsts | tr ' ' '\n' | grep -x 'n-[a-z]*' | grep -v \
    'n-f' | tr '\n' ' ')/$(firsts | tr ' ' '\n' | grep -x 'n-f.*' |
    tr '\n' ' ')/$(firsts | tr ' ' '\n' | grep -x 's-.*' | tr '\n' ' ')" = \
    "n-three n-one n-two /n-four n-five /s-two s-one "
  what="text, run $run: answering names alive, silent ones unreachable"
  expect test "$(grep -c ' is alive ' <<<"$OUT")/$(grep -c \
    ' is unreachable$' <<<"$OUT")/$RC" = 5/2/1
done

scan -s -q "${names[@]}"
what="-s: 7 targets, 5 alive, 2 unreachable"
expect grep -qE '^ +7 targets$' <<<"$ERR"
expect grep -qE '^ +5 alive$' <<<"$ERR"
expect grep -qE '^ +2 unreachable$' <<<"$ERR"
scan -s -v -q -r 0 n-one n-two n-three n-four n-five
what="-s -v: five names of two addresses, two probes sent"
expect test "$(counter probes-sent)" -eq 2

scan -u "${names[@]}"
what="-u: both names of the silent address"
expect test "$(firsts)" = "s-two s-one "
scan -a n-one n-two s-one
what="-a: both names of the answering address"
expect test "$(firsts)" = "n-one n-two "

scan --format json "${names[@]}"
what="json: a record per name, with its address, and the summary's count"
py '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
t, s = objs[:-1], objs[-1]
got = [(o["name"], o["address"], o["verdict"]) for o in t]
want = [("n-three", "198.18.1.20", "alive"), ("n-one", "198.18.1.20", "alive"),
        ("n-two", "198.18.1.20", "alive"), ("n-four", "198.18.1.21", "alive"),
        ("n-five", "198.18.1.21", "alive"),
        ("s-two", "198.18.2.20", "unreachable"),
        ("s-one", "198.18.2.20", "unreachable")]
assert sorted(got) == sorted(want), got
assert s["targets"] == 7 and s["alive"] == 5 and s["ok"] == 5, s
'
scan --format csv n-one n-two s-one s-two
what="csv: a row per name"
expect test "$(cut -d, -f1,2,4 <<<"$OUT" | tail -n +2 | tr '\n' ' ')" = \
  "198.18.1.20,n-one,alive 198.18.1.20,n-two,alive 198.18.2.20,s-one,unreachable 198.18.2.20,s-two,unreachable "
scan --format prom n-one n-two s-one s-two
what="prom: an aping_up series per name"
expect test "$(grep '^aping_up{' <<<"$OUT" | tr '\n' ' ')" = \
  'aping_up{target="n-one",address="198.18.1.20"} 1 aping_up{target="n-two",address="198.18.1.20"} 1 aping_up{target="s-one",address="198.18.2.20"} 0 aping_up{target="s-two",address="198.18.2.20"} 0 '
expect grep -qx 'aping_targets{verdict="alive"} 2' <<<"$OUT"
scan --format nagios n-one n-two s-one s-two
what="nagios: every name counted, the silent ones named"
expect grep -qE '^APING CRITICAL - 2/4 unreachable: s-one, s-two' <<<"$OUT"

scan --all-addresses m-both n-one n-two
what="--all-addresses: each address of a name, each name of an address"
expect test "$(printf '%s\n' "$OUT" | sed 's/ is alive.*//' | sort |
  tr '\n' ';')" = \
  "m-both (198.18.1.22);m-both (198.18.1.23);n-one (198.18.1.20);n-two (198.18.1.20);"

scan -d n-two n-one
what="-d: the address once, by its reverse name, all alive: exit 0"
expect test "$(grep -c ' is alive ' <<<"$OUT")/$(wc -l <<<"$OUT")/$RC" = 1/1/0

scan -l -p 200 --deadline 0.5 n-one n-two s-one
what="-l: a line per probe for each name, and each name's total"
expect test "$(grep -c '^n-one : \[0\], [0-9.]* ms' <<<"$OUT")/$(grep -c \
  '^n-two : \[0\], [0-9.]* ms' <<<"$OUT")/$(grep -c \
  '^s-one : \[0\], timed out' <<<"$OUT")" = 1/1/1
expect test "$(grep -c '^n-[a-z]* : xmt/rcv/%loss = \([1-9][0-9]*\)/\1/0%' \
  <<<"$OUT")" -eq 2
scan -l -p 200 --deadline 0.5 --format json n-one n-two
what="-l --format json: a probe record for each name"
py '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
seq0 = sorted(o["name"] for o in objs if o["type"] == "probe" and o["seq"] == 0)
assert seq0 == ["n-one", "n-two"], seq0
'
if command -v curl >/dev/null; then
  bg --listen 127.0.0.1:9862 -q -p 100 --deadline 20 n-one n-two s-one
  for _ in $(seq 100); do
    OUT=$(lab_exec curl -s --max-time 5 http://127.0.0.1:9862/metrics) || OUT=
    grep -q '^aping_up{target="s-one"' <<<"$OUT" && break
    sleep 0.1
  done
  what="--listen: an aping_up series for each name"
  expect test "$(grep '^aping_up{' <<<"$OUT" | tr '\n' ' ')" = \
    'aping_up{target="n-one",address="198.18.1.20"} 1 aping_up{target="n-two",address="198.18.1.20"} 1 aping_up{target="s-one",address="198.18.2.20"} 0 '
  kill -TERM "$BG"
  bg_wait
else
  tap_skip "--listen: an aping_up series for each name" "no curl"
fi

state=$tmp/state
scan --state "$state" "${names[@]}"
what="--state, run 1: every name new, exit 5"
expect test "$(grep -c '(new)$' <<<"$OUT")/$RC" = 7/5
what="--state: one entry per name"
expect test "$(sed '1d;$d' "$state" | sort | tr '\n' ';')" = \
  "alive n-five;alive n-four;alive n-one;alive n-three;alive n-two;unreachable s-one;unreachable s-two;"
cp "$state" "$tmp/state.1"
for run in 2 3 4; do
  scan --state "$state" s-one n-four "${names[@]}" s-two
  what="--state, run $run (names in another order): nothing changed, exit 0"
  expect test -z "$OUT" -a "$RC" -eq 0
  what="--state, run $run: the same entries"
  expect test "$(sed '1d;$d' "$state" | sort)" = \
    "$(sed '1d;$d' "$tmp/state.1" | sort)"
done

# ---- a name that fails to resolve keeps its --state history

cp "$tmp/hosts.lab" "$hosts"
printf '%s\n' '198.18.1.30 g-up' '198.18.2.30 g-down' '198.18.1.31 g-all' \
  '198.18.1.32 g-all' '198.18.1.33 g-stay' >>"$hosts"
rm -f "$state"
scan --state "$state" --all-addresses g-all g-stay
scan --state "$state" g-all g-up g-down g-stay
scan --state "$state" --all-addresses g-all g-up g-down g-stay
cp "$state" "$tmp/state.2"
what="(the history: g-up, g-down, g-stay and g-all's two addresses)"
expect test "$(sed '1d;$d' "$state" | wc -l)" -eq 5
# Every name but g-stay gone from the hosts file: the others fail.
cp "$tmp/hosts.lab" "$hosts"
echo '198.18.1.33 g-stay' >>"$hosts"
scan --state "$state" --all-addresses g-all g-up g-down g-stay
what="names fail: reported, nothing changed, exit 2"
expect test -z "$OUT" -a "$RC" -eq 2
expect test "$(grep -c 'name not known' <<<"$ERR")" -eq 3
what="... and the failed names keep their entries, each once"
expect test "$(sed '1d;$d' "$state" | sort)" = \
  "$(sed '1d;$d' "$tmp/state.2" | sort)"
scan --state "$state" --all-addresses g-up g-down g-up g-all g-stay g-all
what="names given twice fail twice: kept once, the file still loads"
expect test "$RC" -eq 2 -a "$(sed '1d;$d' "$state" | sort)" = \
  "$(sed '1d;$d' "$tmp/state.2" | sort)"
# Back in the hosts file: their old status, not "(new)".
cp "$tmp/hosts.lab" "$hosts"
printf '%s\n' '198.18.1.30 g-up' '198.18.2.30 g-down' '198.18.1.31 g-all' \
  '198.18.1.32 g-all' '198.18.1.33 g-stay' >>"$hosts"
scan --state "$state" --all-addresses g-all g-up g-down g-stay
what="resolved again: unchanged, nothing listed, exit 0"
expect test -z "$OUT" -a "$RC" -eq 0
cp "$tmp/hosts.lab" "$hosts"

tap_done
