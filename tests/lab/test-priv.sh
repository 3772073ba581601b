#!/bin/bash
# tests/lab/test-priv.sh - what a running scan holds once its sockets are
# open (priv.h), and what the children of the ping(8) engine get.
#
# For the libcap build and a build without libcap (WITH_LIBCAP=no, made
# here into a scratch directory), each run three ways: as root, as nobody
# through a copy with the file capability cap_net_raw+ep, and as nobody
# through a setuid root copy.  A long scan of silent lab hosts (--rate 20)
# is read from outside through /proc/PID/status: no capability in any set
# (inheritable, permitted, effective, ambient), no_new_privs set, and for
# the nobody runs no uid or gid 0; as root the bounding set is empty too.
# With -m exec no_new_privs stays off,
# because ping(8) works for nobody only through its own file capability,
# which the kernel would not grant under no_new_privs; that claim is
# checked here too.  A child (a fake ping that sleeps) is read the same
# way: no capability (a child of root's: nothing inherited, and CAP_NET_RAW
# at most from root's rule, which the bounding set limits to that), and
# descriptors 0 (/dev/null), 1 and 2 (its pipes) only, even when aping
# itself inherited another one.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

why=$(lab_can_run) || skip_all "lab: $why"
for tool in setcap pgrep make cc; do
  command -v "$tool" >/dev/null || skip_all "needs $tool"
done
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# A scratch directory where setuid works (not on a nosuid mount).
for base in "${TMPDIR:-/tmp}" /var/tmp /usr/local/src; do
  findmnt -no OPTIONS -T "$base" 2>/dev/null | grep -qw nosuid || break
