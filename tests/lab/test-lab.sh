#!/bin/bash
# shellcheck disable=SC2317  # the probe functions are called through probe
# tests/lab/test-lab.sh — check that the lab behaves as lab.sh promises,
# using only system tools (ping, fping, getent, python3).  TAP output.
#
# Every probe goes through lab_exec*, so nothing leaves the lab namespaces.
set -eu

# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

out=$(mktemp "${TMPDIR:-/tmp}/aping-selftest.XXXXXX")
# lab_up replaces the EXIT trap with lab_down; this one covers the time
# before it, and lab_down's end we handle ourselves below.
trap 'rm -f "$out"' EXIT

# probe DESC CMD...: one check, which CMD's exit status decides.  CMD's
# output goes to $out, where the probe functions below read what they ran;
# it is shown on failure.
probe() {
    local desc=$1
    shift
    if "$@" >"$out" 2>&1; then
        tap_ok "$desc"
    else
        tap_not_ok "$desc"
        sed 's/^/#   /' "$out"
    fi
}

# ---- probes (each returns 0 when the lab behaves as promised)

# First RTT in ping output ($out), in ms, as an integer.
first_rtt() {
    sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' "$out" | head -n 1 | cut -d. -f1
}

# ping ADDR with extra ping flags; succeed when the RTT is >= MIN ms.
answers_after() {
    local min=$1 rtt
    shift
    lab_exec ping "$@" || return 1
    rtt=$(first_rtt)
    echo "rtt=${rtt:-none} ms, want >= $min"
    [ -n "$rtt" ] && [ "$rtt" -ge "$min" ]
}

# No reply and no ICMP error: ping exits 1 and prints no "From" line.
silent() {
    local rc=0
    lab_exec ping -c 1 -W 1 "$@" || rc=$?
    [ "$rc" = 1 ] && ! grep -q '^From ' "$out"
}

# An ICMP destination-unreachable error from FROM.
unreachable_from() {
    local from=$1
    shift
    lab_exec ping -c 1 -W 1 "$@" || true
    grep -Eiq "^From $from .*unreachable" "$out"
}

lossy_half() {
    lab_exec ping -c 4 -i 0.2 -W 1 "$@" || true
    grep -q '4 packets transmitted, 2 received' "$out"
}

fping_dup() {
    # fping reports duplicates only while it is still waiting for something,
    # so -c1 exits before the second copy; -c2 gives it the time.
    lab_exec fping -q -c 2 -p 100 "$@" || return 1
    grep -q 'duplicate for \[0\]' "$out"
}

ping_dup() {
    lab_exec ping -c 2 -i 0.2 -W 1 "$@" || return 1
    grep -q 'DUP!' "$out"
}

resolves_to() {
    local name=$1 want=$2
    lab_exec getent hosts "$name" || return 1
    awk '{print $1}' "$out" | grep -qxF "$want"
}

# An unknown name must fail, and within 3 s (no DNS server to wait for).
fails_fast() {
    local t0 t1 rc=0
    t0=$(date +%s%N)
    lab_exec getent hosts "$1" || rc=$?
    t1=$(date +%s%N)
    echo "getent rc=$rc after $(((t1 - t0) / 1000000)) ms"
    [ "$rc" != 0 ] && [ $(((t1 - t0) / 1000000)) -lt 3000 ]
}

is_nobody() {
    local want
    want=$(id -u nobody)
    [ "$(lab_exec_nobody id -u)" = "$want" ] &&
        [ "$(lab_exec_nobody id -g)" = "$(getent group nogroup | cut -d: -f3)" ]
}

# As nobody: open an unprivileged ICMP datagram socket, ping 198.18.1.5.
# Prints "reply", or "EACCES"/"EPERM"/... when the socket is refused.
DGRAM_PING='
import errno, socket, sys
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno)); sys.exit(1)
s.settimeout(2)
s.sendto(b"\x08\x00\x00\x00\x00\x00\x00\x01lab", ("198.18.1.5", 0))
data = s.recv(1500)
print("reply" if data[:1] == b"\x00" else "other")
'
dgram_allowed() {
    lab_exec_nobody "$LAB_PYTHON" -c "$DGRAM_PING" &&
        grep -qx reply "$out"
}
dgram_refused() {
    ! lab_exec_nobody_nodgram "$LAB_PYTHON" -c "$DGRAM_PING" &&
        grep -Eqx 'EACCES|EPERM' "$out" &&
        # and the setting is back afterwards
        lab_exec_nobody "$LAB_PYTHON" -c "$DGRAM_PING"
}

