# Sourced by guest.sh: calls through rtprelayd with the kernel doing the forwarding
# (t/kernel/guest_call.py), steered twice by the daemon's own nftables rule (the second call
# on the sockets the first one left parked) and once, with
# rule management off, by an operator's iptables rule; an SRTP call (t/kernel/
# guest_srtp_call.py: SRTP outside, RTP inside, translated by the kernel); a DTLS-SRTP call
# (t/kernel/guest_dtls_call.py: the keys of an openssl s_client handshake); an ICE call (t/kernel/
# guest_ice_call.py: nomination, DTLS, and consent lapsing and renewed); a BUNDLE call (t/kernel/
# guest_bundle_call.py: audio and video on one DTLS transport, taken apart by SSRC in the
# kernel, the other side's streams in the kernel too); then the plain and
# the SRTP call once more with the ASan+UBSan build, whose kernelizer paths the host's tests
# cannot reach. xt_RTPRELAY is loaded, no table exists.
# call_scenario DESC [SCRIPT]: runs a call script against the daemon rd_start started.
call_scenario() {
	local desc=$1 script=${2:-guest_call.py}
	python3 "$L/$script" 2223 0 "$RD" > /tmp/call.out 2>&1
	sed "s/^\(not \)\?ok - /&$desc: /" /tmp/call.out
	PASS=$((PASS + $(grep -c '^ok - ' /tmp/call.out)))
	FAIL=$((FAIL + $(grep -c '^not ok - ' /tmp/call.out)))
	grep -qx done /tmp/call.out || bad "$desc: call scenario ran to its end"
	grep -q '^not ok' /tmp/call.out && tail -40 /tmp/rd.log | sed 's/^/    # rtprelayd: /'
	return 0
}

# rtprelayd's sockets, by inode.
sockets() { ls -l "/proc/$RD/fd" | grep -o 'socket:\[[0-9]*\]' | sort; }

# With files enough for every port, ended calls' sockets are parked and reused (PortPool). A
# range of two pairs makes the second call take the first one's parked sockets.
ulimit -n 65536
if check "rtprelayd (own nftables rule, 2 port pairs) starts for the call" \
	rd_start --table=0 --no-fallback --port-min=30000 --port-max=30003; then
	before=$(sockets)
	call_scenario "nftables"
	parked=$(sockets)
	check "the call's four sockets stay open, parked" \
		test "$(echo "$parked" | wc -l)" -eq $(($(echo "$before" | wc -l) + 4))
	call_scenario "nftables, parked sockets"
	check "the second call ran on the parked sockets" test "$(sockets)" = "$parked"
	check "rtprelayd stops cleanly after the calls" rd_stop
fi
check "no table left after the call" test ! -e /proc/rtprelay/0
ulimit -n 4096 # too few for the port range: sockets of ended calls close, as before

check "iptables -j RTPRELAY --id 0 for the call" iptables -I INPUT -p udp -j RTPRELAY --id 0
if check "rtprelayd --nftables-chain= starts for the call" \
	rd_start --table=0 --no-fallback --nftables-chain=; then
	call_scenario "iptables"
	check "rtprelayd stops cleanly after the call" rd_stop
fi
check "no table left after the iptables call" test ! -e /proc/rtprelay/0
check "iptables -D after the call" iptables -D INPUT -p udp -j RTPRELAY --id 0

if check "rtprelayd starts for the SRTP call" rd_start --table=0 --no-fallback; then
	call_scenario "SRTP" guest_srtp_call.py
	check "rtprelayd stops cleanly after the SRTP call" rd_stop
fi
check "no table left after the SRTP call" test ! -e /proc/rtprelay/0

if check "rtprelayd starts for the DTLS-SRTP call" rd_start --table=0 --no-fallback; then
	call_scenario "DTLS-SRTP" guest_dtls_call.py
	check "rtprelayd stops cleanly after the DTLS-SRTP call" rd_stop
fi
check "no table left after the DTLS-SRTP call" test ! -e /proc/rtprelay/0

if check "rtprelayd starts for the ICE call" rd_start --table=0 --no-fallback; then
	call_scenario "ICE" guest_ice_call.py
	check "rtprelayd stops cleanly after the ICE call" rd_stop
fi
check "no table left after the ICE call" test ! -e /proc/rtprelay/0

if check "rtprelayd starts for the BUNDLE call" rd_start --table=0 --no-fallback; then
	call_scenario "BUNDLE" guest_bundle_call.py
	check "rtprelayd stops cleanly after the BUNDLE call" rd_stop
fi
check "no table left after the BUNDLE call" test ! -e /proc/rtprelay/0

if [ -x "$L/rtprelayd-asan" ]; then
	export ASAN_OPTIONS=abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	if RD_BIN=$L/rtprelayd-asan check "rtprelayd (ASan+UBSan) starts for the call" \
		rd_start --table=0 --no-fallback; then
		call_scenario "asan"
		call_scenario "asan, SRTP" guest_srtp_call.py
		check "rtprelayd (ASan+UBSan) stops cleanly, no leaks" rd_stop
	fi
	check "no sanitizer report" sh -c '! grep -Eq "ERROR: (Address|Leak)Sanitizer|runtime error:" /tmp/rd.log'
	check "no table left after the ASan call" test ! -e /proc/rtprelay/0
else
	bad "no ASan build of rtprelayd in the lab directory (make test builds build/asan)"
fi
