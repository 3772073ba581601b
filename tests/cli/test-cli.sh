#!/bin/bash
# tests/cli/test-cli.sh - command-line behaviour that needs no network:
# help, version, and every kind of bad input (one line naming the bad
# value, exit 3, no scan).  No packet is sent: each command is rejected
# before probing starts.
set -u
. "$(dirname "$0")/../tap.sh"


run_aping -h
check "-h prints help and exits 0" test "$RC" -eq 0
for opt in -c -f --exclude --exclude-file -4 -6 --max-targets -m -t -r -B \
           --rate -i --threads --order --seed --shard -a -u -q -s -v -V -h; do
  check "-h documents $opt" grep -q -- "$opt" <<<"$OUT"
done
# -m exec
for opt in "exec" -c -j --ping-command; do
  check "-h documents $opt" grep -q -- "$opt" <<<"$OUT"
done
run_aping -V
check "-V prints the version" test "$RC" -eq 0 -a "${OUT#aping }" != "$OUT"
run_aping
check "no target: usage on stderr, exit 3" test "$RC" -eq 3 -a -n "$ERR"

bad_input "prefix over /32" "'192.0.2.0/33'" 192.0.2.0/33
bad_input "prefix over /128" "'2001:db8::/129'" 2001:db8::/129
bad_input "octet over 255" "'192.0.2.256'" 192.0.2.256
bad_input "octet over 255 in a block" "octet 300 over 255" 300.0.2.0/24
bad_input "reversed range" "'192.0.2.20-10'" 192.0.2.20-10
bad_input "reversed full range" "range is reversed" 192.0.2.20-192.0.2.1
bad_input "range end not an address" "'192.0.2.1-nothost'" 192.0.2.1-nothost
bad_input "three-part address" "'192.0.2'" 192.0.2
bad_input "garbage target" "'a\$b'" 'a$b'
bad_input "unknown option" "'--frobnicate'" --frobnicate 127.0.0.1
bad_input "unknown short option" "'-Z'" -Z 127.0.0.1
bad_input "value for an option that takes none" "'--any' does not take a value" \
  --any=yes 127.0.0.1
bad_input "missing argument" "'-t' needs a value" 127.0.0.1 -t
bad_input "missing long argument" "'--rate' needs a value" 127.0.0.1 --rate
bad_input "non-numeric -t" "'soon'" -t soon 127.0.0.1
bad_input "negative -t" "'-5'" -t -5 127.0.0.1
bad_input "zero -t" "-t '0'" -t 0 127.0.0.1
bad_input "non-numeric -r" "'x'" -r x 127.0.0.1
bad_input "zero -c" "-c '0'" -c 0 127.0.0.1
bad_input "non-numeric -c" "'many'" -c many 127.0.0.1
bad_input "negative -r" "'-1'" -r -1 127.0.0.1
bad_input "negative --rate" "'-10'" --rate -10 127.0.0.1
bad_input "non-numeric --rate" "'fast'" --rate fast 127.0.0.1
bad_input "negative -i" "'-1'" -i -1 127.0.0.1
bad_input "backoff under 1" "'0.5'" -B 0.5 127.0.0.1
bad_input "-i with --rate" "together" -i 10 --rate 5 127.0.0.1
bad_input "bad -m" "'carrier-pigeon'" -m carrier-pigeon 127.0.0.1
bad_input "zero -c" "-c '0'" -c 0 127.0.0.1
bad_input "-c over 100000" "-c '100001'" -c 100001 127.0.0.1
bad_input "zero -j" "-j '0'" -j 0 127.0.0.1
bad_input "non-numeric -j" "-j 'many'" -j many 127.0.0.1
bad_input "empty --ping-command" "invalid --ping-command ''" \
  --ping-command '' 127.0.0.1
bad_input "bad --order" "'sideways'" --order sideways 127.0.0.1
bad_input "bad --shard" "'3/2'" --shard 3/2 127.0.0.1
bad_input "zero --threads" "--threads '0'" --threads 0 127.0.0.1
bad_input "--threads over 64" "--threads '65'" --threads 65 127.0.0.1
bad_input "non-numeric --threads" "--threads 'two'" --threads two 127.0.0.1
# Zones (fe80::1%eth0): the zone names an interface of this machine, goes
# last, and applies only to link-local addresses.
bad_input "a zone naming no interface" "no interface 'nosuch0'" \
  fe80::1%nosuch0
