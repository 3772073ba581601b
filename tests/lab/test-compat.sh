#!/bin/bash
# tests/lab/test-compat.sh - aping in the place of fping and check_icmp, in
# the network-namespace lab: -C's lines against fping -C's and read back as
# SmokePing's FPing probe reads them, fping's long option names, -p with
# -c, an ICMP error costing one request, --rta and --pl against
# check_icmp's verdicts on the same hosts, and --format prom with -c
# through promtool.
#
# fping, check_icmp and promtool run only through lab_exec, inside the
# lab's scanner namespace, like every scan here.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

CHECK_ICMP=${CHECK_ICMP:-/usr/lib/nagios/plugins/check_icmp}
lab_test_up
export ERR # the scripts of py read standard error from the environment

UP=198.18.1.5 UP2=198.18.1.6 SILENT=$LAB_SILENT4 UNREACH=$LAB_UNREACH4
SLOW=$LAB_SLOW4 LOSSY=$LAB_LOSSY4 UP6=2001:db8:1::6

# fping's time format (sprint_tm): 3 significant digits, or whole ms from
# 100 ms up; '-' for a lost request.
FIELD='^(-|0\.[0-9]{3}|[1-9]\.[0-9]{2}|[1-9][0-9]\.[0-9]|[1-9][0-9]{2,5})$'

# ---- -C: fping's lines on standard error, also under -q

scan -C 3 -q -p 500 $UP $SILENT $UNREACH $SLOW $UP6
what="-C -q: nothing on stdout, exit 1 (some unreachable)"
expect test -z "$OUT" -a "$RC" -eq 1
what="-C -q: a line per target on stderr, 'HOST : ' and 3 fields each"
py '
import os, re, sys
field = re.compile(sys.argv[1])
lines = os.environ["ERR"].splitlines()
got = {}
for l in lines:
    host, colon, *fields = l.split(" ")
    assert colon == ":" and len(fields) == 3, l
    assert all(field.match(f) for f in fields), l
    got[host] = fields
assert sorted(got) == sorted(sys.argv[2:]), got
up, silent, unreach, slow, up6 = (got[h] for h in sys.argv[2:])
assert all(f.startswith("0.") for f in up + up6), got
assert silent == unreach == ["-"] * 3, got
assert all(300 <= int(f) < 400 for f in slow), slow
' "$FIELD" $UP $SILENT $UNREACH $SLOW $UP6

# fping itself on the same hosts: the same shape, host for host.
if lab_exec fping -v >/dev/null 2>&1; then
  fout=$(lab_exec fping -C 3 -q -p 500 $UP $SILENT $UNREACH $SLOW $UP6 \
    2>&1 >/dev/null) || true
  what="-C: fping -C on the same hosts has the same lines but the times"
  py '
import os, re, sys
def shape(text):
    out = {}
    for l in text.splitlines():
        host, colon, *f = l.split()
        out[host] = [x == "-" for x in f]
    return out
ours, fpings = shape(os.environ["ERR"]), shape(sys.argv[1])
assert ours == fpings, (ours, fpings)
' "$fout"
else
  tap_skip "-C: fping -C on the same hosts has the same lines" \
    "fping is not installed (make deps installs it)"
fi

# SmokePing's FPing probe: what it runs, and how it reads standard error
# (lib/Smokeping/probes/FPing.pm: the filter, the split, the numbers).
lab_run "$APING" -C 5 -q -B1 -r1 -i10 -p 100 $UP $LOSSY $SILENT
what="SmokePing's command line: its parser gets 5 times for up, none lost"
py '
import os, re
rtts = {}
for line in os.environ["ERR"].splitlines():
    if not re.match(r"^\S+\s+:\s+[-\d\.]", line):
        continue
    times = line.split()
    ip = times.pop(0)
    assert times.pop(0) == ":"
    rtts[ip] = sorted(float(t) / 1000 for t in times if re.match(r"^\d", t))
up, lossy, silent = rtts["198.18.1.5"], rtts["198.18.3.3"], rtts[
    os.environ["LAB_SILENT4"]]
assert len(up) == 5 and all(0 < t < 0.001 for t in up), up
assert len(lossy) in (2, 3), lossy      # every other request lost
assert silent == [], silent
'
what="SmokePing's command line: 5 requests 100 ms apart take 400 ms or more"
expect test "$MS" -ge 400

lab_run "$APING" -C 1 $UP
what="SmokePing's start-up run (-C 1 HOST): the verdict line, then the time"
expect test "$RC" -eq 0 -a -n "$OUT" -a \
  "$(grep -cE "^$UP : 0\.[0-9]{3}\$" <<<"$ERR")" -eq 1

