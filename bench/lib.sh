# bench/lib.sh - helpers for the benchmarks.  Source it from the top of
# the tree; it sources the lab.

. tests/lab/lab.sh

# bench_setup: builds the lab (torn down on exit), a scratch directory
# BENCH_TMP with BENCH_OUT for the measured command's output, RUNS (default
# 5) and APING.
bench_setup() {
  RUNS=${RUNS:-5}
  BENCH_TMP=$(mktemp -d)
  BENCH_OUT=$BENCH_TMP/out
  APING=$PWD/aping
  lab_up >/dev/null
  trap 'rm -rf "$BENCH_TMP"; lab_down' EXIT
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
