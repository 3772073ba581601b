#!/bin/bash
# tests/cli/test-hostile.sh - hostile files: target files (-f FILE, -f -,
# --exclude-file) with an endless line, NUL bytes, control characters or
# invalid UTF-8, and --state files that are corrupt, foreign, truncated or
# not files at all.  Each gets one line on stderr naming the file and the
# line, exit 3, and nothing probed (every run is in an empty network
# namespace when the system allows one).
set -u
. "$(dirname "$0")/../tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- target files

printf '127.0.0.1\n127.0.0.2 # fine\n' >"$tmp/good"
{
  printf '127.0.0.1\n'
  head -c 1048576 /dev/zero | tr '\0' a
  printf '\n127.0.0.2\n'
} >"$tmp/long"
printf '127.0.0.1\n127.0.0.2\0\n' >"$tmp/nul"
printf '127.0.0.1\n\n127.0.0.\xff3\n' >"$tmp/utf8"
printf '# hosts\n127.0.0.1 # caf\xe9 (Latin-1)\n' >"$tmp/latin1"
printf '127.0.0.1\n127.0.0.\033[2J3\n' >"$tmp/escape"
printf '\xef\xbb\xbf127.0.0.1\r\n127.0.0.2 # caf\xc3\xa9\r\n' >"$tmp/bom-crlf"

long="line longer than 4096 bytes"
nul="holds a NUL byte (column 10)"
utf8="not valid UTF-8 (byte 0xff at column 9)"
latin1="not valid UTF-8 (byte 0xe9 at column 16)"
escape="control character 0x1b at column 9"

bad_input "-f: a 1 MB line" "aping: $tmp/long:2: $long (exit 3)" \
  -f "$tmp/long"
bad_input "-f: a NUL byte" "aping: $tmp/nul:2: $nul (exit 3)" -f "$tmp/nul"
bad_input "-f: invalid UTF-8" "aping: $tmp/utf8:3: $utf8 (exit 3)" \
  -f "$tmp/utf8"
bad_input "-f: Latin-1 in a comment" "aping: $tmp/latin1:2: $latin1" \
  -f "$tmp/latin1"
bad_input "-f: a terminal escape" "aping: $tmp/escape:2: $escape" \
  -f "$tmp/escape"

bad_input "-f -: a 1 MB line" "aping: -:2: $long (exit 3)" -f - <"$tmp/long"
bad_input "-f -: a NUL byte" "aping: -:2: $nul (exit 3)" -f - <"$tmp/nul"
bad_input "-f -: invalid UTF-8" "aping: -:3: $utf8 (exit 3)" -f - <"$tmp/utf8"

bad_input "--exclude-file: a 1 MB line" "aping: $tmp/long:2: $long (exit 3)" \
  --exclude-file "$tmp/long" 127.0.0.1
bad_input "--exclude-file: a NUL byte" "aping: $tmp/nul:2: $nul (exit 3)" \
  --exclude-file "$tmp/nul" 127.0.0.1
bad_input "--exclude-file: invalid UTF-8" \
  "aping: $tmp/utf8:3: $utf8 (exit 3)" --exclude-file "$tmp/utf8" 127.0.0.1
bad_input "--exclude-file -: a terminal escape" "aping: -:2: $escape" \
  --exclude-file - 127.0.0.1 <"$tmp/escape"

bad_input "-f: a directory" "aping: cannot read '$tmp': Is a directory" \
  -f "$tmp"
bad_input "-f: a missing file" "aping: cannot open '$tmp/none': No such file" \
  -f "$tmp/none"

# The error names the first bad line, and nothing after it is read: a bad
# specification before the bad bytes is what is reported.
printf '127.0.0.1\n300.0.0.1\n\0\n' >"$tmp/bad-then-nul"
bad_input "the first bad line is the one reported" \
  "aping: $tmp/bad-then-nul:2: bad target '300.0.0.1'" -f "$tmp/bad-then-nul"

