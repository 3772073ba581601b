# tests/tap.sh - TAP helpers for the shell tests.  Source it (the lab
# tests source tests/lab/labtest.sh, which sources it).
#
#   check "what" cmd args...    ok if the command succeeds
#   tap_skip "what" "why"       one check that cannot run here
#   skip_all "why"              the whole file cannot run here
#                               (both a failure under CI=true, which must
#                               run everything)
#   tap_done                    prints the plan; exit status says if all passed
#   run_aping ARGS...           aping in an empty network namespace: OUT,
#                               ERR, RC
#   bad_input "what" "needle" ARGS...
#   refused "what" STATUS "needle" ARGS...
#                               aping ARGS refuses them with exit 3 (STATUS)
#                               and one line on stderr

TAP_N=0
TAP_FAILED=0
APING=${APING:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/aping}

tap_ok() {
  TAP_N=$((TAP_N + 1))
  echo "ok $TAP_N - $1"
}

tap_not_ok() {
  TAP_N=$((TAP_N + 1))
  TAP_FAILED=$((TAP_FAILED + 1))
  echo "not ok $TAP_N - $1"
}

# check DESCRIPTION COMMAND...: runs COMMAND; its output is shown on failure.
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then
    tap_ok "$what"
  else
    tap_not_ok "$what"
    printf '%s\n' "$out" | sed 's/^/# /'
  fi
}

# tap_skip WHAT WHY: the check WHAT cannot run here, for the reason WHY.
tap_skip() {
  if [ "${CI:-}" = true ]; then
    tap_not_ok "$1: $2 (CI=true: this must run)"
  else
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N - $1 # SKIP $2"
  fi
}

# skip_all WHY: nothing in this file can run here; ends it.
skip_all() {
  tap_skip skipped "$1"
  tap_done
  exit $?
}

tap_done() {
  echo "1..$TAP_N"
  [ "$TAP_FAILED" -eq 0 ]
}

# A prefix that runs a command in a new, empty network namespace (only a
# down loopback), so that a test which expects aping to refuse its input
# cannot send a packet anywhere even if aping wrongly accepted it.
if [ -z "${NETLESS+set}" ]; then
  if unshare -n true 2>/dev/null; then
    NETLESS="unshare -n"
  elif unshare -rn true 2>/dev/null; then
    NETLESS="unshare -rn"
  else
    NETLESS=""
  fi
fi

# Runs aping with the given arguments (in an empty network namespace when
# possible), keeping stdout, stderr and status in OUT, ERR and RC.
run_aping() {
  local e
  e=$(mktemp)
  OUT=$($NETLESS "$APING" "$@" 2>"$e") && RC=0 || RC=$?
  ERR=$(cat "$e")
  rm -f "$e"
}

# refused DESCRIPTION STATUS NEEDLE ARGS...: aping ARGS must exit STATUS
# with exactly one line on stderr that contains NEEDLE, and nothing on
# stdout.
refused() {
  local what=$1 status=$2 needle=$3
  shift 3
  run_aping "$@"
  if [ "$RC" -eq "$status" ] && [ -z "$OUT" ] &&
     [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] && [[ $ERR == *"$needle"* ]]
  then
    tap_ok "$what"
  else
    tap_not_ok "$what"
    echo "# exit $RC, stdout '$OUT', stderr '$ERR' (wanted $status, '$needle')"
  fi
}

# bad_input DESCRIPTION NEEDLE ARGS...: bad usage; aping ARGS must exit 3
# with exactly one line on stderr that contains NEEDLE, nothing on stdout.
bad_input() {
  local what=$1
  shift
  refused "$what" 3 "$@"
}
