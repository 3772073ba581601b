#!/bin/bash
# tests/lab/test-formats.sh - machine-readable output and unattended runs
# in the network-namespace lab: JSON, CSV, Prometheus and Nagios output
# checked with real parsers, --state across runs with hosts flipping,
# progress and colour on a pseudo-terminal, interrupted runs, --deadline,
# --lock and -x.
#
# Every scan runs through lab_exec (ip netns exec into the lab's scanner
# namespace), which refuses to run if the lab is not there.  Hosts are
# flipped only inside the lab's own NET namespace.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

"$LAB_PYTHON" -c 'import prometheus_client.parser' 2>/dev/null ||
  skip_all "no prometheus_client for $LAB_PYTHON (apt-get install python3-prometheus-client)"
lab_test_up

MIX="198.18.1.5 198.18.1.6 198.18.2.7 $LAB_UNREACH4 $LAB_NAME_UP 2001:db8:1::6
  2001:db8:2::7"

# ---- JSON

scan --format json -t 300 $MIX no-such-host.invalid
what="json: every line parses, one object per target, then the summary"
py '
import json, sys
lines = sys.stdin.read().splitlines()
objs = [json.loads(l) for l in lines]
# lab-host is 198.18.1.5: six targets.
assert [o["type"] for o in objs] == ["target"] * 6 + ["summary"], objs
t = {o["address"]: o for o in objs[:-1]}
assert t["198.18.1.6"]["verdict"] == "alive" and t["198.18.1.6"]["ok"] is True
assert isinstance(t["198.18.1.6"]["rtt_ms"], float)
assert t["198.18.1.5"]["name"] == "lab-host", t["198.18.1.5"]
assert "name" not in t["198.18.1.6"]
assert t["198.18.2.7"]["verdict"] == "unreachable"
assert t["198.18.2.7"]["rtt_ms"] is None and t["198.18.2.7"]["reason"] is None
assert t["198.18.4.9"]["reason"] == "host unreachable"
assert t["198.18.4.9"]["from"] == "198.18.0.2"
assert t["2001:db8:1::6"]["status"] == "alive"
assert t["2001:db8:2::7"]["status"] == "unreachable"
s = objs[-1]
assert (s["targets"], s["ok"], s["alive"], s["unreachable"],
        s["unfinished"], s["unknown_names"]) == (6, 3, 3, 3, 0, 1), s
assert s["stopped"] is None and s["rtt_ms"]["p50"] > 0
'
what="json: the name that did not resolve is on stderr, exit 2"
expect test "$RC" -eq 2 -a "$ERR" = "no-such-host.invalid: name not known"

scan --format json -a 198.18.1.1-3 198.18.2.1-3
what="json -a: only the alive targets' records, and the summary"
py '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert sorted(o["address"] for o in objs[:-1]) == \
    ["198.18.1.1", "198.18.1.2", "198.18.1.3"], objs
assert objs[-1]["targets"] == 6 and objs[-1]["unreachable"] == 3
'

# ---- CSV

scan --format csv -t 300 $MIX
what="csv: a header and one row per target, as python's csv reads them"
py '
import csv, io, sys
rows = list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))
head = rows[0]
assert head[:5] == ["address", "name", "status", "verdict", "ok"], head
assert all(len(r) == len(head) for r in rows), rows
d = {r[0]: dict(zip(head, r)) for r in rows[1:]}
assert len(d) == 6, d
assert d["198.18.1.5"]["name"] == "lab-host" and d["198.18.1.5"]["ok"] == "1"
assert float(d["198.18.1.5"]["rtt_ms"]) > 0
assert d["198.18.4.9"]["reason"] == "host unreachable"
assert d["198.18.4.9"]["from"] == "198.18.0.2"
assert d["2001:db8:2::7"]["verdict"] == "unreachable"
'
what="csv: rows end in CRLF (RFC 4180)"
expect test "$(printf '%s\n' "$OUT" | grep -c $'\r$')" -eq 7

# ---- Prometheus

