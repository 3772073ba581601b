#!/bin/bash
# tests/lab/test-prometheus.sh - the exporter against its real consumer: a
# Prometheus server scrapes aping --listen every second, evaluates
# contrib/prometheus/aping.rules.yml (ApingHostDown's "for" shortened to
# 3 s), and its HTTP API must show the target up, the reply rate, the
# README's loss expression, the RTT quantile, and ApingHostDown firing for
# the silent host only.
#
# Both aping and Prometheus run inside the lab's scanner namespace
# through lab_exec, which refuses to run if the lab is not there:
# Prometheus listens on 127.0.0.1 there and scrapes only the exporter on
# 127.0.0.1, so it cannot reach anything outside the lab.  It is stopped
# and its data directory removed at exit (the EXIT trap, which SIGTERM
# and SIGHUP run too); it stays in the test's process group, so whatever
# kills the group kills it; should the test alone be killed with SIGKILL,
# timeout(1) still ends it after $PROM_LIFETIME seconds.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

command -v prometheus >/dev/null ||
  skip_all "no prometheus (make deps installs Debian's prometheus)"
command -v promtool >/dev/null ||
  skip_all "no promtool (make deps installs Debian's prometheus)"
command -v curl >/dev/null || skip_all "no curl (make deps installs it)"

RULES=$(cd "$(dirname "$0")/../.." && pwd)/contrib/prometheus/aping.rules.yml
PORT=9857       # the exporter
PROM_PORT=9090  # Prometheus
PROM=http://127.0.0.1:$PROM_PORT
PROM_LIFETIME=180
WAIT=30         # seconds, for everything Prometheus must come to see
UP=198.18.1.5 SILENT=198.18.2.7 LOSSY=198.18.3.3

lab_test_up
PROM_PID='' PROM_PARENT='' PROM_WRAPPER='' BG='' BG_PARENT=''

# ours PID NAME PARENT: whether PID is still the process NAME that PARENT
# started, not a later one that got its number (other tests spawn a lot).
ours() {
  [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] &&
    [ "$(awk '{print $4}' "/proc/$1/stat" 2>/dev/null)" = "$3" ]
}

# prom_stop: ends Prometheus if it runs (SIGTERM, through timeout if
# prometheus was not found; SIGKILL after 10 s) and reaps it; sets PROM_RC
# (its exit status) and PROM_MS (the time it took).  Never fails: the EXIT
# trap calls it.
prom_stop() {
  local t0 _
  t0=$(date +%s%N)
  if ours "$PROM_PID" prometheus "$PROM_PARENT"; then
    kill -TERM "$PROM_PID" 2>/dev/null || true
  elif ours "$PROM_PARENT" timeout "$PROM_WRAPPER"; then
    kill -TERM "$PROM_PARENT" 2>/dev/null || true
  fi
  for _ in $(seq 100); do
    ours "$PROM_PID" prometheus "$PROM_PARENT" || break
    sleep 0.1
  done
  ! ours "$PROM_PID" prometheus "$PROM_PARENT" ||
    kill -KILL "$PROM_PID" 2>/dev/null || true
  PROM_RC=0
  [ -z "$PROM_WRAPPER" ] || wait "$PROM_WRAPPER" 2>/dev/null || PROM_RC=$?
  PROM_MS=$((($(date +%s%N) - t0) / 1000000))
  PROM_PID='' PROM_PARENT='' PROM_WRAPPER=''
}
# At exit, Prometheus and aping end before the data directory and the lab
# go.
trap 'prom_stop; ! ours "$BG" aping "$BG_PARENT" || kill -TERM "$BG" || true
  rm -rf "$tmp"; lab_down' EXIT

# ---- the files Prometheus is given

# The rules as shipped, but for ApingHostDown's "for", 3 s instead of
# 2 minutes: exactly one line changes, the one in ApingHostDown's own rule.
"$LAB_PYTHON" - "$RULES" "$tmp/aping.rules.yml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
new, n = re.subn(
    r"(- alert: ApingHostDown\n(?:(?![ \t]*- alert:)[ \t]+\S.*\n)*?"
    r"[ \t]+for: )\S+\n", r"\g<1>3s\n", text)
if n != 1:
    sys.exit("ApingHostDown's 'for:' not found in %s" % sys.argv[1])
open(sys.argv[2], "w").write(new)
PY
what="the rules copy differs from aping.rules.yml in one line: ApingHostDown for 3s"
OUT=$(diff "$RULES" "$tmp/aping.rules.yml" || true) RC=- ERR=''
expect test "$(grep -c '^[<>]' <<<"$OUT")" -eq 2
# (diag shows promtool's exit status and output.)
lab_run promtool check rules "$tmp/aping.rules.yml"
nrules=$(grep -c '^ *- alert: ' "$RULES")
what="... and promtool check rules accepts it ($nrules rules)"
expect grep -qx " *SUCCESS: $nrules rules found" <<<"$OUT"

cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $tmp/aping.rules.yml
scrape_configs:
  - job_name: aping
    static_configs:
      - targets: ["127.0.0.1:$PORT"]
EOF
lab_run promtool check config "$tmp/prometheus.yml"
what="promtool check config accepts the generated configuration, rules and all"
expect test "$RC" -eq 0

# ---- aping and Prometheus in the lab

# lab-host is 198.18.1.5 by name; 198.18.3.3 drops every other request.
bg --listen "127.0.0.1:$PORT" -q -p 200 lab-host "$SILENT" "$LOSSY"
what="aping runs as an exporter in the lab"
expect test -n "$BG"
# bg: aping is the wrapper subshell's child, or the subshell itself.
BG_PARENT=$BG_WRAPPER
[ "$BG" != "$BG_WRAPPER" ] || BG_PARENT=$$

mkdir "$tmp/data"
lab_exec timeout --foreground -k 5 "$PROM_LIFETIME" prometheus \
  --config.file="$tmp/prometheus.yml" \
  --web.listen-address="127.0.0.1:$PROM_PORT" \
  --storage.tsdb.path="$tmp/data" --storage.tsdb.retention.time=10m \
  --query.max-concurrency=2 --log.level=warn \
  >"$tmp/prometheus.log" 2>&1 &
PROM_WRAPPER=$!
# ip netns exec execs timeout, which runs prometheus as its child.
for _ in $(seq 50); do
  PROM_PARENT=$(pgrep -P "$PROM_WRAPPER" -x timeout || true)
  PROM_PID=$(pgrep -P "${PROM_PARENT:-0}" -x prometheus || true)
  [ -n "$PROM_PID" ] && break
  sleep 0.1
done

# api PATH [CURL ARGS...]: a request to Prometheus from inside the lab;
# sets OUT (the body) and CODE.
api() {
  local path=$1
  shift
  CODE=$(lab_exec curl -s --max-time 5 -o "$LAB_DIR/body" -w '%{http_code}' \
    "$@" "$PROM$path") || CODE=000
  OUT=$(cat "$LAB_DIR/body" 2>/dev/null || true)
}

t0=$(date +%s%N)
# Ready within 20 s, unless it ends before (a bad configuration).
while :; do
  api /-/ready
  MS=$((($(date +%s%N) - t0) / 1000000))
  if [ "$CODE" = 200 ] || [ "$MS" -ge 20000 ] ||
    ! ours "$PROM_PID" prometheus "$PROM_PARENT"; then
    break
  fi
  sleep 0.1
done
OUT='' RC="HTTP $CODE" ERR=$(tail -5 "$tmp/prometheus.log")
what="Prometheus starts in the lab and is ready within 20 s ($MS ms)"
expect test "$CODE" = 200
[ "$CODE" = 200 ] || { tap_done || true; exit 1; }

# ---- what Prometheus sees

# The checks below each name a Python check of the API's JSON answer
# (read from stdin; it exits non-zero, saying why, until the answer is
# the one wanted).  They share one deadline, $WAIT s after Prometheus is
# ready: what it must see comes within a few scrapes.
deadline=$(($(date +%s) + WAIT))
ready=$(date +%s%N)

# until_api CHECK PATH [CURL ARGS...]: the check named by $what passes
# once CHECK accepts the answer to PATH; polls every 0.5 s until the
# deadline, and on failure shows what it waited for and the last answer.
until_api() {
  local check=$1 why
  shift
  while :; do
    api "$@"
    why=$(printf '%s\n' "$OUT" | "$LAB_PYTHON" -c "$PYLIB$check" \
      "$UP" "$SILENT" "$LOSSY" "127.0.0.1:$PORT" "$nrules" 2>&1) &&
      break
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tap_not_ok "$what"
      echo "# waited ${WAIT} s for: $* (HTTP $CODE)"
      printf '%s\n' "$why" | tail -3 | sed 's/^/# check: /'
      printf '%s\n' "$OUT" | cut -c1-600 | head -4 | sed 's/^/# answer: /'
      tail -3 "$tmp/prometheus.log" | sed 's/^/# prometheus: /'
      return 0
    fi
    sleep 0.5
  done
  tap_ok "$what ($((($(date +%s%N) - ready) / 1000000)) ms)"
}

# query PROMQL CHECK: until_api on an instant query.
query() {
  until_api "$2" /api/v1/query -G --data-urlencode "query=$1"
}

