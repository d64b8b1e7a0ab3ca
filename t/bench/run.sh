#!/bin/bash
# The benchmark's reference relay (bench/floorrelay) does its job: with each I/O loop, rtpload's
# calls get their RTP relayed both ways, every packet, on loopback; bad usage is refused.
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
echo "bench: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
