#!/bin/bash
# tests/lab/test-tcp-ping.sh - --tcp-ping in the lab: a host that drops
# ICMP but accepts or refuses a TCP connection is alive, and the verdict
# says which port showed it; with the ping, either evidence will do.
#
# Every run goes through lab_exec (ip netns exec into the lab's scanner
# namespace), which refuses to run if the lab is not there.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
lab_services_up >/dev/null

# 198.18.3.5: no echo reply, and the kernel refuses TCP (no listener).
# Made to accept on port 2222 here, in its own namespace.
ip netns exec "$LAB_SLOW" "$LAB_PYTHON" -c '
import socket, time
s = socket.socket(); s.bind(("198.18.3.5", 2222)); s.listen(16)
s6 = socket.socket(socket.AF_INET6); s6.bind(("2001:db8:3::5", 2222))
s6.listen(16)
time.sleep(60)' &
listener=$!
trap 'kill $listener 2>/dev/null; rm -rf "$tmp"; lab_down' EXIT
sleep 0.5

scan -t 300 198.18.3.5 2001:db8:3::5
what="without --tcp-ping the ICMP-silent host is unreachable"
expect test "$RC" -eq 1
expect grep -qx '198.18.3.5 is unreachable' <<<"$OUT"

scan -t 300 --tcp-ping 22 198.18.3.5 2001:db8:3::5 198.18.2.7
what="--tcp-ping: a refused connection shows the host alive, and says so"
expect grep -qE '^198\.18\.3\.5 is alive \(22/tcp refused, [0-9.]+ ms\)$' \
  <<<"$OUT"
expect grep -qE '^2001:db8:3::5 is alive \(22/tcp refused, [0-9.]+ ms\)$' \
  <<<"$OUT"
what="--tcp-ping: a host that answers neither stays unreachable, exit 1"
expect grep -qx '198.18.2.7 is unreachable' <<<"$OUT"
expect test "$RC" -eq 1

scan -t 300 -m none --tcp-ping 2222,22 198.18.3.5
what="-m none --tcp-ping: an accepted connection shows it alive, exit 0"
expect grep -qE '^198\.18\.3\.5 is alive \(2222/tcp open, [0-9.]+ ms\)$' \
  <<<"$OUT"
expect test "$RC" -eq 0

scan -t 300 --tcp-ping 22 198.18.1.5
what="with the ping: an echo reply is evidence enough, shown as ever"
expect grep -qE '^198\.18\.1\.5 is alive \([0-9.]+ ms\)$' <<<"$OUT"

scan -t 300 --tcp-ping 22 --tcp 80 198.18.1.5 198.18.3.5
what="--tcp-ping beside --tcp: the discovery port is no service check"
expect grep -qE '^198\.18\.1\.5 is alive \([0-9.]+ ms\); 80/tcp closed$' \
  <<<"$OUT"
expect grep -qE '^198\.18\.3\.5 is alive \(22/tcp refused, [0-9.]+ ms\); 80/tcp closed$' \
  <<<"$OUT"

scan -t 300 --format json --tcp-ping 22 198.18.3.5 198.18.1.5
what="json: the evidence object names the port, its state and round trip"
py '
import json, sys
t = {o["address"]: o for o in map(json.loads, sys.stdin) if o["type"] == "target"}
e = t["198.18.3.5"]["evidence"]
assert e["port"] == 22 and e["state"] == "closed" and e["rtt_ms"] > 0, e
assert t["198.18.3.5"]["verdict"] == "alive" and t["198.18.3.5"]["ok"]
assert "evidence" not in t["198.18.1.5"], t["198.18.1.5"]
'
scan -t 300 --format csv --tcp-ping 22 198.18.3.5
what="csv: the evidence column"
py '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert rows[0]["evidence"] == "22/tcp closed" and rows[0]["verdict"] == "alive", rows
'

tap_done