# Shared by the checks: the addresses, the exporter's instance, the
# answer's data, and each series' value by one of its labels.
PYLIB='
import json, math, sys
UP, SILENT, LOSSY, INSTANCE, NRULES = sys.argv[1:5] + [int(sys.argv[5])]
a = json.load(sys.stdin)
assert a.get("status") == "success", "status %r" % a.get("status")
data = a["data"]
def by(label):
    return {r["metric"].get(label): float(r["value"][1])
            for r in data["result"]}
'

what="Prometheus loaded all $nrules rules, healthy, ApingHostDown with for 3 s"
until_api '
rules = {r["name"]: r for g in data["groups"] for r in g["rules"]}
assert len(rules) == NRULES and all(r["type"] == "alerting"
                                    for r in rules.values()), sorted(rules)
assert rules["ApingHostDown"]["duration"] == 3, rules["ApingHostDown"]
assert all(r["health"] == "ok" for r in rules.values()), rules
' /api/v1/rules

what="the scrape target is up (up{job=\"aping\"} == 1)"
query "up{job=\"aping\",instance=\"127.0.0.1:$PORT\"}" '
assert by("job") == {"aping": 1.0}, by("job")
'

what="the answering host is up, the silent one down, named as given"
query 'aping_up' '
up = {(r["metric"]["target"], r["metric"]["address"]): r["value"][1]
      for r in data["result"]}
assert up.get(("lab-host", UP)) == "1", up
assert up.get((SILENT, SILENT)) == "0", up
'

what="rate of replies: about 5/s for the answering host (-p 200), 0 for the silent one"
query 'rate(aping_probe_replies_total[5s])' '
v = by("address")
assert 3 <= v.get(UP, 0) <= 7, v
assert v.get(SILENT) == 0, v
'

what="loss (the README's expression over 5 s): 0, 1, and about 0.5 for the lossy host"
query 'rate(aping_probes_lost_total[5s])
  / (rate(aping_probe_replies_total[5s]) + rate(aping_probes_lost_total[5s]))' '
v = by("address")
assert v.get(UP) == 0 and v.get(SILENT) == 1, v
assert 0.3 <= v.get(LOSSY, -1) <= 0.7, v
'

what="RTT p90 from the histogram: finite, positive, under 0.1 s; none (NaN) for the silent host"
query 'histogram_quantile(0.9, rate(aping_rtt_seconds_bucket[5s]))' '
v = by("address")
p = v.get(UP, float("nan"))
assert math.isfinite(p) and 0 < p < 0.1, v
assert math.isnan(v.get(SILENT, 0)), v
'

what="ApingHostDown fires for the silent host, no alert at all for the answering one"
until_api '
alerts = data["alerts"]
down = [a for a in alerts if a["labels"]["alertname"] == "ApingHostDown"
        and a["labels"].get("address") == SILENT]
assert [a["state"] for a in down] == ["firing"], alerts
l = down[0]["labels"]
assert l["target"] == SILENT and l["severity"] == "critical", l
assert l["instance"] == INSTANCE, l
assert down[0]["annotations"]["summary"] == SILENT + " does not answer ping"
up = [a for a in alerts if a["labels"].get("address") == UP]
assert up == [], up
' /api/v1/alerts

# (No alert for the answering host means something only because its
# aping_up is there, and 1: checked above.)  A pending alert can come and
# go between two evaluations: look again a little later, and at the
# exporter's own alerts too.
sleep 2
what="... and still none for the answering host, nor for the exporter itself"
until_api '
alerts = [(a["labels"]["alertname"], a["labels"].get("address"), a["state"])
          for a in data["alerts"]]
assert not [a for a in alerts if a[1] == UP
            or a[0].startswith("ApingExporter")], alerts
assert ("ApingHostDown", SILENT, "firing") in alerts, alerts
' /api/v1/alerts

MS=$((($(date +%s%N) - ready) / 1000000))
echo "# Prometheus saw everything $MS ms after it was ready"

# ---- the end

prom_stop
OUT='' RC=$PROM_RC MS=$PROM_MS ERR=$(tail -5 "$tmp/prometheus.log")
what="Prometheus stops on SIGTERM with exit 0 ($MS ms)"
expect test "$RC" -eq 0
alive=no
if ours "$BG" aping "$BG_PARENT"; then
  alive=yes
  kill -TERM "$BG" || true
fi
bg_wait
BG=''
what="aping ran all along, and stops on SIGTERM with exit 0, nothing on stderr"
expect test "$alive" = yes -a "$RC" -eq 0 -a -z "$ERR"

tap_done
