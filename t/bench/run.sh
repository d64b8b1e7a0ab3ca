#!/bin/bash
# The benchmark's reference relay (bench/floorrelay) does its job: with each I/O loop, rtpload's
# calls get their RTP relayed both ways, every packet, on loopback; bad usage is refused.
# rtpload's SRTP callers (--srtp=caller, SDES; --srtp=dtls, a DTLS handshake with the relay):
# a relay that does not translate fails call setup, and through Debian's rtpengine, if
# installed, and rtprelayd every packet arrives and unprotects.
# Last line: "bench: N passed, N failed". Needs `make -f bench/Makefile` (make test builds it).
set -u
cd "$(dirname "$0")/../.."
B=build/bench
PASS=0 FAIL=0
ok() { echo "ok - $*"; PASS=$((PASS + 1)); }
bad() { echo "not ok - $*"; FAIL=$((FAIL + 1)); }

if "$B/floorrelay" --io=poll --listen-ng=127.0.0.1:2590 --port-min=43000 --pairs=2 2> /dev/null; then
	bad "floorrelay accepts an unknown --io"
else
	[ $? -eq 2 ] && ok "floorrelay refuses an unknown --io (status 2)" ||
		bad "floorrelay: wrong status for an unknown --io"
fi

for io in epoll uring; do
	"$B/floorrelay" --io=$io --listen-ng=127.0.0.1:2590 --port-min=43000 --pairs=4 &
	fr=$!
	out=$("$B/rtpload" --ng=127.0.0.1:2590 --relay-pid=$fr --calls=4 --pps=50 --duration=1 \
		--port-min=53000 --port-max=53999 --relay-port-min=43000 --relay-port-max=43007 2>&1)
	kill $fr 2> /dev/null
	wait $fr 2> /dev/null
	result=$(grep '^RESULT ' <<< "$out")
	sent=$(grep -o ' sent=[0-9]*' <<< "$result" | cut -d= -f2)
	received=$(grep -o ' received=[0-9]*' <<< "$result" | cut -d= -f2)
	if grep -q ' not_flowing=0 ' <<< "$result" && grep -q ' wrong_source=0 ' <<< "$result" &&
		[ "${sent:-0}" -gt 0 ] && [ "$sent" = "$received" ]; then
		ok "floorrelay --io=$io relays every packet of 4 calls both ways, from the right ports ($received)"
	else
		bad "floorrelay --io=$io: ${result:-no RESULT}"
		tail -5 <<< "$out" | sed 's/^/    # /'
	fi
done
# setup_one's floors: lone commands answered by the receiving thread, and with --ng-hop by a
# second thread it wakes (three threads then: media, ng, answering).
for hop in "" --ng-hop; do
	"$B/floorrelay" --io=epoll --listen-ng=127.0.0.1:2590 --port-min=43000 --pairs=4 $hop &
	fr=$!
	out=$("$B/rtpload" --ng=127.0.0.1:2590 --relay-pid=$fr --setup-rate --window=1 --duration=1 \
		--port-min=53000 --port-max=53999 --relay-port-min=43000 --relay-port-max=43007 2>&1)
	threads=$(ls /proc/$fr/task 2> /dev/null | wc -l)
	kill $fr 2> /dev/null
	wait $fr 2> /dev/null
	result=$(grep '^RESULT ' <<< "$out")
	calls=$(grep -o ' calls_ok=[0-9]*' <<< "$result" | cut -d= -f2)
	want=$([ -n "$hop" ] && echo 3 || echo 2)
	if [ "${calls:-0}" -gt 0 ] && grep -q ' errors=0 ' <<< "$result" && [ "$threads" = "$want" ]; then
		ok "floorrelay ${hop:-without --ng-hop} sets up calls one command at a time ($calls, $threads threads)"
	else
		bad "floorrelay ${hop:-without --ng-hop}: $threads threads, ${result:-no RESULT}"
	fi
