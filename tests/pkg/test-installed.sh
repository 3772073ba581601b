#!/bin/bash
# tests/pkg/test-installed.sh - the installed package (APING, default
# /usr/bin/aping) works for an ordinary user through its file capability,
# and its systemd unit template is valid as installed and not enabled.
# Not part of `make check`: CI runs it after installing the .deb
# (tests/pkg/ci-packages.sh).  Needs root for the lab.
#
# In the lab's scanner namespace, with unprivileged ICMP datagram sockets
# forbidden there (ping_group_range "1 0"), uid nobody can only get a raw
# socket, and only through cap_net_raw on the file: so the installed binary
# must say "raw socket" and find the lab's hosts, a copy of it without the
# capability must fail with exit 4, and /proc/PID/status of a running scan
# must show the capability gone (privilege drop).  The same with a setuid
# root copy, the postinst's fallback.  Every probe goes to lab addresses
# inside namespaces this test creates.
set -u
APING=${APING:-/usr/bin/aping}
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/../lab/lab.sh"

[ -x "$APING" ] || skip_all "no installed aping at $APING (install the package)"

# The systemd unit template the package installed: systemd accepts it as
# installed (ExecStart's /usr/bin/aping, the installed manual page for
# Documentation=), and no instance was enabled.
unit=$( (dpkg -L aping 2>/dev/null || rpm -ql aping 2>/dev/null) |
  grep '/systemd/system/aping@\.service$')
if [ -z "$unit" ]; then
  tap_not_ok "the package installs aping@.service"
  echo "# neither dpkg -L aping nor rpm -ql aping lists it"
elif ! command -v systemd-analyze >/dev/null 2>&1; then
  tap_skip "systemd-analyze verify $unit" \
    "systemd-analyze is not installed (Debian package systemd)"
else
  check "the package installs $unit" test -f "$unit"
  check "systemd-analyze verify accepts the installed aping@pkgtest.service" \
    sh -c 'out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=yes \
      aping@pkgtest.service 2>&1); rc=$?; echo "$out"; test "$rc" = 0 -a -z "$out"'
  check "no instance of aping@.service is enabled" \
    sh -c '! ls /etc/systemd/system/*.wants/aping@* 2>/dev/null &&
      ! systemctl is-enabled --quiet aping@.service 2>/dev/null'
fi

why=$(lab_can_run) || skip_all "lab: $why"
command -v getcap >/dev/null || skip_all "getcap is missing (libcap2-bin)"

check "getcap shows cap_net_raw=ep on $APING" \
  sh -c 'getcap "$1" | grep -q "cap_net_raw[=+]ep"' sh "$APING"

set -e
lab_up
set +e
# A scratch directory where setuid works (not on a nosuid mount).
for base in "${TMPDIR:-/tmp}" /var/tmp /usr/local/src; do
  findmnt -no OPTIONS -T "$base" 2>/dev/null | grep -qw nosuid || break
done
tmp=$(mktemp -d "$base/aping-pkgtest.XXXXXX")
chmod 755 "$tmp"
trap 'lab_down; rm -rf "$tmp"' EXIT

# scan BIN: runs BIN -v -m icmp on an alive and a silent target of each
# family as nobody without datagram sockets; sets OUT, ERR, RC.  nobody
# with the capability bounding set left alone (lab_exec_user;
# lab_exec_nobody empties it, which would hide file capabilities).
scan() {
  OUT=$(lab_nodgram lab_exec_user "$1" -v -m icmp -t 300 -r 0 "$LAB_UP4" \
    "$LAB_UP6" "$LAB_SILENT4" "$LAB_SILENT6" 2>"$tmp/err") && RC=0 || RC=$?
  ERR=$(cat "$tmp/err")
}

