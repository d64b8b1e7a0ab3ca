#!/bin/bash
# Runs as PID 1 inside the QEMU guest (host root over 9p, read-only; the
# run directory, with the module, plugin and tools, at /tmp/lab).
# Prints "ok - ..." / "not ok - ..." lines and, last,
# "GUEST-RESULT: N passed, N failed", then powers the guest off.
L=/tmp/lab
export PATH=$L:/usr/sbin:/usr/bin:/sbin:/bin
export XTABLES_LIBDIR=$L:/usr/lib/x86_64-linux-gnu/xtables
N=200
PASS=0 FAIL=0

ok() { echo "ok - $*"; PASS=$((PASS + 1)); }
bad() { echo "not ok - $*"; FAIL=$((FAIL + 1)); }
# check DESC CMD...: pass if CMD succeeds
check() { local d=$1; shift; if "$@" > /tmp/check.out 2>&1; then ok "$d"; else bad "$d"; sed "s/^/    # /" /tmp/check.out; return 1; fi; }
finish() {
	dmesg > "$L/dmesg.txt" 2>/dev/null
	echo "GUEST-RESULT: $PASS passed, $FAIL failed"
	sync
	echo o > /proc/sysrq-trigger
	sleep 10
}
trap finish EXIT

# xfer SRC DST-PORT KIND COUNT WANT_FWD WANT_USER [FAMILY]
# Sends COUNT packets of KIND from SRC to the relay port 30000 while
# listening on the forward destination (40002) and on the relay port itself
# (the daemon's socket).  Sets FWD and USR to the receivers' reports.
xfer() {
	local src=$1 kind=$2 n=$3 wf=$4 wu=$5 lo=${6:-127.0.0.1}
	local fa=$lo:40002 ua=$lo:30000
	udptool recv "$fa" "$wf" 1500 > /tmp/fwd.out & local p1=$!
	udptool recv "$ua" "$wu" 1500 > /tmp/usr.out & local p2=$!
	sleep 0.3
	udptool send "$src" "$ua" "$n" "$kind"
	wait $p1 $p2
	FWD=$(cat /tmp/fwd.out) USR=$(cat /tmp/usr.out)
	echo "    # $kind x$n from $src: fwd: $FWD; user: $USR"
}
has() { grep -q -- "$2" <<< "$1"; }
stats() { rpctl stats 0 "$1"; }
# reasons STATS [REASON=N]...: every userspace_<reason> counter of STATS is 0 except those
# named, which are N; a packet counted under the wrong reason, or lumped, fails.
UP_REASONS="malformed stun dtls not_rtp source rtcp payload_type ssrc no_output srtp"
reasons() {
	local s=$1 r kv want
	shift
	for r in $UP_REASONS; do
		want=0
		for kv in "$@"; do [ "${kv%%=*}" = "$r" ] && want=${kv#*=}; done
		grep -Eq -- " userspace_$r $want( |\$)" <<< "$s" ||
			{ echo "want userspace_$r $want in: $s"; return 1; }
	done
}

ip link set lo up
echo 8 > /proc/sys/kernel/printk

# --- load
modprobe -a $(modinfo -F depends "$L/xt_RTPRELAY.ko" | tr , ' ')
# The build with RTPRELAY_SELFTEST=y runs rtp_check.h's and srtp_check.h's cases (those of the unit tests) in this
# kernel at load, and refuses to load if one fails.
if [ -f "$L/xt_RTPRELAY-selftest.ko" ]; then
	check "selftest build loads (its RTP statistics, SRTP index and SRTP known-answer checks passed)" insmod "$L/xt_RTPRELAY-selftest.ko"
	dmesg | grep "rtprelay: selftest" | sed 's/^/    # /'
	check "selftest: dmesg says N passed, 0 failed" sh -c 'dmesg | grep -Eq "rtprelay: selftest: [1-9][0-9]* passed, 0 failed"'
	check "rmmod the selftest build" rmmod xt_RTPRELAY
else
	bad "no selftest build in the lab directory (run.sh makes it)"
fi
check "insmod xt_RTPRELAY" insmod "$L/xt_RTPRELAY.ko" proc_mode=0600
check "/proc/rtprelay/control exists" test -e /proc/rtprelay/control
ABI=$(cat "$L/abi_version") # the tree header's RTPRELAY_ABI_VERSION
check "add table 0" sh -c 'echo "add 0" > /proc/rtprelay/control'
check "add table 0 twice fails" sh -c '! echo "add 0" > /proc/rtprelay/control'
check "status shows module ABI version" grep -qx "abi_version $ABI" /proc/rtprelay/0/status
check "greeting read from control file" sh -c "rpctl hello 0 | grep -q '^module_abi $ABI '"

# --- ABI handshake
check "INIT with wrong version is refused with EINVAL" sh -c 'rpctl init-version 0 99 2>&1 | grep -q "INIT: Invalid argument"'
check "dmesg names both ABI versions" sh -c "dmesg | grep -q 'daemon abi 99 module abi $ABI'"
check "status names both ABI versions" grep -q "last_init_error daemon_abi 99 module_abi $ABI" /proc/rtprelay/0/status
check "INIT with right version is accepted" rpctl init-version 0 "$ABI"

# --- program a target, steer with iptables
check "ADD_TARGET" rpctl add 0 127.0.0.1:30000 127.0.0.1:40000 drop 127.0.0.1:30002 127.0.0.1:40002 tos=0xb8
check "iptables -j RTPRELAY --id 0" iptables -I INPUT -p udp -j RTPRELAY --id 0
check "iptables -S prints --id 0" sh -c 'iptables -S INPUT | grep -q -- "-j RTPRELAY --id 0"'

# --- forwarding
xfer 127.0.0.1:40000 rtp $N $N 0
check "$N RTP packets forwarded from 127.0.0.1:30002 with TOS 0xb8" has "$FWD" "received $N from 127.0.0.1:30002 tos 184"
check "no RTP reached the userspace socket" has "$USR" "received 0 "
S=$(stats 127.0.0.1:30000); echo "    # stats: $S"
check "GET_STATS packets == $N" has "$S" "^packets $N "
check "GET_STATS errors == 0" has "$S" " errors 0 "
check "GET_STATS per-SSRC packets == $N, lost 0" has "$S" "ssrc 0x11223344 packets $N lost 0 ext_seq $((N - 1)) expected $N received $N duplicates 0 probation 0 "
check "GET_STATS: nothing went to userspace" reasons "$S"
check "list shows the target with its counters" grep -q "local 127.0.0.1:30000 src 127.0.0.1:40000 policy drop out 127.0.0.1:30002->127.0.0.1:40002 tos 184 packets $N " /proc/rtprelay/0/list

# --- wrong source, DROP policy
xfer 127.0.0.1:40001 rtp 5 0 0
check "wrong source with DROP: nothing forwarded" has "$FWD" "received 0 "
check "wrong source with DROP: nothing to userspace" has "$USR" "received 0 "
check "wrong source with DROP: dropped_src == 5" has "$(stats 127.0.0.1:30000)" " dropped_src 5 "
check "wrong source with DROP: counted under no userspace reason" reasons "$(stats 127.0.0.1:30000)"

# --- wrong source, USERSPACE policy (ADD replaces the target)
check "ADD_TARGET replaces (policy userspace)" rpctl add 0 127.0.0.1:30000 127.0.0.1:40000 userspace 127.0.0.1:30002 127.0.0.1:40002
xfer 127.0.0.1:40001 rtp 5 0 5
check "wrong source with USERSPACE: reaches the socket on 30000" has "$USR" "received 5 from 127.0.0.1:40001"
check "wrong source with USERSPACE: nothing forwarded" has "$FWD" "received 0 "
check "wrong source with USERSPACE: userspace_source == 5, no other reason" reasons "$(stats 127.0.0.1:30000)" source=5

# --- STUN always goes to userspace
xfer 127.0.0.1:40000 stun 3 0 3
check "STUN goes to userspace" has "$USR" "received 3 from 127.0.0.1:40000"
check "STUN is not forwarded" has "$FWD" "received 0 "
check "STUN: userspace_stun == 3, source unchanged" reasons "$(stats 127.0.0.1:30000)" source=5 stun=3
# the first byte decides before the source does: STUN from elsewhere is STUN
xfer 127.0.0.1:40001 stun 1 0 1
xfer 127.0.0.1:40000 dtls 2 0 2
xfer 127.0.0.1:40000 junk 1 0 1
xfer 127.0.0.1:40000 short 1 0 1
S=$(stats 127.0.0.1:30000); echo "    # stats: $S"
check "STUN from another source, DTLS, junk, a short packet: one reason each" \
	reasons "$S" source=5 stun=4 dtls=2 not_rtp=1 malformed=1
check "list shows the reasons" grep -q " userspace_malformed 1 userspace_stun 4 userspace_dtls 2 userspace_not_rtp 1 userspace_source 5 " /proc/rtprelay/0/list
check "/proc/rtprelay/stats counts module-wide: stun 4" grep -qx "userspace_stun 4" /proc/rtprelay/stats
check "/proc/rtprelay/stats counts module-wide: source 5" grep -qx "userspace_source 5" /proc/rtprelay/stats

# --- RTCP is forwarded, and not copied up (the daemon would send it again)
xfer 127.0.0.1:40000 rtcp 4 4 0
check "RTCP forwarded" has "$FWD" "received 4 from 127.0.0.1:30002"
check "RTCP not handed to userspace" has "$USR" "received 0 "
check "GET_STATS counts RTCP" has "$(stats 127.0.0.1:30000)" " rtcp 4 "

# --- unexpected payload type goes to userspace
check "ADD_TARGET with pt=8 only" rpctl add 0 127.0.0.1:30000 127.0.0.1:40000 drop 127.0.0.1:30002 127.0.0.1:40002 pt=8
xfer 127.0.0.1:40000 rtp 5 0 5
check "unexpected PT goes to userspace" has "$USR" "received 5 from 127.0.0.1:40000"
check "unexpected PT: userspace_payload_type == 5 only" reasons "$(stats 127.0.0.1:30000)" payload_type=5

# --- unexpected SSRC goes to userspace
check "ADD_TARGET with ssrc=0x55 only" rpctl add 0 127.0.0.1:30000 127.0.0.1:40000 drop 127.0.0.1:30002 127.0.0.1:40002 ssrc=0x55
xfer 127.0.0.1:40000 rtp 5 0 5
check "unexpected SSRC goes to userspace" has "$USR" "received 5 from 127.0.0.1:40000"
check "unexpected SSRC: userspace_ssrc == 5 only" reasons "$(stats 127.0.0.1:30000)" ssrc=5

# --- no output at all can send: userspace may
check "ADD_TARGET whose only output has no route" rpctl add 0 127.0.0.1:30000 127.0.0.1:40000 drop 127.0.0.1:30004 198.51.100.1:40004
xfer 127.0.0.1:40000 rtp 5 0 5
check "no output: packets reach userspace" has "$USR" "received 5 from 127.0.0.1:40000"
S=$(stats 127.0.0.1:30000); echo "    # stats: $S"
check "no output: userspace_no_output == 5 only" reasons "$S" no_output=5
check "no output: errors == 5" has "$S" " errors 5 "

# --- loss as RFC 3550 A.1/A.3 count it (rtp.h, as the daemon counts)
check "ADD_TARGET plain" rpctl add 0 127.0.0.1:30000 127.0.0.1:40000 drop 127.0.0.1:30002 127.0.0.1:40002
xfer 127.0.0.1:40000 rtpgap 20 20 0
check "3 sequence numbers missing: expected 23, received 20, lost 3" has "$(stats 127.0.0.1:30000)" "ssrc 0x11223344 packets 20 lost 3 ext_seq 22 expected 23 received 20 duplicates 0 probation 0 "

# --- an output without a route: the other output still gets every packet, and errors counts
# each packet that could not reach all of its outputs
check "ADD_TARGET whose first output has no route" rpctl add 0 127.0.0.1:30000 127.0.0.1:40000 \
	drop 127.0.0.1:30004 198.51.100.1:40004 out=127.0.0.1:30002,127.0.0.1:40002
xfer 127.0.0.1:40000 rtp 5 5 0
check "unroutable output: the routable output gets all 5" has "$FWD" "received 5 from 127.0.0.1:30002"
S=$(stats 127.0.0.1:30000); echo "    # stats: $S"
check "unroutable output: packets == 5" has "$S" "^packets 5 "
check "unroutable output: errors == 5" has "$S" " errors 5 "

# --- IPv6
check "ip6tables -j RTPRELAY --id 0" ip6tables -I INPUT -p udp -j RTPRELAY --id 0
check "ADD_TARGET IPv6" rpctl add 0 [::1]:30000 [::1]:40000 drop [::1]:30002 [::1]:40002 tos=0x2e
xfer [::1]:40000 rtp 50 50 0 "[::1]"
check "IPv6: 50 RTP packets forwarded from [::1]:30002 with traffic class 0x2e" has "$FWD" "received 50 from \[::1\]:30002 tos 46"
check "IPv6: GET_STATS packets == 50" has "$(stats [::1]:30000)" "^packets 50 "

# --- SRTP against libsrtp2 (t/kernel/srtpkat.cc): every suite, unprotected on input and
# protected on output, RTP and RTCP, three SSRCs (one across the sequence wrap, one handed over
# at rollover counter 7), a tampered and a replayed packet dropped and counted. It leaves one
# unprotecting target behind, which the table's deletion below frees with its keys.
if [ -x "$L/srtpkat" ]; then
	srtpkat 0 > /tmp/srtpkat.out 2>&1
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "SRTP: ${line#ok - }" ;;
		"not ok - "*) bad "SRTP: ${line#not ok - }" ;;
		*) echo "    # $line" ;;
		esac
	done < /tmp/srtpkat.out
	check "SRTP: list shows the suite of the target left, no keys" \
		grep -q "local 127.0.0.1:31000 out 127.0.0.1:31001->127.0.0.1:41001 tos 0 srtp_in 1 packets 0 " /proc/rtprelay/0/list