done
# refused_by_floorrelay KIND PROTOCOL: floorrelay echoes the SRTP caller's offer (PROTOCOL) to
# the callee, which is not the translation asked for: rtpload must fail every call's setup.
refused_by_floorrelay() {
	local kind=$1 proto=$2 fr out
	"$B/floorrelay" --io=epoll --listen-ng=127.0.0.1:2590 --port-min=43000 --pairs=4 &
	fr=$!
	out=$("$B/rtpload" --ng=127.0.0.1:2590 --relay-pid=$fr --calls=2 --duration=1 --srtp=$kind \
		--port-min=53000 --port-max=53999 --relay-port-min=43000 --relay-port-max=43007 2>&1)
	kill $fr 2> /dev/null
	wait $fr 2> /dev/null
	if grep -q "first setup error: offer: the relay's SDP says $proto, not RTP/AVP" <<< "$out" &&
		grep -q ' setup_ok=0 ' <<< "$out"; then
		ok "rtpload --srtp=$kind refuses a relay that passes $proto to the plain callee"
	else
		bad "rtpload --srtp=$kind against floorrelay: $(grep '^RESULT ' <<< "$out")"
	fi
}
refused_by_floorrelay caller RTP/SAVP
refused_by_floorrelay dtls UDP/TLS/RTP/SAVP

# ng_ping PORT: true once the relay there answers an ng ping (within 5 s).
ng_ping() {
	python3 -c '
import socket, sys, time
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        try:
            s.sendto(b"p d7:command4:pinge", ("127.0.0.1", int(sys.argv[1])))
            if b"pong" in s.recv(4096):
                sys.exit(0)
        except OSError:
            time.sleep(0.1)
sys.exit(1)' "$1"
}

# srtp_through NAME PID PORT PORT_MIN PORT_MAX [KIND]: four calls with an SRTP caller (KIND
# caller: SDES, the default; dtls: keyed by a DTLS handshake with the relay) through the relay
# listening on PORT; every packet must arrive both ways and unprotect.
srtp_through() {
	local name=$1 pid=$2 port=$3 lo=$4 hi=$5 kind=${6:-caller}
	if ! ng_ping "$port"; then
		bad "$name did not answer ng ping on 127.0.0.1:$port"
		return
	fi
	out=$("$B/rtpload" --ng=127.0.0.1:$port --relay-pid=$pid --calls=4 --duration=0.5 \
		--warmup=0.2 --srtp=$kind --port-min=53000 --port-max=53999 \
		--relay-port-min=$lo --relay-port-max=$hi 2>&1)
	result=$(grep '^RESULT ' <<< "$out")
	sent=$(grep -o ' sent=[0-9]*' <<< "$result" | cut -d= -f2)
	received=$(grep -o ' received=[0-9]*' <<< "$result" | cut -d= -f2)
	if grep -q ' not_flowing=0 ' <<< "$result" &&
		grep -q ' srtp_errors=0 srtp_replays=0 ' <<< "$result" &&
		[ "${sent:-0}" -gt 0 ] && [ "$sent" = "$received" ]; then
		ok "rtpload --srtp=$kind through $name: every packet both ways, unprotected ($received)"
	else
		bad "rtpload --srtp=$kind through $name: ${result:-no RESULT}"
		tail -5 <<< "$out" | sed 's/^/    # /'
	fi
}

RTPENGINE=${RTPENGINE:-$(command -v rtpengine || echo /usr/bin/rtpengine)}
if [ -x "$RTPENGINE" ]; then
	"$RTPENGINE" --config-file=none --table=-1 --foreground --interface=127.0.0.1 \
		--listen-ng=127.0.0.1:2591 --port-min=43100 --port-max=43199 --log-stderr \
		--log-level=3 --delete-delay=0 2> /dev/null &
	re=$!
	srtp_through rtpengine $re 2591 43100 43199
	srtp_through rtpengine $re 2591 43100 43199 dtls
	kill $re 2> /dev/null
	wait $re 2> /dev/null
else
	echo "# skip: no rtpengine ($RTPENGINE) to check rtpload's SRTP caller against"
fi

RTPRELAYD=${RTPRELAYD:-build/rtprelayd}
"$RTPRELAYD" --config-file=none --table=-1 --foreground --interface=127.0.0.1 \
	--listen-ng=127.0.0.1:2592 --port-min=43200 --port-max=43299 --log-stderr \
	--log-level=3 --delete-delay=0 2> /dev/null &
rr=$!
srtp_through rtprelayd $rr 2592 43200 43299
srtp_through rtprelayd $rr 2592 43200 43299 dtls
kill $rr 2> /dev/null
wait $rr 2> /dev/null
echo "bench: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
