#!/bin/bash
# tests/cli/test-output-files.sh - -o FILE never replaces what is not a
# regular file: a device node or FIFO is written in place, a symbolic link
# is followed and kept, and a replaced file keeps its mode.  aping runs in
# an empty network namespace (run_aping); its one target is unreachable
# there, which is all the output these tests need.
set -u
. "$(dirname "$0")/../tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo old >"$tmp/real"
chmod 600 "$tmp/real"
ln -s real "$tmp/link"
run_aping -o "$tmp/link" 127.0.0.1
check "-o through a symlink keeps the link" test -L "$tmp/link"
check "... and writes its target" grep -q '^127.0.0.1 is unreachable' "$tmp/real"
check "... which keeps its mode 600" test "$(stat -c %a "$tmp/real")" = 600

mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/fromfifo" &
run_aping -o "$tmp/fifo" 127.0.0.1
wait
check "-o to a FIFO writes into it" grep -q '^127.0.0.1' "$tmp/fromfifo"
check "... and leaves it a FIFO" test -p "$tmp/fifo"

if [ "$(id -u)" = 0 ] && mknod "$tmp/null" c 1 3 2>/dev/null; then
  run_aping -o "$tmp/null" 127.0.0.1
  check "-o to a device node (a private /dev/null) keeps the node" \
    test -c "$tmp/null"
else
  skip_all "creating a device node needs root"
fi
tap_done
