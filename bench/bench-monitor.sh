#!/bin/bash
# bench/bench-monitor.sh - the cost of continuous monitoring: every target
# probed once a second, in the lab, by
#   - smokeping_prober (a Prometheus exporter, one pinger per target),
#   - fping -l (loop mode: no exporter, quiet), and
#   - aping -l --listen (aping's exporter), when aping has it;
# first 8190 targets (198.19.0.0/19 without network and broadcast, in the
# lab's answering benchmark block), then 1022 (198.19.0.0/22 the same way).
#
# For each tool, over a window of DURATION seconds that starts WARMUP
# seconds after the tool was ready: its CPU time (utime + stime from
# /proc/PID/stat: the kernel's work in its system calls included) as a
# percentage of one core (a tool that keeps 2 cores busy shows 200 %);
# the probes it sent and the replies that came back, a second (the
# counters of the scanner's link to the benchmark block: what really went
# over the wire); RSS at the start and the end of the window, and its
# peak (VmHWM).  For the exporters also: the time from start until
# /metrics first answered 200, and until it named every target; SCRAPES
# full scrapes spread over the window, each timed and sized by curl (their
# CPU is in the window's; "between" is the window's without them); and
# the share of probes answered by their own counters in the last scrape.
# fping's share answered comes from its summary at the end.
#
# smokeping_prober opens its listener only once it has started every
# pinger, one raw ICMP socket each, and every such socket gets a copy of
# every ICMP packet: the start slows as it goes (about 3600 of 8190 after
# a minute here), hence READY_TIMEOUT; the window then measures it as it
# is, still starting, "-" for what it cannot answer.
#
# fping 5.1 cannot probe 8190 targets a second in one process: it keeps
# each sequence number 10 s and has 65536 of them, so past about 6500
# probes a second it stops ("not enough sequence numbers available", exit
# 4; -i 0.06 does, or less).  -i is not a true interval either: each
# packet costs it some 0.08 ms more, so -i 0.08 makes about 6100 probes a
# second (each target every 1.35 s) and -i 0.1 about 5300.  So beyond
# FPING_MAX targets the benchmark runs fping twice: once as one process at
# -i 0.08 (falling behind: see its probes a second), and once as enough
# processes of at most FPING_MAX targets each, at -i 0.1, which keep up.
# In loop mode fping prints every reply unless -Q is given: -Q 3600 keeps
# it quiet (a summary an hour) like the exporters.
#
#   DURATION=60 WARMUP=10 SCRAPES=3 READY_TIMEOUT=120 \
#     SIZES="8190 1022" TOOLS="smokeping fping aping" bash bench/bench-monitor.sh
#
# Lab only: every tool runs, and every scrape is made, inside the lab's
# scanner namespace (metrics on its own 127.0.0.1), through bench_spawn or
# lab_exec.  Every process started is ended on exit.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

DURATION=${DURATION:-60}
WARMUP=${WARMUP:-10}
SCRAPES=${SCRAPES:-3}
READY_TIMEOUT=${READY_TIMEOUT:-120}
SIZES=${SIZES:-8190 1022}
TOOLS=${TOOLS:-smokeping fping aping}
FPING_MAX=4096
PORT_SMOKEPING=9374
PORT_APING=9375
HZ=$(getconf CLK_TCK)

bench_setup
trap 'exit 130' INT TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# sleep_until MS: sleeps until now_ms reaches MS.
sleep_until() {
  local left=$(($1 - $(now_ms)))
  [ "$left" -le 0 ] || sleep "$(awk -v l="$left" 'BEGIN{printf "%.3f", l/1000}')"
}

# The machine's busy CPU time in ticks (all CPUs, everything but idle and
# iowait): only to say how busy the machine was before the runs, since
# this sampled count misses much of a bursty load like fping's.
machine_busy() {
  awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat
}

# Packets through the scanner's link to the benchmark block.
link_count() {
  lab_exec cat "/sys/class/net/to-net/statistics/$1_packets"
}