# A byte order mark and CRLF line ends are read as a plain file would be
# (in the empty namespace, both targets are unreachable: exit 1).
run_aping -t 100 -r 0 -f "$tmp/bom-crlf"
check "a UTF-8 BOM and CRLF line ends are read as text (exit $RC: $ERR)" \
  test "$RC" -eq 1 -a "$(printf '%s\n' "$OUT" | cut -d' ' -f1 | sort |
                        tr '\n' ' ')" = "127.0.0.1 127.0.0.2 "

# Bounded memory: an endless line on standard input ends the run at its
# 4097th byte (tr gets SIGPIPE), and a 64 MB line costs no more memory
# than a short bad file.
run_endless() {
  tr '\0' a </dev/zero | timeout 20 $NETLESS "$APING" -f - 2>&1 >/dev/null
}
out=$(run_endless) && rc=0 || rc=$?
check "-f -: an endless line ends at the limit (exit $rc: $out)" \
  test "$rc" -eq 3 -a "$out" = "aping: -:1: $long (exit 3)"

maxrss() {
  /usr/bin/time -f %M $NETLESS "$APING" "$@" 2>&1 >/dev/null | tail -n 1
}
if [ -x /usr/bin/time ]; then
  head -c 67108864 /dev/zero | tr '\0' a >"$tmp/huge"
  small=$(maxrss -f "$tmp/nul")
  big=$(maxrss -f "$tmp/huge")
  check "a 64 MB line costs under 8 MB more than a short file" \
    test "$((big - small))" -lt 8192
  echo "# max RSS: ${small} kB (short bad file), ${big} kB (64 MB line)"
  rm -f "$tmp/huge"
else
  tap_not_ok "/usr/bin/time is missing (package time)"
fi

# --- state files

state_bad() {
  local what=$1 why=$2
  bad_input "--state: $what" \
    "aping: cannot use state file '$tmp/st': $why (exit 3)" \
    -t 100 -r 0 --state "$tmp/st" 127.0.0.1
}
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$tmp/st"
state_bad "foreign" \
  "line 1: not an aping state file (no 'aping-state 1' line first)"
printf 'aping-state 1\nalive 127.0.0.1\n' >"$tmp/st"
state_bad "truncated" "truncated (no 'end' line)"
printf 'aping-state 1\nalive 127.0.0.1\nend 1' >"$tmp/st"
state_bad "cut in its last line" "line 3: no newline at the end"
printf 'aping-state 1\nalive 127.0.0.1\0\nend 1\n' >"$tmp/st"
state_bad "a NUL byte" "holds a NUL byte"
printf 'aping-state 1\n\033[2Jalive 127.0.0.1\nend 1\n' >"$tmp/st"
state_bad "a terminal escape" "line 2: control character 0x1b at column 1"
printf 'aping-state 1\nalive 127.0.0.\xff\nend 1\n' >"$tmp/st"
state_bad "invalid UTF-8" "line 2: not valid UTF-8 (byte 0xff at column 15)"
printf 'aping-state 1\nalive 127.0.0.1\nend 7\n' >"$tmp/st"
state_bad "a wrong count" "'end 7' but 1 targets"
head -c 100000 /dev/urandom >"$tmp/st"
printf '\0' >>"$tmp/st"
bad_input "--state: random bytes" "aping: cannot use state file '$tmp/st': " \
  -t 100 -r 0 --state "$tmp/st" 127.0.0.1
rm -f "$tmp/st"
mkfifo "$tmp/st"
state_bad "a FIFO (not waited on)" "not a regular file"
rm -f "$tmp/st"
ln -s /dev/zero "$tmp/st"
state_bad "a link to /dev/zero (not read forever)" "not a regular file"
# A refused state file is left as it was.
check "... and the refused file is not replaced" test -L "$tmp/st"
rm -f "$tmp/st"

tap_done
