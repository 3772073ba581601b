#!/bin/sh
# tests/run.sh - runs every test program and script given as arguments.
#
# Each test prints TAP lines ("ok N - what", "not ok N - what", and
# "ok N - what # SKIP why").  A test that exits non-zero without reporting a
# failure counts as one failure.  Under CI=true a skip is a failure: CI runs
# as root and must run every test.  Each test's line gives its count and how
# long it took in whole seconds, so that a CI log shows where the time goes;
# the last line is "N passed, N failed".
passed=0 failed=0 skipped=0
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT

for t in "$@"; do
  [ -e "$t" ] || continue
  t0=$(date +%s)
  case $t in
    *.sh) bash "$t" >"$log" 2>&1 ;;
    *) "./$t" >"$log" 2>&1 ;;
  esac
  rc=$?
  secs=$(($(date +%s) - t0))
  p=$(grep -c '^ok ' "$log" | tr -d ' ')
  s=$(grep -c '^ok .*# SKIP' "$log" | tr -d ' ')
  f=$(grep -c '^not ok ' "$log" | tr -d ' ')
  p=$((p - s))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
    echo "not ok - $t exited with status $rc" >>"$log"
  fi
  if [ "${CI:-}" = true ] && [ "$s" -gt 0 ]; then
    f=$((f + s))
    s=0
    echo "# CI=true: skipped tests count as failures" >>"$log"
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  if [ "$f" -gt 0 ]; then
    echo "FAIL $t ($p passed, $f failed, $secs s)"
    sed 's/^/    /' "$log"
  else
    echo "ok   $t ($p passed${s:+, $s skipped}, $secs s)" |
      sed 's/, 0 skipped//'
    grep '# SKIP' "$log" | sed 's/^/    /'
  fi
done
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
