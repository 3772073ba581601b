#!/bin/bash
# tests/lab/test-monitor.sh - continuous monitoring in the lab: -l lines
# per reply, timeout and error, -D, -Q, JSON and CSV records, the end by
# SIGINT and --deadline with each target's totals, late and duplicate
# replies that never count, and service checks every period.
#
# Every run goes through lab_exec (ip netns exec into the lab's scanner
# namespace), which refuses to run if the lab is not there.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
lab_services_up >/dev/null

UP=198.18.1.5 SILENT=198.18.2.7 UNREACH=$LAB_UNREACH4

# ---- text, a line per probe

scan -l -p 200 --deadline 1.1 $UP $SILENT $UNREACH 2001:db8:1::5
what="-l: a line per reply, with its sequence number and running figures"
expect grep -qE "^$UP : \[0\], [0-9]+\.[0-9]{3} ms \([0-9.]+ avg, 0% loss\)$" \
  <<<"$OUT"
what="-l: replies from IPv6 targets too"
expect grep -qE '^2001:db8:1::5 : \[3\], [0-9.]+ ms ' <<<"$OUT"
what="-l: a line per timeout, NaN average while nothing answered"
expect grep -qx "$SILENT : \[1\], timed out (NaN avg, 100% loss)" <<<"$OUT"
what="-l: an ICMP error with who sent it"
expect grep -qE "^$UNREACH : \[0\], host unreachable from 198\.18\.0\.2 " \
  <<<"$OUT"
