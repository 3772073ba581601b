#!/bin/bash
# tests/valgrind/test-valgrind.sh - the unit tests, and scans in the lab,
# under valgrind (make check-valgrind).
#
# A run passes when valgrind reports no invalid access, no use of an
# uninitialised value and no leak (definite, indirect or possible), and the
# program exits as it should.  valgrind writes its report to a file, so
# aping's own output is what the tests see; the report is shown on failure.
# The unit tests are the plain builds (tests/unit/test-*, made by `make
# check-valgrind`); the scans run as root in the lab, where raw sockets
# work under valgrind as they do without it.
set -eu
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/../lab/lab.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
command -v valgrind >/dev/null || skip_all "valgrind is not installed"
tmp=$(mktemp -d)
VG_EXIT=99
VG=(valgrind -q --error-exitcode=$VG_EXIT --leak-check=full
  --show-leak-kinds=definite,indirect,possible
  --errors-for-leak-kinds=definite,indirect,possible --track-fds=no
  --child-silent-after-fork=yes)

# vg WANT WHAT CMD...: CMD under valgrind must exit WANT with a clean report.
vg() {
  local want=$1 what=$2 log=$tmp/vg.log rc
  shift 2
  rm -f "$log"
  "$@" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
  if [ "$rc" -eq "$want" ] && [ ! -s "$log" ]; then
    tap_ok "valgrind: $what"
  else
    tap_not_ok "valgrind: $what"
    echo "# exit $rc (wanted $want)"
    sed 's/^/# vg: /' "$log" 2>/dev/null | head -60
    head -5 "$tmp/err" | sed 's/^/# err: /'
  fi
}

for t in "$top"/tests/unit/test-*; do
  case $t in *.c) continue ;; esac
  [ -x "$t" ] || continue
  vg 0 "unit ${t##*/}" "${VG[@]}" --log-file="$tmp/vg.log" "$t"
done

why=$(lab_can_run) || { rm -rf "$tmp"; skip_all "lab: $why"; }
lab_up >/dev/null
lab_services_up
trap 'lab_down; rm -rf "$tmp"' EXIT

# scan WANT WHAT ARGS...: aping ARGS in the lab under valgrind.
scan() {
  local want=$1 what=$2
  shift 2
  vg "$want" "$what" lab_exec "${VG[@]}" --log-file="$tmp/vg.log" \
    "$APING" "$@"
}

# out_has WHAT N ERE: N lines of the last run's standard output match ERE.
out_has() {
  local n
  n=$(grep -cE "$3" "$tmp/out" || true)
  if [ "$n" -eq "$2" ]; then
    tap_ok "$1"
  else
    tap_not_ok "$1"
    echo "# $n lines match '$3', wanted $2"
    head -5 "$tmp/out" | sed 's/^/# out: /'
  fi
}

scan 1 "ICMP IPv4 and IPv6: answering, silent, ICMP errors" -t 500 -r 1 \
  198.18.1.1-8 198.18.2.1-4 198.18.4.1 2001:db8:1::1-8 2001:db8:2::1 \
  2001:db8:4::1
out_has "... 16 alive" 16 ' is alive \('
out_has "... 7 unreachable" 7 ' is unreachable'
scan 1 "--threads 3: ICMP IPv4 and IPv6, -C 2, errors, on three loops" \
  --threads 3 -q -s -v -C 2 -t 300 --rate 0 198.18.1.0/26 198.18.2.1-4 \
  198.18.4.1 2001:db8:1::1-40
scan 7 "--threads 2: stopped by --deadline with probes in flight" \
  --threads 2 --deadline 1 -t 5000 -r 0 --rate 0 198.18.2.0/28 198.18.1.1-16
out_has "... the silent ones unfinished" 14 ' is unfinished'
scan 0 "ICMP -c 3 -s, names from /etc/hosts, --format json" -c 3 -s \
  --format json lab-host lab-host6 198.18.3.1
printf '198.18.1.1-4 # comment\n2001:db8:1::10\n' >"$tmp/targets"
scan 5 "-f FILE, --state FILE (first run: exit 5, all new)" \
  -f "$tmp/targets" --state "$tmp/st"
scan 0 "... the second run reads the state file" -f "$tmp/targets" \
  --state "$tmp/st"
scan 1 "TCP and Telnet: open, closed, filtered, banners" -m none -t 1000 \
  --tcp 22,25,80 --banner --telnet 198.18.1.5 2001:db8:1::5 198.18.2.9
out_has "... banners and Telnet read on both families" 2 \
  '22/tcp open "SSH-2\.0.*80/tcp closed; 23/tcp open telnet "Welcome'
out_has "... the silent host's ports are filtered" 1 \
  '^198\.18\.2\.9 is down; 22/tcp filtered'
scan 1 "-m exec: ping(8) children" -m exec -t 1000 198.18.1.1-3 198.18.2.1
scan 1 "-d: reverse names, a verdict held for its name" -d -t 500 -r 0 \
  198.18.1.5 198.18.1.9 198.18.2.7 --tcp 22 --banner
out_has "... shown by their names" 2 '^lab-(host|silent) is '
scan 1 "--all-addresses, a zone (fe80::1:1%to-net, %to-slow)" -t 500 -r 0 \
  --all-addresses lab-multi lab-mixed fe80::1:0/126%to-net fe80::1:1%to-slow
out_has "... every address of the names, the zoned ones alive" 6 \
  '^(lab-m[a-z]* \(.*\)|fe80::1:[12]%to-net) is alive'
scan 3 "bad target" 198.18.1.1 300.1.1.1
scan 1 "--tcp-ping: an ICMP-silent host found by a refused connection" \
  -t 300 --tcp-ping 22 198.18.3.5 198.18.2.1
out_has "... alive by its refused port" 1 '^198\.18\.3\.5 is alive \(22/tcp refused'
scan 1 "-l with service checks, -D, ended by --deadline" -l -D -p 200 \
  --tcp 22 --deadline 1.2 198.18.1.5 198.18.2.7 2001:db8:1::5
out_has "... the totals at the end" 3 'xmt/rcv/%loss'
# The exporter, scraped twice and reloaded by SIGHUP, under valgrind.
printf '198.18.1.5\n198.18.2.7\n' >"$tmp/hosts"
lab_exec "${VG[@]}" --log-file="$tmp/vg.log" "$APING" --listen \
  127.0.0.1:9857 -q -p 200 --deadline 6 -f "$tmp/hosts" \
  >"$tmp/out" 2>"$tmp/err" &
vgpid=$!
sleep 3
lab_exec curl -s -o /dev/null http://127.0.0.1:9857/metrics || true
printf '198.18.1.6\n' >"$tmp/hosts"
pkill -HUP -f "aping --listen 127.0.0.1:9857" || true
sleep 1
lab_exec curl -s -o "$tmp/metrics" http://127.0.0.1:9857/metrics || true
wait "$vgpid" && rc=0 || rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/vg.log" ] &&
    grep -q '198.18.1.6' "$tmp/metrics"; then
  tap_ok "valgrind: the exporter, two scrapes and a reload"
else
  tap_not_ok "valgrind: the exporter, two scrapes and a reload"
  echo "# exit $rc"
  sed 's/^/# vg: /' "$tmp/vg.log" | head -40
fi
tap_done
