#!/bin/bash
# bench/bench-exec.sh - the ping(8) engine against the usual ways of running
# ping(8) for many hosts: the mixed /24 pair (254 answering + 254 silent
# hosts) in the lab.
#   - aping -m exec with its defaults, and with -c 3 like the script below;
#   - bench/popen.py: Popen() `ping -c 3 -n IP` for every host, then wait;
#   - xargs -P 256 of `ping -n -c 1 -W 1` (aping's default argv and -j).
# Then the open-file limit of 1024 that most systems have: the Popen script
# against aping.  Runs alternate between tools; medians of RUNS runs.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_setup
PY=${LAB_PYTHON:-python3}
for n in 1 2; do for i in $(seq 1 254); do echo "198.18.$n.$i"; done; done \
  >"$BENCH_TMP/hosts"
XARGS_SH='ping -n -c 1 -W 1 "$1" >/dev/null 2>&1 && echo "$1"'

# alive NAME: complains unless the last run found exactly the 254.
alive() {
  local n
  n=$(sort -u "$BENCH_OUT" | grep -c '^198\.18\.1\.' || true)
  [ "$n" -eq 254 ] && [ "$(wc -l <"$BENCH_OUT")" -eq 254 ] ||
    echo "$1 found $(wc -l <"$BENCH_OUT") alive ($n right), not 254" >&2
}

A=() C=() P=() X=()
for i in $(seq "$RUNS"); do
  timed t "$APING" -m exec -a 198.18.1.0/24 198.18.2.0/24
  A+=("$t"); alive "aping -m exec"
  timed t "$APING" -m exec -c 3 -a 198.18.1.0/24 198.18.2.0/24
  C+=("$t"); alive "aping -m exec -c 3"
  timed t "$PY" bench/popen.py "$BENCH_TMP/hosts"
  P+=("$t"); alive "popen.py"
  timed t xargs -P 256 -n 1 sh -c "$XARGS_SH" sh <"$BENCH_TMP/hosts"
  X+=("$t"); alive "xargs -P 256"
done
echo "mixed /24 (254 answering + 254 silent) through ping(8), median of $RUNS runs:"
echo "  aping -m exec -a (defaults)   $(median "${A[@]}") ms   [${A[*]}]"
echo "  aping -m exec -c 3 -a         $(median "${C[@]}") ms   [${C[*]}]"
echo "  popen.py (ping -c 3 -n)       $(median "${P[@]}") ms   [${P[*]}]"
echo "  xargs -P 256 ping -c 1 -W 1   $(median "${X[@]}") ms   [${X[*]}]"

# With ulimit -n 1024 (the usual default), once.
LIMIT=(bash -c 'ulimit -n 1024 && exec "$@"' ulimit)
timed t "${LIMIT[@]}" "$PY" bench/popen.py "$BENCH_TMP/hosts"
echo "ulimit -n 1024:"
echo "  popen.py: $t ms, $(wc -l <"$BENCH_OUT") alive printed, last error:" \
  "$(grep -o '[A-Za-z]*Error.*' "$BENCH_TMP/err" | tail -n 1)"
timed t "${LIMIT[@]}" "$APING" -m exec -v -a 198.18.1.0/24 198.18.2.0/24
echo "  aping -m exec: $t ms, $(wc -l <"$BENCH_OUT") alive printed;" \
  "$(grep -o 'at most [0-9]* at once' "$BENCH_TMP/err")"