# pct TICKS MS: TICKS of CPU time over MS of wall time, in % of one core.
pct() {
  awk -v t="$1" -v ms="$2" -v hz="$HZ" \
    'BEGIN{printf "%.1f", (ms > 0 ? 100 * t / hz / (ms / 1000) : 0)}'
}
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k / 1024}'; }

# targets_in FILE: how many distinct lab benchmark addresses FILE (a
# scrape) names in a label value.
targets_in() {
  grep -o '"198\.19\.[0-9]*\.[0-9]*"' "$1" 2>/dev/null | sort -u | wc -l
}

# scrape PORT FILE: one full scrape from inside the lab; prints
# "HTTP-CODE SECONDS BYTES".
scrape() {
  lab_exec curl -s -o "$2" --max-time 120 \
    -w '%{http_code} %{time_total} %{size_download}' \
    "http://127.0.0.1:$1/metrics" || true
}

# wait_ready PORT N: polls /metrics until it answers 200 and names all N
# targets, or READY_TIMEOUT seconds after T0; sets FIRST200 and READY
# (seconds since T0, or "-").
wait_ready() {
  local port=$1 n=$2 r code
  FIRST200=- READY=-
  while [ $(($(now_ms) - T0)) -lt $((READY_TIMEOUT * 1000)) ]; do
    [ -n "$(proc_state "${PIDS[0]}")" ] || return 0
    r=$(scrape "$port" "$BENCH_TMP/ready.prom")
    code=${r%% *}
    if [ "$code" = 200 ]; then
      [ "$FIRST200" != - ] || FIRST200=$(secs_since "$T0")
      if [ "$(targets_in "$BENCH_TMP/ready.prom")" -eq "$n" ]; then
        READY=$(secs_since "$T0")
        return 0
      fi
    fi
    sleep 0.2
  done
}
secs_since() { awk -v d=$(($(now_ms) - $1)) 'BEGIN{printf "%.1f", d / 1000}'; }

# measure NAME PORT: the window, for the tool whose processes are PIDS
# (PORT: its metrics, or 0 for none); prints one row of the table and
# keeps the last scrape in $BENCH_TMP/last.prom.
measure() {
  local name=$1 port=$2 k start end c0 c1 tx0 tx1 rx0 rx1 rss0 rss1
  local sc0 sc1 s0 r times="" sizes="" sticks=0 sms=0
  start=$(now_ms)
  c0=$(proc_cpu_ticks "${PIDS[@]}")
  tx0=$(link_count tx) rx0=$(link_count rx)
  rss0=$(proc_kib VmRSS "${PIDS[@]}")
  rm -f "$BENCH_TMP/last.prom"
  for k in $(seq "$SCRAPES"); do
    [ "$port" != 0 ] && [ "$FIRST200" != - ] || break
    sleep_until $((start + DURATION * 1000 * k / (SCRAPES + 1)))
    sc0=$(proc_cpu_ticks "${PIDS[@]}") s0=$(now_ms)
    r=$(scrape "$port" "$BENCH_TMP/last.prom")
    sms=$((sms + $(now_ms) - s0))
    sc1=$(proc_cpu_ticks "${PIDS[@]}")
    sticks=$((sticks + sc1 - sc0))
    [ "${r%% *}" = 200 ] || r="${r%% *} - 0"
    times+="${times:+ }$(awk -v t="$(cut -d' ' -f2 <<<"$r")" 'BEGIN{printf "%.3f", t}')"
    sizes+="${sizes:+ }$(($(cut -d' ' -f3 <<<"$r") / 1024))"
  done
  sleep_until $((start + DURATION * 1000))
  end=$(now_ms)
  c1=$(proc_cpu_ticks "${PIDS[@]}")
  tx1=$(link_count tx) rx1=$(link_count rx)
  rss1=$(proc_kib VmRSS "${PIDS[@]}")
  printf '%-24s %6s %7s %6s %8s %8s %9s %-18s %-20s %s\n' "$name" \
    "$FIRST200" "$READY" "$(pct $((c1 - c0)) $((end - start)))" \
    "$( [ "$port" = 0 ] && echo - || pct $((c1 - c0 - sticks)) $((end - start - sms)))" \
    $(((tx1 - tx0) * 1000 / (end - start))) $(((rx1 - rx0) * 1000 / (end - start))) \
    "$(mib "$rss0")/$(mib "$rss1")/$(mib "$(proc_kib VmHWM "${PIDS[@]}")")" \
    "${times:--}" "${sizes:--}"
}

