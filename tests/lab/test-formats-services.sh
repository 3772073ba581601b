#!/bin/bash
# tests/lab/test-formats-services.sh - output formats and unattended runs
# together with service checks (--tcp, --telnet, -m none) and -c N, in the
# network-namespace lab: -c statistics in JSON and CSV, --state around the
# text lines of checks and statistics, progress over combined results, and
# runs with service checks stopped by SIGINT or --deadline, whose targets
# without every result are listed as unfinished.
#
# Every scan runs through lab_exec (ip netns exec into the lab's scanner
# namespace), which refuses to run if the lab is not there.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
lab_services_up

# ---- -c N in the machine-readable formats

scan -c 3 -t 200 --format json "$LAB_UP4" "$LAB_SILENT4" "$LAB_DUP4"
what="-c 3 --format json: each record carries sent, received, loss and RTTs"
py '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert [o["type"] for o in objs] == ["target"] * 3 + ["summary"], objs
t = {o["address"]: o for o in objs[:-1]}
for a in ("198.18.1.5", "198.18.3.4"):
    st = t[a]["stats"]
    assert (st["sent"], st["received"], st["loss_pct"]) == (3, 3, 0.0), st
    assert 0 < st["rtt_min_ms"] <= st["rtt_avg_ms"] <= st["rtt_max_ms"], st
    assert t[a]["verdict"] == "alive" and t[a]["ok"] is True
st = t["198.18.2.7"]["stats"]
assert (st["sent"], st["received"], st["loss_pct"]) == (3, 0, 100.0), st
assert st["rtt_min_ms"] is None and st["rtt_avg_ms"] is None, st
assert st["rtt_max_ms"] is None and t["198.18.2.7"]["ok"] is False
assert objs[-1]["alive"] == 2 and objs[-1]["unreachable"] == 1
'
what="-c 3 --format json: exit 1 (one target lost every probe)"
expect test "$RC" -eq 1

scan -c 3 -t 200 --format csv "$LAB_UP4" "$LAB_SILENT4"
what="-c 3 --format csv: the sent, received and RTT columns are filled"
py '
import csv, io, sys
rows = list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))
head = rows[0]
d = {r[0]: dict(zip(head, r)) for r in rows[1:]}
up, silent = d["198.18.1.5"], d["198.18.2.7"]
assert (up["sent"], up["received"]) == ("3", "3"), up
mn, av, mx = (float(up[k]) for k in ("rtt_min_ms", "rtt_avg_ms",
                                     "rtt_max_ms"))
assert 0 < mn <= av <= mx, up
assert (silent["sent"], silent["received"]) == ("3", "0"), silent
assert silent["rtt_min_ms"] == silent["rtt_max_ms"] == "", silent
'

scan -c 2 --state "$tmp/c.state" "$LAB_UP4"
what="-c 2 --state: the statistics line, then '(new)', exit 5"
expect grep -qxE '198\.18\.1\.5 : xmt/rcv/%loss = 2/2/0%, min/avg/max = [0-9.]+/[0-9.]+/[0-9.]+ \(new\)' <<<"$OUT"
expect test "$RC" -eq 5

# ---- service checks in every format

scan -t 200 -r 0 --tcp 22,80 --banner --format json "$LAB_UP4" "$LAB_SILENT4"
what="--tcp --format json: the checks of each target, banners as strings"
py '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
t = {o["address"]: o for o in objs[:-1]}
up = t["198.18.1.5"]
assert up["verdict"] == "alive" and up["ok"] is False and \
    up["status"] == "failed", up
assert [(c["port"], c["state"], c["pass"]) for c in up["checks"]] == \
    [(22, "open", True), (80, "closed", False)], up["checks"]
assert up["checks"][0]["banner"] == "SSH-2.0-OpenSSH_9.2p1 lab"
s = t["198.18.2.7"]
assert [c["state"] for c in s["checks"]] == ["filtered", "filtered"], s
assert objs[-1]["ok"] == 0 and objs[-1]["targets"] == 2
'

scan -m none --tcp 22 --format csv "$LAB_UP4"
what="-m none --format csv: verdict not-pinged, status ok, the checks"
py '
import csv, io, json, sys
rows = list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))
r = dict(zip(rows[0], rows[1]))
assert (r["verdict"], r["status"], r["ok"]) == ("not-pinged", "ok", "1"), r
assert json.loads(r["checks"])[0]["state"] == "open", r
'

scan -m none --tcp 22 --format prom "$LAB_UP4"
what="-m none --format prom: aping_service_up for the port"
expect grep -qx 'aping_service_up{target="198.18.1.5",address="198.18.1.5",port="22",service="tcp"} 1' <<<"$OUT"

scan -m none --tcp 22,80 --format nagios "$LAB_UP4" 198.18.1.6
what="-m none --format nagios: a closed port fails the target (it is not 'unreachable'): CRITICAL, exit 2"
expect grep -qE "^APING CRITICAL - 2/2 failed: .* \| 'alive'=0;;;0;2 'ok'=0;;;0;2 " <<<"$OUT"
expect test "$RC" -eq 2