bad_input "a zone in the middle of a range" \
  "bad zone 'lo-fe80::2': the zone goes last" fe80::1%lo-fe80::2
bad_input "an empty zone" "bad zone ''" fe80::1%
bad_input "a zone on an IPv4 address" "a zone is only for link-local" \
  127.0.0.1%lo
bad_input "a zone on a global IPv6 address" "a zone is only for link-local" \
  2001:db8::1%lo
bad_input "a zone on a host name" "a zone follows an address" localhost%lo
bad_input "a zoned block shorter than /64" "must be /64 or longer" \
  fe80::/48%lo
bad_input "a zoned range over two /64s" "must stay within one /64" \
  fe80::1-fe80:0:0:1::1%lo
bad_input "link-local bits 32 to 63 set" "bits 32 to 63" fe80:0:1::1
bad_input "a zone naming no interface, in an exclusion" "no interface 'x9'" \
  --exclude fe80::1%x9 127.0.0.1
bad_input "-d with -l" "-n and -d do not apply to -l" -d -l 127.0.0.1
bad_input "-n with -l" "-n and -d do not apply to -l" -n -l 127.0.0.1
bad_input "--all-addresses takes no value" \
  "'--all-addresses' does not take a value" --all-addresses=2 127.0.0.1
bad_input "zero --shard" "'0/2'" --shard 0/2 127.0.0.1
bad_input "signed --shard" "'1/-2'" --shard 1/-2 127.0.0.1
bad_input "bad --shard form" "'half'" --shard half 127.0.0.1
bad_input "-4 with an IPv6 target" "'2001:db8::1'" -4 2001:db8::1
bad_input "-4 with -6" "-4 and -6" -4 -6 127.0.0.1
bad_input "name as exclusion" "'somehost'" --exclude somehost 127.0.0.1
bad_input "block over --max-targets" "raise --max-targets" 2001:db8::/100
bad_input "total over --max-targets" "raise --max-targets" \
  --max-targets 300 192.0.2.0/24 198.51.100.0/24
bad_input "-f on a missing file" "'/nonexistent/hosts'" -f /nonexistent/hosts

# -C, fping's long names, -p with -c, --rta and --pl: each bad value is
# one line naming it, exit 3, nothing probed.
bad_input "zero -C" "invalid -C '0'" -C 0 127.0.0.1
bad_input "-C over 10000" "invalid -C '10001'" -C 10001 127.0.0.1
bad_input "non-numeric --vcount" "invalid --vcount 'lots'" --vcount lots \
  127.0.0.1
bad_input "--vcount= without a number" "invalid --vcount ''" --vcount= \
  127.0.0.1
bad_input "-c with -C" "-c and -C given together" -c 3 -C 3 127.0.0.1
bad_input "-C with -m exec" "-C needs an ICMP socket" -m exec -C 3 127.0.0.1
bad_input "-C with -l" "-C does not apply to -l" -l -C 3 127.0.0.1
bad_input "bad --count" "invalid --count 'x'" --count x 127.0.0.1
bad_input "bad --timeout" "invalid --timeout '0'" --timeout=0 127.0.0.1
bad_input "bad --retry" "invalid --retry '21'" --retry 21 127.0.0.1
bad_input "bad --backoff" "invalid --backoff '11'" --backoff 11 127.0.0.1
bad_input "bad --interval" "invalid --interval 'often'" --interval often \
  127.0.0.1
bad_input "--quiet with a value" "'--quiet' does not take a value" \
  --quiet=yes 127.0.0.1
bad_input "fping's --dontfrag is aping's --df" \
  "unknown option '--dontfrag'" --dontfrag 127.0.0.1
bad_input "fping's --reachable is not aping's -x" \
  "unknown option '--reachable'" --reachable 1 127.0.0.1
bad_input "-p without -c, -C or -l" "-p needs -c, -C, -l, -Q or --listen" \
  -p 100 127.0.0.1
bad_input "-p under 10 with -c" "invalid -p '9'" -c 3 -p 9 127.0.0.1
bad_input "--period over 3600000 with -C" "invalid --period '3600001'" \
  -C 3 --period 3600001 127.0.0.1
bad_input "-t over -p with -c" "-t over -p" -c 3 -p 100 -t 101 127.0.0.1
bad_input "--rta without --format nagios" \
  "--rta and --pl need --format nagios" --rta 200,500 127.0.0.1
bad_input "--rta reversed" "invalid --rta '500,200'" --format nagios \
  --rta 500,200 127.0.0.1
