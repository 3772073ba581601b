#!/bin/bash
# tests/lab/test-scan.sh - ICMP sweeps in the network-namespace lab.
#
# Every scan runs through lab_exec (ip netns exec into the lab's scanner
# namespace), which refuses to run if the lab is not there: no packet can
# leave for the host's own network.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up

# 254 answering and 254 silent hosts: -a prints exactly the answering ones.
scan -a 198.18.1.0/24 198.18.2.0/24
want=$(for i in $(seq 1 254); do echo "198.18.1.$i"; done | sort)
what="-a on 254 answering + 254 silent prints exactly the answering ones"
expect test "$(printf '%s\n' "$OUT" | sort)" = "$want"
what="... and exits 1"
expect test "$RC" -eq 1
echo "# mixed /24 pair took $MS ms with default options"

scan 198.18.1.7 198.18.2.7
what="default output: 'ADDR is alive (N ms)' and 'ADDR is unreachable'"
expect grep -qxE '198\.18\.1\.7 is alive \([0-9]+\.[0-9]{2} ms\)' <<<"$OUT"
expect grep -qx '198.18.2.7 is unreachable' <<<"$OUT"

scan -u 198.18.1.7 198.18.2.7 198.18.2.8
what="-u prints only the unreachable addresses"
expect test "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "198.18.2.7 198.18.2.8 "

scan -q 198.18.1.0/28
what="-q prints nothing and exits 0 when all are alive"
expect test -z "$OUT" -a "$RC" -eq 0

scan -s 198.18.1.1-4 198.18.2.1
what="-s prints a summary on stderr"
expect grep -q '5 targets' <<<"$ERR"
expect grep -q '4 alive' <<<"$ERR"
expect grep -q '1 unreachable' <<<"$ERR"
expect grep -q 'elapsed real time' <<<"$ERR"

scan 198.18.1.5 198.18.1.5 198.18.1.0/29 198.18.1.3-6
what="duplicates are probed once and reported once"
expect test "$(printf '%s\n' "$OUT" | sort | cut -d' ' -f1 | tr '\n' ' ')" = \
  "198.18.1.1 198.18.1.2 198.18.1.3 198.18.1.4 198.18.1.5 198.18.1.6 "

# The only wait that could matter is the timeout; every verdict comes
# first, so the run must end long before it.
scan -t 20000 198.18.1.0/28
what="exits as soon as every target has a verdict (not after -t)"
expect test "$RC" -eq 0 -a "$MS" -lt 10000

scan "$LAB_NAME_UP"
what="a host name from the lab's hosts file is probed and shown by name"
expect grep -qE '^lab-host is alive' <<<"$OUT"

scan no-such-host.invalid "$LAB_NAME_UP"
what="an unknown name is reported, the rest goes on, exit 2"
expect grep -qx 'no-such-host.invalid: name not known' <<<"$ERR"
expect grep -qE '^lab-host is alive' <<<"$OUT"
expect test "$RC" -eq 2

scan "$LAB_SLOW4"
what="a host answering after 300 ms is alive with its RTT"
expect grep -qE '^198\.18\.3\.1 is alive \((2[5-9][0-9]|[3-9][0-9][0-9])\.' <<<"$OUT"

scan "$LAB_SLOWER4"
what="a reply to the first probe after 1.2 s still counts before the verdict"
expect grep -q 'is alive' <<<"$OUT"

scan -t 200 -r 0 "$LAB_SLOWER4"
what="... but not once the target's wait (-t 200 -r 0) is over"
expect grep -qx '198.18.3.2 is unreachable' <<<"$OUT"
expect test "$RC" -eq 1

scan "$LAB_DUP4"
what="duplicate replies give one verdict"
expect test "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 -a "$RC" -eq 0

scan -r 1 "$LAB_LOSSY4"
what="a lossy host answers the retry"
expect grep -q 'is alive' <<<"$OUT"

scan "$LAB_UNREACH4"
what="an ICMP error is the reason, with the router that sent it"
expect grep -qx '198.18.4.9 is unreachable (host unreachable from 198.18.0.2)' <<<"$OUT"

scan 2001:db8:1::6 2001:db8:2::7 "$LAB_NAME_UP6"
what="IPv6: answering, silent and named hosts"
expect grep -qE '^2001:db8:1::6 is alive' <<<"$OUT"
expect grep -qx '2001:db8:2::7 is unreachable' <<<"$OUT"
expect grep -qE '^lab-host6 is alive' <<<"$OUT"

printf '# answering\n198.18.1.9\n\n198.18.1.10 198.18.1.11  # two on a line\n' \
  >"$tmp/hosts"
scan -a -f "$tmp/hosts"
what="-f reads targets, skipping comments and blank lines"
expect test "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "198.18.1.10 198.18.1.11 198.18.1.9 "

OUT=$(printf '198.18.1.12\n' | lab_exec "$APING" -a -f -) && RC=0 || RC=$?
what="-f - reads standard input"
expect test "$OUT" = 198.18.1.12

scan -a --exclude 198.18.1.2 --exclude 198.18.1.4-6 198.18.1.0/29
what="exclusions win"
expect test "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "198.18.1.1 198.18.1.3 "

# Unprivileged: no capabilities, uid nobody, the ICMP datagram socket.
cp "$APING" "$tmp/aping"
chmod 755 "$tmp" "$tmp/aping"
OUT=$(lab_exec_nobody "$tmp/aping" -v 198.18.1.5 198.18.2.7 "$LAB_UNREACH4" 2>&1) &&
  RC=0 || RC=$?
what="as nobody without capabilities, the datagram socket is used"
expect grep -q 'ICMP: datagram socket' <<<"$OUT"
expect grep -qE '^198\.18\.1\.5 is alive' <<<"$OUT"
expect grep -qx '198.18.2.7 is unreachable' <<<"$OUT"
what="... and ICMP errors arrive through the error queue"
expect grep -qx '198.18.4.9 is unreachable (host unreachable from 198.18.0.2)' <<<"$OUT"

# (-m auto would fall back to ping(8) here: see test-exec.sh.)
OUT=$(lab_exec_nobody_nodgram "$tmp/aping" -m icmp 198.18.1.5 2>&1) &&
  RC=0 || RC=$?
what="-m icmp with no socket allowed: says what to do, exit 4"
expect test "$RC" -eq 4
expect grep -q 'setcap cap_net_raw+ep' <<<"$OUT"
expect grep -q 'ping_group_range' <<<"$OUT"
expect test "$(printf '%s\n' "$OUT" | wc -l)" -eq 1

OUT=$(lab_exec "$APING" -v 198.18.1.5 2>&1) || true
what="as root, the raw socket is used"
expect grep -q 'ICMP: raw socket' <<<"$OUT"

tap_done
