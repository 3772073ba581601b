# shellcheck shell=bash
# tests/lab/lab.sh — the aping network-namespace lab.  Source it, don't run it.
#
#   . tests/lab/lab.sh
#   lab_can_run || skip "..."       # prints the reason on stdout
#   lab_up                          # builds the lab; sets `trap lab_down EXIT`
#   lab_exec aping 198.18.1.0/24    # runs inside the scanner namespace
#
# (The lab tests source tests/lab/labtest.sh, which sources this file and
# adds what they share: scan, expect, ...)
#
# Safety: every lab address (198.18.0.0/15, 2001:db8::/32) exists only inside
# namespaces created here, and every probe goes through lab_exec*, which
# refuses to run unless the scanner namespace exists — so a failed setup can
# never turn a test into a scan of the host's own network.  Nothing is ever
# configured in the host namespace: veth pairs are created inside the lab
# namespaces directly.
#
# Works under `set -eu`.  Needs root, iproute2, python3, setpriv.
#
# Address plan (see also the LAB_* variables exported by lab_up; the lossy
# block's are LAB_LOSSY_NET4/6, LAB_LOSSY_HOSTS4/6 and LAB_LOSSY_HOSTS (the
# addresses, space-separated), LAB_LOSSY_DELAY_MS, LAB_LOSSY_DROP_IN/OUT,
# LAB_LOSSY_LOSS_PCT; lab_lossy_lost N gives the exact loss of N probes):
#   198.18.1.0/24     2001:db8:1::/120   answer (kernel, AnyIP)      in NET
#   198.18.2.0/24     2001:db8:2::/64    silent (blackhole)          in NET
#   198.18.4.0/24     2001:db8:4::/64    ICMP unreachable from
#                                         198.18.0.2 / 2001:db8::2    in NET
#   198.18.3.1        2001:db8:3::1      answer after 300 ms         in SLOW
#   198.18.3.2        2001:db8:3::2      answer after 1200 ms        in SLOW
#   198.18.3.3        2001:db8:3::3      every other request lost    in SLOW
#   198.18.3.4        2001:db8:3::4      every reply sent twice      in SLOW
#   198.18.3.5        2001:db8:3::5      no echo reply (the responder
#                                        ignores it), TCP refused    in SLOW
#   198.18.3.64/27    2001:db8:3::40/123 lossy block, every address  in SLOW
#                                        (all 32 of each, .64 and .95 too):
#                                        answer after 20 ms, drop_in=1/10,
#                                        drop_out=1/10 per flow: exactly 19 %
#                                        lost per 100 probes (lab_lossy_lost)
#   198.19.0.0/17                        answer (benchmark block)    in NET
#   198.19.128.0/17                      silent (benchmark block)    in NET
#   198.18.8.0/24     2001:db8:8::/120   answer, one router (NET) further:
#                                        FAR, behind 198.18.7.0/24 and
#                                        2001:db8:7::/64; NET forwards, so
#                                        a request with TTL 1 gets "time
#                                        exceeded" from 198.18.0.2 or
#                                        2001:db8::2 (LAB_FAR*)
#   lab-host -> 198.18.1.5, lab-host6 -> 2001:db8:1::5,
#   lab-silent -> 198.18.2.7; lab-multi -> 198.18.1.6, 198.18.1.7 and
#   2001:db8:1::6 (all answer); lab-mixed -> 198.18.1.8 (answers) and
#   198.18.2.8 (silent); any other name fails fast (no DNS server).  The
#   hosts file answers reverse lookups too: 198.18.1.5 is lab-host,
#   198.18.1.10 is lab-ptr (which lab-alias also names), and 198.18.1.9
#   has no name.
#   Link-local (the veth pairs' own, and two more on NET's end of the
#   scanner link): NET's to-scan has fe80::1:1 and fe80::1:2, seen from
#   the scanner as fe80::1:1%to-net (LAB_LL_UP1, LAB_LL_UP2, block
#   fe80::1:0/126%to-net with .0 and .3 silent); the same addresses through
#   to-slow (fe80::1:1%to-slow) reach nothing.  LAB_LL_PEER is NET's own
#   automatic (EUI-64) link-local address on that link, zone included.
#
# The scanner's own addresses: 198.18.0.1 and 2001:db8::1 on to-net (its
# link to NET, which is 198.18.0.2 and 2001:db8::2), 198.18.5.1 and
# 2001:db8:5::1 on to-slow (SLOW: .5.2, 5::2); a second local address
# 198.18.9.1 and 2001:db8:9::1 on to-net, and 198.18.9.2 and 2001:db8:9::2
# whose replies NET drops (so that a test sees which source a probe had:
# LAB_SRC*); a second interface to-alt, 198.18.6.1 and 2001:db8:6::1, to NET
# (198.18.6.2, 2001:db8:6::2), with routes to the answering blocks
# 198.18.1.0/24 and 2001:db8:1::/64 of lower priority than to-net's, for -I
# (LAB_ALT_IF).  tests/lab/sniff.py records the echo requests arriving on
# an interface of a lab namespace (lab_sniff_start/lab_sniff_stop).
#
# TCP services (only after lab_services_up; tests/lab/services.py in NET,
# on every answering address of 198.18.1.0/24, 198.19.0.0/17 and
# 2001:db8:1::/120; see the LAB_PORT_* variables it exports):
#   22 SSH-style banner, 23 Telnet that negotiates then prompts, 2323
#   Telnet that waits for its answers, 25 SMTP-style banner after 500 ms,
#   80 closed, 7001 flood, 7002 drip (1 byte/s), 7003 endless Telnet
#   commands, 7004 mute, 7005 a banner of characters to escape (C1,
#   bidi, invalid UTF-8).  Filtered: the silent block; ICMP errors: the
#   unreachable block.