# As nobody with no ICMP socket at all, -C cannot fall back to ping(8),
# which reports no time per request.
chmod 755 "$tmp"
cp "$APING" "$tmp/aping"
chmod 755 "$tmp/aping"
OUT=$(lab_exec_nobody_nodgram "$tmp/aping" -C 3 -q $UP 2>&1) && RC=0 || RC=$?
what="-C with no ICMP socket: says one is needed, exit 4, nothing else"
expect test "$RC" -eq 4 -a "$(wc -l <<<"$OUT")" -eq 1 -a \
  "$(grep -c '^aping: -C needs an ICMP socket, and there is none: ' \
  <<<"$OUT")" -eq 1

scan --format json -C 3 -p 100 $UP $SILENT
what="-C with json: stats.rtts_ms, a time or null per request"
py '
import json, sys
recs = {o["address"]: o for o in map(json.loads, sys.stdin) if
        o["type"] == "target"}
up, silent = recs["198.18.1.5"]["stats"], recs[sys.argv[1]]["stats"]
assert len(up["rtts_ms"]) == 3 and all(t > 0 for t in up["rtts_ms"]), up
assert silent["rtts_ms"] == [None] * 3 and silent["sent"] == 3, silent
' "$SILENT"
what="-C with json: no fping lines on stderr"
expect test -z "$ERR"

# ---- fping's long names, -p with -c, an error costs one request

scan --count 3 --period 300 --timeout 200 --quiet $UP
what="--count 3 --period 300: 3 requests 300 ms apart (600 ms or more)"
expect test "$RC" -eq 0 -a -z "$OUT" -a "$MS" -ge 600
scan --count=3 --alive --elapsed --ipv4 $UP $SILENT
what="fping's long names: --count, --alive, --elapsed, --ipv4"
expect test "$RC" -eq 1 -a "$(printf '%s\n' "$OUT" | grep -cE \
  "^$UP \([0-9.]+ ms\)\$")" -eq 1 -a "$(wc -l <<<"$OUT")" -eq 1

scan -c 3 -p 100 $UNREACH
what="-c 3 to a host unreachable: 3 requests, as fping counts them"
expect test "$OUT" = "$UNREACH : xmt/rcv/%loss = 3/0/100% (host unreachable \
from $LAB_UNREACH_FROM4)"

scan -c 2 -t 200 -p 400 $SLOW
what="-c: a reply after -t is lost (300 ms replies, -t 200)"
expect test "$RC" -eq 1 -a "$OUT" = "$SLOW : xmt/rcv/%loss = 2/0/100%"
scan -c 2 -t 400 $SLOW
what="-c: the same replies count with -t 400"
expect test "$RC" -eq 0 -a "${OUT%%,*}" = "$SLOW : xmt/rcv/%loss = 2/2/0%"

scan -m exec -v -c 3 -p 200 $UP
what="-m exec -c 3 -p 200: ping -i 0.200, and done in under 1.5 s"
expect test "$RC" -eq 0 -a "$MS" -lt 1500 -a \
  "$(grep -c -- '-c 3 -i 0.200 -W 1 -w 2 ADDR' <<<"$ERR")" -eq 1

# ---- --rta and --pl as check_icmp judges

# nagios_line: the output is one status line with check_icmp's text and
# valid perfdata, and the exit status its word means.
nagios_line() {
  what="--rta/--pl: $1"
  py '
import re, sys
word = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
lines = sys.stdin.read().splitlines()
assert len(lines) == 1, lines
m = re.fullmatch(r"APING (\w+) - (.*?) \| (.*)", lines[0])
assert m and word[m.group(1)] == int(sys.argv[1]), (lines, sys.argv[1])
text = re.sub(r"^\d+ critical, \d+ warning, \d+ ok of \d+(: |$)", "",
              m.group(2))
for host in filter(None, text.split(" :: ")):
    assert re.fullmatch(r"\S+: rta (nan|\d+\.\d{3}ms), lost \d+%( \(.*\))?",
                        host), host
# The guidelines: label=value[UOM];[warn];[crit];[min];[max], a label
# with a space quoted, one blank between.
perf = re.compile(r"(\x27[^\x27=]+\x27|[^\x27= ]+)=(U|[\d.]+)(%|s|ms)?"
                  r"(;[\d.]*){0,4}")
rest = m.group(3)
while rest:
    p = perf.match(rest)
    assert p, rest
    rest = rest[p.end():]
    assert rest == "" or rest.startswith(" "), rest
    rest = rest[1:]
' "$RC"
}

scan --format nagios --rta 200,500 --pl 40,80 $UP
nagios_line "one alive host is OK, with unprefixed labels"
what="--rta/--pl: one host's perfdata is check_icmp's rta, pl, rtmax, rtmin"
expect test "$RC" -eq 0 -a "$(grep -oE "'(rta|pl|rtmax|rtmin)'=" <<<"$OUT" |
  tr -d "\n")" = "'rta'='pl'='rtmax'='rtmin'="
