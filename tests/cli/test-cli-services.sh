#!/bin/bash
# tests/cli/test-cli-services.sh - the options of the service checks: help
# and bad input (one line naming the bad value, exit 3, nothing probed).
# Each command is rejected before probing starts, in an empty network
# namespace where possible.
set -u
. "$(dirname "$0")/../tap.sh"


run_aping -h
for opt in --tcp --banner --banner-bytes --telnet --expect --any -j \
           "-m none"; do
  check "-h documents $opt" grep -q -- "$opt" <<<"$OUT"
done

bad_input "--tcp not a number" "invalid --tcp 'ssh': 'ssh' is not a port" \
  --tcp ssh 127.0.0.1
bad_input "--tcp port 0" "'0' is not a port" --tcp 0 127.0.0.1
bad_input "--tcp port over 65535" "'65536' is not a port" --tcp 65536 127.0.0.1
bad_input "--tcp bad item in a list" "invalid --tcp '22,x,80': 'x'" \
  --tcp 22,x,80 127.0.0.1
bad_input "--tcp empty item" "empty item" --tcp 22,,80 127.0.0.1
bad_input "--tcp reversed range" "range '90-80' is reversed" \
  --tcp 90-80 127.0.0.1
bad_input "--tcp missing value" "'--tcp' needs a value" 127.0.0.1 --tcp
bad_input "--telnet port 0" "--telnet '0'" --telnet=0 127.0.0.1
bad_input "--telnet not a number" "--telnet 'x'" --telnet=x 127.0.0.1
bad_input "--banner-bytes 0" "--banner-bytes '0'" --tcp 22 --banner \
  --banner-bytes 0 127.0.0.1
bad_input "--banner-bytes too big" "--banner-bytes '100000'" --tcp 22 \
  --banner --banner-bytes 100000 127.0.0.1
bad_input "-j 0" "-j '0'" -j 0 --tcp 22 127.0.0.1
bad_input "bad --expect regex" "invalid --expect '(ssh'" --tcp 22 --banner \
  --expect '(ssh' 127.0.0.1
bad_input "--expect twice" "--expect given twice" --tcp 22 --banner \
  --expect a --expect b 127.0.0.1
bad_input "--banner without --tcp" "--banner needs --tcp" --banner 127.0.0.1
bad_input "--expect without a banner check" "--expect needs --banner or --telnet" \
  --tcp 22 --expect SSH 127.0.0.1
bad_input "--banner-bytes without a banner check" "--banner-bytes needs" \
  --tcp 22 --banner-bytes 10 127.0.0.1
bad_input "--any without checks" "--any needs --tcp, --telnet or --tcp-ping" \
  --any 127.0.0.1
bad_input "-m none without checks" "-m none needs --tcp, --telnet or --tcp-ping" \
  -m none 127.0.0.1
bad_input "bad -m names none among the choices" "need auto, icmp, exec or none" \
  -m pigeon --tcp 22 127.0.0.1

tap_done
