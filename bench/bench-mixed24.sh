#!/bin/bash
# bench/bench-mixed24.sh - the everyday case: a /24 with 254 answering hosts
# and a /24 with 254 silent ones, default options, against fping and nmap
# with theirs.  Runs alternate between tools; medians of RUNS runs.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_setup
# fping takes one -g block per run: give it the same 508 addresses in a file.
for n in 1 2; do for i in $(seq 1 254); do echo "198.18.$n.$i"; done; done \
  >"$BENCH_TMP/hosts"
A=() F=() N=()
for i in $(seq "$RUNS"); do
  timed t "$APING" -a 198.18.1.0/24 198.18.2.0/24
  A+=("$t")
  alive=$(wc -l <"$BENCH_OUT")
  [ "$alive" -eq 254 ] || echo "aping found $alive alive, not 254" >&2
  timed t fping -a -q -f "$BENCH_TMP/hosts"
  F+=("$t")
  alive=$(wc -l <"$BENCH_OUT")
  [ "$alive" -eq 254 ] || echo "fping found $alive alive, not 254" >&2
  timed t nmap -n -sn -oG - 198.18.1.0/24 198.18.2.0/24
  N+=("$t")
done
echo "mixed /24 (254 answering + 254 silent), median of $RUNS runs:"
echo "  aping -a (defaults)       $(median "${A[@]}") ms   [${A[*]}]"
echo "  fping -a -q -f (defaults) $(median "${F[@]}") ms   [${F[*]}]"
echo "  nmap -n -sn               $(median "${N[@]}") ms   [${N[*]}]"