done
tmp=$(mktemp -d "$base/aping-priv.XXXXXX")
trap 'rm -rf "$tmp"; lab_down' EXIT
chmod 755 "$tmp"
mkdir "$tmp/build"
cp -r "$SRC/Makefile" "$SRC/src" "$tmp/build/"
rm -f "$tmp/build"/src/*.[od]
make -s -C "$tmp/build" WITH_LIBCAP=no aping >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log"; skip_all "cannot build WITH_LIBCAP=no"; }
# Each build's copies: as is (root), with the file capability, setuid root.
for b in libcap nolibcap; do
  mkdir -p "$tmp/$b"
  src=$APING
  [ "$b" = nolibcap ] && src=$tmp/build/aping
  install -m 755 "$src" "$tmp/$b/aping"
  install -m 755 "$src" "$tmp/$b/aping-cap"
  setcap cap_net_raw+ep "$tmp/$b/aping-cap"
  install -o root -g root -m 4755 "$src" "$tmp/$b/aping-suid"
done
cp -r "$(dirname "$0")/fake-ping" "$tmp/fake"
chmod -R a+rX "$tmp"
lab_up >/dev/null
NOBODY=$(id -u nobody)
NOGROUP=$(id -g nobody)

# run_bg WHO BIN ARGS...: starts BIN ARGS in the lab's scanner namespace
# as root (WHO root) or as nobody with the bounding set left alone (WHO
# nobody, as lab_exec_user runs it), in the background, stderr to
# $tmp/err.  ip netns exec and setpriv exec the command, so PID is aping
# itself (it would be a subshell through a function such as lab_exec).
run_bg() {
  local who=$1
  shift
  _lab_check_scan || return 1
  if [ "$who" = root ]; then
    ip netns exec "$LAB_SCAN" "$@" >/dev/null 2>"$tmp/err" &
  else
    ip netns exec "$LAB_SCAN" setpriv --reuid=nobody --regid=nogroup \
      --clear-groups -- "$@" >/dev/null 2>"$tmp/err" &
  fi
  PID=$!
}

# wait_err REGEX: waits (up to 10 s) for a line of aping's stderr.
wait_err() {
  local i
  for i in $(seq 200); do
    grep -qE "$1" "$tmp/err" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

stop_bg() {
  kill -TERM "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
}

# zero_caps STATUS: no capability in the four sets a process uses.
zero_caps() {
  local f
  for f in CapInh CapPrm CapEff CapAmb; do
    grep -qE "^$f:[[:space:]]+0+\$" <<<"$1" || return 1
  done
}

# root_child_caps STATUS: a child of root's with nothing inherited and
# nothing but CAP_NET_RAW (bit 13, 0x2000) from root's rule on execve.
root_child_caps() {
  local s='[[:space:]]+'
  grep -qE "^CapInh:${s}0+\$" <<<"$1" &&
    grep -qE "^CapAmb:${s}0+\$" <<<"$1" &&
    grep -qE "^CapPrm:${s}0*(2000)?\$" <<<"$1" &&
    grep -qE "^CapEff:${s}0*(2000)?\$" <<<"$1" &&
    grep -qE "^CapBnd:${s}0*2000\$" <<<"$1"
}

# nobody_ids STATUS: every uid and gid (real, effective, saved, fs) is
# nobody's, none is 0.
nobody_ids() {
  local s='[[:space:]]+'
  grep -qE "^Uid:$s$NOBODY$s$NOBODY$s$NOBODY$s$NOBODY\$" <<<"$1" &&
    grep -qE "^Gid:$s$NOGROUP$s$NOGROUP$s$NOGROUP$s$NOGROUP\$" <<<"$1"
}

# diag: this file's own (expect calls it): the status of the process
# read last, and aping's stderr.
diag() {
  printf '%s\n' "$ST" | grep -E '^(Uid|Gid|Cap|NoNewPrivs)' | sed 's/^/# /'
  sed 's/^/# err: /' "$tmp/err" | head -5
}

# -- the prober: a raw socket open, nothing else held

# ICMP datagram sockets forbidden in the scanner namespace meanwhile, so
# that nobody's scans must use the raw socket that the capability or
# setuid opened.
_lab_sysctl "$LAB_SCAN" "net.ipv4.ping_group_range=1 0"
for b in libcap nolibcap; do
  for how in root:aping nobody:aping-cap nobody:aping-suid; do
    who=${how%%:*}
    bin=$tmp/$b/${how#*:}
    # -m icmp, and -m auto (no_new_privs set at once: no socket missing).
    m=auto
    [ "${how#*:}" = aping-cap ] && m=icmp
    run_bg "$who" "$bin" -v -q -m "$m" --rate 20 -t 5000 -r 0 \
      198.19.128.0/24
    what="$b, $who, ${how#*:}, -m $m: the scan runs on a raw socket"
    expect wait_err '^aping: ICMP: raw socket$'
    ST=$(cat "/proc/$PID/status" 2>/dev/null || true)
    what="$b, $who, ${how#*:}: no capability in CapInh/CapPrm/CapEff/CapAmb"
    expect zero_caps "$ST"
    what="$b, $who, ${how#*:}: NoNewPrivs 1"
    expect grep -qE '^NoNewPrivs:[[:space:]]+1$' <<<"$ST"
    if [ "$who" = nobody ]; then
      what="$b, $who, ${how#*:}: no uid or gid 0"
      expect nobody_ids "$ST"
    else
      what="$b, root: the bounding set is empty too"
      expect grep -qE '^CapBnd:[[:space:]]+0+$' <<<"$ST"
    fi
    stop_bg
  done
done
_lab_sysctl "$LAB_SCAN" "net.ipv4.ping_group_range=0 2147483647"

# -- the ping(8) engine: why no_new_privs stays off there

if getcap "$(command -v ping)" 2>/dev/null | grep -q cap_net_raw; then
  # A process of nobody's with no_new_privs, as aping would be, cannot
  # run the system's ping: the kernel refuses its file capability.
  what="the claim: under no_new_privs ping(8) cannot ping as nobody"
  if lab_nodgram lab_exec_user setpriv --no-new-privs -- sh -c \
    'exec ping -n -c 1 -W 1 198.18.1.5' >"$tmp/err" 2>&1; then
    tap_not_ok "$what"
    ST=
    diag
  else
    tap_ok "$what"
  fi
  OUT=$(lab_nodgram lab_exec_user "$tmp/nolibcap/aping" -v 198.18.1.5 \
    198.18.2.7 2>"$tmp/err") || true
  what="so -m auto without a socket falls back to ping(8) and it works"
  ST=
  expect grep -q 'using ping(8)' "$tmp/err"
  expect grep -qE '^198\.18\.1\.5 is alive' <<<"$OUT"
  expect grep -qx '198.18.2.7 is unreachable' <<<"$OUT"
  # Root's children get CAP_NET_RAW at most (the bounding set): enough
  # for the system ping's raw socket, with datagram sockets forbidden.
  OUT=$(lab_nodgram lab_exec "$APING" -m exec 198.18.1.5 2>"$tmp/err") ||
    true
  what="as root with -m exec and no datagram socket the system ping works"
  expect grep -qE '^198\.18\.1\.5 is alive' <<<"$OUT"
else
  tap_skip "ping(8) under no_new_privs" "the system ping has no file capability"
fi

# -- the children: no capability (as root: CAP_NET_RAW at most, as the
# -- bounding set allows), no descriptor but their three

# child_of PID: the pid of a child of PID (the fake ping), once it runs.
child_of() {
  local i c
  for i in $(seq 200); do
    c=$(pgrep -P "$1" | head -1) || true
    if [ -n "$c" ] && grep -q '^Name:[[:space:]]*sleep' "/proc/$c/status" \
      2>/dev/null; then
      echo "$c"
      return 0
    fi
    sleep 0.05
  done
  return 1
}

# fds_ok PID: descriptors 0 (/dev/null), 1 and 2 (pipes to aping) only.
fds_ok() {
  local fds
  fds=$(ls "/proc/$1/fd" | sort -n | tr '\n' ' ')
  [ "$fds" = "0 1 2 " ] &&
    [ "$(readlink "/proc/$1/fd/0")" = /dev/null ] &&
    [[ $(readlink "/proc/$1/fd/1") == @(pipe|socket):* ]] &&
    [[ $(readlink "/proc/$1/fd/2") == @(pipe|socket):* ]]
}

# The text format, and Prometheus's, which spools samples in tmpfile(3)s
# (opened without O_CLOEXEC) while the children run.
for b in libcap nolibcap; do
  for how in root:aping nobody:aping-cap nobody:aping-suid root:aping:prom; do
    who=${how%%:*}
    bin=${how#*:}
    fmt=text
    case $bin in *:prom) bin=${bin%:prom} fmt=prom ;; esac
    bin=$tmp/$b/$bin
    # Descriptor 7 open in aping, as a careless parent might leave one.
    run_bg "$who" sh -c 'exec "$@" 7<"$0"' /dev/null "$bin" -v -m exec \
      --format "$fmt" -j 4 --ping-command "$tmp/fake/hang" \
      198.18.2.1-198.18.2.8
    what="$b, $who, ${how#*:}: -m exec starts its fake pings"
    expect wait_err '^aping: method exec: '
    ST=$(cat "/proc/$PID/status" 2>/dev/null || true)
    what="$b, $who, ${how#*:}: with -m exec aping holds no capability"
    expect zero_caps "$ST"
    what="$b, $who, ${how#*:}: ... and NoNewPrivs 0, for ping(8)"
    expect grep -qE '^NoNewPrivs:[[:space:]]+0$' <<<"$ST"
    c=$(child_of "$PID") || c=
    ST=$(cat "/proc/${c:-none}/status" 2>/dev/null || true)
    if [ "$who" = nobody ]; then
      what="$b, $who, ${how#*:}: a child has no capability"
      expect zero_caps "$ST"
      what="$b, $who, ${how#*:}: a child has no uid or gid 0"
      expect nobody_ids "$ST"
    else
      what="$b, root: a child inherits no capability, and root's rule gives"
      what="$what it CAP_NET_RAW at most (bounding set)"
      expect root_child_caps "$ST"
    fi
    what="$b, $who, ${how#*:}: a child has descriptors 0, 1, 2 only"
    if [ -n "$c" ] && fds_ok "$c"; then
      tap_ok "$what"
    else
      tap_not_ok "$what"
      ls -l "/proc/${c:-none}/fd" 2>&1 | sed 's/^/# /'
    fi
    stop_bg
  done
done

tap_done
