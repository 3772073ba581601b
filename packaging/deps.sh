#!/bin/sh
# packaging/deps.sh - installs what building and testing aping need on
# Debian 12: make and the packages below (`make deps` runs this).  It needs
# no make, so that it can be the first command on a fresh machine.  As
# root it runs apt-get itself (a container or minimal install has no
# sudo); as anyone else, through sudo.  The package lists are fetched
# (apt-get update) only when a package is missing, and an installed
# package is left as it is (--no-upgrade), so that on a machine that has
# them all it changes nothing and needs no network.
#
# libmicrohttpd-dev: the /metrics server of --listen; curl: the tests
# scrape it; systemd and prometheus: the tests check the unit with
# systemd-analyze and the Prometheus files with promtool, and run a
# Prometheus server against the exporter in the lab; fping and
# monitoring-plugins-basic (check_icmp): the lab tests hold -C, --rta and
# --pl to what they do.
set -eu

PACKAGES="make build-essential pkg-config libuv1-dev libcap-dev libcap2-bin
  libmicrohttpd-dev
  iproute2 iputils-ping fping nmap zmap python3 procps util-linux time busybox
  python3-prometheus-client curl mandoc man-db bash-completion
  systemd prometheus prometheus-smokeping-prober monitoring-plugins-basic
  debhelper dpkg-dev fakeroot lintian rpm rpmlint
  clang libclang-rt-14-dev valgrind"

if [ "$(id -u)" = 0 ]; then
  as_root=
elif command -v sudo >/dev/null 2>&1; then
  as_root=sudo
else
  echo "deps.sh: installing packages needs root: run it as root, or" \
    "install sudo" >&2
  exit 1
fi

# Whether every package is installed already.
installed() {
  # shellcheck disable=SC2086 # one word per package
  [ "$(dpkg-query -W -f '${db:Status-Abbrev}\n' $PACKAGES 2>/dev/null |
       grep -c '^ii')" -eq "$(echo $PACKAGES | wc -w)" ]
}

# apt-get as root, never asking, waiting for another apt-get's lock.
apt() {
  if [ -z "$as_root" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get -q -y \
      -o DPkg::Lock::Timeout=300 "$@"
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get -q -y \
      -o DPkg::Lock::Timeout=300 "$@"
  fi
}

installed || apt update
# shellcheck disable=SC2086 # one word per package
apt install --no-upgrade $PACKAGES
