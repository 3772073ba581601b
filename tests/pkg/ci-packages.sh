#!/bin/bash
# tests/pkg/ci-packages.sh - what CI does with the packages, after make check
# (as root, on Debian 12 with the packages `make deps` installs):
#   1. make deb (the build itself runs as nobody; see packaging/build.sh),
#   2. lintian on the .changes and the .deb: any E: or W: fails,
#   3. install the .deb, check the file capability, run tests/pkg/
#      test-installed.sh against /usr/bin/aping as nobody in the lab, and
#      remove the package again,
#   4. make rpm (without %check: the .deb build ran the same tests on the
#      same files), check its file capability with rpm -qp --filecaps, and
#      rpmlint it and the spec (any E: or W: left after aping.rpmlintrc's
#      filters fails).
# Prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive

version=$(sed -n 's/^#define AP_VERSION "\(.*\)"$/\1/p' src/version.h)
arch=$(dpkg --print-architecture)
deb=dist/aping_${version}-1_${arch}.deb
changes=dist/aping_${version}-1_${arch}.changes
t0=$(date +%s)
step() {
  echo "== $* (+$(($(date +%s) - t0)) s)"
}

step "make deb"
rm -rf dist
make deb
test -f "$deb" && test -f "$changes"

step "lintian"
lint=$(lintian "$changes" "$deb" 2>&1 |
  grep -v '^running with root privileges' || true)
printf '%s\n' "$lint"
if grep -qE '^[EW]: ' <<<"$lint"; then
  echo "ci-packages: lintian reports errors or warnings" >&2
  exit 1
fi

step "install $deb"
if dpkg -s aping >/dev/null 2>&1; then
  echo "ci-packages: aping is already installed; not touching it" >&2
  exit 1
fi
trap 'apt-get remove -y aping >/dev/null 2>&1 || true' EXIT
apt-get install -y "./$deb"
getcap /usr/bin/aping | grep -q 'cap_net_raw[=+]ep' || {
  echo "ci-packages: no cap_net_raw: $(getcap /usr/bin/aping)" >&2
  exit 1
}

step "the installed aping as nobody in the lab"
APING=/usr/bin/aping sh tests/run.sh tests/pkg/test-installed.sh

step "remove the package"
apt-get remove -y aping
trap - EXIT

step "make rpm"
RPMBUILD_FLAGS=--nocheck make rpm
rpm=$(ls dist/aping-"$version"-1*.rpm)
caps=$(rpm -qp --filecaps "$rpm")
printf '%s\n' "$caps"
grep -qE '^/usr/bin/aping[[:space:]]+cap_net_raw[=+]ep$' <<<"$caps"

step "rpmlint"
lint=$(rpmlint --ignore-unused-rpmlintrc -r packaging/rpm/aping.rpmlintrc \
  packaging/rpm/aping.spec "$rpm" 2>&1 || true)
printf '%s\n' "$lint"
if grep -qE '^[^ ]+: [EW]: ' <<<"$lint" ||
   ! grep -q ' 0 errors, 0 warnings' <<<"$lint"; then
  echo "ci-packages: rpmlint reports errors or warnings" >&2
  exit 1
fi
step "done"
