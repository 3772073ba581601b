#!/bin/bash
# bench/bench-threads.sh - the /17 sweep on several loops (issue 16), in
# the lab: the lab's 198.19.0.0/17 (32766 targets, all answering), one
# probe each, no retries, no rate limit.  In every round, one after the
# other:
#   1. aping with its default loops (-v says how many),
#   2. aping --threads 1 (one loop: the figures of bench-scale.sh),
#   3. bench/bareloop.c on the whole /17 (one raw socket on one core),
#   4. two bareloops side by side, each on half of the /17 (the ceiling of
#      two cores: both finish before the run ends).
# Medians of RUNS rounds (default 5) of wall time, each run's CPU time
# (user + system, children included) per probe, and what each found.
# Then how the loops should get their replies (bench/demux.c, 2 threads on
# the /17, alternating): a kernel filter on each socket's identifier (what
# aping does), every reply copied to every socket, or one socket read by
# one thread that hands the others' replies over.
# Lab only: every command runs through lab_exec.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_setup
cc -O2 -o "$BENCH_TMP/bareloop" bench/bareloop.c
cc -O2 -Isrc -o "$BENCH_TMP/demux" bench/demux.c src/idfilter.c -luv -lpthread
N17=32766     # 198.19.0.0/17 without network and broadcast
HALF=16383    # 198.19.0.1-198.19.63.255 and 198.19.64.0-198.19.127.254

count() { sort -u "$BENCH_OUT" | sed '/^$/d' | wc -l; }
lines() { sed '/^$/d' "$BENCH_OUT" | wc -l; }
bare_found() { awk '{n += $2} END {print n + 0}' "$BENCH_OUT"; }
# cpu_us USR SYS: CPU microseconds per probe, from milliseconds per run.
cpu_us() { awk -v u="$1" -v s="$2" -v n="$N17" \
  'BEGIN{printf "%.2f", (u + s) * 1000 / n}'; }
rate() { echo $((N17 * 1000 / $1)); }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cores usable: $(nproc)"
lab_exec "$APING" -v -q -r 0 --rate 0 198.19.0.0/17 2>&1 >/dev/null |
  grep 'loops on' || echo "aping: one loop by default here"
D=() O=() B=() T=() DC=() OC=() BC=() TC=()
DF="" OF="" BF="" TF="" exact=yes
for i in $(seq "$RUNS"); do
  timed t "$APING" -a -r 0 --rate 0 198.19.0.0/17
  D+=("$t"); DC+=("$(cpu_us "$t_usr" "$t_sys")"); DF+=" $(count)"
  [ "$(count)" -eq "$N17" ] && [ "$(lines)" -eq "$N17" ] || exact=no
  timed t "$APING" -a --threads 1 -r 0 --rate 0 198.19.0.0/17
  O+=("$t"); OC+=("$(cpu_us "$t_usr" "$t_sys")"); OF+=" $(count)"
  [ "$(count)" -eq "$N17" ] && [ "$(lines)" -eq "$N17" ] || exact=no
  timed t "$BENCH_TMP/bareloop" 198.19.0.1 "$N17"
  B+=("$t"); BC+=("$(cpu_us "$t_usr" "$t_sys")"); BF+=" $(bare_found)"
  timed t sh -c "\"\$0\" 198.19.0.1 $HALF & \"\$0\" 198.19.64.0 $HALF; wait" \
    "$BENCH_TMP/bareloop"
  T+=("$t"); TC+=("$(cpu_us "$t_usr" "$t_sys")"); TF+=" $(bare_found)"
done
d=$(median "${D[@]}") o=$(median "${O[@]}") b=$(median "${B[@]}")
tw=$(median "${T[@]}")
echo "/17 all answering ($N17 targets), one probe each, median of $RUNS:"
echo "  aping (default loops)   $d ms  $(rate "$d") targets/s  found:$DF  [${D[*]}]"
echo "                          CPU us per probe: [${DC[*]}]"
echo "  aping --threads 1       $o ms  $(rate "$o") targets/s  found:$OF  [${O[*]}]"
echo "                          CPU us per probe: [${OC[*]}]"
echo "  bareloop, one socket    $b ms  $(rate "$b") targets/s  found:$BF  [${B[*]}]"
echo "                          CPU us per probe: [${BC[*]}]"
echo "  2 bareloops, halves     $tw ms  $(rate "$tw") targets/s  found:$TF  [${T[*]}]"
echo "                          CPU us per probe: [${TC[*]}]"
pct() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.0f", 100 * b / a}'; }
met() { awk -v v="$1" -v t="$2" 'BEGIN{print (v >= t ? "met" : "NOT met")}'; }
x=$(awk -v a="$d" -v b="$b" 'BEGIN{printf "%.2f", b / a}')
echo "ISSUE 16: aping rate / one bareloop      = ${x}x  (target >= 1.5: $(met "$x" 1.5))"
p=$(pct "$d" "$tw")
echo "ISSUE 16: aping rate / two bareloops     = ${p}%  (target >= 85%: $(met "$p" 85))"
p1=$(pct "$o" "$b")
echo "ISSUE 16: --threads 1 rate / one bareloop = ${p1}%  (issue 3's figure: 92-95%)"
echo "ISSUE 16: aping found every address exactly once in every run: $exact"
# On a shared machine other jobs stretch single runs; the fastest run of
# each is the least disturbed.
dm=$(minimum "${D[@]}") om=$(minimum "${O[@]}") bm=$(minimum "${B[@]}")
tm=$(minimum "${T[@]}")
echo "ISSUE 16: fastest runs: aping $dm ms, --threads 1 $om ms, bareloop" \
  "$bm ms, two bareloops $tm ms: aping / bareloop" \
  "$(awk -v a="$dm" -v b="$bm" 'BEGIN{printf "%.2fx", b / a}'), aping /" \
  "two bareloops $(pct "$dm" "$tm")%"

declare -A XW XC
for m in filter copy single; do XW[$m]=""; XC[$m]=""; done
for i in $(seq "$RUNS"); do
  for m in filter copy single; do
    r=$(lab_exec "$BENCH_TMP/demux" "$m" 198.19.0.1 "$N17" 2)
    XW[$m]+=" $(sed -E 's/.* in ([0-9.]+) ms.*/\1/' <<<"$r")"
    XC[$m]+=" $(sed -E 's/.* ([0-9.]+) us CPU.*/\1/' <<<"$r")"
    grep -q " $N17 of $N17 " <<<"$r" || echo "demux $m: $r"
  done
done
echo "replies to 2 loops, /17, median of $RUNS (bench/demux.c; wall from the first send):"
for m in filter copy single; do
  # shellcheck disable=SC2086 # the lists
  printf '  %-7s %7s ms  %6s us CPU per probe  [%s ]\n' "$m" \
    "$(median ${XW[$m]})" "$(median ${XC[$m]})" "${XW[$m]}"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
