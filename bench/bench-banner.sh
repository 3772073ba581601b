#!/bin/bash
# bench/bench-banner.sh - banner capture on port 22 of 4096 lab hosts
# (198.19.0.0/20, every address answering, an SSH-style banner server
# behind all of them: tests/lab/services.py), aping against nmap's banner
# script.  Neither pings (aping -m none, nmap -Pn); aping also with its
# ping beside the checks.  Runs alternate between tools; medians of RUNS.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_setup
lab_services_up
HOSTS=198.19.0.0-198.19.15.255 # 4096 addresses; nmap: 198.19.0.0/20
A=() Z=() P=() N=() AR=() NR=()
for i in $(seq "$RUNS"); do
  timed t "$APING" -m none --tcp 22 --banner "$HOSTS"
  A+=("$t")
  AR+=("$t_rss")
  n=$(grep -c '22/tcp open "SSH-2.0-' "$BENCH_OUT" || true)
  [ "$n" -eq 4096 ] || echo "aping -m none got $n banners, not 4096" >&2
  timed t "$APING" -m none --rate 0 --tcp 22 --banner "$HOSTS"
  Z+=("$t")
  n=$(grep -c '22/tcp open "SSH-2.0-' "$BENCH_OUT" || true)
  [ "$n" -eq 4096 ] || echo "aping --rate 0 got $n banners, not 4096" >&2
  timed t "$APING" --tcp 22 --banner "$HOSTS"
  P+=("$t")
  n=$(grep -c 'is alive .*22/tcp open "SSH-2.0-' "$BENCH_OUT" || true)
  [ "$n" -eq 4096 ] || echo "aping got $n pings+banners, not 4096" >&2
  timed t nmap -n -Pn -sT -p22 --script banner 198.19.0.0/20
  N+=("$t")
  NR+=("$t_rss")
  n=$(grep -c 'banner: SSH-2.0-' "$BENCH_OUT" || true)
  [ "$n" -eq 4096 ] || echo "nmap got $n banners, not 4096" >&2
done
echo "banner of port 22 on 4096 hosts, median of $RUNS runs:"
echo "  aping -m none --tcp 22 --banner      $(median "${A[@]}") ms   [${A[*]}]"
echo "  ... --rate 0 (no start limit)        $(median "${Z[@]}") ms   [${Z[*]}]"
echo "  aping --tcp 22 --banner (and ping)   $(median "${P[@]}") ms   [${P[*]}]"
echo "  nmap -n -Pn -sT -p22 --script banner $(median "${N[@]}") ms   [${N[*]}]"
echo "  peak RSS: aping $(median "${AR[@]}") KiB, nmap $(median "${NR[@]}") KiB"