out=$tmp/aping.prom
scan --format prom -o "$out" -t 300 $MIX
OUT=$(cat "$out")
what="prom: -o writes nothing on stdout and leaves no temporary file"
expect test -z "$(lab_exec "$APING" --format prom -o "$out" -q 198.18.1.1)" -a \
  "$(find "$tmp" -name '.aping.prom.*' | wc -l)" -eq 0
what="prom: the file is readable by node_exporter (mode 0644 under umask 022)"
expect test "$(umask 022; lab_exec "$APING" --format prom -o "$tmp/m.prom" \
  198.18.1.1 && stat -c %a "$tmp/m.prom")" = 644
what="prom: the text format parser reads every family and sample"
py '
import sys
from prometheus_client.parser import text_string_to_metric_families
text = sys.stdin.read()
fams = {f.name: f for f in text_string_to_metric_families(text)}
for n in ("aping_up", "aping_rtt_seconds", "aping_targets",
          "aping_targets_ok", "aping_probe_duration_seconds"):
    assert n in fams and fams[n].type == "gauge" and fams[n].documentation, n
up = {s.labels["address"]: s for s in fams["aping_up"].samples}
assert len(up) == 6, up
assert up["198.18.1.5"].labels["target"] == "lab-host"
assert up["198.18.1.5"].value == 1 and up["198.18.2.7"].value == 0
assert up["2001:db8:1::6"].value == 1
rtt = {s.labels["address"]: s.value for s in fams["aping_rtt_seconds"].samples}
assert set(rtt) == {"198.18.1.5", "198.18.1.6", "2001:db8:1::6"}, rtt
assert all(0 < v < 1 for v in rtt.values())
by = {s.labels["verdict"]: s.value for s in fams["aping_targets"].samples}
assert by["alive"] == 3 and by["unreachable"] == 3 and by["unfinished"] == 0
assert fams["aping_targets_ok"].samples[0].value == 3
assert all(s.timestamp is None for f in fams.values() for s in f.samples)
# Every family has one HELP and one TYPE line, before its samples.
seen = []
for line in text.splitlines():
    if line.startswith("# TYPE "):
        seen.append(line.split()[2])
    elif not line.startswith("#"):
        assert line.startswith(seen[-1]), line
assert len(seen) == len(set(seen)), seen
'
if lab_exec sh -c 'command -v promtool' >/dev/null 2>&1; then
  what="prom: promtool check metrics finds nothing to say"
  expect sh -c 'printf "%s\n" "$1" | ip netns exec "$LAB_SCAN" \
    promtool check metrics' sh "$OUT"
else
  tap_skip "prom: promtool check metrics" \
    "promtool is not installed (make deps installs prometheus)"
fi

# ---- Nagios

# plugin_line: the output is one status line that the monitoring-plugin
# guidelines accept, with the status word given, and the exit status that
# word means.
plugin_line() {
  local word=$1 status=$2
  what="nagios: $3"
  py '
import re, sys
word, status, rc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines = sys.stdin.read().splitlines()
assert len(lines) == 1, lines
m = re.fullmatch(r"APING (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+) \| (.*)",
                 lines[0])
assert m, lines[0]
assert m.group(1) == word, (m.group(1), word)
assert rc == status == ["OK", "WARNING", "CRITICAL", "UNKNOWN"].index(word)
perf = re.fullmatch(
    r"(?:\x27[^\x27=]+\x27=-?[0-9.]+(?:s|%|B|c)?(?:;[0-9.]*){0,4}(?: |$))+",
    m.group(3))
assert perf, m.group(3)
' "$word" "$status" "$RC"
}

scan --format nagios 198.18.1.0/28
plugin_line OK 0 "all alive: OK, exit 0"
what="nagios: OK line counts the alive targets, perfdata has rta in seconds"
expect grep -qE "^APING OK - 14/14 alive \| 'alive'=14;;;0;14 .*'rta'=0\.[0-9]+s;;;0" <<<"$OUT"