LAB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The responder runs as root inside a namespace; prefer the system python so
# a per-user interpreter shim (pyenv…) is neither needed nor slow.
if [ -z "${LAB_PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then
        LAB_PYTHON=/usr/bin/python3
    else
        LAB_PYTHON=$(command -v python3 || echo python3)
    fi
fi

LAB_RESPONDER_PID=
LAB_SERVICES_PID=
LAB_SNIFF_PID=
_LAB_NAMESPACES=()

# ---------------------------------------------------------------- helpers

_lab_die() {
    echo "lab: $*" >&2
    return 1
}

# True when namespace $1 currently exists (exact name match).
_lab_ns_exists() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF -- "$1"
}

# Run a command inside namespace $1 (setup helper; the namespace must exist).
_lab_in() {
    local ns=$1
    shift
    _lab_ns_exists "$ns" || _lab_die "namespace $ns does not exist" || return 1
    ip netns exec "$ns" "$@"
}

# Set a sysctl inside a namespace; missing knobs (older kernels) are fine.
_lab_sysctl_try() {
    _lab_in "$1" sysctl -qw "$2" >/dev/null 2>&1 || true
}

# Set a sysctl inside a namespace; failure is a lab setup error.
_lab_sysctl() {
    _lab_in "$1" sysctl -qw "$2" >/dev/null ||
        _lab_die "cannot set $2 in $1"
}

# ---------------------------------------------------------------- checks

# 0 if the lab can be built here, else print a one-line reason, return 1.
lab_can_run() {
    local probe="aping-$BASHPID-canrun"
    if [ "$(id -u)" != 0 ]; then
        echo "needs root (network namespaces)"
        return 1
    fi
    local tool
    for tool in ip setpriv sysctl "$LAB_PYTHON"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "missing tool: $tool"
            return 1
        fi
    done
    if ! ip netns add "$probe" >/dev/null 2>&1; then
        echo "cannot create a network namespace (ip netns add failed)"
        return 1
    fi
    ip netns del "$probe" >/dev/null 2>&1 || true
    return 0
}

# ---------------------------------------------------------------- setup

# Create a namespace and remember it for lab_down (before anything can fail).
_lab_ns_add() {
    ip netns add "$1" || _lab_die "ip netns add $1 failed" || return 1
    _LAB_NAMESPACES+=("$1")
    _lab_in "$1" ip link set lo up || return 1
}

# A veth pair from namespace $1 (interface $2, addresses $3 $4) to namespace
# $5 (interface $6, addresses $7 $8).  Created from inside $1 with the peer
# born in $5, so the host namespace never sees either end.
_lab_veth() {
    local ns_a=$1 if_a=$2 v4_a=$3 v6_a=$4 ns_b=$5 if_b=$6 v4_b=$7 v6_b=$8
    _lab_in "$ns_a" ip link add "$if_a" type veth \
        peer name "$if_b" netns "$ns_b" || return 1
    # No duplicate address detection: addresses must work immediately, and
    # nothing else shares these links.
    _lab_sysctl "$ns_a" "net.ipv6.conf.$if_a.accept_dad=0" || return 1
    _lab_sysctl "$ns_b" "net.ipv6.conf.$if_b.accept_dad=0" || return 1
    _lab_in "$ns_a" ip addr add "$v4_a" dev "$if_a" || return 1
    _lab_in "$ns_a" ip -6 addr add "$v6_a" dev "$if_a" nodad || return 1
    _lab_in "$ns_b" ip addr add "$v4_b" dev "$if_b" || return 1
    _lab_in "$ns_b" ip -6 addr add "$v6_b" dev "$if_b" nodad || return 1
    _lab_in "$ns_a" ip link set "$if_a" up || return 1
    _lab_in "$ns_b" ip link set "$if_b" up || return 1
}