else
	bad "no srtpkat in the lab directory (run.sh builds it from build/librtprelay.a)"
fi

# --- DEL_TARGET hands the port back to userspace
check "DEL_TARGET" rpctl del 0 127.0.0.1:30000
check "DEL_TARGET of a missing target fails with ENOENT" sh -c 'rpctl del 0 127.0.0.1:30000 2>&1 | grep -q "DEL_TARGET: No such file"'
xfer 127.0.0.1:40000 rtp 5 0 5
check "after DEL_TARGET packets reach userspace" has "$USR" "received 5 from 127.0.0.1:40000"
check "list no longer shows the target" sh -c '! grep -q "local 127.0.0.1:30000" /proc/rtprelay/0/list'

# --- teardown
check "iptables -D" iptables -D INPUT -p udp -j RTPRELAY --id 0
check "ip6tables -D" ip6tables -D INPUT -p udp -j RTPRELAY --id 0
check "del table 0" sh -c 'echo "del 0" > /proc/rtprelay/control'
check "/proc/rtprelay/0 is gone" test ! -e /proc/rtprelay/0
. "$L/guest_wire.sh"
# --- rtprelayd opens (and at stop deletes) its own table
# rd_start ARGS...: starts the daemon ($RD_BIN, default the plain build), waits for "ready:" or
# its exit. It serves /metrics on RD_HTTP_PORT, which guest_call.py scrapes.
export RD_HTTP_PORT=2224
rd_start() {
	"${RD_BIN:-$L/rtprelayd}" --config-file=none --foreground --log-stderr --listen-ng=127.0.0.1:2223 \
		--listen-http=127.0.0.1:$RD_HTTP_PORT "$@" > /tmp/rd.log 2>&1 &
	RD=$!
	for _ in $(seq 100); do
		grep -q "ready:" /tmp/rd.log && return 0
		kill -0 $RD 2> /dev/null || return 1
		sleep 0.2
	done
	return 1
}
rd_stats() { python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3); s.sendto(b"c1 d7:command10:statisticse", ("127.0.0.1", 2223)); print(s.recv(65535))' ; }
rd_stop() { kill -TERM $RD && wait $RD; }
if [ -x "$L/rtprelayd" ]; then
	check "rtprelayd --table=0 --no-fallback starts" rd_start --table=0 --no-fallback
	check "rtprelayd created table 0 and passed the ABI handshake" grep -q "kernel table 0 open" /tmp/rd.log
	check "statistics says forwarding: kernel" sh -c "$(declare -f rd_stats); rd_stats | grep -q 10:forwarding6:kernel"
	# Debian 12's own kernel (6.1) has what the io_uring engine needs; auto must take it.
	check "statistics says media io: io_uring on Debian's kernel" sh -c "$(declare -f rd_stats); rd_stats | grep -q '8:media io8:io_uring'"
	check "rtprelayd stops cleanly" rd_stop
	check "rtprelayd deleted the table it created" test ! -e /proc/rtprelay/0
	# Each part starts and stops its own daemon (rd_start/rd_stop) and leaves no table.
	for part in guest_nft.sh guest_calls.sh; do
		[ -f "$L/$part" ] && . "$L/$part"
	done
