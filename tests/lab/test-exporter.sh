#!/bin/bash
# tests/lab/test-exporter.sh - the Prometheus exporter (--listen) in the
# lab: /metrics checked by promtool, counters that grow, 404 and 405, a
# port in use or an address not local refused before any probe, hostile
# HTTP clients that cannot stop a scrape or the probing, SIGHUP keeping
# the counters of the targets that stay, and memory that stays flat.
#
# Every run and every HTTP request goes through lab_exec (ip netns exec
# into the lab's scanner namespace), which refuses to run if the lab is
# not there; the exporter listens on 127.0.0.1 there.
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

command -v curl >/dev/null || skip_all "no curl (make deps installs it)"
command -v promtool >/dev/null ||
  skip_all "no promtool (make deps installs Debian's prometheus)"
lab_test_up
lab_services_up >/dev/null

PORT=9857
URL=http://127.0.0.1:$PORT/metrics

# get PATH [CURL ARGS...]: a request in the lab; sets OUT (the body) and
# CODE.
get() {
  local path=$1
  shift
  CODE=$(lab_exec curl -s --max-time 5 -o "$LAB_DIR/body" -w '%{http_code}' \
    "$@" "http://127.0.0.1:$PORT$path") || CODE=000
  OUT=$(cat "$LAB_DIR/body" 2>/dev/null || true)
}

# wait_up: waits (up to 5 s) until /metrics answers; sets UP_MS.
wait_up() {
  local t0
  t0=$(date +%s%N)
  for _ in $(seq 100); do
    get /metrics
    [ "$CODE" = 200 ] && break
    sleep 0.05
  done
  UP_MS=$((($(date +%s%N) - t0) / 1000000))
}

# value METRIC{LABELS}: its value in OUT, or -1.
value() {
  awk -v m="$1 " 'index($0, m) == 1 {print $NF; f = 1}
    END {if (!f) print -1}' <<<"$OUT"
}

# out_echos: echo requests the scanner namespace has sent (its kernel's
# ICMP counters).
out_echos() {
  lab_exec awk '/^Icmp:/ && !h {for (i = 1; i <= NF; i++) n[i] = $i; h = 1;
    next} /^Icmp:/ {for (i = 1; i <= NF; i++) if (n[i] == "OutEchos")
    print $i}' /proc/net/snmp
}

L='target="198.18.1.5",address="198.18.1.5"'
S='target="198.18.2.7",address="198.18.2.7"'
U='target="198.18.4.9",address="198.18.4.9"'

bg --listen "127.0.0.1:$PORT" -q -p 100 -vv 198.18.1.5 198.18.2.7 \
  "$LAB_UNREACH4"
wait_up
sleep 1
get /metrics
what="/metrics: 200, and promtool check metrics finds nothing wrong"
expect test "$CODE" = 200
lint=$(promtool check metrics <<<"$OUT" 2>&1) && lrc=0 || lrc=$?
expect test "$lrc" -eq 0 -a -z "$lint"
[ -z "$lint" ] || printf '%s\n' "$lint" | head -5 | sed 's/^/# promtool: /'
what="/metrics: an answering target's replies and RTT histogram"
expect test "$(value "aping_probe_replies_total{$L}")" -ge 8
expect test "$(value "aping_rtt_seconds_count{$L}")" = \
  "$(value "aping_rtt_seconds_bucket{$L,le=\"+Inf\"}")"
expect test "$(value "aping_up{$L}")" = 1
what="/metrics: a silent target is down, its probes lost"
expect test "$(value "aping_up{$S}")" = 0 -a \
  "$(value "aping_probes_lost_total{$S}")" -ge 8
what="/metrics: ICMP errors by reason (the kernel rate-limits them)"
expect test "$(value "aping_probe_errors_total{$U,reason=\"host unreachable\"}")" -ge 1
what="/metrics: the counters grow between scrapes"
before=$(value "aping_probes_sent_total{$L}")
sleep 0.5
get /metrics
expect test "$(value "aping_probes_sent_total{$L}")" -gt "$before"
get /nowhere
what="an unknown path: 404"
expect test "$CODE" = 404
get /metrics -X POST
what="POST: 405"
expect test "$CODE" = 405
get /metrics -I
what="HEAD /metrics: 200, headers only"
expect test "$CODE" = 200
expect grep -q '^Content-Type: text/plain; version=0.0.4' <<<"$OUT"
expect test "$(grep -c '^aping_' <<<"$OUT")" -eq 0

# Hostile clients: many idle connections, a request with a 100 KB header,
# clients that ask for /metrics and never read.  A scrape must still be
# served whole and at once, and probing go on.
lab_exec "$LAB_PYTHON" - "$PORT" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
held = []
for _ in range(40):
    s = socket.create_connection(("127.0.0.1", port)); held.append(s)
s = socket.create_connection(("127.0.0.1", port)); held.append(s)
try:
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000)
except OSError:
    pass