# Scanner: two links, routes to every lab block, nothing else (no default
# route, so an address outside the plan is unreachable, not leaked).
_lab_setup_scan() {
    local ns=$LAB_SCAN r
    _lab_veth "$ns" to-net 198.18.0.1/24 2001:db8::1/64 \
        "$LAB_NET" to-scan 198.18.0.2/24 2001:db8::2/64
    _lab_veth "$ns" to-slow 198.18.5.1/24 2001:db8:5::1/64 \
        "$LAB_SLOW" to-scan 198.18.5.2/24 2001:db8:5::2/64
    for r in 198.18.1.0/24 198.18.2.0/24 198.18.4.0/24 198.19.0.0/16; do
        _lab_in "$ns" ip route add "$r" via 198.18.0.2 dev to-net || return 1
    done
    _lab_in "$ns" ip route add 198.18.3.0/24 via 198.18.5.2 dev to-slow || return 1
    for r in 2001:db8:1::/64 2001:db8:2::/64 2001:db8:4::/64; do
        _lab_in "$ns" ip -6 route add "$r" via 2001:db8::2 dev to-net || return 1
    done
    _lab_setup_scan_more || return 1
    _lab_in "$ns" ip -6 route add 2001:db8:3::/64 via 2001:db8:5::2 \
        dev to-slow || return 1
    # Unprivileged ICMP datagram sockets allowed for everyone (per-netns;
    # lab_exec_nobody relies on it, lab_exec_nobody_nodgram turns it off).
    _lab_sysctl "$ns" "net.ipv4.ping_group_range=0 2147483647" || return 1
}

# The scanner's second addresses and second interface, and the way to FAR
# through NET.
_lab_setup_scan_more() {
    local ns=$LAB_SCAN a
    for a in 198.18.9.1/32 198.18.9.2/32; do
        _lab_in "$ns" ip addr add "$a" dev to-net || return 1
    done
    # Deprecated (preferred_lft 0): usable when bound to, never chosen as
    # a source on their own (their prefix is longer to 2001:db8:8::/64).
    for a in 2001:db8:9::1/128 2001:db8:9::2/128; do
        _lab_in "$ns" ip -6 addr add "$a" dev to-net nodad preferred_lft 0 ||
            return 1
    done
    _lab_veth "$ns" to-alt 198.18.6.1/24 2001:db8:6::1/64 \
        "$LAB_NET" to-alt 198.18.6.2/24 2001:db8:6::2/64 || return 1
    _lab_in "$ns" ip route add 198.18.1.0/24 via 198.18.6.2 dev to-alt \
        metric 100 || return 1
    _lab_in "$ns" ip -6 route add 2001:db8:1::/64 via 2001:db8:6::2 \
        dev to-alt metric 2048 || return 1
    _lab_in "$ns" ip route add 198.18.7.0/24 via 198.18.0.2 dev to-net || return 1
    _lab_in "$ns" ip route add 198.18.8.0/24 via 198.18.0.2 dev to-net || return 1
    for a in 2001:db8:7::/64 2001:db8:8::/64; do
        _lab_in "$ns" ip -6 route add "$a" via 2001:db8::2 dev to-net || return 1
    done
}

