#!/bin/sh
# packaging/build.sh deb|rpm - builds the Debian or RPM package of the tree
# this script is in and leaves it in dist/ (make deb, make rpm).
#
# The package is built from a copy of the source files (git's list of them
# when there is one: tracked files and untracked ones not ignored, so no
# built object gets in) in a scratch directory under /tmp, never from the
# working tree itself.
#
# Run as root (as CI does), the build itself runs as nobody:nogroup with an
# empty capability bounding set (setpriv), so that the `make check` inside
# it is truly unprivileged: the tests that need root skip, as they would on
# a maintainer's machine, instead of building network namespaces inside a
# package build.  APING_BUILD_AS_ROOT=1 keeps root.
#
# Environment: DEB_BUILD_OPTIONS (nocheck skips the tests), RPMBUILD_FLAGS
# (extra rpmbuild options, e.g. --nocheck).
set -eu

kind=${1:?usage: build.sh deb|rpm}
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^#define AP_VERSION "\(.*\)"$/\1/p' "$top/src/version.h")
[ -n "$version" ] || { echo "build.sh: cannot find AP_VERSION" >&2; exit 1; }
dist=$top/dist
mkdir -p "$dist"

scratch=$(mktemp -d /tmp/aping-pkg.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
chmod 755 "$scratch"
src=$scratch/aping-$version
mkdir "$src"

# The source files.
cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files --cached --others --exclude-standard |
    while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done |
    tar -cf - -T - | tar -xf - -C "$src"
else
  tar -cf - --exclude=./dist --exclude='*.o' --exclude='*.d' \
    --exclude=./aping --exclude='./tests/unit/test-*[!c]' \
    --exclude='./tests/fuzz/fuzz-*[!c]' \
    --exclude=./.git . | tar -xf - -C "$src"
fi

# as_builder CMD...: runs CMD as the unprivileged builder (see above).
as_builder() {
  if [ "$(id -u)" = 0 ] && [ "${APING_BUILD_AS_ROOT:-}" != 1 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
      --inh-caps=-all --bounding-set=-all -- \
      env HOME="$scratch" "$@"
  else
    "$@"
  fi
}

case $kind in
  deb)
    cp -r "$src/packaging/debian" "$src/debian"
    [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$scratch"
    (cd "$src" && as_builder dpkg-buildpackage -us -uc -b)
    for f in "$scratch"/*.deb "$scratch"/*.ddeb "$scratch"/*.changes \
             "$scratch"/*.buildinfo; do
      [ -e "$f" ] || continue
      cp "$f" "$dist/"
      chown "$(id -u):$(id -g)" "$dist/${f##*/}"
      echo "dist/${f##*/}"
    done
    ;;
  rpm)
    mkdir -p "$scratch/rpm/SOURCES"
    tar -C "$scratch" -czf "$scratch/rpm/SOURCES/aping-$version.tar.gz" \
      "aping-$version"
    [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$scratch"
    # --nodeps: on Debian the build dependencies are dpkg packages, which
    # rpm cannot see.
    # The Packager comes from the build, as with other build systems.
    as_builder rpmbuild -bb --nodeps ${RPMBUILD_FLAGS:-} \
      --define "packager aping developers <aping@example.org>" \
      --define "_topdir $scratch/rpm" "$src/packaging/rpm/aping.spec"
    for f in "$scratch"/rpm/RPMS/*/*.rpm; do
      cp "$f" "$dist/"
      echo "dist/${f##*/}"
    done
    ;;
  *)
    echo "build.sh: unknown package kind '$kind' (deb or rpm)" >&2
    exit 1
    ;;
esac
