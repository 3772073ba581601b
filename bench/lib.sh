# bench/lib.sh - helpers for the benchmarks.  Source it after lab.sh.

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