scanned_ok() {
  [ "$RC" -eq 1 ] &&
    grep -qx "$LAB_UP4 is alive (.* ms)" <<<"$OUT" &&
    grep -qx "$LAB_UP6 is alive (.* ms)" <<<"$OUT" &&
    grep -qx "$LAB_SILENT4 is unreachable" <<<"$OUT" &&
    grep -qx "aping: ICMP: raw socket" <<<"$ERR" &&
    grep -qx "aping: ICMPv6: raw socket" <<<"$ERR"
}

scan "$APING"
check "nobody, no datagram sockets: the installed aping uses raw sockets" \
  scanned_ok
[ "$RC" -eq 1 ] || printf '# exit %s\n# %s\n# %s\n' "$RC" "$OUT" "$ERR"

# The same binary without the capability: no way to an ICMP socket.
cp "$APING" "$tmp/aping-nocap"
chmod 755 "$tmp/aping-nocap"
scan "$tmp/aping-nocap"
check "the same binary without the capability fails with exit 4" \
  test "$RC" -eq 4
check "... and says it cannot open an ICMP socket" \
  grep -q "cannot open an ICMP socket" <<<"$ERR"

# status_of BIN: starts a scan of a silent target (3 s) as nobody, and
# prints the Uid, CapPrm and CapEff lines of its /proc/PID/status once it
# has dropped its privileges (or after 2 s).  ip netns exec and setpriv
# exec the command, so $! is aping itself.
status_of() {
  local pid i st
  _lab_check_scan || return 1
  _lab_sysctl "$LAB_SCAN" "net.ipv4.ping_group_range=1 0" || return 1
  ip netns exec "$LAB_SCAN" setpriv --reuid=nobody --regid=nogroup \
    --clear-groups -- "$1" -q -m icmp -t 3000 -r 0 "$LAB_SILENT4" \
    >/dev/null 2>&1 &
  pid=$!
  for i in $(seq 40); do
    st=$(grep -E '^(Name|Uid|CapPrm|CapEff):' "/proc/$pid/status" 2>/dev/null)
    if grep -q '^Name:.*aping' <<<"$st" &&
       grep -q '^CapPrm:[[:space:]]*0*$' <<<"$st"; then
      break
    fi
    sleep 0.05
  done
  printf '%s\n' "$st"
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  _lab_sysctl "$LAB_SCAN" "net.ipv4.ping_group_range=0 2147483647" || true
}

dropped() {
  local nobody
  nobody=$(id -u nobody)
  local s='[[:space:]]+'
  grep -qE "^Uid:$s$nobody$s$nobody$s$nobody$s$nobody\$" <<<"$1" &&
    grep -qE '^CapPrm:[[:space:]]+0+$' <<<"$1" &&
    grep -qE '^CapEff:[[:space:]]+0+$' <<<"$1"
}

st=$(status_of "$APING")
check "a running scan has dropped cap_net_raw (/proc/PID/status)" dropped "$st"
printf '%s\n' "$st" | sed 's/^/# /'

# The postinst's fallback where setcap fails: setuid root.  aping must give
# up root (all four uids nobody) and every capability once its sockets are
# open, and still have its raw sockets.
install -o root -g root -m 4755 "$tmp/aping-nocap" "$tmp/aping-suid"
scan "$tmp/aping-suid"
check "a setuid root copy uses raw sockets as nobody" scanned_ok
st=$(status_of "$tmp/aping-suid")
check "a running setuid root scan is nobody with no capability" dropped "$st"
printf '%s\n' "$st" | sed 's/^/# /'

# What the package carries besides the binary.
check "man aping renders the installed page" \
  sh -c 'MANWIDTH=80 man aping 2>/dev/null | col -b |
    grep -q "^SECURITY CONSIDERATIONS"'
check "the licence is in /usr/share/doc/aping/copyright" \
  grep -q '^License: ISC' /usr/share/doc/aping/copyright
check "the bash completion is installed and completes --fo" \
  bash --norc --noprofile -c '. /usr/share/bash-completion/completions/aping
    COMP_WORDS=(aping --fo); COMP_CWORD=1; _aping
    test "${COMPREPLY[*]}" = --format'

tap_done