for _ in range(4):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    held.append(s)
time.sleep(4)
PY
hostile=$!
sleep 1
before=$(value "aping_probes_sent_total{$L}")
t0=$(date +%s%N)
get /metrics
ms=$((($(date +%s%N) - t0) / 1000000))
what="hostile clients: a scrape is still served whole, within a second"
expect test "$CODE" = 200 -a "$ms" -lt 1000
expect grep -q '^aping_rtt_seconds_count' <<<"$OUT"
what="... and probing goes on"
expect test "$(value "aping_probes_sent_total{$L}")" -gt "$before"
wait "$hostile" || true
kill -TERM "$BG"
bg_wait
what="SIGTERM ends an exporter with exit 0"
expect test "$RC" -eq 0
what="-vv: no loop turn of 100 ms or more, scrapes and hostile clients included"
expect test "$(grep -c 'loop turn took' <<<"$ERR")" -eq 0

# A port in use (here by a plain listener): one line, exit 4, and not one
# echo request sent.
lab_exec "$LAB_PYTHON" -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
time.sleep(3)' "$PORT" &
squatter=$!
sleep 0.5
echos=$(out_echos)
scan --listen "127.0.0.1:$PORT" --deadline 3 198.18.1.6
what="a port in use: one line naming it, exit 4"
expect test "$RC" -eq 4 -a "$ERR" = \
  "aping: cannot listen on 127.0.0.1:$PORT: Address already in use (exit 4)"
what="... before any probe is sent"
expect test "$(out_echos)" = "$echos"
wait "$squatter" || true
scan --listen "198.18.99.99:$PORT" --deadline 3 198.18.1.6
what="an address that is not local: exit 4"
expect test "$RC" -eq 4
expect grep -q "cannot listen on 198.18.99.99:$PORT: Cannot assign requested address" <<<"$ERR"

# ---- service checks

bg --listen "127.0.0.1:$PORT" -q -p 200 -m none --tcp 22 198.18.1.5 198.18.2.7
wait_up
sleep 0.6
get /metrics
scraped=$OUT
kill -TERM "$BG"
bg_wait
OUT=$scraped
what="/metrics with -m none: service checks, up and connect time, no pings"
expect test "$(value "aping_service_up{$L,port=\"22\",service=\"tcp\"}")" = 1
expect grep -qE "^aping_service_connect_seconds\{$L,port=\"22\",service=\"tcp\"\} 0\.[0-9]+$" \
  <<<"$OUT"
expect test "$(value "aping_service_up{$S,port=\"22\",service=\"tcp\"}")" = 0
expect test "$(grep -c '^aping_probes_sent_total' <<<"$OUT")" -eq 0
lint=$(promtool check metrics <<<"$OUT" 2>&1) && lrc=0 || lrc=$?
what="... and promtool is content with it"
expect test "$lrc" -eq 0 -a -z "$lint"

# ---- SIGHUP

printf '198.18.1.5\n198.18.1.6\n' >"$LAB_DIR/hosts"
bg --listen "127.0.0.1:$PORT" -q -p 100 -f "$LAB_DIR/hosts"
wait_up
sleep 1
get /metrics
a_before=$(value 'aping_probes_sent_total{target="198.18.1.6",address="198.18.1.6"}')
printf '198.18.1.6\n198.18.1.7\n' >"$LAB_DIR/hosts"
kill -HUP "$BG"
sleep 0.6
get /metrics
what="SIGHUP: a target that stays keeps its counters"
expect test "$(value 'aping_probes_sent_total{target="198.18.1.6",address="198.18.1.6"}')" -gt "$a_before"
what="SIGHUP: a removed target disappears, a new one starts"
expect test "$(value "aping_probes_sent_total{$L}")" = -1
expect test "$(value 'aping_probes_sent_total{target="198.18.1.7",address="198.18.1.7"}')" -ge 1 -a \
  "$(value 'aping_probes_sent_total{target="198.18.1.7",address="198.18.1.7"}')" -lt "$a_before"
printf '198.18.1.6\n198.18.1.300\n' >"$LAB_DIR/hosts"
kill -HUP "$BG"
sleep 0.3
get /metrics
what="SIGHUP with a bad file: the targets stay as they were"
expect test "$(value 'aping_probes_sent_total{target="198.18.1.7",address="198.18.1.7"}')" -ge 1
kill -INT "$BG"
bg_wait
what="... and stderr says why"
expect grep -qF "aping: reload: $LAB_DIR/hosts:2: bad target '198.18.1.300': octet 300 over 255 (exit 3); the targets stay as they were" \
  <<<"$ERR"
expect grep -qx 'aping: reloaded: 2 targets (2 before)' <<<"$ERR"

# ---- memory stays flat, and /metrics is there at once

bg --listen "127.0.0.1:$PORT" -q -p 100 198.19.0.0/22
wait_up
what="/metrics answers within a second of the start (1022 targets)"
expect test "$UP_MS" -lt 1000
sleep 2
rss1=$(awk '/^VmRSS/ {print $2}' "/proc/$BG/status")
for _ in 1 2 3 4 5 6; do get /metrics; sleep 1; done
rss2=$(awk '/^VmRSS/ {print $2}' "/proc/$BG/status")
kill -TERM "$BG"
bg_wait
# A sanitizer build (make check-asan) keeps freed memory in quarantine: its
# RSS grows with every scrape whatever aping keeps; leaks are
# LeakSanitizer's to find there.
flat=256
if ldd "$APING" 2>/dev/null | grep -q libasan; then
  flat=65536
fi
what="memory stays flat: RSS grows by less than $flat KiB over 6 s ($rss1 -> $rss2 KiB)"
expect test "$((rss2 - rss1))" -lt "$flat"

tap_done
