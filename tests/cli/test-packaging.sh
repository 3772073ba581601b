#!/bin/bash
# tests/cli/test-packaging.sh - the packaging files agree with the source,
# install the systemd unit template without enabling it, and the Debian
# postinst decides as it should.  The postinst runs against stub
# dpkg-statoverride, setcap and chmod commands that only log their arguments,
# so nothing on this system is changed.  Nothing is probed.
set -u
. "$(dirname "$0")/../tap.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
deb=$top/packaging/debian
spec=$top/packaging/rpm/aping.spec
version=$(sed -n 's/^#define AP_VERSION "\(.*\)"$/\1/p' "$top/src/version.h")

check "AP_VERSION is found in src/version.h" test -n "$version"
check "debian/changelog is at $version-1" \
  grep -q "^aping ($version-1) " "$deb/changelog"
check "the spec is at $version" grep -qE "^Version: +$version\$" "$spec"
check "aping -V says $version" \
  sh -c 'test "$("$1" -V)" = "aping $2"' sh "$APING" "$version"
check "LICENSE is the ISC licence of the aping authors" \
  sh -c 'grep -q "^Copyright (c) 2026 The aping authors$" "$1" &&
    grep -q "Permission to use, copy, modify, and distribute" "$1"' \
  sh "$top/LICENSE"
check "debian/copyright is DEP-5 with License: ISC" \
  sh -c 'head -1 "$1" | grep -q "^Format: https://.*/copyright-format/1.0/$" &&
    grep -q "^License: ISC$" "$1"' sh "$deb/copyright"
check "the .deb depends on libcap2-bin" \
  grep -qE '^Depends: libcap2-bin, \$\{misc:Depends\}, \$\{shlibs:Depends\}$' \
  "$deb/control"
check "debian/rules asks for hardening=+all" \
  grep -q '^export DEB_BUILD_MAINT_OPTIONS = hardening=+all$' "$deb/rules"
check "the spec installs the binary with %caps(cap_net_raw=ep)" \
  grep -qx '%caps(cap_net_raw=ep) %{_bindir}/aping' "$spec"
check "the spec ships the licence, the manual and the completion" \
  sh -c 'grep -qx "%license LICENSE" "$1" &&
    grep -q "^%{_mandir}/man1/aping.1" "$1" &&
    grep -qx "%{_datadir}/bash-completion/completions/aping" "$1"' sh "$spec"
check "the postinst is valid sh" sh -n "$deb/postinst"
check "the .deb and the .rpm build-depend on libmicrohttpd" \
  sh -c 'grep -qE "^ +libmicrohttpd-dev,$" "$1" &&
    grep -qE "^BuildRequires: +libmicrohttpd-devel$" "$2"' \
  sh "$deb/control" "$spec"
check "the .deb installs the unit template into lib/systemd/system" \
  grep -qx 'packaging/systemd/aping@.service lib/systemd/system/' \
  "$deb/aping.install"
check "the .deb ships example.conf and the Prometheus files as examples" \
  sh -c 'for f in packaging/systemd/example.conf \
      contrib/prometheus/aping.rules.yml contrib/prometheus/prometheus.yml; do
      grep -qx "$f" "$1/aping.examples" && test -f "$2/$f" || exit 1; done' \
  sh "$deb" "$top"
check "no maintainer script of the .deb enables or starts a unit" \
  sh -c '! grep -lE "systemctl|deb-systemd" "$1"/postinst "$1"/*.postinst \
    "$1"/*.prerm "$1"/*.postrm 2>/dev/null' sh "$deb"
check "the spec installs the unit into %{_unitdir} and lists it" \
  sh -c 'grep -q "packaging/systemd/aping@.service" "$1" &&
    grep -q "%{buildroot}%{_unitdir}/aping@.service" "$1" &&
    grep -qx "%{_unitdir}/aping@.service" "$1" &&
    grep -q "^%{!?_unitdir:%global _unitdir %{_prefix}/lib/systemd/system}$" "$1"' \
  sh "$spec"
check "the spec has no scriptlet that would enable or start the template" \
  sh -c '! grep -qE "^%(post|preun|postun)|systemd_post|systemctl" "$1"' \
  sh "$spec"

# postinst with stubs: STUB_OVERRIDE and STUB_SETCAP are the exit statuses
# of dpkg-statoverride --list and setcap; every call is logged.
stubs=$(mktemp -d) || exit 1
trap 'rm -rf "$stubs"' EXIT
for cmd in dpkg-statoverride setcap chmod; do
  cat >"$stubs/$cmd" <<STUB
#!/bin/sh
echo "$cmd \$*" >>"$stubs/log"
case $cmd in
  dpkg-statoverride) exit "\${STUB_OVERRIDE:-1}" ;;
  setcap) exit "\${STUB_SETCAP:-0}" ;;
esac
exit 0
STUB
  chmod 755 "$stubs/$cmd"
done

# postinst OVERRIDE SETCAP: runs it, prints the log (and its exit status).
postinst() {
  rm -f "$stubs/log"
  [ "$(PATH=$stubs:$PATH command -v chmod)" = "$stubs/chmod" ] || return 1
  PATH=$stubs:$PATH STUB_OVERRIDE=$1 STUB_SETCAP=$2 \
    sh "$deb/postinst" configure >/dev/null 2>&1
  echo "exit $?"
  cat "$stubs/log" 2>/dev/null
}

check "postinst: setcap cap_net_raw+ep and nothing else" \
  test "$(postinst 1 0)" = "exit 0
dpkg-statoverride --list /usr/bin/aping
setcap cap_net_raw+ep /usr/bin/aping"
check "postinst: setuid root only when setcap fails" \
  test "$(postinst 1 1)" = "exit 0
dpkg-statoverride --list /usr/bin/aping
setcap cap_net_raw+ep /usr/bin/aping
chmod u+s /usr/bin/aping"
check "postinst: a dpkg-statoverride leaves the binary alone" \
  test "$(postinst 0 0)" = "exit 0
dpkg-statoverride --list /usr/bin/aping"
check "postinst: nothing on other actions" \
  sh -c 'rm -f "$1/log"; PATH=$1:$PATH sh "$2" abort-upgrade >/dev/null 2>&1 &&
    test ! -e "$1/log"' sh "$stubs" "$deb/postinst"

tap_done