scan --format nagios 198.18.1.1-4 198.18.2.1-2
plugin_line CRITICAL 2 "a failure with no thresholds: CRITICAL, exit 2"
what="nagios: the CRITICAL line names the unreachable targets"
expect grep -qE '^APING CRITICAL - 2/6 unreachable: 198\.18\.2\.[12], 198\.18\.2\.[12] \|' <<<"$OUT"

scan --format nagios --warn 1 --crit 50% 198.18.1.1-4 198.18.2.1-2
plugin_line WARNING 1 "2 of 6 failed, --warn 1 --crit 50%: WARNING, exit 1"
what="nagios: perfdata carries the thresholds, each on its own kind"
expect grep -qF "'failed'=2;1;;0;6 'failed_pct'=33.3%;;50;0;100" <<<"$OUT"

scan --format nagios --warn 10% --crit 30% 198.18.1.1-4 198.18.2.1-2
plugin_line CRITICAL 2 "33% failed, --crit 30%: CRITICAL, exit 2"

scan --format nagios --warn 5 198.18.1.1-4 198.18.2.1-2
plugin_line OK 0 "2 failed under --warn 5 (and no --crit): OK, exit 0"

scan --format nagios -t 30000 --deadline 1 198.18.1.1-2 198.18.2.1-2
plugin_line UNKNOWN 3 "--deadline with targets unfinished: UNKNOWN, exit 3"
what="nagios: the UNKNOWN line says what is unfinished and why"
expect grep -qE '^APING UNKNOWN - 2/4 alive, 2 unfinished \(deadline\)' <<<"$OUT"

# ---- --state across runs, a host flipping in between

state=$tmp/state
scan --state "$state" 198.18.1.77 198.18.1.78 198.18.2.7
what="state, run 1: every target is new, listed, exit 5"
expect test "$RC" -eq 5 -a "$(printf '%s\n' "$OUT" | grep -c '(new)$')" -eq 3
what="state, run 1: the file is the versioned format, one line per target"
expect test "$(head -1 "$state")/$(tail -1 "$state")/$(wc -l <"$state")" = \
  "aping-state 1/end 3/5"

scan --state "$state" 198.18.1.77 198.18.1.78 198.18.2.7
what="state, run 2: nothing changed, nothing printed, exit 0"
expect test "$RC" -eq 0 -a -z "$OUT"

ip netns exec "$LAB_NET" ip route add blackhole 198.18.1.77/32
scan --state "$state" --format json 198.18.1.77 198.18.1.78 198.18.2.7
what="state, run 3 (198.18.1.77 silenced): only it is listed, was alive"
py '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert len(objs) == 2, objs
assert objs[0]["address"] == "198.18.1.77", objs[0]
assert objs[0]["status"] == "unreachable" and objs[0]["previous"] == "alive"
assert objs[1]["type"] == "summary" and objs[1]["changed"] == 1
assert objs[1]["targets"] == 3
'
what="state, run 3: exit 5"
expect test "$RC" -eq 5
ip netns exec "$LAB_NET" ip route del blackhole 198.18.1.77/32

scan --state "$state" 198.18.1.77 198.18.1.78 198.18.2.7
what="state, run 4 (198.18.1.77 back): listed as alive, was unreachable"
expect grep -qxE '198\.18\.1\.77 is alive \([0-9.]+ ms\) \(was unreachable\)' <<<"$OUT"
expect test "$RC" -eq 5 -a "$(printf '%s\n' "$OUT" | wc -l)" -eq 1

# A Prometheus file holds every target, changed or not: a down host's
# series must stay 0 for its alert to keep firing.  Twice: the second run
# changes nothing either, through -o as node_exporter reads it.
for run in 1 2; do
  scan --state "$state" --format prom -o "$tmp/state.prom" \
    198.18.1.77 198.18.1.78 198.18.2.7
  OUT=$(cat "$tmp/state.prom")
  what="state with prom, run $run: nothing changed, exit 0, changed 0"
  expect test "$RC" -eq 0
  expect grep -qx 'aping_targets_changed 0' <<<"$OUT"
  what="state with prom, run $run: every target's aping_up, the silent one 0"
  expect test "$(grep -c '^aping_up{' <<<"$OUT")" -eq 3
  expect grep -qx 'aping_up{target="198.18.2.7",address="198.18.2.7"} 0' \
    <<<"$OUT"
  expect grep -qx 'aping_up{target="198.18.1.77",address="198.18.1.77"} 1' \
    <<<"$OUT"
