#!/bin/bash
# tests/cli/test-file-safety.sh - the files aping writes as root (-o,
# --state, --lock) in directories other users may write to: a symbolic
# link there is followed only as the kernel's fs.protected_symlinks rule
# allows (whatever the sysctl says), another user's file gives its mode
# to nobody, a lock file is the caller's alone; a path that is standard
# output is written as that stream; a FIFO without a reader never outlives
# --deadline or a signal; a path that cannot be written ends the run
# before anything is probed.  aping runs in an empty network namespace
# (run_aping); its one target is unreachable there.  The checks of
# another user's files need root (chown); the rest run as anyone.
set -u
. "$(dirname "$0")/../tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
root=0
[ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && root=1
other=$(id -u nobody 2>/dev/null || echo 65534)

# aping's own temporary files (".NAME.XXXXXX") left anywhere under $tmp.
no_temp() {
  [ -z "$(find "$tmp" -name '.*.??????' -print)" ]
}

# ---- symbolic links in sticky directories (root) ----

if [ "$root" = 1 ]; then
  mkdir -m 1777 "$tmp/sticky"              # /tmp: sticky, root's
  mkdir -m 1777 "$tmp/theirs"              # sticky, another user's
  chown nobody "$tmp/theirs"
  mkdir -m 0777 "$tmp/open"                # world-writable, not sticky
  mkdir -m 0700 "$tmp/private"             # root's alone
  secret="$tmp/private/secret"

  reset_secret() {
    echo SECRET >"$secret"
    chmod 600 "$secret"
  }
  # plant LINK TARGET OWNER: a symbolic link that OWNER made.
  plant() {
    rm -f "$1"
    ln -s "$2" "$1"
    chown -h "$3" "$1"
  }
  untouched() {
    [ "$(cat "$secret")" = SECRET ]
  }

  for opt in -o --state; do
    reset_secret
    plant "$tmp/sticky/x.prom" "$secret" nobody
    refused "$opt through another user's link in a sticky directory is refused" \
      4 "belongs to uid $other in sticky directory" $opt "$tmp/sticky/x.prom" \
      127.0.0.1
    check "... and its target is untouched" untouched
    check "... and no temporary file is left" no_temp
  done

  reset_secret
  plant "$tmp/sticky/x.prom" "$secret" root
  run_aping -o "$tmp/sticky/x.prom" 127.0.0.1
  check "a link the caller owns in a sticky directory is followed" \
    grep -q '^127.0.0.1 is unreachable' "$secret"
  check "... the link is kept" test -L "$tmp/sticky/x.prom"
  check "... and the caller's target keeps its mode 600" \
    test "$(stat -c %a "$secret")" = 600

  reset_secret
  plant "$tmp/theirs/x.prom" "$secret" nobody
  run_aping -o "$tmp/theirs/x.prom" 127.0.0.1
  check "a link the sticky directory's owner owns is followed" \
    grep -q '^127.0.0.1 is unreachable' "$secret"

  reset_secret
  plant "$tmp/open/x.prom" "$secret" nobody
  run_aping -o "$tmp/open/x.prom" 127.0.0.1
  check "another user's link in a directory that is not sticky is followed" \
    grep -q '^127.0.0.1 is unreachable' "$secret"

  rm -f "$tmp/private/new"
  plant "$tmp/sticky/x.prom" "$tmp/private/new" nobody
  refused "another user's dangling link in a sticky directory is refused" \
    4 "not followed" -o "$tmp/sticky/x.prom" 127.0.0.1
  check "... and its target is not created" test ! -e "$tmp/private/new"
  plant "$tmp/sticky/x.prom" "$tmp/private/new" root
  run_aping -o "$tmp/sticky/x.prom" 127.0.0.1
  check "the caller's dangling link creates its target" \
    grep -q '^127.0.0.1 is unreachable' "$tmp/private/new"

  # Chains: each link on the way is held to the rule, wherever it is.
  reset_secret
  plant "$tmp/theirs/hop" "$secret" root
  plant "$tmp/sticky/x.prom" "$tmp/theirs/hop" root
  run_aping -o "$tmp/sticky/x.prom" 127.0.0.1
  check "a chain of links that may all be followed is followed" \
    grep -q '^127.0.0.1 is unreachable' "$secret"
  reset_secret
  plant "$tmp/sticky/hop" "$secret" nobody
  plant "$tmp/open/x.prom" "../sticky/hop" nobody
  refused "a chain through another user's link in a sticky directory is refused" \
    4 "'$tmp/sticky/hop' belongs to uid $other" -o "$tmp/open/x.prom" 127.0.0.1
  check "... and its target is untouched" untouched
  plant "$tmp/sticky/dir" "$tmp/private" nobody
  refused "another user's link to a directory, on the way, is refused" \
    4 "not followed" --state "$tmp/sticky/dir/secret" 127.0.0.1
  check "... and the file behind it is untouched" untouched
  plant "$tmp/sticky/loop" "$tmp/sticky/loop" root
  refused "a link to itself ends with ELOOP" 4 "symbolic links" \
    -o "$tmp/sticky/loop" 127.0.0.1

  # Another user's file: replaced, but its mode is not taken over.
  rm -f "$tmp/sticky/x.prom"
  echo theirs >"$tmp/sticky/x.prom"
  chown nobody "$tmp/sticky/x.prom"
  chmod 6777 "$tmp/sticky/x.prom"
  run_aping -o "$tmp/sticky/x.prom" 127.0.0.1
  check "another user's file replaced in a sticky directory gets a new file's mode" \
    test "$(stat -c '%a %U' "$tmp/sticky/x.prom")" = "644 root"

  # Lock files.
  touch "$tmp/sticky/l.lock"
  chown nobody "$tmp/sticky/l.lock"
  refused "--lock: another user's lock file is refused" 4 \
    "belongs to uid $other" --lock "$tmp/sticky/l.lock" 127.0.0.1
  plant "$tmp/sticky/l2.lock" "$tmp/private/l" root
  refused "--lock: a symbolic link, even the caller's, is refused" 4 \
    "a symbolic link" --lock "$tmp/sticky/l2.lock" 127.0.0.1
  check "... and its target is not created" test ! -e "$tmp/private/l"
else
  tap_skip "symbolic links and files of another user" \
    "needs root and a user 'nobody' (chown)"
fi

# ---- lock files (anyone) ----

run_aping --lock "$tmp/new.lock" 127.0.0.1
check "--lock creates its file 0600" \
  test "$(stat -c %a "$tmp/new.lock")" = 600
chmod 644 "$tmp/new.lock"
run_aping --lock "$tmp/new.lock" 127.0.0.1
check "--lock takes read access away from a lock file left readable" \
  test "$(stat -c %a "$tmp/new.lock")" = 600
mkfifo "$tmp/lock.fifo"
refused "--lock: a FIFO is refused (and not waited for)" 4 \
  "not a regular file" --lock "$tmp/lock.fifo" 127.0.0.1
refused "--lock: an empty name is bad usage" 3 "--lock: empty file name" \
  --lock '' 127.0.0.1

# ---- a path that is standard output or standard error ----

for path in /dev/stdout /proc/self/fd/1 "$tmp/log"; do
  echo old >"$tmp/log"
  $NETLESS sh -c '"$0" -o "$1" 127.0.0.1 >>"$2"' "$APING" "$path" "$tmp/log"
  check "-o $path >> log keeps what log held" \
    test "$(head -1 "$tmp/log")" = old
  check "... and appends the output" \
    eval '[[ $(sed -n 2p "$tmp/log") == "127.0.0.1 is unreachable"* ]]'
done
echo old >"$tmp/log"
$NETLESS sh -c '"$0" -o /dev/fd/2 127.0.0.1 2>>"$1"' "$APING" "$tmp/log"
check "-o /dev/fd/2 2>> log appends to log" \
  grep -qx old "$tmp/log"
check "... the output too" grep -q "^127.0.0.1 is unreachable" "$tmp/log"
echo old >"$tmp/log"
$NETLESS sh -c '"$0" -o /dev/fd/3 127.0.0.1 3>>"$1"' "$APING" "$tmp/log"
check "-o /dev/fd/3 3>> log (not a standard stream) keeps what log held" \
  test "$(head -1 "$tmp/log")" = old
check "... and appends the output" \
  grep -q "^127.0.0.1 is unreachable" "$tmp/log"
check "no temporary file is left" no_temp

# ---- a FIFO without a reader ----

mkfifo "$tmp/fifo"
t0=$(date +%s%N)
run_aping --deadline 1 -o "$tmp/fifo" --state "$tmp/fifo.state" 127.0.0.1
t=$((($(date +%s%N) - t0) / 1000000))
check "-o FIFO without a reader: --deadline 1 ends it (in ${t} ms)" \
  test "$t" -lt 10000
check "... with exit 4 and one line" \
  test "$RC" = 4 -a "$(printf '%s\n' "$ERR" | wc -l)" = 1
check "... that says so" \
  eval '[[ $ERR == *"no reader opened the FIFO before the deadline"* ]]'
check "... and no temporary file is left (--state's neither)" no_temp
for sig in TERM INT; do
  $NETLESS "$APING" -o "$tmp/fifo" 127.0.0.1 2>/dev/null &
  pid=$!
  sleep 0.5
  t0=$(date +%s%N)
  kill -$sig $pid
  rc=0
  wait $pid || rc=$?
  t=$((($(date +%s%N) - t0) / 1000000))
  want=$((128 + $(kill -l $sig)))
  check "-o FIFO without a reader: SIG$sig ends it (exit $rc, in ${t} ms)" \
    test "$rc" = "$want" -a "$t" -lt 10000
done
(sleep 0.3; cat "$tmp/fifo" >"$tmp/fromfifo") &
run_aping -o "$tmp/fifo" 127.0.0.1
wait
check "-o FIFO whose reader comes late is written" \
  grep -q "^127.0.0.1 is unreachable" "$tmp/fromfifo"

# ---- paths checked before probing ----

bad_input "-o '' is bad usage" "-o: empty file name" -o '' 127.0.0.1
bad_input "--state '' is bad usage, before any '(new)' line" \
  "--state: empty file name" --state '' 127.0.0.1
refused "-o in a directory that does not exist: exit 4 before probing" 4 \
  "cannot open '$tmp/nodir/out'" -o "$tmp/nodir/out" 127.0.0.1
refused "--state in a directory that does not exist: no '(new)' line" 4 \
  "cannot use state file '$tmp/nodir/st'" --state "$tmp/nodir/st" 127.0.0.1
touch "$tmp/file"
refused "-o under a file: exit 4 before probing" 4 "Not a directory" \
  -o "$tmp/file/out" 127.0.0.1
tap_done