what="-l: about one probe per target per period (1.1 s at 200 ms: 5 or 6)"
expect test "$(grep -c "^$UP : \[" <<<"$OUT")" -ge 5 -a \
  "$(grep -c "^$UP : \[" <<<"$OUT")" -le 6
what="-l --deadline: each target's totals at the end, as -c prints them"
expect grep -qE "^$UP : xmt/rcv/%loss = [56]/[56]/0%, min/avg/max = " <<<"$OUT"
expect grep -qE "^$SILENT : xmt/rcv/%loss = [45]/0/100%$" <<<"$OUT"
what="-l: the end is the normal one; a target that never answered: exit 1"
expect test "$RC" -eq 1

scan -l -D -p 200 --deadline 0.5 $UP
what="-D: each line begins with the Unix time, as fping writes it"
expect grep -qE "^\[1[0-9]{9}\.[0-9]{5}\] $UP : \[0\], " <<<"$OUT"
what="-l: every target answered: exit 0"
expect test "$RC" -eq 0

# SIGINT: the totals, files written whole, exit 0 (all answered).
bg -l -p 100 -o "$LAB_DIR/loop.txt" $UP 198.18.1.6
sleep 1
kill -INT "$BG"
bg_wait
OUT=$(cat "$LAB_DIR/loop.txt")
what="SIGINT: -o written whole, the probes then the totals, exit 0"
expect test "$RC" -eq 0
expect grep -qE "^198\.18\.1\.6 : xmt/rcv/%loss = ([0-9]+)/\1/0%" <<<"$OUT"
expect test "$(tail -n 2 <<<"$OUT" | grep -c xmt/rcv)" -eq 2

# As nobody with no ICMP socket at all, -l cannot fall back to ping(8).
cp "$APING" "$tmp/aping"
chmod 755 "$tmp/aping"
OUT=$(lab_exec_nobody_nodgram "$tmp/aping" -l --deadline 2 $UP 2>&1) &&
  RC=0 || RC=$?
what="-l with no ICMP socket: says one is needed, exit 4, before probing"
expect test "$RC" -eq 4
expect grep -q '^aping: -l needs an ICMP socket, and there is none: ' \
  <<<"$OUT"
expect test "$(grep -c ' : \[' <<<"$OUT")" -eq 0

# ---- replies that must not count

# 198.18.3.2 answers after 1200 ms: always after the 400 ms timeout.
scan -l -p 500 -t 400 --deadline 3.2 $LAB_SLOWER4
what="a reply after the timeout never counts: every probe timed out"
expect test "$(grep -c 'timed out' <<<"$OUT")" -ge 5 -a \
  "$(grep -c ' ms (' <<<"$OUT")" -eq 0
# 198.18.3.4 sends every reply twice.
scan -l -p 100 --deadline 1.05 198.18.3.4
what="a duplicate reply never counts: one line per sequence number"
expect test "$(grep -E '^198\.18\.3\.4 : \[' <<<"$OUT" | cut -d' ' -f3 |
  sort | uniq -d | wc -l)" -eq 0
expect grep -qE '^198\.18\.3\.4 : xmt/rcv/%loss = ([0-9]+)/\1/0%' <<<"$OUT"

# ---- loss and delay on a lossy network

# 64 hosts that answer after 20 ms and drop a tenth of the requests and a
# tenth of the replies, each flow in a known pattern (lab.sh): 10 probes a
# second each for 9 s, over 5000 probes in all.
scan -l --format json -p 100 -t 90 --deadline 9 $LAB_LOSSY_HOSTS
what="a lossy network: over 5000 probes, the loss within 1.5 points of the true rate, the mean RTT within 0.5 ms of the delay"
expected=0
for n in $(printf '%s\n' "$OUT" | "$LAB_PYTHON" -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o["type"] == "target":
        print(o["stats"]["sent"])'); do
  expected=$((expected + $(lab_lossy_lost "$n")))
done
py '
import json, sys
expected, delay = int(sys.argv[1]), float(sys.argv[2])
t = [o for o in map(json.loads, sys.stdin) if o["type"] == "target"]
assert len(t) == 64, len(t)
sent = sum(o["stats"]["sent"] for o in t)
got = sum(o["stats"]["received"] for o in t)
rtt = sum(o["stats"]["rtt_avg_ms"] * o["stats"]["received"] for o in t) / got
loss, true = 100.0 * (sent - got) / sent, 100.0 * expected / sent
print("# %d probes, loss %.2f %% (true %.2f %%), mean RTT %.3f ms" %
      (sent, loss, true, rtt))
assert sent >= 5000, sent
assert abs(loss - true) <= 1.5, (loss, true)
assert abs(rtt - delay) <= 0.5, rtt
' "$expected" "$LAB_LOSSY_DELAY_MS"

# ---- -Q

scan -Q 1 -p 100 --deadline 2.4 $UP $SILENT
what="-Q: per interval a time line, then each target's statistics"
expect test "$(grep -cE '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' <<<"$OUT")" -eq 2
expect grep -qE "^$UP : xmt/rcv/%loss = (9|10|11)/(9|10|11)/0%, min/avg/max = [0-9.]+/[0-9.]+/[0-9.]+, outage\(ms\) = 0$" \
  <<<"$OUT"
what="-Q: outage = lost probes x period"
expect grep -qE "^$SILENT : xmt/rcv/%loss = (9|10|11)/0/100%, outage\(ms\) = (900|1000|1100)$" \
  <<<"$OUT"
what="-Q: no line per probe"
expect test "$(grep -c '\], ' <<<"$OUT")" -eq 0

# ---- JSON and CSV

scan -l --format json -p 200 --deadline 0.9 $UP $SILENT lab-host
what="json -l: probe records, then target records with stats, and the summary"
py '
import json, re, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
types = [o["type"] for o in objs]
n = types.index("target")
assert set(types[:n]) == {"probe"} and types[-1] == "summary", types
ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
for o in objs[:n]:
    assert ts.match(o["ts"]), o
    assert o["result"] in ("reply", "timeout"), o
    assert (o["rtt_ms"] is None) == (o["result"] == "timeout"), o
up = [o for o in objs[:n] if o["address"] == "198.18.1.5"]
assert [o["seq"] for o in up] == list(range(len(up))), up
assert all(o.get("name") == "lab-host" for o in up), up
t = {o["address"]: o for o in objs if o["type"] == "target"}
assert t["198.18.2.7"]["stats"]["received"] == 0
assert t["198.18.1.5"]["stats"]["loss_pct"] == 0.0
'

scan -Q 1 --format json -p 200 --deadline 1.2 $UP
what="json -Q: an interval record per target per interval"
py '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
iv = [o for o in objs if o["type"] == "interval"]
assert len(iv) == 1, objs
o = iv[0]
assert o["address"] == "198.18.1.5" and o["sent"] == o["received"] >= 4, o
assert o["loss_pct"] == 0.0 and o["outage_ms"] == 0 and o["rtt_avg_ms"] > 0
'

scan -l --format csv -p 200 --deadline 0.7 $UP $SILENT
what="csv -l: one header, rows of the same width, probes then totals"
py '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert rows and all(None not in r and len(r) == 23 for r in rows), rows
types = [r["type"] for r in rows]
assert set(types) == {"probe", "total"} and types[-1] == "total", types
tot = {r["address"]: r for r in rows if r["type"] == "total"}
assert tot["198.18.2.7"]["received"] == "0" and tot["198.18.2.7"]["loss_pct"] == "100.0"
assert float(tot["198.18.1.5"]["rtt_avg_ms"]) > 0
'

# ---- service checks every period

scan -l -p 250 --tcp "$LAB_PORT_SSH,$LAB_PORT_CLOSED" --banner --deadline 0.8 $UP
what="--tcp with -l: each check every period, with its connect time"
expect test "$(grep -cE "^$UP : \[[0-9]\], 22/tcp open [0-9.]+ ms \"SSH-2\.0-" \
  <<<"$OUT")" -ge 3
expect test "$(grep -cE "^$UP : \[[0-9]\], 80/tcp closed$" <<<"$OUT")" -ge 3
scan -l -m none -p 250 --tcp "$LAB_PORT_SSH" --deadline 0.8 $UP $SILENT
what="-m none -l: checks only; a target whose check never passed: exit 1"
expect test "$RC" -eq 1 -a "$(grep -c 'ms (' <<<"$OUT")" -eq 0
expect grep -qE "^$SILENT : \[0\], 22/tcp filtered$" <<<"$OUT"

tap_done
