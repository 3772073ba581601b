#!/bin/bash
# tests/lab/test-scale.sh - the ICMP engine beyond the basics: -c N
# statistics, shards covering a seeded run exactly once, IPv6 sweeps, and
# forged replies and errors that must never change a verdict.  Every scan
# runs through lab_exec, inside the lab's scanner namespace.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
forger=
trap 'kill "$forger" 2>/dev/null || true; rm -rf "$tmp"; lab_down' EXIT

# -c N: fping -c style statistics per target.
scan -c 3 -t 100 198.18.1.5 198.18.2.7 "$LAB_DUP4" "$LAB_UNREACH4"
what="-c 3: an answering host shows 3/3/0% and min/avg/max"
expect grep -qE '^198\.18\.1\.5 : xmt/rcv/%loss = 3/3/0%, min/avg/max = [0-9.]+/[0-9.]+/[0-9.]+$' <<<"$OUT"
what="-c 3: a silent host shows 3/0/100%"
expect grep -qx '198.18.2.7 : xmt/rcv/%loss = 3/0/100%' <<<"$OUT"
what="-c 3: duplicate replies are not counted twice"
expect grep -qE '^198\.18\.3\.4 : xmt/rcv/%loss = 3/3/0%' <<<"$OUT"
what="-c 3: an ICMP error costs its request only, as fping counts it, and is the reason"
expect grep -qE '^198\.18\.4\.9 : xmt/rcv/%loss = 3/0/100% \(host unreachable from 198\.18\.0\.2\)$' <<<"$OUT"
what="-c 3: exit 1 when some target is unreachable"
expect test "$RC" -eq 1

scan -c 4 -t 100 "$LAB_LOSSY4"
what="-c 4 on a host that drops every other request: 4/2/50%"
expect grep -qE '^198\.18\.3\.3 : xmt/rcv/%loss = 4/2/50%' <<<"$OUT"

# Shards: with one seed, N shards together cover every target once.
: >"$tmp/all"
for i in 1 2 3 4 5; do
  scan -a --seed 7 --shard "$i/5" 198.18.1.0/24
  printf '%s\n' "$OUT" >>"$tmp/all"
  printf '%s\n' "$OUT" | sed '/^$/d' | wc -l >>"$tmp/sizes"
done
want=$(for i in $(seq 1 254); do echo "198.18.1.$i"; done | sort)
what="5 shards of a seeded run cover all 254 targets"
expect test "$(sed '/^$/d' "$tmp/all" | sort -u)" = "$want"
what="... each exactly once"
expect test "$(sed '/^$/d' "$tmp/all" | wc -l)" -eq 254
what="... in slices of 50 or 51"
expect test "$(sort -u "$tmp/sizes" | tr '\n' ' ')" = "50 51 "

: >"$tmp/noseed"
for i in 1 2 3; do
  scan -a --shard "$i/3" 198.18.1.0/26
  printf '%s\n' "$OUT" | sed '/^$/d' >>"$tmp/noseed"
done
what="shards without --seed share one order too: 62 targets, once each"
expect test "$(sort -u "$tmp/noseed" | wc -l)" -eq 62 -a "$(wc -l <"$tmp/noseed")" -eq 62

scan -a 198.18.0.0/23 --exclude 198.18.1.0/24
what="an excluded block loses its network and broadcast addresses too"
expect test "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "198.18.0.1 198.18.0.2 "

scan --order sequential -a -r 0 198.18.1.0/29
what="--order sequential probes in address order"
expect test "$(printf '%s\n' "$OUT" | tr '\n' ' ')" = \
  "198.18.1.1 198.18.1.2 198.18.1.3 198.18.1.4 198.18.1.5 198.18.1.6 "

# IPv6 sweeps: a /120 block that answers, a silent range, -6 and -4.
scan -a 2001:db8:1::/120 2001:db8:2::1-20
what="IPv6 sweep: all 256 of 2001:db8:1::/120 alive, none of the silent range"
expect test "$(printf '%s\n' "$OUT" | grep -c '^2001:db8:1::')" -eq 256 -a \
  "$(printf '%s\n' "$OUT" | grep -c '^2001:db8:2::' || true)" -eq 0 -a "$RC" -eq 1
