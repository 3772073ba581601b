#!/bin/bash
# bench/ab17.sh - A/B of aping builds on the issue-3 /17 sweep, in the lab:
#   RUNS=40 bash bench/ab17.sh [APING...]
# runs `APING -a -r 0 --rate 0 198.19.0.0/17` for every build given
# (default: ./aping) and bench/bareloop.c on 198.19.0.1 + 32766 in turn,
# RUNS times, and prints for each the median and fastest wall time, the
# median CPU time (user + system) and the rate against the bare loop.
# Interleaving the builds run by run keeps a machine's drift out of the
# comparison.  Lab only: every command runs through lab_exec.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
[ $# -gt 0 ] || set -- ./aping
for b in "$@"; do
  [ -x "$b" ] || { echo "ab17: '$b' is not executable" >&2; exit 3; }
done
bins=()
for b in "$@"; do
  bins+=("$(cd "$(dirname "$b")" && pwd)/$(basename "$b")")
done
bench_setup
cc -O2 -o "$BENCH_TMP/bareloop" bench/bareloop.c
declare -A W C
t=0 t_usr=0 t_sys=0 # set by timed
names=("${bins[@]}" bareloop)
for _ in $(seq "$RUNS"); do
  for b in "${names[@]}"; do
    if [ "$b" = bareloop ]; then
      timed t "$BENCH_TMP/bareloop" 198.19.0.1 32766
    else
      timed t "$b" -a -r 0 --rate 0 198.19.0.0/17
    fi
    W[$b]+=" $t"
    C[$b]+=" $((t_usr + t_sys))"
  done
done
# shellcheck disable=SC2086
rm=$(median ${W[bareloop]}) rf=$(minimum ${W[bareloop]})
echo "/17 all answering, $RUNS interleaved runs each (wall ms: median /" \
  "fastest; CPU ms: median; rate against bareloop: median / fastest)"
for b in "${names[@]}"; do
  # shellcheck disable=SC2086
  m=$(median ${W[$b]}) f=$(minimum ${W[$b]}) c=$(median ${C[$b]})
  printf '  %-40s %4d / %4d ms  CPU %4d ms  %s / %s\n' "$b" "$m" "$f" "$c" \
    "$(awk -v a="$m" -v r="$rm" 'BEGIN{printf "%.0f%%", 100*r/a}')" \
    "$(awk -v a="$f" -v r="$rf" 'BEGIN{printf "%.0f%%", 100*r/a}')"
done