state=$tmp/svc.state
scan --state "$state" --tcp 22 "$LAB_UP4"
what="--state with checks: the checks line, then '(new)'"
expect grep -qxE '198\.18\.1\.5 is alive \([0-9.]+ ms\); 22/tcp open \(new\)' <<<"$OUT"
scan --state "$state" --tcp 22,80 "$LAB_UP4"
what="--state with checks: a port that fails turns alive into failed"
expect grep -qxE '198\.18\.1\.5 is alive \([0-9.]+ ms\); 22/tcp open; 80/tcp closed \(was alive\)' <<<"$OUT"
expect test "$RC" -eq 5

scan -m none -s -t 200 -r 0 -o "$tmp/svc.txt" --tcp 22 198.18.1.1-2 \
  198.18.2.1-2
OUT=$(cat "$tmp/svc.txt")
what="-m none -o FILE: the up and down lines go to the file"
expect test "$(grep -c ' is up; 22/tcp open$' <<<"$OUT")/$(grep -c ' is down; 22/tcp filtered$' <<<"$OUT")" = 2/2
what="... and -s counts them: not pinged, ok, not ok"
expect grep -qE '^ +4 not pinged$' <<<"$ERR"
expect grep -qE '^ +2 ok$' <<<"$ERR"
expect grep -qE '^ +2 not ok$' <<<"$ERR"

scan -x 2 -m none -t 200 -r 0 --tcp 22 198.18.1.1-2 198.18.2.1-2
what="-x 2 with checks: 2 targets OK over their checks, exit 0"
expect test "$RC" -eq 0

# ---- progress over the combined results

scan --progress always -m none -t 1500 -r 0 --tcp 22 198.18.1.1-2 \
  198.18.2.1-2
what="--progress with checks: counts targets whose checks are all in"
expect grep -qaE $'\raping: 2/4 done \\(50\\.0%\\)' <<<"$ERR"

# ---- runs with service checks, stopped

bg -t 30000 -r 0 --tcp 22 --format json -o "$tmp/svc.json" -s \
  198.18.1.1-4 198.18.2.1-4
sleep 1.5
kill -INT "$BG"
bg_wait
what="SIGINT with checks: exits 130 at once, not after the 30 s timeout"
expect test "$RC" -eq 130 -a "$MS" -lt 5000
OUT=$(cat "$tmp/svc.json")
what="SIGINT with checks: every finished target, the rest unfinished"
py '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
t, s = objs[:-1], objs[-1]
assert len(t) == 8 and len({o["address"] for o in t}) == 8, t
done = sorted(o["address"] for o in t if o["verdict"] == "alive")
assert done == ["198.18.1.%d" % i for i in range(1, 5)], done
assert all(o["checks"][0]["state"] == "open" for o in t
           if o["verdict"] == "alive")
un = [o for o in t if o["verdict"] == "unfinished"]
assert sorted(o["address"] for o in un) == \
    ["198.18.2.%d" % i for i in range(1, 5)], un
assert all(o["ok"] is False and "checks" not in o for o in un), un
assert s["stopped"] == "SIGINT", s
assert (s["targets"], s["alive"], s["unfinished"]) == (8, 4, 4), s
'
what="SIGINT with checks: -s counts the unfinished targets"
expect grep -qE '^ +4 unfinished$' <<<"$ERR"

# Each target's ping is answered at once, but a mute port keeps its
# banner check open: with its ping in and its check not, it is unfinished.
bg -t 30000 -r 0 --tcp 7004 --banner 198.18.1.1-3
sleep 1
kill -INT "$BG"
bg_wait
what="SIGINT with the ping in and a check not: 'is unfinished', exit 130"
expect test "$RC" -eq 130 -a "$(grep -c ' is unfinished$' <<<"$OUT")" -eq 3
expect test -z "$(grep ' is alive' <<<"$OUT")"

scan -m none -t 30000 -r 0 --deadline 1.5 -s --tcp 22 198.18.1.1-2 \
  198.18.2.1-2
what="--deadline with checks: stops at the deadline, exit 7"
expect test "$RC" -eq 7 -a "$MS" -lt 5000 -a "$MS" -ge 1400
what="--deadline with checks: finished targets, then the unfinished ones"
expect test "$(grep -c ' is up; 22/tcp open$' <<<"$OUT")/$(grep -c ' is unfinished$' <<<"$OUT")" = 2/2
expect grep -qE '^ +2 unfinished$' <<<"$ERR"

scan -m none -t 30000 -r 0 --deadline 1.5 --format nagios --tcp 22 \
  198.18.1.1-2 198.18.2.1-2
what="--deadline with checks, nagios: UNKNOWN, 2 unfinished, exit 3"
expect grep -qE '^APING UNKNOWN - 2/4 ok, 2 unfinished \(deadline\)' <<<"$OUT"
expect test "$RC" -eq 3

tap_done