scan -6 -a 2001:db8:1::10-1f "$LAB_NAME_UP6"
what="-6 with an IPv6 range and name"
expect test "$(printf '%s\n' "$OUT" | wc -l)" -eq 17 -a "$RC" -eq 0
scan -a 198.18.1.1-3 2001:db8:1::1-3
what="mixed IPv4 and IPv6 run"
expect test "$(printf '%s\n' "$OUT" | wc -l)" -eq 6 -a "$RC" -eq 0
scan "$LAB_UNREACH6"
what="IPv6 ICMP errors are attributed to the router"
expect grep -qE '^2001:db8:4::9 is unreachable \(.* from 2001:db8::2\)$' <<<"$OUT"

# Forgeries: a third party that has seen some of our probes forges replies
# from, and errors about, the silent hosts.  Nothing may change.
# Started directly (not through a shell function) so that $! is the
# forger itself: ip netns exec execs it.
ip netns exec "$LAB_NET" "${LAB_PYTHON:-python3}" "$(dirname "$0")/forger.py" \
  to-scan 198.18.2. 198.18.0.2 "$tmp/forged" "$tmp/ready" \
  >"$tmp/forger.log" 2>&1 &
forger=$!
for _ in $(seq 50); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
scan -s -v -r 1 198.18.1.0/24 198.18.2.0/24
kill "$forger"
wait "$forger" 2>/dev/null || true
forger=
forged=$(cat "$tmp/forged" 2>/dev/null || echo 0)
sed 's/^/# forger: /' "$tmp/forger.log"
echo "# the forger sent $forged forged packets"
what="the forger did forge (replies and errors for the silent hosts)"
expect test "$forged" -ge 254
what="forged replies never make a silent host alive"
expect test "$(printf '%s\n' "$OUT" | grep -c '^198\.18\.2\..* is alive' || true)" -eq 0
what="forged errors never become a silent host's reason"
expect test "$(printf '%s\n' "$OUT" | grep -c '^198\.18\.2\.[0-9]* is unreachable$')" -eq 254
what="the answering hosts are all still alive"
expect test "$(printf '%s\n' "$OUT" | grep -c '^198\.18\.1\..* is alive')" -eq 254

# -s -v counters (on stderr after the summary): what the engine accepted
# and rejected, and why.
what="-s -v: replies-valid counts exactly the 254 answering hosts"
expect test "$(counter replies-valid)" -eq 254
what="-s -v: the forgeries are rejected for their MAC"
expect test "$(counter rejected-bad-mac)" -gt 0 -a \
  "$(counter rejected)" -ge "$(counter rejected-bad-mac)"
what="-s -v: 508 probes, then 254 retries of the silent ones"
expect test "$(counter probes-sent)" -eq 762 -a "$(counter retries)" -eq 254
what="-s -v: no ICMP error matched, no send failed"
expect test "$(counter errors-matched)" -eq 0 -a "$(counter backoffs)" -eq 0 \
  -a "$(grep -c '^  send-error' <<<"$ERR" || true)" -eq 0
what="-s -v: the counters come after the summary, in their documented order"
expect test "$(sed -n '/^ counters:$/,$p' <<<"$ERR" | awk 'NR > 1 {print $1}' |
  tr '\n' ' ')" = "probes-sent replies-valid errors-matched rejected \
rejected-late rejected-malformed rejected-checksum rejected-unused-type \
rejected-foreign rejected-truncated rejected-bad-mac rtt-kernel-stamp \
rtt-read-time retries backoffs "
# Another program's ping beside the scan: its replies reach aping's raw
# socket too, and are counted as foreign.
lab_exec ping -c 8 -i 0.25 "$LAB_UP4" >/dev/null 2>&1 &
pinger=$!
scan -s -v -t 2000 -r 0 "$LAB_SILENT4"
wait "$pinger" || true
what="-s -v: another program's echo replies are rejected as foreign"
expect test "$(counter rejected-foreign)" -gt 0 -a \
  "$(counter replies-valid)" -eq 0
scan -s -r 0 "$LAB_UNREACH4" "$LAB_UP4"
what="-s alone: no counters"
expect test "$(grep -c 'counters:\|probes-sent' <<<"$ERR" || true)" -eq 0 -a \
  -n "$ERR"
scan -v -r 0 "$LAB_UNREACH4" "$LAB_UP4"
what="-v alone: no counters"
expect test "$(grep -c 'counters:\|probes-sent' <<<"$ERR" || true)" -eq 0
scan -s -v -r 0 "$LAB_UNREACH4" "$LAB_UP4"
what="-s -v: an ICMP error matched, a reply validated"
expect test "$(counter errors-matched)" -eq 1 -a \
  "$(counter replies-valid)" -eq 1

tap_done
