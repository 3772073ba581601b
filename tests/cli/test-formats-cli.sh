#!/bin/bash
# tests/cli/test-formats-cli.sh - the options of output formats and
# unattended runs, where no network is needed: help, bad values, files
# that cannot be used, a lock held by someone else.  Every command is
# refused before probing starts (and runs in an empty network namespace).
set -u
. "$(dirname "$0")/../tap.sh"

run_aping -h
for opt in --format -o -e -x --state --deadline --lock --progress --color \
           --warn --crit json csv prom nagios NO_COLOR; do
  check "-h documents $opt" grep -q -- "$opt" <<<"$OUT"
done
for code in "5 (--state)" "6 (--lock)" "7 (--deadline)" "130" "143" \
            "3 UNKNOWN"; do
  check "-h documents exit status $code" grep -qF -- "$code" \
    <<<"$(tr '\n' ' ' <<<"$OUT" | tr -s ' ')"
done

bad_input "unknown --format" \
  "invalid --format 'xml': need text, json, csv, prom or nagios" \
  --format xml 127.0.0.1
bad_input "unknown --progress" \
  "invalid --progress 'sometimes': need auto, always or never" \
  --progress sometimes 127.0.0.1
bad_input "unknown --color" "invalid --color 'rainbow'" \
  --color rainbow 127.0.0.1
bad_input "zero --deadline" "invalid --deadline '0'" --deadline 0 127.0.0.1
bad_input "negative --deadline" "invalid --deadline '-5'" \
  --deadline -5 127.0.0.1
bad_input "non-numeric --deadline" "invalid --deadline 'soon'" \
  --deadline soon 127.0.0.1
bad_input "zero -x" "invalid -x '0'" -x 0 127.0.0.1
bad_input "non-numeric -x" "invalid -x 'most'" -x most 127.0.0.1
bad_input "-o without a file" "'-o' needs a value" 127.0.0.1 -o
bad_input "--state without a file" "'--state' needs a value" 127.0.0.1 \
  --state
bad_input "bad --warn" "invalid --warn 'lots'" --format nagios \
  --warn lots 127.0.0.1
bad_input "--crit over 100%" "invalid --crit '150%'" --format nagios \
  --crit 150% 127.0.0.1
bad_input "fractional count --crit" "invalid --crit '1.5'" \
  --format nagios --crit 1.5 127.0.0.1
bad_input "--warn without nagios" "need --format nagios" --warn 5 127.0.0.1
bad_input "-x with --state" "-x and --state given together" -x 1 \
  --state /nonexistent/state 127.0.0.1
bad_input "-x with nagios" "use --crit" -x 1 --format nagios 127.0.0.1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'root:x:0:0:root:/root:/bin/bash\n' >"$tmp/passwd"
bad_input "a foreign --state file is refused" \
  "cannot use state file '$tmp/passwd': line 1: not an aping state file" \
  --state "$tmp/passwd" 127.0.0.1
check "... and left as it was" \
  test "$(cat "$tmp/passwd")" = 'root:x:0:0:root:/root:/bin/bash'
printf 'aping-state 1\nalive 127.0.0.1\n' >"$tmp/truncated"
bad_input "a truncated --state file is refused" \
  "'$tmp/truncated': truncated (no 'end' line)" --state "$tmp/truncated" \
  127.0.0.1
printf 'aping-state 9\nend 0\n' >"$tmp/future"
bad_input "a --state file of another version is refused" \
  "unsupported version '9'" --state "$tmp/future" 127.0.0.1
check "no temporary file is left behind" \
  test "$(find "$tmp" -name '.*' -type f | wc -l)" -eq 0

refused "-o in a missing directory" 4 \
  "cannot open '/nonexistent/dir/out': No such file or directory" \
  -o /nonexistent/dir/out 127.0.0.1
refused "--lock in a missing directory" 4 \
  "cannot lock '/nonexistent/dir/lock': No such file or directory" \
  --lock /nonexistent/dir/lock 127.0.0.1

# This shell holds the lock (flock(1) on its descriptor 9): aping gives
# up at once, before it reads a target or opens a file.
exec 9>"$tmp/lock"
flock -n 9 || tap_not_ok "flock(1) cannot lock $tmp/lock"
t0=$(date +%s%N)
refused "a lock held elsewhere: exit 6" 6 \
  "another run holds the lock '$tmp/lock'" --lock "$tmp/lock" \
  -f /nonexistent/hosts
check "... without waiting for it" \
  test $((($(date +%s%N) - t0) / 1000000)) -lt 2000
run_aping --format nagios --lock "$tmp/lock" 127.0.0.1
check "... in nagios format: an UNKNOWN line and exit 3" \
  test "$RC" -eq 3 -a "$OUT" = \
  "APING UNKNOWN - another run holds the lock (see standard error)"
exec 9>&-
bad_input "once the lock is free, aping goes on (here to a missing file)" \
  "cannot open '/nonexistent/hosts'" --lock "$tmp/lock" -f /nonexistent/hosts

run_aping --format nagios --exclude 127.0.0.1 127.0.0.1
check "nagios format, nothing to probe: UNKNOWN line, exit 3" \
  test "$RC" -eq 3 -a "$OUT" = \
  "APING UNKNOWN - bad usage (see standard error)"

tap_done
