#!/bin/bash
# tests/lab/test-lossy.sh - the lab's lossy block (198.18.3.64/27 and
# 2001:db8:3::40/123, tests/lab/lab.sh) loses exactly what lab_lossy_lost
# says, at exactly the probes it says, and answers after 20 ms and no
# sooner: checked with fping and ping, not aping, so that aping's own tests
# can rely on the lab.  TAP output.
#
# Every probe goes through lab_exec: nothing leaves the lab namespaces.
set -eu

# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"
lab_test_up

N=200   # probes per host: two whole cycles of 100
TOL=0.5 # ms: how far a host's mean RTT may be from LAB_LOSSY_DELAY_MS

# ---- the formula, the responder's own decision and the exported rate

spec="198.18.3.64,drop_in=$LAB_LOSSY_DROP_IN,drop_out=$LAB_LOSSY_DROP_OUT"
bad=
for n in 0 1 9 10 11 12 19 20 21 99 100 101 199 200 1000 1234; do
  got=$("$LAB_PYTHON" "$LAB_LIB_DIR/responder.py" --count "$n" --host "$spec")
  want=$((n - $(lab_lossy_lost "$n")))
  [ "${got#* }" = "$want" ] || bad+=" N=$n: responder ${got#* }, formula $want;"
done
what="lab_lossy_lost N agrees with the responder's drop decision"
expect test -z "$bad"
[ -z "$bad" ] || echo "#$bad"

what="LAB_LOSSY_LOSS_PCT ($LAB_LOSSY_LOSS_PCT) is the loss per whole cycle"
expect test "$(lab_lossy_lost 100)" = "$LAB_LOSSY_LOSS_PCT" -a \
  "$(lab_lossy_lost 10000)" = "$((LAB_LOSSY_LOSS_PCT * 100))"

what="the lossy block is 32 IPv4 and 32 IPv6 hosts"
# shellcheck disable=SC2086 # the lists are space-separated on purpose
expect test "$(printf '%s\n' $LAB_LOSSY_HOSTS4 | grep -c '^198\.18\.3\.')" = 32 \
  -a "$(printf '%s\n' $LAB_LOSSY_HOSTS6 | grep -c '^2001:db8:3::')" = 32

# The probes (0-based) that one flow of N loses: probe i is lost when
# lab_lossy_lost grows from i to i + 1 probes.
lost_at=
prev=0
for i in $(seq 1 "$N"); do
  cur=$(lab_lossy_lost "$i")
  [ "$cur" = "$prev" ] || lost_at+=" $((i - 1))"
  prev=$cur
done

# ---- fping: every host, N probes each, one flow per host

# On every host: the lost probes are exactly those of lost_at, no reply
# came much sooner than the delay (a loaded machine may wake the
# responder a fraction of a millisecond early), and the mean RTT is within
# TOL of it.
# shellcheck disable=SC2016 # a python script
CHECK='
import sys
lost_at = [int(x) for x in sys.argv[1].split()]
delay, tol, n, hosts = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5].split()
seen, bad = set(), []
for line in sys.stdin:
    host, sep, rest = line.partition(" : ")
    host = host.strip()
    if not sep or host not in hosts:
        continue
    seen.add(host)
    v = rest.split()
    got = [i for i, x in enumerate(v) if x == "-"]
    rtt = [float(x) for x in v if x != "-"]
    mean = sum(rtt) / len(rtt) if rtt else 0.0
    if len(v) != n or got != lost_at:
        bad.append("%s: %d probes, lost %s" % (host, len(v), got[:12]))
    elif min(rtt) < delay - 1 or abs(mean - delay) > tol:
        bad.append("%s: RTT min %.2f mean %.3f ms" % (host, min(rtt), mean))
missing = [h for h in hosts if h not in seen]
if missing:
    bad.append("no result for %s" % " ".join(missing[:5]))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
'

# 64 hosts every 40 ms (1600 probes a second), 0.5 ms apart at least; the
# timeout (fping's default with -C is the period) outlasts the delay.
# shellcheck disable=SC2086
lab_run fping -q -C "$N" -p 40 -t 39 -i 0.5 $LAB_LOSSY_HOSTS
OUT=$ERR ERR="(fping -C reports on stderr: shown as out)"
what="fping, IPv4: $(lab_lossy_lost "$N") of $N lost on every host, at the probes the formula says; RTT over $LAB_LOSSY_DELAY_MS ms - 1, mean within $TOL ms"
py "$CHECK" "$lost_at" "$LAB_LOSSY_DELAY_MS" "$TOL" "$N" "$LAB_LOSSY_HOSTS4"
what="fping, IPv6: the same on every host"
py "$CHECK" "$lost_at" "$LAB_LOSSY_DELAY_MS" "$TOL" "$N" "$LAB_LOSSY_HOSTS6"

# ---- ping: a new flow (another identifier) to a host fping just probed
# starts from the beginning of the cycle again.

for h in 198.18.3.77 2001:db8:3::4d; do
  lab_run ping -q -c 20 -i 0.05 -W 1 "$h"
  want="20 packets transmitted, $((20 - $(lab_lossy_lost 20))) received"
  what="ping $h: a fresh flow loses $(lab_lossy_lost 20) of 20"
  expect grep -q "^$want," <<<"$OUT"
  what="ping $h: mean RTT within $TOL ms of $LAB_LOSSY_DELAY_MS ms"
  py '
import re, sys
m = re.search(r"= ([0-9.]+)/([0-9.]+)/", sys.stdin.read())
d, tol = float(sys.argv[1]), float(sys.argv[2])
sys.exit(0 if m and float(m.group(1)) >= d and abs(float(m.group(2)) - d) <= tol else 1)
' "$LAB_LOSSY_DELAY_MS" "$TOL"
done

tap_done