# FAR: an answering block one router further, behind NET.
_lab_setup_far() {
    local ns=$LAB_FAR
    _lab_veth "$LAB_NET" to-far 198.18.7.1/24 2001:db8:7::1/64 \
        "$ns" to-net 198.18.7.2/24 2001:db8:7::2/64 || return 1
    _lab_in "$ns" ip route add local 198.18.8.0/24 dev lo || return 1
    _lab_in "$ns" ip -6 route add local 2001:db8:8::/120 dev lo || return 1
    _lab_in "$ns" ip route add default via 198.18.7.1 dev to-net || return 1
    _lab_in "$ns" ip -6 route add default via 2001:db8:7::1 dev to-net || return 1
    _lab_sysctl_try "$ns" net.ipv4.icmp_ratelimit=0
    _lab_sysctl_try "$ns" net.ipv6.icmp.ratelimit=0
    _lab_in "$LAB_NET" ip route add 198.18.8.0/24 via 198.18.7.2 dev to-far ||
        return 1
    _lab_in "$LAB_NET" ip -6 route add 2001:db8:8::/64 via 2001:db8:7::2 \
        dev to-far || return 1
    # NET routes between the scanner and FAR (IPv4: per input interface;
    # IPv6: for the whole namespace), and so says "time exceeded" for a
    # request that arrives with TTL 1.  Replies to the scanner's second
    # source addresses ending in 2 are dropped (LAB_SRC_DROP*).
    _lab_sysctl "$LAB_NET" "net.ipv4.conf.to-far.forwarding=1" || return 1
    _lab_sysctl "$LAB_NET" "net.ipv6.conf.all.forwarding=1" || return 1
    _lab_in "$LAB_NET" ip route add blackhole 198.18.9.2/32 || return 1
    _lab_in "$LAB_NET" ip -6 route add blackhole 2001:db8:9::2/128 || return 1
}

# Hosts: AnyIP blocks that the kernel answers, blackholes, and routes that
# make the kernel answer with ICMP destination unreachable.
_lab_setup_net() {
    local ns=$LAB_NET
    _lab_in "$ns" ip route add local 198.18.1.0/24 dev lo || return 1
    _lab_in "$ns" ip -6 route add local 2001:db8:1::/120 dev lo || return 1
    _lab_in "$ns" ip route add blackhole 198.18.2.0/24 || return 1
    _lab_in "$ns" ip -6 route add blackhole 2001:db8:2::/64 || return 1
    _lab_in "$ns" ip route add unreachable 198.18.4.0/24 || return 1
    _lab_in "$ns" ip -6 route add unreachable 2001:db8:4::/64 || return 1
    # Link-local addresses of our own on the scanner link (the automatic one
    # is there too): fe80::1:1 and fe80::1:2, answered by the kernel.
    _lab_in "$ns" ip -6 addr add fe80::1:1/64 dev to-scan nodad || return 1
    _lab_in "$ns" ip -6 addr add fe80::1:2/64 dev to-scan nodad || return 1
    _lab_in "$ns" ip route add local 198.19.0.0/17 dev lo || return 1
    _lab_in "$ns" ip route add blackhole 198.19.128.0/17 || return 1
    _lab_in "$ns" ip route add default via 198.18.0.1 dev to-scan || return 1
    _lab_in "$ns" ip -6 route add default via 2001:db8::1 dev to-scan || return 1
    # IPv4 sends "host unreachable" for an unreachable route only on an
    # interface with forwarding on (ip_error() stays silent otherwise).  Only
    # the scanner link, and the only way out of NET is back to the scanner.
    _lab_sysctl "$ns" "net.ipv4.conf.to-scan.forwarding=1" || return 1
    # Never throttle replies or errors: a sweep sends thousands per second.
    _lab_sysctl_try "$ns" net.ipv4.icmp_ratelimit=0
    _lab_sysctl_try "$ns" net.ipv4.icmp_msgs_per_sec=100000000
    _lab_sysctl_try "$ns" net.ipv4.icmp_msgs_burst=100000000
    _lab_sysctl_try "$ns" net.ipv6.icmp.ratelimit=0
}

# The lossy block: what the responder does to it (per flow: drop_in, then
# drop_out among the requests that got in; see responder.py), and the true
# loss over whole cycles (100 probes): 1 - (9/10)(9/10) = 19 %.
_LAB_LOSSY_NET4=198.18.3.64/27
_LAB_LOSSY_NET6=2001:db8:3::40/123
_LAB_LOSSY_DELAY_MS=20
_LAB_LOSSY_DROP_IN=1/10
_LAB_LOSSY_DROP_OUT=1/10
_LAB_LOSSY_SPEC=delay=$_LAB_LOSSY_DELAY_MS,drop_in=$_LAB_LOSSY_DROP_IN,drop_out=$_LAB_LOSSY_DROP_OUT

# The lossy block's addresses, IPv4 then IPv6, one per line (all 32 of
# each block: they are addresses on lo, so the first and last answer too).
_lab_lossy_list() {
    local i
    for i in $(seq 64 95); do echo "198.18.3.$i"; done
    for i in $(seq 64 95); do printf '2001:db8:3::%x\n' "$i"; done
}

