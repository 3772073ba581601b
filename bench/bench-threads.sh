#!/bin/bash
# bench/bench-threads.sh - the /17 sweep on several loops (issue 16), in
# the lab: the lab's 198.19.0.0/17 (32766 targets, all answering), one
# probe each, no retries, no rate limit.  In every round, one after the
# other:
#   1. aping with its default loops (-v says how many, and which sockets:
#      as root, datagram sockets the kernel sorts replies into),
#   2. the same where no datagram socket is allowed (lab_nodgram): raw
#      sockets, each with its identifier filter,
#   3. aping --threads 1 (one loop: the figures of bench-scale.sh),
#   4. bench/bareloop.c on the whole /17 (one raw socket on one core),
#   5. the same with BARELOOP_ATOMIC=1: requests sent as aping sends them
#      (DF, identification 0), the one kernel saving aping makes per send,
#   6. two bareloops side by side, each on half of the /17 (the ceiling of
#      two cores: both finish before the run ends).
# Medians of RUNS rounds (default 5) of wall time (process start
# included), of each tool's own count of its sweep (aping's -s elapsed
# time, from the first probe to the last verdict; bareloop's, from its
# first send to its last reply: as the issue measured it), CPU time (user
# + system, children included) per probe, and what each found.
# Then how the loops should get their replies (bench/demux.c, 2 threads on
# the /17, alternating): a kernel filter on each raw socket's identifier,
# every reply copied to every raw socket, one raw socket read by one
# thread that hands the others' replies over, or a datagram socket each.
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
# sweep: the last run's own count of its sweep, in ms: aping's -s elapsed
# time, or the longest of the bareloops' "replied in" times.
sweep() {
  awk '/elapsed real time/ {t = $1 * 1000}
       / replied in / {if ($7 > t) t = $7}
       END {printf "%d", t + 0.5}' "$BENCH_TMP/err" "$BENCH_OUT"
}
# cpu_us USR SYS: CPU microseconds per probe, from milliseconds per run.
cpu_us() { awk -v u="$1" -v s="$2" -v n="$N17" \
  'BEGIN{printf "%.2f", (u + s) * 1000 / n}'; }
rate() { echo $((N17 * 1000 / $1)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b / a}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.0f", 100 * b / a}'; }
met() { awk -v v="$1" -v t="$2" 'BEGIN{print (v >= t ? "met" : "NOT met")}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cores usable: $(nproc)"
lab_exec "$APING" -v -q -r 0 --rate 0 198.19.0.0/17 2>&1 >/dev/null |
  grep 'loops on' || echo "aping: one loop by default here"
lab_nodgram lab_exec "$APING" -v -q -r 0 --rate 0 198.19.0.0/17 2>&1 \
  >/dev/null | grep 'loops on' || true
NAMES=(dgram raw one bare atomic two)
declare -A W S C F LABEL=([dgram]="aping (default loops)"
  [raw]="aping, raw sockets" [one]="aping --threads 1"
  [bare]="bareloop, one socket" [atomic]="bareloop, atomic"
  [two]="2 bareloops, halves")
exact=yes
# run NAME CMD...: one measured run, its figures kept under NAME.
run() {
  local name=$1
  shift
  timed t "$@"
  W[$name]+=" $t"
  S[$name]+=" $(sweep)"
  C[$name]+=" $(cpu_us "$t_usr" "$t_sys")"
  case $name in
  dgram | raw | one)
    F[$name]+=" $(count)"
    [ "$(count)" -eq "$N17" ] && [ "$(lines)" -eq "$N17" ] || exact=no ;;
  *) F[$name]+=" $(bare_found)" ;;
  esac
}
for i in $(seq "$RUNS"); do
  run dgram "$APING" -a -s -r 0 --rate 0 198.19.0.0/17
  lab_nodgram run raw "$APING" -a -s -r 0 --rate 0 198.19.0.0/17
  run one "$APING" -a -s --threads 1 -r 0 --rate 0 198.19.0.0/17
  run bare "$BENCH_TMP/bareloop" 198.19.0.1 "$N17"
  run atomic env BARELOOP_ATOMIC=1 "$BENCH_TMP/bareloop" 198.19.0.1 "$N17"
  run two sh -c "\"\$0\" 198.19.0.1 $HALF & \"\$0\" 198.19.64.0 $HALF; wait" \
    "$BENCH_TMP/bareloop"
done
declare -A MW MS
echo "/17 all answering ($N17 targets), one probe each, median of $RUNS:"
for n in "${NAMES[@]}"; do
  # shellcheck disable=SC2086 # the lists
  MW[$n]=$(median ${W[$n]})
  # shellcheck disable=SC2086
  MS[$n]=$(median ${S[$n]})
  printf '  %-22s %4s ms wall, %4s ms sweep  %6s targets/s  found:%s\n' \
    "${LABEL[$n]}" "${MW[$n]}" "${MS[$n]}" "$(rate "${MW[$n]}")" "${F[$n]}"
  printf '  %-22s wall [%s ]  sweep [%s ]  CPU us per probe [%s ]\n' "" \
    "${W[$n]}" "${S[$n]}" "${C[$n]}"
done
x=$(ratio "${MS[dgram]}" "${MS[bare]}")
echo "ISSUE 16: aping sweep rate / one bareloop's    = ${x}x  (target >= 1.5: $(met "$x" 1.5))"
x=$(ratio "${MW[dgram]}" "${MW[bare]}")
echo "ISSUE 16: the same in wall time (process start) = ${x}x"
p=$(pct "${MS[dgram]}" "${MS[two]}")
echo "ISSUE 16: aping sweep rate / two bareloops'    = ${p}%  (target >= 85%: $(met "$p" 85))"
p=$(pct "${MW[dgram]}" "${MW[two]}")
echo "ISSUE 16: the same in wall time                = ${p}%"
x=$(ratio "${MS[raw]}" "${MS[bare]}")
echo "ISSUE 16: raw sockets (no datagram allowed): sweep rate / one bareloop's = ${x}x"
x=$(ratio "${MS[dgram]}" "${MS[atomic]}")
echo "ISSUE 16: aping sweep rate / an atomic bareloop's = ${x}x"
p1=$(pct "${MW[one]}" "${MW[bare]}")
echo "ISSUE 16: --threads 1 rate / one bareloop = ${p1}% wall  (issue 3's figure: 92-95%)"
echo "ISSUE 16: aping found every address exactly once in every run: $exact"

declare -A XW XC
for m in filter copy single dgram; do XW[$m]=""; XC[$m]=""; done
for i in $(seq "$RUNS"); do
  for m in filter copy single dgram; do
    r=$(lab_exec "$BENCH_TMP/demux" "$m" 198.19.0.1 "$N17" 2)
    XW[$m]+=" $(sed -E 's/.* in ([0-9.]+) ms.*/\1/' <<<"$r")"
    XC[$m]+=" $(sed -E 's/.* ([0-9.]+) us CPU.*/\1/' <<<"$r")"
    grep -q " $N17 of $N17 " <<<"$r" || echo "demux $m: $r"
  done
done
echo "replies to 2 loops, /17, median of $RUNS (bench/demux.c; wall from the first send):"
for m in filter copy single dgram; do
  # shellcheck disable=SC2086 # the lists
  printf '  %-7s %7s ms  %6s us CPU per probe  [%s ]\n' "$m" \
    "$(median ${XW[$m]})" "$(median ${XC[$m]})" "${XW[$m]}"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
