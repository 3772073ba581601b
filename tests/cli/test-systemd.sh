#!/bin/bash
# tests/cli/test-systemd.sh - packaging/systemd/aping@.service: systemd
# accepts it, it runs aping -l with the options of its instance, and it
# holds the capability and sandboxing settings the packages promise.
#
# systemd-analyze verify loads the unit into a private manager: no running
# systemd is needed.  It checks that ExecStart's program exists, so it
# verifies a copy, as the instance aping@test.service, whose ExecStart
# runs the aping under test instead of /usr/bin/aping; and, with
# MANPATH pointing at a copy of man/aping.1, that Documentation= names a
# page that man finds.  verify exits 0 on a misspelt key or a bad value,
# which it only warns about, so any message about the unit is a failure
# too; broken copies of the unit show that each kind of fault fails.
# Nothing is started and nothing is probed.
set -u
. "$(dirname "$0")/../tap.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
unit=$top/packaging/systemd/aping@.service
example=$top/packaging/systemd/example.conf

command -v systemd-analyze >/dev/null 2>&1 ||
  skip_all "systemd-analyze is not installed (Debian package systemd; make deps installs it)"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/man/man1" "$tmp/unit"
cp "$top/man/aping.1" "$tmp/man/man1/aping.1"

# verify FILE: copies FILE to aping@test.service with ExecStart running
# $APING, and verifies it; fails on a non-zero exit or on any message
# (printed).
verify() {
  local copy=$tmp/unit/aping@test.service out rc
  sed "s|^ExecStart=/usr/bin/aping |ExecStart=$APING |" "$1" >"$copy"
  out=$(cd "$tmp/unit" && MANPATH=$tmp/man SYSTEMD_LOG_LEVEL=warning \
    systemd-analyze verify --man=yes ./aping@test.service 2>&1) && rc=0 ||
    rc=$?
  printf '%s\n' "$out"
  [ "$rc" -eq 0 ] && [ -z "$out" ]
}

# broken WHAT SED: a copy of the unit edited by SED must fail verify.
broken() {
  sed "$2" "$unit" >"$tmp/broken.service"
  if cmp -s "$unit" "$tmp/broken.service"; then
    tap_not_ok "verify fails on $1"
    echo "# the sed expression '$2' changed nothing"
  elif verify "$tmp/broken.service" >/dev/null; then
    tap_not_ok "verify fails on $1"
  else
    tap_ok "verify fails on $1"
  fi
}

check "$APING is there to be run" test -x "$APING"
check "systemd-analyze verify accepts the unit (as aping@test.service)" \
  verify "$unit"
broken "a misspelt key" 's/^ProtectSystem=/ProtectSytem=/'
broken "a bad value" 's/^RestrictAddressFamilies=.*/RestrictAddressFamilies=AF_BOGUS/'
broken "a program that does not exist" \
  's|^ExecStart=/usr/bin/aping |ExecStart=/nonexistent/aping |'
broken "a manual page that does not exist" 's/^Documentation=.*/Documentation=man:aping-no-such-page(1)/'
broken "a bad section" 's/^\[Service\]/[Servce]/'

# The settings, each exactly once.
has() {
  local n
  n=$(grep -cxF -- "$1" "$unit")
  [ "$n" -eq 1 ] || { echo "'$1': $n lines"; return 1; }
}
check "ExecStart runs aping -l -q -m icmp with \$APING_OPTS" \
  has 'ExecStart=/usr/bin/aping -l -q -m icmp $APING_OPTS'
check "the options come from /etc/aping/%i.conf" \
  has 'EnvironmentFile=/etc/aping/%i.conf'
check "reload sends SIGHUP" has 'ExecReload=/bin/kill -HUP $MAINPID'
for line in 'Documentation=man:aping(1)' 'DynamicUser=yes' \
  'AmbientCapabilities=CAP_NET_RAW' 'CapabilityBoundingSet=CAP_NET_RAW' \
  'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' \
  'PrivateTmp=yes' 'PrivateDevices=yes' 'ProtectKernelTunables=yes' \
  'ProtectKernelModules=yes' 'ProtectKernelLogs=yes' \
  'ProtectControlGroups=yes' 'ProtectClock=yes' 'ProtectHostname=yes' \
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK' \
  'RestrictNamespaces=yes' 'LockPersonality=yes' \
  'MemoryDenyWriteExecute=yes' 'RestrictRealtime=yes' \
  'RestrictSUIDSGID=yes' 'SystemCallArchitectures=native' \
  'SystemCallFilter=@system-service' 'Restart=on-failure' \
  'WantedBy=multi-user.target'; do
  check "the unit has $line" has "$line"
done
# Nothing may widen what the lines above allow: no second line for the
# keys that grant something, no user, group or capability of another
# kind, and no user namespace (in which CAP_NET_RAW would not open the
# host's raw sockets).
for key in AmbientCapabilities CapabilityBoundingSet RestrictAddressFamilies \
  SystemCallFilter ExecStart; do
  check "one $key= line only" test "$(grep -c "^$key=" "$unit")" -eq 1
done
check "no User=, Group=, SupplementaryGroups=, SecureBits= or PrivateUsers=" \
  sh -c '! grep -E "^(User|Group|SupplementaryGroups|SecureBits|PrivateUsers)=" "$1"' \
  sh "$unit"

# systemd's own assessment of the sandbox (offline, from the file).
if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
  # --threshold is in tenths of the level shown: 25 is 2.5.
  security() {
    sed "s|^ExecStart=/usr/bin/aping |ExecStart=$APING |" "$1" \
      >"$tmp/unit/aping@test.service"
    (cd "$tmp/unit" && systemd-analyze security --offline=yes \
      --threshold=25 --no-pager ./aping@test.service 2>&1) >"$tmp/security"
    local rc=$?
    tail -3 "$tmp/security"
    return "$rc"
  }
  check "systemd-analyze security rates the unit's exposure 2.5 or less" \
    security "$unit"
  sed -E '/^(DynamicUser|NoNewPrivileges|Protect|Private|Restrict|SystemCall|CapabilityBoundingSet|LockPersonality|MemoryDeny)/d' \
    "$unit" >"$tmp/open.service"
  fails() { ! "$@"; }
  check "... and more than 2.5 without the sandbox" \
    fails security "$tmp/open.service"
else
  tap_skip "systemd-analyze security --offline" \
    "this systemd-analyze has no --offline (systemd 250 or later has it)"
fi

# The example configuration is what EnvironmentFile= can read: one
# uncommented APING_OPTS, with no %-specifier (they are not expanded in
# an environment file).
check "example.conf sets APING_OPTS once, with --listen 9857 and -f" \
  sh -c 'test "$(grep -c "^APING_OPTS=" "$1")" -eq 1 &&
    grep -qE "^APING_OPTS=\"--listen 9857 -f /etc/aping/[a-z]+\.targets\"$" "$1"' \
  sh "$example"
check "example.conf uses no %-specifier outside comments" \
  sh -c '! grep -v "^#" "$1" | grep -q "%"' sh "$example"

tap_done