# Slow/lossy hosts: addresses on lo, kernel echo off, the responder answers.
_lab_setup_slow() {
    local ns=$LAB_SLOW i a
    for i in 1 2 3 4 5; do
        _lab_in "$ns" ip addr add "198.18.3.$i/32" dev lo || return 1
        _lab_in "$ns" ip -6 addr add "2001:db8:3::$i/128" dev lo nodad || return 1
    done
    # The lossy block: 64 addresses in one `ip` run.
    for a in $(_lab_lossy_list); do
        case $a in
            *:*) echo "addr add $a/128 dev lo nodad" ;;
            *) echo "addr add $a/32 dev lo" ;;
        esac
    done | _lab_in "$ns" ip -batch - || return 1
    _lab_in "$ns" ip route add default via 198.18.5.1 dev to-scan || return 1
    _lab_in "$ns" ip -6 route add default via 2001:db8:5::1 dev to-scan || return 1
    _lab_sysctl "$ns" net.ipv4.icmp_echo_ignore_all=1 || return 1
    _lab_sysctl "$ns" net.ipv6.icmp.echo_ignore_all=1 || return 1
    _lab_sysctl_try "$ns" net.ipv4.icmp_ratelimit=0
    _lab_sysctl_try "$ns" net.ipv6.icmp.ratelimit=0
    _lab_start_responder
}

_lab_start_responder() {
    # Taken here: inside the `&` command below $BASHPID would be the child.
    local ready="$LAB_DIR/responder.ready" owner=$BASHPID
    _lab_ns_exists "$LAB_SLOW" || _lab_die "no namespace $LAB_SLOW" || return 1
    ip netns exec "$LAB_SLOW" "$LAB_PYTHON" "$LAB_LIB_DIR/responder.py" \
        --ready "$ready" --parent-pid "$owner" --verbose \
        --host 198.18.3.1,delay=300 --host 2001:db8:3::1,delay=300 \
        --host 198.18.3.2,delay=1200 --host 2001:db8:3::2,delay=1200 \
        --host 198.18.3.3,loss=alternate --host 2001:db8:3::3,loss=alternate \
        --host 198.18.3.4,dup=2 --host 2001:db8:3::4,dup=2 \
        --host "$_LAB_LOSSY_NET4,$_LAB_LOSSY_SPEC" \
        --host "$_LAB_LOSSY_NET6,$_LAB_LOSSY_SPEC" \
        >"$LAB_DIR/responder.log" 2>&1 </dev/null &
    LAB_RESPONDER_PID=$!
    _lab_wait_ready responder "$LAB_RESPONDER_PID"
}

# _lab_wait_ready NAME PID: waits (up to 10 s) until the helper NAME
# (responder, services: a python script started as PID) has its sockets
# open, which it says by creating $LAB_DIR/NAME.ready; fails with the end
# of its log $LAB_DIR/NAME.log if it died first.
_lab_wait_ready() {
    local name=$1 pid=$2 i
    for i in $(seq 100); do
        [ -e "$LAB_DIR/$name.ready" ] && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            _lab_die "$name died: $(tail -n 3 "$LAB_DIR/$name.log")"
            return 1
        fi
        sleep 0.1
    done
    _lab_die "$name not ready after 10 s"
}

# _lab_stop PID: ends a helper: SIGTERM, a second to go, then SIGKILL.
_lab_stop() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null
    # wait works only in the shell that started it; elsewhere, poll.
    wait "$pid" 2>/dev/null
    for i in 1 2 3 4 5 6 7 8 9 10; do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
}

# Names inside the scanner: `ip netns exec` bind-mounts these over /etc.
# Host names come from the lab's hosts file only (nsswitch.conf), so an
# unknown name is a definite "not found"; the resolver also points at
# 127.0.0.1 where nothing listens, in case anything asks DNS anyway.
_lab_setup_names() {
    local dir="/etc/netns/$LAB_SCAN"
    mkdir -p "$dir" || return 1
    cat >"$dir/hosts" <<'EOF' || return 1
127.0.0.1	localhost
::1	localhost
198.18.1.5	lab-host
2001:db8:1::5	lab-host6
198.18.2.7	lab-silent
198.18.1.6	lab-multi
198.18.1.7	lab-multi
2001:db8:1::6	lab-multi
198.18.1.8	lab-mixed
198.18.2.8	lab-mixed
198.18.1.10	lab-ptr lab-alias
EOF
    cat >"$dir/resolv.conf" <<'EOF' || return 1
nameserver 127.0.0.1
options timeout:1 attempts:1
EOF
    cat >"$dir/nsswitch.conf" <<'EOF' || return 1
passwd:         files
group:          files
shadow:         files
hosts:          files
EOF
}

