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
# its stdout to $BENCH_OUT, and stores the wall time in ms in VAR and the
# peak RSS in KiB in VAR_rss.
timed() {
  local var=$1 t0 t1 rss
  shift
  t0=$(date +%s%N)
  lab_exec /usr/bin/time -f '%M' -o "$BENCH_TMP/rss" "$@" >"$BENCH_OUT" \
    2>"$BENCH_TMP/err" || true
  t1=$(date +%s%N)
  rss=$(tail -n 1 "$BENCH_TMP/rss")
  printf -v "$var" '%d' $(((t1 - t0) / 1000000))
  printf -v "${var}_rss" '%s' "$rss"
}

# median N...: the median of the numbers given.
median() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