# answered_smokeping FILE: replies / requests over all targets in a scrape.
answered_smokeping() {
  awk '/^smokeping_requests_total/ {q += $NF}
       /^smokeping_response_duration_seconds_count/ {a += $NF}
       END {if (q) printf "%.1f %% (%d of %d)", 100 * a / q, a, q; else print "-"}' "$1"
}

# answered_aping FILE: replies / probes sent over all targets in a scrape
# (a probe in flight is sent, not yet answered).
answered_aping() {
  awk '/^aping_probes_sent_total/ {q += $NF}
       /^aping_probe_replies_total/ {a += $NF}
       END {if (q) printf "%.1f %% (%d of %d)", 100 * a / q, a, q; else print "-"}' "$1"
}

# answered_fping LOG...: replies / probes in fping's final summaries.
answered_fping() {
  cat "$@" | awk -F'[=/,]' '/xmt\/rcv\/%loss/ {x += $4; r += $5}
    END {if (x) printf "%.1f %% (%d of %d)", 100 * r / x, r, x; else print "-"}'
}

# ---------------------------------------------------------------- tools

# Each run_* starts a tool on the N targets of $HOSTS, measures it, stops
# it and prints its row (and a line on what it answered).

# alive NAME LOG PID...: adds a note when a process of the tool has ended
# before it was stopped.
alive() {
  local name=$1 log=$2 pid
  shift 2
  for pid in "$@"; do
    if [ -z "$(proc_state "$pid")" ] || [ "$(proc_state "$pid")" = Z ]; then
      NOTES+=("$name ended before the window did: $(tail -n 2 "$log" | tr '\n' ' ')")
      return
    fi
  done
}

run_smokeping() {
  local n=$1 note
  echo "targets: []" >"$BENCH_TMP/smokeping.yml" # not the system's
  T0=$(now_ms)
  # shellcheck disable=SC2046 # one argument per target
  bench_spawn "$BENCH_TMP/smokeping.log" prometheus-smokeping-prober \
    --config.file="$BENCH_TMP/smokeping.yml" --privileged \
    --web.listen-address="127.0.0.1:$PORT_SMOKEPING" -i 1s $(cat "$HOSTS")
  PIDS=("$BENCH_PID")
  wait_ready "$PORT_SMOKEPING" "$n"
  [ "$READY" = - ] || sleep "$WARMUP"
  measure "smokeping_prober" "$PORT_SMOKEPING"
  alive smokeping_prober "$BENCH_TMP/smokeping.log" "$BENCH_PID"
  note="smokeping_prober, $n targets: answered "
  if [ -s "$BENCH_TMP/last.prom" ]; then
    note+=$(answered_smokeping "$BENCH_TMP/last.prom")
  else
    note+="- (no scrape)"
  fi
  [ "$READY" != - ] || note+="; not ready after $READY_TIMEOUT s"
  NOTES+=("$note")
  bench_stop "$BENCH_PID"
}

# run_fping N PROCS INTERVAL: fping on the N targets split over PROCS
# processes, -i INTERVAL.
run_fping() {
  local n=$1 procs=$2 i=$3 k pid name
  split -n "l/$procs" -d "$HOSTS" "$BENCH_TMP/fping-hosts."
  PIDS=()
  T0=$(now_ms)
  for k in $(seq 0 $((procs - 1))); do
    bench_spawn "$BENCH_TMP/fping.$k.log" fping -l -Q 3600 -p 1000 -i "$i" \
      -f "$(printf '%s/fping-hosts.%02d' "$BENCH_TMP" "$k")"
    PIDS+=("$BENCH_PID")
  done
  FIRST200=- READY=-
  sleep "$WARMUP"
  name="fping -l -i $i"
  [ "$procs" = 1 ] || name="$procs x $name"
  measure "$name" 0
  alive "$name" "$BENCH_TMP/fping.0.log" "${PIDS[@]}"
  for pid in "${PIDS[@]}"; do
    bench_stop "$pid" INT # fping prints its summary on SIGINT
  done
  NOTES+=("$name, $n targets: answered $(answered_fping "$BENCH_TMP"/fping.*.log)")
  rm -f "$BENCH_TMP"/fping.*.log "$BENCH_TMP"/fping-hosts.*
}