else
	bad "no rtprelayd in the lab directory (make all first)"
fi

# Unloading with a table whose target holds SRTP keys: the module frees both (no warnings below).
if [ -x "$L/srtpkat" ]; then
	check "a table with a live SRTP target for rmmod" sh -c 'echo "add 0" > /proc/rtprelay/control && srtpkat 0 leave'
fi
check "rmmod xt_RTPRELAY" rmmod xt_RTPRELAY
if [ -x "$L/rtprelayd" ]; then
	check "without the module, --no-fallback refuses to start" sh -c "! $L/rtprelayd --config-file=none --foreground --log-stderr --listen-ng=127.0.0.1:2223 --table=0 --no-fallback > /tmp/rd2.log 2>&1"
	check "... naming the fix" grep -q "modprobe xt_RTPRELAY" /tmp/rd2.log
	check "without the module, rtprelayd falls back to userspace" rd_start --table=0
	check "statistics says forwarding: userspace" sh -c "$(declare -f rd_stats); rd_stats | grep -q 10:forwarding9:userspace"
	check "rtprelayd (userspace) stops cleanly" rd_stop
fi
# With PKGROOT (run.sh), the packaged daemon as its systemd unit runs it.
[ -f "$L/pkgroot" ] && . "$L/guest_package.sh"
check "no kernel warnings" sh -c '! dmesg | grep -Eq "WARNING:|BUG:|Oops|refcount_t"'