bad_input "--rta with one value" "invalid --rta '200'" --format nagios \
  --rta 200 127.0.0.1
bad_input "--rta in seconds" "invalid --rta '1s,2s'" --format nagios \
  --rta 1s,2s 127.0.0.1
bad_input "--pl over 100" "invalid --pl '40,120'" --format nagios \
  --pl 40,120 127.0.0.1
bad_input "--pl not numbers" "invalid --pl 'low,high'" --format nagios \
  --pl low,high 127.0.0.1
bad_input "--pl with --crit" \
  "--rta and --pl do not go with --warn and --crit" \
  --format nagios --pl 40,80 --crit 2 127.0.0.1
bad_input "--rta with -m none" "--rta and --pl need pings" --format nagios \
  --rta 1,2 -m none --tcp 22 127.0.0.1

# Numbers are decimal (the class: tests/unit/test-cli-opts.c).
bad_input "hexadecimal --rate" "invalid --rate '0x10': need a decimal number" \
  --rate 0x10 127.0.0.1
bad_input "hexadecimal float --deadline" "invalid --deadline '0x1p-5'" \
  --deadline 0x1p-5 127.0.0.1
bad_input "inf -i" "invalid -i 'inf'" -i inf 127.0.0.1
bad_input "a sign on -B" "invalid -B '+2'" -B +2 127.0.0.1
bad_input "a blank before -t" "invalid -t ' 5'" -t ' 5' 127.0.0.1
# Options named as typed; ambiguous beginnings named as such.
bad_input "an ambiguous beginning" \
  "ambiguous option '--ex' (could be --exclude, --exclude-file, --expect)" \
  --ex 127.0.0.1 127.0.0.1
bad_input "--help=x names --help" "option '--help' does not take a value" \
  --help=x 127.0.0.1
bad_input "-p without its value names -p" "option '-p' needs a value" \
  127.0.0.1 -p
# --max-targets at its maximum: the limit, not "raise --max-targets".
refused "a /64 is over what one run can probe, whatever --max-targets" 3 \
  "target '2001:db8::/64' has more than 18446744073709551614 addresses, the most one run can probe: split it" \
  --max-targets 18446744073709551615 2001:db8::/64
check "... and does not say to raise --max-targets" \
  test "${ERR#*raise}" = "$ERR"
# Excluding everything: accepted, nothing left to probe (exit 3).
bad_input "--exclude ::/0 of an IPv6 target" "no targets left to probe" \
  --exclude ::/0 ::1
bad_input "--exclude ::/0 and 0.0.0.0/0" "no targets left to probe" \
  --exclude ::/0 --exclude 0.0.0.0/0 127.0.0.1 ::1 2001:db8::/120
run_aping -t 100 -r 0 --exclude ::/0 127.0.0.1 ::1
check "--exclude ::/0 leaves the IPv4 targets" \
  test -z "$ERR" -a "${OUT%% *}" = 127.0.0.1 -a "$(wc -l <<<"$OUT")" -eq 1
# An option that does nothing with the others: an error, or a warning and
# the run (the class: tests/unit/test-cli-opts.c).
bad_input "--ping-command with -m icmp" \
  "--ping-command is for ping(8), which -m icmp never runs" \
  -m icmp --ping-command /bin/ping 127.0.0.1
run_aping -e -t 100 -r 0 127.0.0.1
check "-e without -a: one warning, then the run" test "$ERR" = \
  "aping: warning: -e shows round-trip times only in -a's text list (the full verdict lines have them anyway): ignored" \
  -a "${OUT%% *}" = 127.0.0.1

# No ping(8) to run: refused before anything is probed.
run_aping -m exec --ping-command /nonexistent/ping 127.0.0.1
check "-m exec with a missing --ping-command: exit 4, one line naming it" \
  test "$RC" -eq 4 -a -z "$OUT" -a "$ERR" = \
  "aping: cannot run ping(8) '/nonexistent/ping': No such file or directory (exit 4)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '# lab hosts\n127.0.0.1\n\n127.0.0.300  # typo\n' >"$tmp/hosts"
bad_input "bad line in -f names file and line" "hosts:4: bad target '127.0.0.300'" \
  -f "$tmp/hosts"
printf '127.0.0.1\n' >"$tmp/ok"
run_aping --exclude 127.0.0.1 -f "$tmp/ok"
check "everything excluded: exit 3 with a message" \
  test "$RC" -eq 3 -a -n "$ERR"

tap_done