scan --format nagios --rta 200,500 --pl 40,80 -p 400 $UP $SLOW $SILENT
nagios_line "the worst target decides: CRITICAL for a silent one"
what="--rta/--pl: each target named, its labels after its name, U if silent"
expect test "$RC" -eq 2 -a \
  "$(grep -c "$SLOW: rta 3[0-9][0-9]\.[0-9]*ms, lost 0%" <<<"$OUT")" -eq 1 -a \
  "$(grep -c "'$SILENT rta'=U;200.000;500.000;0; '$SILENT pl'=100%;40;80;;" \
  <<<"$OUT")" -eq 1
scan --format nagios --rta 200,500 -c 3 -p 400 $UP $SLOW
nagios_line "300 ms round trips are WARNING over 200,500"
expect test "$RC" -eq 1
scan --format nagios --rta 100,250 -c 3 -p 400 $SLOW
nagios_line "and CRITICAL over 100,250"
expect test "$RC" -eq 2
scan --format nagios --pl 40,80 -c 4 -p 100 $LOSSY
nagios_line "half the requests lost is WARNING over 40,80"
expect test "$RC" -eq 1 -a "$(grep -c "lost 50%" <<<"$OUT")" -eq 1
scan --format nagios --rta 200,500 -c 2 -p 100 198.18.1.1-25
nagios_line "25 targets: the counts and the totals' perfdata"
expect test "$RC" -eq 0 -a \
  "$(grep -c "^APING OK - 0 critical, 0 warning, 25 ok of 25 | 'alive'=25;" \
  <<<"$OUT")" -eq 1

# check_icmp itself on the same hosts: the same status, host by host.
if lab_exec test -x "$CHECK_ICMP"; then
  for h in $UP $SLOW $SILENT $UNREACH $LOSSY; do
    lab_run "$CHECK_ICMP" -w 200,40% -c 500,80% -H "$h" || true
    want=$RC
    scan --format nagios --rta 200,500 --pl 40,80 -p 400 "$h"
    what="--rta 200,500 --pl 40,80 on $h: check_icmp's status ($want)"
    expect test "$RC" -eq "$want"
  done
else
  tap_skip "--rta/--pl against check_icmp on the same hosts" \
    "no $CHECK_ICMP (make deps installs monitoring-plugins-basic)"
fi

# ---- --format prom with -c

promcheck() {
  if lab_exec sh -c 'command -v promtool' >/dev/null 2>&1; then
    what="prom: promtool check metrics passes $1"
    expect sh -c 'printf "%s\n" "$OUT" | ip netns exec "$LAB_SCAN" \
      promtool check metrics'
  else
    tap_skip "prom: promtool check metrics $1" \
      "promtool is not installed (make deps installs prometheus)"
  fi
}

scan --format prom -c 4 -p 400 $UP $SILENT $LOSSY $SLOW
promcheck "with -c"
what="prom -c: per-target sent, replies, loss ratio, min <= avg <= max"
py '
import sys, time
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(sys.stdin.read())}
def per(name):
    assert fams[name].type == "gauge", name
    return {s.labels["address"]: s.value for s in fams[name].samples}
sent, rep = per("aping_probes_sent"), per("aping_probe_replies")
loss = per("aping_probe_loss_ratio")
up, silent, lossy, slow = sys.argv[1:5]
assert sent == {up: 4, silent: 4, lossy: 4, slow: 4}, sent
assert rep[up] == 4 and rep[silent] == 0 and rep[lossy] == 2, rep
assert loss[up] == 0 and loss[silent] == 1 and loss[lossy] == 0.5, loss
mn, avg, mx = (per(n) for n in ("aping_rtt_min_seconds", "aping_rtt_seconds",
                                "aping_rtt_max_seconds"))
assert set(mn) == set(avg) == set(mx) == {up, lossy, slow}, (mn, avg, mx)
assert all(mn[a] <= avg[a] <= mx[a] for a in mn)
assert 0.3 <= mn[slow] < 0.4, mn
assert "Average" in fams["aping_rtt_seconds"].documentation
ts = fams["aping_last_run_timestamp_seconds"].samples[0].value
assert abs(ts - time.time()) < 60, ts
b = fams["aping_build_info"].samples[0]
assert b.value == 1 and b.labels["version"] == sys.argv[5], b
' $UP $SILENT $LOSSY $SLOW "$("$APING" -V | cut -d' ' -f2)"
scan --format prom $UP $SILENT
promcheck "without -c"
what="prom without -c: no statistics, aping_rtt_seconds is the first reply's"
py '
import sys
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(sys.stdin.read())}
assert "aping_probes_sent" not in fams and "aping_rtt_min_seconds" not in fams
assert "first echo reply" in fams["aping_rtt_seconds"].documentation
assert "aping_last_run_timestamp_seconds" in fams
'

tap_done