# Refuse to hand out the lab unless lab traffic really leaves the scanner
# through the lab links.
_lab_verify_routes() {
    local r
    r=$(_lab_in "$LAB_SCAN" ip route get 198.18.1.5) || r=
    case $r in
        *" dev to-net "*) ;;
        *) _lab_die "198.18.1.5 is not routed via the lab link: $r"; return 1 ;;
    esac
    r=$(_lab_in "$LAB_SCAN" ip -6 route get 2001:db8:1::5) || r=
    case $r in
        *" dev to-net "*) ;;
        *) _lab_die "2001:db8:1::5 is not routed via the lab link: $r"; return 1 ;;
    esac
    r=$(_lab_in "$LAB_SCAN" ip route get 198.18.3.1) || r=
    case $r in
        *" dev to-slow "*) ;;
        *) _lab_die "198.18.3.1 is not routed via the slow link: $r"; return 1 ;;
    esac
}

# Build the lab.  Exports LAB_SCAN LAB_NET LAB_SLOW LAB_DIR and the LAB_*
# address variables; sets `trap lab_down EXIT` (replacing any EXIT trap).
# On failure it tears down what it built and returns 1.
lab_up() {
    if [ -n "${LAB_SCAN:-}" ] && _lab_ns_exists "$LAB_SCAN"; then
        _lab_die "lab already up ($LAB_SCAN)"
        return 1
    fi
    # $BASHPID (= $$ in the main shell) keeps parallel runs, even sibling
    # subshells of one script, apart.
    local prefix="aping-$BASHPID"
    export LAB_SCAN="$prefix-scan" LAB_NET="$prefix-net" LAB_SLOW="$prefix-slow"
    export LAB_FAR="$prefix-far"
    LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$prefix-lab.XXXXXX") ||
        { _lab_die "mktemp failed"; return 1; }
    export LAB_DIR
    trap lab_down EXIT

    if ! _lab_up_steps; then
        _lab_die "setup failed; tearing down"
        lab_down
        return 1
    fi

    # Named addresses, so tests say what they mean.
    export LAB_UP4=198.18.1.5 LAB_UP6=2001:db8:1::5
    export LAB_UP_NET4=198.18.1.0/24 LAB_UP_NET6=2001:db8:1::/120
    export LAB_SILENT4=198.18.2.7 LAB_SILENT6=2001:db8:2::7
    export LAB_UNREACH4=198.18.4.9 LAB_UNREACH6=2001:db8:4::9
    export LAB_UNREACH_FROM4=198.18.0.2 LAB_UNREACH_FROM6=2001:db8::2
    export LAB_SLOW4=198.18.3.1 LAB_SLOW6=2001:db8:3::1
    export LAB_SLOWER4=198.18.3.2 LAB_SLOWER6=2001:db8:3::2
    export LAB_LOSSY4=198.18.3.3 LAB_LOSSY6=2001:db8:3::3
    export LAB_DUP4=198.18.3.4 LAB_DUP6=2001:db8:3::4
    # The lossy block (see lab_lossy_lost for the exact count).
    export LAB_LOSSY_NET4=$_LAB_LOSSY_NET4 LAB_LOSSY_NET6=$_LAB_LOSSY_NET6
    LAB_LOSSY_HOSTS4=$(_lab_lossy_list | grep -v : | tr '\n' ' ')
    LAB_LOSSY_HOSTS6=$(_lab_lossy_list | grep : | tr '\n' ' ')
    export LAB_LOSSY_HOSTS4=${LAB_LOSSY_HOSTS4% } LAB_LOSSY_HOSTS6=${LAB_LOSSY_HOSTS6% }
    export LAB_LOSSY_HOSTS="$LAB_LOSSY_HOSTS4 $LAB_LOSSY_HOSTS6"
    export LAB_LOSSY_DELAY_MS=$_LAB_LOSSY_DELAY_MS
    export LAB_LOSSY_DROP_IN=$_LAB_LOSSY_DROP_IN LAB_LOSSY_DROP_OUT=$_LAB_LOSSY_DROP_OUT
    # 1 - (1 - 1/10) * (1 - 1/10), exact over whole cycles of 100 probes.
    export LAB_LOSSY_LOSS_PCT=19
    export LAB_BENCH_UP=198.19.0.0/17 LAB_BENCH_SILENT=198.19.128.0/17
    export LAB_NAME_UP=lab-host LAB_NAME_UP6=lab-host6 LAB_NAME_SILENT=lab-silent
    export LAB_NAME_MULTI=lab-multi LAB_NAME_MIXED=lab-mixed
    export LAB_NAME_PTR=lab-ptr LAB_NAME_ALIAS=lab-alias LAB_NONAME4=198.18.1.9
    # Link-local: the scanner's zone for the NET link, and NET's addresses.
    export LAB_LL_IF=to-net LAB_LL_OTHER_IF=to-slow
    export LAB_LL_UP1=fe80::1:1%to-net LAB_LL_UP2=fe80::1:2%to-net
    export LAB_LL_BLOCK=fe80::1:0/126%to-net
    LAB_LL_PEER=$(_lab_in "$LAB_NET" ip -6 -o addr show dev to-scan scope link |
        awk '$4 !~ /^fe80::1:[12]\// {sub(/\/.*/, "", $4); print $4; exit}')
    export LAB_LL_PEER=${LAB_LL_PEER:+$LAB_LL_PEER%to-net}
    # One router further (FAR), and who says "time exceeded" on the way.
    export LAB_FAR4=198.18.8.5 LAB_FAR6=2001:db8:8::5
    export LAB_FAR_NET4=198.18.8.0/24 LAB_FAR_NET6=2001:db8:8::/120
    export LAB_ROUTER4=198.18.0.2 LAB_ROUTER6=2001:db8::2
    # Source addresses of the scanner's: answered, and dropped by NET.
    export LAB_SRC4=198.18.9.1 LAB_SRC6=2001:db8:9::1
    export LAB_SRC_DROP4=198.18.9.2 LAB_SRC_DROP6=2001:db8:9::2
    export LAB_ALT_IF=to-alt LAB_ALT4=198.18.6.1 LAB_ALT6=2001:db8:6::1
}