run_aping() {
  local n=$1
  T0=$(now_ms)
  bench_spawn "$BENCH_TMP/aping.log" "$APING" -l -p 1000 -q \
    --listen "127.0.0.1:$PORT_APING" -f "$HOSTS"
  PIDS=("$BENCH_PID")
  wait_ready "$PORT_APING" "$n"
  [ "$READY" = - ] || sleep "$WARMUP"
  measure "aping -l --listen" "$PORT_APING"
  alive aping "$BENCH_TMP/aping.log" "$BENCH_PID"
  if [ -s "$BENCH_TMP/last.prom" ]; then
    NOTES+=("aping, $n targets: answered $(answered_aping "$BENCH_TMP/last.prom")")
  fi
  [ "$READY" != - ] || NOTES+=("aping, $n targets: not ready after $READY_TIMEOUT s")
  bench_stop "$BENCH_PID"
}

# ---------------------------------------------------------------- the runs

have_aping=no
if [ -x "$APING" ] && "$APING" -h 2>&1 | grep -q -- --listen; then
  have_aping=yes
fi

echo "monitoring, one probe per target per second; window ${DURATION} s, ${WARMUP} s after ready; CPU % of one core ($(nproc) cores)"
m0=$(machine_busy) t=$(now_ms)
sleep 5
echo "the machine before the runs, busy: $(pct $(($(machine_busy) - m0)) $(($(now_ms) - t))) % (other load)"
echo "commands (inside the lab's scanner namespace; HOSTS: one address a line):"
echo "  prometheus-smokeping-prober --config.file=EMPTY --privileged --web.listen-address=127.0.0.1:$PORT_SMOKEPING -i 1s \$(cat HOSTS)"
echo "  fping -l -Q 3600 -p 1000 -i I -f HOSTS    (one process per $FPING_MAX targets at -i 0.1; one in all at -i 0.08)"
echo "  aping -l -p 1000 -q --listen 127.0.0.1:$PORT_APING -f HOSTS"

for n in $SIZES; do
  case $n in
    8190) net=198.19.0.0/19 ;;
    1022) net=198.19.0.0/22 ;;
    *) echo "bench-monitor: SIZES: 8190 or 1022, not $n" >&2; exit 3 ;;
  esac
  HOSTS=$BENCH_TMP/hosts.$n
  "$LAB_PYTHON" -c 'import ipaddress, sys
print("\n".join(str(a) for a in ipaddress.ip_network(sys.argv[1]).hosts()))' \
    "$net" >"$HOSTS"
  NOTES=()
  echo
  echo "$n targets ($net without network and broadcast):"
  printf '%-24s %6s %7s %6s %8s %8s %9s %-18s %-20s %s\n' tool "200 s" \
    "ready s" "CPU %" "between" "probes/s" "replies/s" \
    "RSS MiB s/e/pk" "scrape s" "scrape KiB"
  for tool in $TOOLS; do
    case $tool in
      smokeping)
        if command -v prometheus-smokeping-prober >/dev/null; then
          run_smokeping "$n"
        else
          echo "smokeping_prober: not installed (make deps installs it), skipped"
        fi
        ;;
      fping)
        if [ "$n" -gt "$FPING_MAX" ]; then
          run_fping "$n" 1 0.08
        fi
        run_fping "$n" $(((n + FPING_MAX - 1) / FPING_MAX)) 0.1
        ;;
      aping)
        if [ "$have_aping" = yes ]; then
          run_aping "$n"
        else
          echo "aping: no --listen yet, skipped"
        fi
        ;;
      *) echo "bench-monitor: unknown tool '$tool'" >&2; exit 3 ;;
    esac
    sleep 2 # let the last tool's sockets and the link drain
  done
  [ ${#NOTES[@]} -eq 0 ] || printf '  %s\n' "${NOTES[@]}"
done