# The scanner has no default route: addresses outside the plan go nowhere.
# (`ip route get` only asks the routing table; it sends nothing.)
no_default_route() {
    ! lab_exec ip route get 192.0.2.1 && ! lab_exec ip -6 route get 2001:db9::1
}

# After lab_down: no namespace, no /etc/netns dir, no responder, and
# lab_exec refuses to run anything.
torn_down() {
    local scan=$LAB_SCAN net=$LAB_NET slow=$LAB_SLOW pid=$LAB_RESPONDER_PID
    local dir=$LAB_DIR
    lab_down
    ip netns list | grep -E "^($scan|$net|$slow)( |$)" && return 1
    [ ! -e "/etc/netns/$scan" ] || { echo "/etc/netns/$scan left"; return 1; }
    [ ! -e "$dir" ] || { echo "$dir left"; return 1; }
    ! kill -0 "$pid" 2>/dev/null || { echo "responder $pid alive"; return 1; }
    # lab_exec must now refuse (LAB_SCAN still names the deleted namespace).
    ! lab_exec true
}

# ---- the plan

reason=$(lab_can_run) || skip_all "lab: $reason"

if lab_up >"$out" 2>&1; then
    tap_ok "lab_up builds the lab ($LAB_SCAN)"
else
    tap_not_ok "lab_up builds the lab"
    sed 's/^/#   /' "$out"
    tap_done
    exit 1
fi
# lab_up installed `trap lab_down EXIT`; keep it and clean our file too.
trap 'lab_down; rm -f "$out"' EXIT

probe "198.18.1.5 answers" lab_exec ping -c 1 -W 1 198.18.1.5
probe "198.18.1.254 answers too (AnyIP block)" lab_exec ping -c 1 -W 1 198.18.1.254
probe "2001:db8:1::5 answers" lab_exec ping -6 -c 1 -W 1 2001:db8:1::5
probe "198.18.2.7 is silent" silent 198.18.2.7
probe "2001:db8:2::7 is silent" silent -6 2001:db8:2::7
probe "198.18.3.1 answers after >= 250 ms" answers_after 250 -c 1 -W 2 198.18.3.1
probe "2001:db8:3::1 answers after >= 250 ms" \
    answers_after 250 -6 -c 1 -W 2 2001:db8:3::1
probe "198.18.3.2 answers after >= 1100 ms" answers_after 1100 -c 1 -W 3 198.18.3.2
probe "2001:db8:3::2 answers after >= 1100 ms" \
    answers_after 1100 -6 -c 1 -W 3 2001:db8:3::2
probe "198.18.4.9 is unreachable, says 198.18.0.2" \
    unreachable_from 198.18.0.2 198.18.4.9
probe "2001:db8:4::9 is unreachable, says 2001:db8::2" \
    unreachable_from 2001:db8::2 -6 2001:db8:4::9
probe "198.18.3.3 loses every other echo (2 of 4)" lossy_half 198.18.3.3
probe "2001:db8:3::3 loses every other echo (2 of 4)" lossy_half -6 2001:db8:3::3
probe "fping sees a duplicate from 198.18.3.4" fping_dup 198.18.3.4
probe "ping sees a duplicate from 2001:db8:3::4" ping_dup -6 2001:db8:3::4
probe "198.19.1.1 answers (benchmark block)" lab_exec ping -c 1 -W 1 198.19.1.1
probe "198.19.200.1 is silent (benchmark block)" silent 198.19.200.1
probe "lab-host resolves to 198.18.1.5" resolves_to lab-host 198.18.1.5
probe "lab-host6 resolves to 2001:db8:1::5" resolves_to lab-host6 2001:db8:1::5
probe "no-such-name.invalid fails within 3 s" fails_fast no-such-name.invalid
probe "lab_exec_nobody runs as nobody:nogroup" is_nobody
probe "nobody can ping with an ICMP datagram socket" dgram_allowed
probe "lab_exec_nobody_nodgram refuses datagram sockets, then restores" \
    dgram_refused
probe "scanner has no route outside the lab" no_default_route
probe "lab_down removes namespaces, files and responder" torn_down

tap_done
