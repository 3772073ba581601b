#!/bin/bash
# bench/bench-rtt.sh - are the round trips of a flat-out sweep true?  In
# the lab, the median round-trip time that aping reports (-s, its 50th
# percentile) for:
#   1. the /17 that answers entirely, flat out: -r 0 --rate 0;
#   2. a /24 of it at a low rate: --rate 1000;
# and fping's for the same two (fping -C 1 -q prints each target's round
# trip; -i 0 flat out, -i 1 for 1000 a second).  The issue's target: the
# flat-out median within 0.2 ms of the low-rate one.  Runs alternate
# between tools; medians of RUNS runs.  Lab only: every command runs
# through lab_exec.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_setup
N17=32766

# aping's p50 from a -s summary (standard error).
p50() { awk '/50th percentile/ {print $1}' "$BENCH_TMP/err"; }
# fping -C 1 -q: "ADDR : 0.02" per target on standard error; the median
# of the answered ones, in ms.
fping_p50() {
  awk '$3 != "-" {print $3}' "$BENCH_TMP/err" | sort -g |
    awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}
answered() { grep -c ' : [0-9]' "$BENCH_TMP/err" || true; }
fmedian() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

AF=() AL=() FF=() FL=() AW=() FN=""
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$RUNS"); do
  timed t "$APING" -q -s -r 0 --rate 0 198.19.0.0/17
  AF+=("$(p50)") AW+=("$t")
  timed t "$APING" -q -s -r 0 --rate 1000 198.19.0.0/24
  AL+=("$(p50)")
  timed t fping -C 1 -q -r 0 -i 0 -g 198.19.0.0/17
  FF+=("$(fping_p50)") FN+=" $(answered)"
  timed t fping -C 1 -q -r 0 -i 1 -g 198.19.0.0/24
  FL+=("$(fping_p50)")
done
af=$(fmedian "${AF[@]}") al=$(fmedian "${AL[@]}")
ff=$(fmedian "${FF[@]}") fl=$(fmedian "${FL[@]}")
echo "median round trip (ms), median of $RUNS runs:"
echo "  aping -q -s -r 0 --rate 0 198.19.0.0/17       $af  [${AF[*]}]  (wall ms: ${AW[*]})"
echo "  aping -q -s -r 0 --rate 1000 198.19.0.0/24    $al  [${AL[*]}]"
echo "  fping -C 1 -q -r 0 -i 0 -g 198.19.0.0/17      $ff  [${FF[*]}]  (answered of $N17:$FN)"
echo "  fping -C 1 -q -r 0 -i 1 -g 198.19.0.0/24      $fl  [${FL[*]}]"
d=$(awk -v f="$af" -v l="$al" 'BEGIN{printf "%.3f", f - l}')
echo "FIDELITY: aping flat-out median - low-rate median = $d ms" \
  "(target <= 0.2 ms: $(awk -v d="$d" 'BEGIN{print d <= 0.2 ? "met" : "NOT met"}'))"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