# The setup proper; any failing step makes it return non-zero, even when the
# caller runs without `set -e` (each step is chained with &&).
_lab_up_steps() {
    _lab_ns_add "$LAB_SCAN" &&
        _lab_ns_add "$LAB_NET" &&
        _lab_ns_add "$LAB_SLOW" &&
        _lab_ns_add "$LAB_FAR" &&
        _lab_setup_scan &&
        _lab_setup_net &&
        _lab_setup_far &&
        _lab_setup_slow &&
        _lab_setup_names &&
        _lab_verify_routes
}

# lab_lossy_lost N: how many of N probes one flow (one pinger address and
# ICMP identifier) sends to one lossy-block host get no reply, exactly:
# the first of every 10 requests is dropped on the way in, and of the
# requests that got in, the reply to the last of every 10 on the way out:
#   in = N/10 + (N%10 > 0),  P = N - in,  out = P/10 + (P%10 == 9),
#   lost = in + out          (integer division; 19 per 100 probes).
# tests/lab/responder.py has the general formula, and its --count runs
# the responder's own drop decision to check it.
lab_lossy_lost() {
    local n=$1 ki mi ko mo din p
    ki=${_LAB_LOSSY_DROP_IN%/*} mi=${_LAB_LOSSY_DROP_IN#*/}
    ko=${_LAB_LOSSY_DROP_OUT%/*} mo=${_LAB_LOSSY_DROP_OUT#*/}
    din=$((ki * (n / mi) + (n % mi < ki ? n % mi : ki)))
    p=$((n - din))
    echo $((din + ko * (p / mo) + (p % mo > mo - ko ? p % mo - (mo - ko) : 0)))
}

# Start the TCP services (tests/lab/services.py) in NET, after lab_up.
# Exports LAB_PORT_* for them.  Kept apart from lab_up so that tests that
# need no services stay fast.
lab_services_up() {
    local ready="$LAB_DIR/services.ready" owner=$BASHPID
    _lab_ns_exists "${LAB_NET:-}" || _lab_die "no lab; call lab_up first" ||
        return 1
    ip netns exec "$LAB_NET" "$LAB_PYTHON" "$LAB_LIB_DIR/services.py" \
        --ready "$ready" --parent-pid "$owner" \
        >"$LAB_DIR/services.log" 2>&1 </dev/null &
    LAB_SERVICES_PID=$!
    export LAB_PORT_SSH=22 LAB_PORT_TELNET=23 LAB_PORT_TELNET_WAIT=2323
    export LAB_PORT_SMTP=25 LAB_PORT_CLOSED=80 LAB_PORT_FLOOD=7001
    export LAB_PORT_DRIP=7002 LAB_PORT_IAC=7003 LAB_PORT_MUTE=7004
    export LAB_PORT_UNICODE=7005
    _lab_wait_ready services "$LAB_SERVICES_PID"
}

