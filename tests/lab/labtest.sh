# shellcheck shell=bash
# tests/lab/labtest.sh - what the lab tests share.  Source it from a test in
# tests/lab/; it sources tests/tap.sh and tests/lab/lab.sh.
#
#   lab_test_up              the lab (or skip the file, saying why) and a
#                            scratch directory $tmp, both gone at exit
#                            (lab_services_up after it for TCP services)
#   lab_run CMD...           CMD inside the lab: sets OUT, ERR, RC and MS
#   scan ARGS...             aping ARGS inside the lab (lab_run)
#   what="..."; expect CMD...
#                            one check: ok when CMD succeeds, else diag
#   py SCRIPT ARGS...        one check: python SCRIPT on OUT must succeed
#   bg ARGS...; bg_wait      aping ARGS in the background (BG, its pid) and
#                            its end (OUT, ERR, RC, MS)
#   counter NAME [MISSING]   the value of a -s -v counter in ERR
#   left_behind PSFILE [NAME...]
#                            the processes a run left in its PID namespace
#
# Every command goes through lab_exec, which refuses to run unless the
# lab's scanner namespace exists: nothing here can probe the host's own
# network.  Scratch files of these helpers live in LAB_DIR, which lab_down
# removes.

# shellcheck source-path=SCRIPTDIR source=../tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
# shellcheck source=lab.sh
. "$(dirname "${BASH_SOURCE[0]}")/lab.sh"

# lab_test_up: builds the lab (tests/lab/lab.sh), or skips the whole file
# with the reason when it cannot be built here, and makes a scratch
# directory $tmp; the EXIT trap removes it and tears the lab down (a test
# that needs more at exit sets its own trap, doing both too).
lab_test_up() {
  local why
  why=$(lab_can_run) || skip_all "lab: $why"
  lab_up >/dev/null
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"; lab_down' EXIT
}

# lab_run CMD...: CMD inside the lab; sets OUT, ERR, RC and MS (the wall
# time in ms).
lab_run() {
  local t0
  t0=$(date +%s%N)
  OUT=$(lab_exec "$@" 2>"$LAB_DIR/run.err") && RC=0 || RC=$?
  MS=$((($(date +%s%N) - t0) / 1000000))
  ERR=$(cat "$LAB_DIR/run.err")
}

# scan ARGS...: aping ARGS inside the lab; sets OUT, ERR, RC and MS.
scan() {
  lab_run "$APING" "$@"
}

# diag: what the last run left in RC, MS, OUT and ERR (and LEFT, the
# processes it left behind, where a test looks), shown under a failed
# check.  A test with more to show defines its own diag.
diag() {
  echo "# exit ${RC:-?}${MS:+ in $MS ms}"
  printf '%s\n' "${OUT:-}" | head -8 | cut -c1-300 | sed 's/^/# out: /'
  printf '%s\n' "${ERR:-}" | head -8 | sed 's/^/# err: /'
  [ -z "${LEFT:-}" ] || printf '%s\n' "$LEFT" | head -5 | sed 's/^/# left: /'
}

# expect CMD...: the check named by $what passes when CMD succeeds;
# otherwise diag says why.
# shellcheck disable=SC2154 # what: set by the test before each check
expect() {
  if "$@"; then tap_ok "$what"; else tap_not_ok "$what"; diag; fi
}

# py SCRIPT ARGS...: the check named by $what runs python SCRIPT with OUT
# on its standard input; it passes when SCRIPT exits 0, and SCRIPT's
# output shows when it does not.
py() {
  local script=$1 out
  shift
  if out=$(printf '%s\n' "$OUT" | "$LAB_PYTHON" -c "$script" "$@" 2>&1); then
    tap_ok "$what"
  else
    tap_not_ok "$what"
    printf '%s\n' "$out" | sed 's/^/# py: /'
    diag
  fi
}

# bg ARGS...: starts aping ARGS inside the lab in the background; sets BG
# to aping's own pid (waiting up to 5 s for it to run).
bg() {
  lab_exec "$APING" "$@" >"$LAB_DIR/bg.out" 2>"$LAB_DIR/bg.err" &
  local wrapper=$!
  BG=
  for _ in $(seq 50); do
    # ip netns exec execs aping: it is the subshell's child, or the subshell.
    if [ "$(cat "/proc/$wrapper/comm" 2>/dev/null)" = aping ]; then
      BG=$wrapper
    else
      BG=$(pgrep -P "$wrapper" -x aping || true)
    fi
    [ -n "$BG" ] && break
    sleep 0.1
  done
  BG_WRAPPER=$wrapper
}

# bg_wait: waits for the run bg started; sets OUT, ERR, RC, and MS (the
# time waited, in ms).
bg_wait() {
  local t0
  t0=$(date +%s%N)
  wait "$BG_WRAPPER" && RC=0 || RC=$?
  MS=$((($(date +%s%N) - t0) / 1000000))
  OUT=$(cat "$LAB_DIR/bg.out")
  ERR=$(cat "$LAB_DIR/bg.err")
}

# counter NAME [MISSING]: the value of counter NAME in ERR (what -s -v
# prints after the summary), or MISSING when ERR has none: by default -1,
# which no count equals.
counter() {
  awk -v n="$1" -v m="${2:--1}" \
    '$1 == n {print $2; found = 1} END {if (!found) print m}' <<<"$ERR"
}

# left_behind PSFILE [NAME...]: the processes that PSFILE lists (the output
# of `ps -eo pid=,stat=,args=` run last in a PID namespace of the run's
# own), but for the namespace's first process, ps and the commands NAME:
# what the run left behind; "no ps" when there is no PSFILE.
left_behind() {
  local ps=$1
  shift
  awk -v skip=" ps $* " '$1 != 1 && index(skip, " " $3 " ") == 0' "$ps" \
    2>/dev/null || echo "no ps"
}
