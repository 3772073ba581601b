#!/bin/bash
# tests/lab/test-banner-memory.sh - what banners cost, whatever the peers
# send: 4094 flooding peers (198.19.0.0/20, port 7001, data as fast as it
# is read) checked with --banner-bytes 65536 while each target's ping takes
# two seconds (-c 3), so that every check finishes long before its ping
# verdict.  The banners in full would be 4094 x 64 KiB = 256 MiB (aping 0.1
# peaked at 200 to 253 MiB here); the memory of banners is bounded by the
# connections open (-j x --banner-bytes) and a fixed number of bytes
# waiting for ping verdicts, not by the peers.  Every format and the ways
# of combining verdicts: text, JSON, CSV, Prometheus, --any with --expect
# failing, --banner with --expect passing.  Each run must give every
# target's banner and peak below RSS_BOUND_KIB.
# Every scan runs through lab_exec (the lab's scanner namespace).
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

[ -x /usr/bin/time ] || skip_all "needs /usr/bin/time (package time)"
lab_test_up
lab_services_up
# Measured: about 27 MiB for each run below; the bound is generous, and far
# below the 256 MiB that the banners would take if they were all kept.
RSS_BOUND_KIB=65536
# A sanitizer build keeps freed memory in quarantine (256 MiB by default)
# and adds shadow memory: its RSS says nothing about aping's own.
if ldd "$APING" 2>/dev/null | grep -q libasan; then
  RSS_BOUND_KIB=1048576
fi
NET=198.19.0.0/20
N=4094 # a /20 less its network and broadcast addresses

# The banner shown whole: "flood " 10922 times and "flood" (65536 bytes
# less the trailing blank), escaped or not, makes a line longer than this.
# How many are whole depends on how fast the lab's peers send (a banner
# also ends after 300 ms of silence): it is shown, not asserted.
LONG=65000

# flood PATTERN ARGS...: aping ARGS -c 3 against $NET's flooding peers,
# its standard output read by awk, not kept: the lines that match the awk
# PATTERN are counted (SEEN), and those of them that hold a whole banner
# (WHOLE).  Sets SEEN, WHOLE, ERR, RC (aping's) and RSS (KiB).
flood() {
  local prog="$1 { n++; if (length(\$0) > $LONG) w++ }
    END { print n + 0, w + 0 }"
  shift
  # shellcheck disable=SC2016 # a script for the inner bash
  lab_run bash -c 'timeout 300 /usr/bin/time -o "$0/time" -f %M "${@:2}" |
    awk "$1"; exit "${PIPESTATUS[0]}"' "$tmp" "$prog" "$APING" -c 3 -p 1000 \
    --banner-bytes 65536 "$@" "$NET"
  RSS=$(tail -1 "$tmp/time")
  SEEN=${OUT% *} WHOLE=${OUT#* }
}

# bounded: the check of the last run's peak RSS.
bounded() {
  what="... peak RSS $RSS KiB ($WHOLE of $N banners whole), within"
  what="$what $RSS_BOUND_KIB KiB"
  expect test "$RSS" -lt "$RSS_BOUND_KIB"
}

flood '/ is alive \(.*; 7001\/tcp open telnet "flood/' --telnet=7001
what="text, --telnet: $N alive, each with its banner, exit 0"
expect test "$SEEN/$RC" = "$N/0"
bounded

flood '/^{"type":"target".*"banner":"flood/' --telnet=7001 --format json
what="JSON: $N records, each with its banner, exit 0"
expect test "$SEEN/$RC" = "$N/0"
bounded

flood '/^198\.19\..*""banner"":""flood/' --telnet=7001 --format csv
what="CSV: $N rows, each with its banner, exit 0"
expect test "$SEEN/$RC" = "$N/0"
bounded

flood '/^aping_service_up\{.*,port="7001",service="telnet"\} 1$/' \
  --telnet=7001 --format prom
what="Prometheus: $N services up, exit 0"
expect test "$SEEN/$RC" = "$N/0"
WHOLE="(not shown)" bounded

flood '/ is alive \(.*; 7001\/tcp open telnet "flood/ &&
  /" \(banner does not match\)$/' \
  --telnet=7001 --any --expect '^x'
what="--any, --expect failing: $N alive, banner shown, mismatch said, exit 0"
expect test "$SEEN/$RC" = "$N/0"
bounded

flood '/ is alive \(.*; 7001\/tcp open "flood.*"$/' --tcp 7001 --banner \
  --expect '^flood'
what="--tcp --banner, --expect passing: $N alive and passing, exit 0"
expect test "$SEEN/$RC" = "$N/0"
bounded

tap_done
