# bench/lib.sh - helpers for the benchmarks.  Source it from the top of
# the tree; it sources the lab.

. tests/lab/lab.sh

# bench_setup: builds the lab (torn down on exit), a scratch directory
# BENCH_TMP with BENCH_OUT for the measured command's output, RUNS (default
# 5) and APING (default ./aping).
bench_setup() {
  RUNS=${RUNS:-5}
  BENCH_TMP=$(mktemp -d)
  BENCH_OUT=$BENCH_TMP/out
  APING=${APING:-$PWD/aping}
  lab_up >/dev/null
  trap 'bench_stop_all; rm -rf "$BENCH_TMP"; lab_down' EXIT
}

# Processes bench_spawn started and bench_stop has not ended yet.
BENCH_PIDS=()

# bench_spawn LOG CMD...: starts CMD in the background inside the lab
# (refusing, as lab_exec does, unless the scanner namespace exists), its
# output to LOG.  ip netns exec execs CMD, so BENCH_PID, set here, is the
# tool itself: its /proc/PID is what the benchmark reads.  bench_setup's
# trap ends it if the script stops first.
bench_spawn() {
  local log=$1
  shift
  _lab_check_scan || return 1
  ip netns exec "$LAB_SCAN" "$@" >"$log" 2>&1 </dev/null &
  BENCH_PID=$!
  BENCH_PIDS+=("$BENCH_PID")
}

# bench_stop PID [SIGNAL]: ends a process bench_spawn started: SIGNAL
# (default TERM), up to 5 s to go, then SIGKILL; reaps it.
bench_stop() {
  local pid=$1 sig=${2:-TERM} i p st rest=()
  kill "-$sig" "$pid" 2>/dev/null || true
  for i in $(seq 50); do
    # Gone, or a zombie (ended; only wait can reap it).
    st=$(proc_state "$pid")
    [ -n "$st" ] && [ "$st" != Z ] || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${BENCH_PIDS[@]}"; do
    [ "$p" = "$pid" ] || rest+=("$p")
  done
  BENCH_PIDS=("${rest[@]}")
}

# bench_stop_all: ends every process bench_spawn started (the EXIT trap).
bench_stop_all() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    bench_stop "$pid"
  done
}

# timed VAR CMD...: runs CMD (through lab_exec: inside the lab only) with
# its stdout to $BENCH_OUT, and stores the wall time in ms in VAR, the peak
# RSS in KiB in VAR_rss and the user and system CPU time in ms in VAR_usr
# and VAR_sys.  Every tool is measured the same way: the wall time runs
# from before lab_exec to after the tool's exit, process start included.
timed() {
  local var=$1 t0 t1 r
  shift
  t0=$(date +%s%N)
  lab_exec /usr/bin/time -f '%M %U %S' -o "$BENCH_TMP/rss" "$@" \
    >"$BENCH_OUT" 2>"$BENCH_TMP/err" || true
  t1=$(date +%s%N)
  r=$(tail -n 1 "$BENCH_TMP/rss")
  printf -v "$var" '%d' $(((t1 - t0) / 1000000))
  printf -v "${var}_rss" '%s' "${r%% *}"
  printf -v "${var}_usr" '%s' "$(awk '{printf "%d", $2 * 1000}' <<<"$r")"
  printf -v "${var}_sys" '%s' "$(awk '{printf "%d", $3 * 1000}' <<<"$r")"
}

# median N...: the median of the numbers given.
median() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# minimum N...: the smallest of the numbers given.
minimum() {
  printf '%s\n' "$@" | sort -n | head -n 1
}

# proc_state PID: the state letter of process PID (R, S, Z...), or nothing
# when there is no such process.
proc_state() {
  sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1
}

# proc_cpu_ticks PID...: the user + system CPU time of the processes, in
# clock ticks (getconf CLK_TCK a second); a process that is gone counts 0.
proc_cpu_ticks() {
  local pid t=0 u
  for pid in "$@"; do
    u=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null |
      awk '{print $12 + $13}') || u=
    t=$((t + ${u:-0}))
  done
  echo "$t"
}

# proc_kib FIELD PID...: a /proc/PID/status field in KiB (VmRSS, VmHWM),
# summed over the processes.
proc_kib() {
  local field=$1 pid t=0 v
  shift
  for pid in "$@"; do
    v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status" \
      2>/dev/null) || v=
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