done

printf 'aping-state 1\nalive 198.18.1.77\n' >"$state"
scan --state "$state" 198.18.1.77
what="state: a corrupt file is reported, not trusted, not replaced (exit 3)"
expect test "$RC" -eq 3 -a -z "$OUT"
expect grep -q "cannot use state file '$state': truncated" <<<"$ERR"
expect test "$(cat "$state")" = $'aping-state 1\nalive 198.18.1.77'

# ---- a pseudo-terminal: progress and colour

# tty ARGS...: aping ARGS with stdout and stderr on a pseudo-terminal
# (script(1), itself run inside the lab); the terminal's bytes in OUT.
tty() {
  local cmd
  cmd=$(printf '%q ' "$APING" "$@")
  OUT=$(lab_exec script -qfec "$cmd" /dev/null </dev/null) && RC=0 || RC=$?
  ERR=
}

tty -t 1500 -r 0 198.18.1.1-3 198.18.2.1-3
what="pty: progress is drawn on the terminal (done/total, alive, rate, ETA)"
expect grep -qaE $'\raping: [0-9]+/6 done \\([0-9.]+%\\), [0-9]+ alive, [0-9]+/s, ETA [0-9:-]+\033\\[K' <<<"$OUT"
what="pty: it is redrawn at most about 4 times a second (1.5 s: <= 8)"
expect test "$(grep -ao $'\raping: ' <<<"$OUT" | wc -l)" -le 8
what="pty: alive lines are green, unreachable ones red"
expect grep -qaF $'\033[32m198.18.1.1 is alive' <<<"$OUT"
expect grep -qaF $'\033[31m198.18.2.1 is unreachable\033[0m' <<<"$OUT"
what="pty: the progress line is erased before a verdict line"
expect grep -qaF $'\r\033[K\033[31m198.18.2' <<<"$OUT"

OUT=$(lab_exec env NO_COLOR=1 script -qfec \
  "$(printf '%q ' "$APING" --progress never -t 300 198.18.1.1 198.18.2.1)" \
  /dev/null </dev/null) && RC=0 || RC=$?
what="pty: NO_COLOR turns colour off, --progress never the progress"
expect test -z "$(grep -a $'\033' <<<"$OUT")"
expect grep -qa '198.18.1.1 is alive' <<<"$OUT"

tty --color never -t 300 198.18.1.1
what="pty: --color never turns colour off"
expect test -z "$(grep -a $'\033\\[3' <<<"$OUT")"

OUT=$(lab_exec "$APING" -t 1500 -r 0 198.18.1.1-3 198.18.2.1-3 2>&1 | cat)
what="pipe: no progress and no colour when stderr and stdout are pipes"
expect test -z "$(grep -a -e 'ETA' -e $'\033' <<<"$OUT")"
expect test "$(printf '%s\n' "$OUT" | wc -l)" -eq 6

# ---- interrupted runs

rm -f "$state"
bg -t 30000 -r 0 --format json -o "$tmp/run.json" --state "$state" -s \
  198.18.1.1-10 198.18.2.0/24