# lab_sniff_start NS IFACE: records the echo requests that arrive on
# interface IFACE of lab namespace NS (NET, FAR, ...), one JSON line each
# (tests/lab/sniff.py), until lab_sniff_stop; the file is LAB_SNIFF_OUT.
lab_sniff_start() {
    local ns=$1 iface=$2 ready="$LAB_DIR/sniff.ready" owner=$BASHPID
    _lab_ns_exists "$ns" || _lab_die "no namespace $ns" || return 1
    rm -f "$ready"
    LAB_SNIFF_OUT="$LAB_DIR/sniff.jsonl"
    ip netns exec "$ns" "$LAB_PYTHON" "$LAB_LIB_DIR/sniff.py" \
        --iface "$iface" --out "$LAB_SNIFF_OUT" --ready "$ready" \
        --parent-pid "$owner" >"$LAB_DIR/sniff.log" 2>&1 </dev/null &
    LAB_SNIFF_PID=$!
    _lab_wait_ready sniff "$LAB_SNIFF_PID"
}

# lab_sniff_stop: ends the recording; LAB_SNIFF_OUT holds what it saw.
lab_sniff_stop() {
    if [ -n "${LAB_SNIFF_PID:-}" ]; then
        _lab_stop "$LAB_SNIFF_PID" || true
        LAB_SNIFF_PID=
    fi
}

# Tear everything down.  Idempotent; always returns 0: under `set -e` a
# failing EXIT trap would replace the script's own exit status.
lab_down() {
    local ns
    local -
    set +e
    lab_sniff_stop
    if [ -n "${LAB_SERVICES_PID:-}" ]; then
        _lab_stop "$LAB_SERVICES_PID"
        LAB_SERVICES_PID=
    fi
    if [ -n "${LAB_RESPONDER_PID:-}" ]; then
        _lab_stop "$LAB_RESPONDER_PID"
        LAB_RESPONDER_PID=
    fi
    for ns in "${_LAB_NAMESPACES[@]}"; do
        ip netns del "$ns" >/dev/null 2>&1
    done
    _LAB_NAMESPACES=()
    # /etc/netns itself stays: removing it could race a parallel lab's mkdir.
    case ${LAB_SCAN:-} in
        aping-*) rm -rf "/etc/netns/$LAB_SCAN" ;;
    esac
    case ${LAB_DIR:-} in
        */aping-*-lab.*) rm -rf "$LAB_DIR" ;;
    esac
    LAB_DIR=
    return 0
}

# ---------------------------------------------------------------- running

# Fail hard unless the lab's scanner namespace exists: this is what keeps a
# probe from ever running in the host namespace.
_lab_check_scan() {
    case ${LAB_SCAN:-} in
        aping-*) ;;
        *) _lab_die "LAB_SCAN is not set; call lab_up first"; return 1 ;;
    esac
    _lab_ns_exists "$LAB_SCAN" || _lab_die "namespace $LAB_SCAN is gone"
}

# Run a command (argv, no shell) in the scanner namespace as root.
lab_exec() {
    _lab_check_scan || return 1
    ip netns exec "$LAB_SCAN" "$@"
}

# Run a command in the scanner namespace as nobody:nogroup, no capabilities
# (not even through file capabilities: the bounding set is empty).
lab_exec_nobody() {
    _lab_check_scan || return 1
    ip netns exec "$LAB_SCAN" setpriv --reuid=nobody --regid=nogroup \
        --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"
}

# Run a command in the scanner namespace as nobody:nogroup as an ordinary
# user runs, with the bounding set left alone: file capabilities (the
# system's ping, a copy of aping with cap_net_raw) and setuid work.
lab_exec_user() {
    _lab_check_scan || return 1
    ip netns exec "$LAB_SCAN" setpriv --reuid=nobody --regid=nogroup \
        --clear-groups -- "$@"
}

# lab_nodgram CMD...: runs CMD (a lab_exec* command, or a function that runs
# them) with unprivileged ICMP datagram sockets forbidden in the scanner
# namespace meanwhile (ping_group_range "1 0"): for testing what happens
# when no such socket can be opened.  Restores the setting.
lab_nodgram() {
    _lab_check_scan || return 1
    local rc=0
    _lab_sysctl "$LAB_SCAN" "net.ipv4.ping_group_range=1 0" || return 1
    "$@" || rc=$?
    _lab_sysctl "$LAB_SCAN" "net.ipv4.ping_group_range=0 2147483647" || true
    return $rc
}

# Like lab_exec_nobody, but with no ICMP datagram socket allowed
# (lab_nodgram), so that nobody has no probing socket at all.
lab_exec_nobody_nodgram() {
    lab_nodgram lab_exec_nobody "$@"
}
