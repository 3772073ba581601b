#!/bin/bash
# tests/cli/test-quickstart.sh - README's quick start, taken from README.md
# as it is written: exactly two commands.  The first (install, build, scan
# loopback) runs as root with no sudo on PATH, as in a container or a
# minimal install, and as nobody through a real sudo, which may run only
# apt-get; the second must run as root without sudo.  Each run is in a
# fresh network namespace holding only loopback (up), in a copy of the
# tree, and only if every target of the scan is a loopback address.  The
# packages are installed already (make deps, CI), so that apt-get changes
# nothing and needs no network.  Needs root.
set -u
. "$(dirname "$0")/../tap.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)

cmds=$(awk '/^## Quick start/ { q = 1 }
            q && /^```sh$/ { b = 1; next }
            b && /^```$/ { exit }
            b' "$top/README.md")
check "README's quick start is exactly two commands" \
  test "$(grep -c . <<<"$cmds")" -eq 2
setup=$(sed -n 1p <<<"$cmds")
tests=$(sed -n 2p <<<"$cmds")

# Whether every target of the command's ./aping is a loopback address
# (127.0.0.0/8, a range in it, ::1), and there is at least one.
loopback_only() {
  local rest=${1#*./aping } w n=0
  [ "$rest" != "$1" ] || return 1
  rest=${rest%%[;&|]*}
  for w in $rest; do
    case $w in
      -[a-zA-Z]) ;;
      ::1) n=$((n + 1)) ;;
      *) [[ $w =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(-[0-9]{1,3})?$ ]] ||
           return 1
         n=$((n + 1)) ;;
    esac
  done
  [ "$n" -gt 0 ]
}
check "the first command scans loopback only: $setup" loopback_only "$setup"
loopback_only "$setup" || tap_done || exit 1

[ "$(id -u)" = 0 ] ||
  skip_all "needs root: runs the quick start as root and as nobody through sudo, each in a network namespace of its own"
for tool in unshare setpriv ip dpkg-query; do
  command -v "$tool" >/dev/null || skip_all "missing tool: $tool"
done

tmp=$(mktemp -d)
sudoers=/etc/sudoers.d/aping-quickstart-$$
trap 'rm -rf "$tmp"; rm -f "$sudoers"' EXIT
chmod 755 "$tmp"

# A PATH with every program of the usual one but sudo.
mkdir "$tmp/bin"
for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
  for f in "$d"/*; do
    name=${f##*/}
    [ "$name" = sudo ] || [ -e "$tmp/bin/$name" ] || [ ! -x "$f" ] ||
      ln -s "$f" "$tmp/bin/$name"
  done
done
check "the PATH for root has no sudo" \
  test -z "$(PATH=$tmp/bin command -v sudo)"

# A copy of the tree, built objects and all (times kept, so that make has
# nothing to do if the tree is built), that nobody may write to later.
mkdir "$tmp/src"
tar -C "$top" -cf - --exclude=./.git --exclude=./build --exclude=./dist \
  --exclude=./aping-asan . | tar -C "$tmp/src" -xf -

# in_ns USER PATH: runs the first command in the copy, as USER with PATH,
# in a new network namespace with loopback up; OUT, ERR, RC.
cat >"$tmp/in-ns.sh" <<'EOF'
ip link set lo up || exit 97
cd "$1" || exit 97
[ "$3" = root ] && exec sh -c "$2"
exec setpriv --reuid="$3" --regid=nogroup --clear-groups sh -c "$2"
EOF
in_ns() {
  local e=$tmp/err
  OUT=$(unshare -n env -i PATH="$2" HOME=/tmp LANG=C.UTF-8 \
    sh "$tmp/in-ns.sh" "$tmp/src" "$setup" "$1" </dev/null 2>"$e") &&
    RC=0 || RC=$?
  ERR=$(cat "$e")
}

# The scan's summary: 20 IPv4 loopback addresses and ::1, all alive.
scanned() {
  if [ "$RC" -eq 0 ] && grep -qE '^ +21 targets$' <<<"$ERR" &&
     grep -qE '^ +21 alive$' <<<"$ERR"; then
    return 0
  fi
  echo "exit $RC"
  printf '%s\n' "$OUT" "$ERR" | tail -n 30
  return 1
}

in_ns root "$tmp/bin"
check "as root without sudo: the first command installs, builds and scans" \
  scanned
check "... and ran apt-get itself (its '0 newly installed' line)" \
  grep -q ' 0 newly installed' <<<"$OUT"

# The second command as root, with no sudo either.
first=${tests%% *}
check "as root without sudo: the second command ($tests) can run" \
  test -n "$(PATH=$tmp/bin command -v "$first")"

# As an ordinary user, through a real sudo that may run apt-get only.
if ! command -v sudo >/dev/null && [ "${CI:-}" = true ]; then
  DEBIAN_FRONTEND=noninteractive apt-get -q -y \
    -o DPkg::Lock::Timeout=300 install sudo >/dev/null 2>&1 ||
    echo "# cannot install sudo"
fi
if ! command -v sudo >/dev/null; then
  tap_skip "as nobody through sudo: the first command" \
    "sudo is not installed (under CI=true this test installs it)"
  tap_done
  exit $?
fi
printf 'nobody ALL=(root) NOPASSWD:SETENV: %s\n' "$(command -v apt-get)" \
  >"$sudoers"
chmod 440 "$sudoers"
check "the sudoers entry for nobody is valid" visudo -qcf "$sudoers"
chown -R nobody:nogroup "$tmp/src"
in_ns nobody /usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin
check "as nobody through sudo: the first command installs, builds and scans" \
  scanned
check "... and sudo ran apt-get (its '0 newly installed' line)" \
  grep -q ' 0 newly installed' <<<"$OUT"
rm -f "$sudoers"

# The first command as nobody without sudo: it says why it cannot go on.
in_ns nobody "$tmp/bin"
check "as nobody without sudo: exit 1, saying root or sudo is needed" \
  test "$RC" -eq 1 -a "$ERR" = \
  "deps.sh: installing packages needs root: run it as root, or install sudo"

tap_done