sleep 1.5
kill -INT "$BG"
bg_wait
what="SIGINT: exits 130 at once, not after the 30 s timeout"
expect test "$RC" -eq 130 -a "$MS" -lt 5000
OUT=$(cat "$tmp/run.json")
what="SIGINT: -o has every verdict known, the rest unfinished, and a summary"
py '
import json, sys
objs = [json.loads(l) for l in sys.stdin.read().splitlines()]
t, s = objs[:-1], objs[-1]
assert len(t) == 264, len(t)
alive = sorted(o["address"] for o in t if o["verdict"] == "alive")
assert alive == sorted("198.18.1.%d" % i for i in range(1, 11)), alive
un = [o for o in t if o["verdict"] == "unfinished"]
assert len(un) == 254 and all(not o["ok"] for o in un)
assert all(o["address"].startswith("198.18.2.") for o in un)
assert len({o["address"] for o in t}) == 264
assert s["type"] == "summary" and s["stopped"] == "SIGINT"
assert (s["targets"], s["alive"], s["unfinished"]) == (264, 10, 254), s
'
what="SIGINT: the state holds the 10 finished targets, consistently"
expect test "$(head -1 "$state")|$(tail -1 "$state")|$(grep -c '^alive 198\.18\.1\.' "$state")" = \
  "aping-state 1|end 10|10"
what="SIGINT: no temporary files are left"
expect test "$(find "$tmp" -name '.*' -type f | wc -l)" -eq 0
what="SIGINT: -s still prints its summary, with the unfinished count"
expect grep -q '254 unfinished' <<<"$ERR"

bg -t 30000 -r 0 198.18.1.1-2 198.18.2.1-2
sleep 1
kill -TERM "$BG"
bg_wait
what="SIGTERM: exit 143, verdicts and 'is unfinished' lines"
expect test "$RC" -eq 143
expect test "$(grep -c ' is alive ' <<<"$OUT")/$(grep -c ' is unfinished$' <<<"$OUT")" = 2/2

scan -t 30000 -r 0 --deadline 1.5 -s 198.18.1.1-3 198.18.2.1-3
what="--deadline: stops at the deadline, exit 7, unfinished listed"
expect test "$RC" -eq 7 -a "$MS" -lt 5000 -a "$MS" -ge 1400
expect test "$(grep -c ' is unfinished$' <<<"$OUT")" -eq 3
expect grep -q '3 unfinished' <<<"$ERR"

scan --deadline 20 198.18.1.1-3
what="--deadline not reached: a normal run, exit 0"
expect test "$RC" -eq 0 -a "$MS" -lt 5000

# ---- --lock: overlapping runs

bg --lock "$tmp/lock" -t 3000 -r 0 198.18.2.1
sleep 0.5
scan --lock "$tmp/lock" 198.18.1.1
what="--lock: a second run while the first holds the lock exits 6 at once"
expect test "$RC" -eq 6 -a -z "$OUT" -a "$MS" -lt 2000
expect grep -qx "aping: another run holds the lock '$tmp/lock' (exit 6)" <<<"$ERR"
bg_wait
what="--lock: the first run was not disturbed"
expect test "$RC" -eq 1 -a "$OUT" = "198.18.2.1 is unreachable"
scan --lock "$tmp/lock" 198.18.1.1
what="--lock: once it is over, the next run goes ahead"
expect test "$RC" -eq 0

# ---- -x, -e, -s

scan -x 3 198.18.1.1-3 198.18.2.1-2
what="-x 3 with 3 alive of 5: exit 0"
expect test "$RC" -eq 0
scan -x 4 198.18.1.1-3 198.18.2.1-2
what="-x 4 with 3 alive of 5: exit 1"
expect test "$RC" -eq 1

scan -a -e 198.18.1.1-2 198.18.2.1
what="-a -e: alive targets with their round-trip time"
expect test "$(printf '%s\n' "$OUT" | grep -cxE '198\.18\.1\.[12] \([0-9]+\.[0-9]{2} ms\)')" -eq 2

scan -q -s 198.18.1.0/24 "$LAB_SLOW4"
what="-s: percentiles and a histogram of round-trip times"
expect grep -qE '^ +[0-9.]+ ms \(50th percentile round trip time\)$' <<<"$ERR"
expect grep -qE '^ +[0-9.]+ ms \(99th percentile round trip time\)$' <<<"$ERR"
expect grep -qx ' round trip times:' <<<"$ERR"
# The slow host's 300 ms is in the last row, alone.
expect grep -qE '^ +[0-9.]+ - +[0-9.]+ ms \|#+ +\| 1$' <<<"$(tail -1 <<<"$ERR")"

tap_done
