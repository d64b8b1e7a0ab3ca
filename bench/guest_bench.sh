#!/bin/bash
# Guest side of the kernel benchmark (bench/run.py --guest, via t/kernel/run.sh): runs as PID 1
# in the QEMU guest with the module, rtprelayd and rtpload in /tmp/lab. Two relays run side by
# side: one with table 0 (the kernel forwards) and one with --table=-1 (userspace). Against
# each in turn: rtpload's max-rate search (one call, paced rates doubled then bisected, zero
# loss), a fixed load, and a one-direction flood search. Then a cost meter takes turns between
# the two paths and the kernel's own IP forwarding (a reference) in each of its rounds.
# The generator sits in its own network namespace behind a veth pair, pinned to CPU 0; packets
# it sends are processed on CPU 1 (RPS), where the relays run. So the relay's path (kernel
# forwarding, or softirq + rtprelayd) has CPU 1 to itself and the generator CPU 0, instead of
# the kernel's forwarding work landing in the generator's send calls as on loopback. Both
# relays get 4 MiB socket buffers (--socket-rcvbuf), so userspace is not measured losing
# bursts the default buffer cannot hold. Prints "BENCH <path> RESULT ...", "... LOAD ...",
# "... FLOOD ..." and "... COST ..." per path, "BENCH guest COSTRATIO ..." and
# "GUEST-RESULT: N passed, N failed" last.
L=/tmp/lab
export PATH=$L:/usr/sbin:/usr/bin:/sbin:/bin
export XTABLES_LIBDIR=$L:/usr/lib/x86_64-linux-gnu/xtables
PASS=0 FAIL=0
ok() { echo "ok - $*"; PASS=$((PASS + 1)); }
bad() { echo "not ok - $*"; FAIL=$((FAIL + 1)); }
finish() {
	echo "GUEST-RESULT: $PASS passed, $FAIL failed"
	sync
	echo o > /proc/sysrq-trigger
	sleep 10
}
trap finish EXIT

ip link set lo up
ip netns add gen
ip link add vr type veth peer name vg
ip link set vg netns gen
ip addr add 10.9.0.1/24 dev vr
ip link set vr up
ip netns exec gen sh -c 'ip link set lo up && ip addr add 10.9.0.2/24 dev vg && ip link set vg up &&
	echo 1 > /sys/class/net/vg/queues/rx-0/rps_cpus' && ok "generator namespace behind veth" ||
	{ bad "generator namespace"; exit; }
echo 2 > /sys/class/net/vr/queues/rx-0/rps_cpus
VR_MAC=$(cat /sys/class/net/vr/address)
echo "BENCH guest ENV clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
GEN="ip netns exec gen taskset -c 0"
modprobe -a $(modinfo -F depends "$L/xt_RTPRELAY.ko" | tr , ' ')
insmod "$L/xt_RTPRELAY.ko" && ok "insmod xt_RTPRELAY" || { bad "insmod"; exit; }
ulimit -n 65536

# Busy and total jiffies of CPU 1 (the relay's: rtprelayd and the softirqs RPS sends there).
cpu_jiffies() { awk '/^cpu1 / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }

# Two relays run side by side, both pinned to CPU 1: the kernel path's (--table=0) on 10.9.0.1,
# ports 40000-44999, and the userspace path's (--table=-1) on 10.9.0.3, ports 45000-49999. So
# the cost meter can take turns between the paths within each round. The kernel relay's
# nftables chain is reached only for 10.9.0.1 (--nftables-base-chain=none, and a jump for that
# address), so the userspace path's packets never pass the target.
ip addr add 10.9.0.3/24 dev vr
declare -A ADDR=([kernel]=10.9.0.1 [userspace]=10.9.0.3) TABLE=([kernel]=0 [userspace]=-1)
declare -A PMIN=([kernel]=40000 [userspace]=45000) PMAX=([kernel]=44999 [userspace]=49999)
declare -A RD FLOOD_PORT

# start_relay PATH: a fresh rtprelayd for PATH; sets RD[PATH].
start_relay() {
	local path=$1
	taskset -c 1 "$L/rtprelayd" --config-file=none --foreground --log-stderr --log-level=4 \
		--listen-ng="${ADDR[$path]}:2400" --interface="${ADDR[$path]}" \
		--port-min="${PMIN[$path]}" --port-max="${PMAX[$path]}" --num-threads=1 \
		--socket-rcvbuf=4194304 --table="${TABLE[$path]}" --no-fallback \
		--nftables-base-chain=none --endpoint-learning=immediate --delete-delay=0 \
		> "/tmp/rd-$path.log" 2>&1 &
	RD[$path]=$!
	# Ready once its ng socket is bound, and for the kernel path its nftables chain exists.
	for _ in $(seq 50); do
		if [ -n "$(ss -Hlun src "${ADDR[$path]}:2400")" ] &&
			{ [ "$path" != kernel ] || nft list chain ip filter rtprelay > /dev/null 2>&1; }; then
			return 0
		fi
		sleep 0.2
	done
	bad "$path relay did not start"
	tail -20 "/tmp/rd-$path.log" | sed 's/^/    # rtprelayd: /'
	return 1
}

# load PATH: a fixed load (50 calls, 50 packets/s each way: 5,000 pps relayed) and how busy
# the relay's CPU was meanwhile: the kernel's forwarding runs in softirq context, outside
# rtprelayd, so only the CPU's own figure compares the two paths.
load() {
	local path=$1 before after
	before=$(cpu_jiffies)
	$GEN "$L/rtpload" --local=10.9.0.2 --ng="${ADDR[$path]}:2400" --relay-pid="${RD[$path]}" \
		--label="guest_load_$path" --port-min=50000 --port-max=59999 \
		--relay-port-min="${PMIN[$path]}" --relay-port-max="${PMAX[$path]}" \
		--calls=50 --pps=50 --duration=5 > "/tmp/calls-$path.out" 2>&1
	after=$(cpu_jiffies)
	local b0=${before% *} t0=${before#* } b1=${after% *} t1=${after#* }
	local result
	result=$(grep '^RESULT ' "/tmp/calls-$path.out") || { bad "fixed load, $path path"; return; }
	ok "fixed load, $path path"
	echo "BENCH $path LOAD cpu1_pct=$(( 100 * (b1 - b0) / (t1 - t0) )) ${result#RESULT }"
}

# The flood's callee: 10.9.1.2 behind a dummy device, which frees what it is given and counts
# it. Receiving at a real callee (socket or drop rule) would cost the relay's CPU as much per
# packet on both paths and blur the ratio between them.
ip link add sink type dummy && echo 1 > /proc/sys/net/ipv6/conf/sink/disable_ipv6 &&
	ip addr add 10.9.1.1/24 dev sink && ip link set sink up &&
	ok "flood callee behind a dummy device" || bad "dummy device for the flood callee"

# setup_call PATH: a call whose caller is 10.9.0.2:5000 (in the generator's namespace) and
# callee 10.9.1.2:6000 (the dummy device); prints the relay port the caller sends to.
setup_call() {
	python3 - "${ADDR[$1]}" <<'PY'
import sys
sys.path.insert(0, "/tmp/lab")
from ngclient import NgClient
from media import media_port
sdp = "v=0\r\no=- 1 1 IN IP4 {0}\r\ns=-\r\nc=IN IP4 {0}\r\nt=0 0\r\nm=audio {1} RTP/AVP 0\r\n"
ng = NgClient((sys.argv[1], 2400))
ng.request({"command": "offer", "call-id": "flood", "from-tag": "A",
            "sdp": sdp.format("10.9.0.2", 5000)})
r = ng.request({"command": "answer", "call-id": "flood", "from-tag": "A", "to-tag": "B",
                "sdp": sdp.format("10.9.1.2", 6000)})
print(media_port(r[b"sdp"].decode()))
PY
}

delivered() { cat /sys/class/net/sink/statistics/tx_packets; }

# flood_trial DEST RATE: one second of RTP from the caller at RATE pps; sets SENT and GOT.
flood_trial() {
	local before c0 c1
	before=$(delivered)
	c0=$(cpu_jiffies)
	SENT=$($GEN udptool rawflood vg "$VR_MAC" 10.9.0.2:5000 "$1" "$2" 1 | awk '{print $2}')
	c1=$(cpu_jiffies)
	sleep 0.3
	GOT=$(($(delivered) - before))
	CPU1=$(( 100 * (${c1% *} - ${c0% *}) / (${c1#* } - ${c0#* }) ))
	echo "    # flood $2 pps: sent $SENT, delivered $GOT, relay CPU (cpu1) $CPU1 %"
}

# flood_rate DEST RATE: a lossy trial gets a second chance, so one stall of the host (the
# guest's vCPUs are host threads) does not end the search; true iff a trial was lossless.
flood_rate() {
	flood_trial "$1" "$2"
	[ "$GOT" -eq "$SENT" ] && return 0
	flood_trial "$1" "$2"
	[ "$GOT" -eq "$SENT" ]
}

# flood_search PATH: the highest rate, one direction, that arrives complete: doubling from
# 5,000 pps, then 3 bisection steps (one retry per lossy trial). The generator only sends,
# ready-made frames through an AF_PACKET socket (udptool rawflood: no UDP/IP output path per
# packet), and the callee is the dummy device, so the generator goes much further than
# rtpload, which also receives and checks every packet. Leaves the call in place for the cost
# meter, in FLOOD_PORT[PATH].
flood_search() {
	local path=$1 port dest rate=5000 good=0 bad=0 limited=relay cpu=0
	port=$(setup_call "$path") || { bad "flood call setup, $path path"; return; }
	FLOOD_PORT[$path]=$port
	dest="${ADDR[$path]}:$port"

	$GEN udptool send 10.9.0.2:5000 "$dest" 5 rtp # confirms the caller
	sleep 0.5
	while [ $rate -le 1280000 ]; do
		flood_rate "$dest" $rate || { bad=$rate; break; }
		good=$SENT cpu=$CPU1 # what was really sent in that second
		if [ $((SENT * 100)) -lt $((rate * 97)) ]; then limited=generator; break; fi
		rate=$((rate * 2))
	done
	for _ in 1 2 3; do
		[ $bad -gt 0 ] || break
		rate=$(((good + bad) / 2))
		if flood_rate "$dest" $rate; then good=$SENT cpu=$CPU1; else bad=$rate; fi
	done
	ok "flood search, $path path"
	echo "BENCH $path FLOOD max_pps=$good first_lossy_pps=$bad limited_by=$limited cpu1_pct=$cpu"
}

# measure PATH: rtpload's max-rate search, the fixed load and the flood search against PATH's
# relay.
measure() {
	local path=$1
	$GEN "$L/rtpload" --local=10.9.0.2 --ng="${ADDR[$path]}:2400" --relay-pid="${RD[$path]}" \
		--label="guest_$path" --port-min=50000 --port-max=59999 \
		--relay-port-min="${PMIN[$path]}" --relay-port-max="${PMAX[$path]}" \
		--max-rate --trial=1 --start-rate=2000 --tick-us=5000 > "/tmp/load-$path.out" 2>&1
	local rc=$?
	sed 's/^/    # /' "/tmp/load-$path.out"
	local result
	result=$(grep '^RESULT ' "/tmp/load-$path.out")
	if [ $rc -eq 0 ] && [ -n "$result" ]; then
		ok "max-rate search, $path path"
		echo "BENCH $path $result"
	else
		bad "max-rate search, $path path (rtpload status $rc)"
		tail -20 "/tmp/rd-$path.log" | sed 's/^/    # rtprelayd: /'
	fi
	load "$path"
	flood_search "$path"
}

# The CPU 1 time one forwarded packet costs, from a cost meter: a busy loop at SCHED_IDLE on
# CPU 1 (udptool spin) gets whatever the softirqs and rtprelayd leave. Its count with no
# traffic, then under COST_PPS, gives the share of CPU 1 the packets took. Unlike /proc/stat
# this does not depend on where the guest's ticks land. The host's noise moves the idle count
# by up to a quarter between minutes, so each round measures every path in turn, and the
# ratios are taken within a round; medians of 5 rounds are printed.
#
# The third path is a reference: no relay at all, the kernel routing the same packets from the
# generator to the callee (ip_forward). An in-kernel relay does much the same work (RPS, veth
# receive, IP input and routing, netfilter hooks, transmit to the dummy device), with local
# delivery and the target instead of the forwarding path.
# At a rate every path carries without loss: userspace lost packets at 30,000 pps in some runs.
COST_PPS=15000
spin() { chrt -i 0 taskset -c 1 udptool spin 2 | awk '{print $2}'; }
# cost_once LABEL DEST: one idle and one loaded measurement; sets COST, the µs of CPU 1 per
# packet.
cost_once() {
	local idle load before gen
	idle=$(spin)
	before=$(delivered)
	$GEN udptool rawflood vg "$VR_MAC" 10.9.0.2:5000 "$2" $COST_PPS 3 > /tmp/gen.out &
	gen=$!
	sleep 0.5
	load=$(spin)
	wait $gen
	sleep 0.3
	COST=$(awk -v i="$idle" -v l="$load" -v r=$COST_PPS 'BEGIN { printf "%.2f", (1 - l / i) * 1e6 / r }')
	echo "    # cost meter, $1, $COST_PPS pps: idle $idle spins, loaded $load: $COST µs;" \
		"delivered $(($(delivered) - before)) of $(awk '{print $2}' /tmp/gen.out)"
}
median() { printf '%s\n' "$@" | sort -g | awk 'NF {v[++n] = $1} END {print n ? v[int((n + 1) / 2)] : "-"}'; }
# ratio A B: A / B, or nothing when B is not positive (a round the noise swamped).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'; }
cost_meter() {
	local round path r uk=() uf=()
	declare -A dest costs this
	dest=([kernel]="10.9.0.1:${FLOOD_PORT[kernel]}" [userspace]="10.9.0.3:${FLOOD_PORT[userspace]}"
		[forward]=10.9.1.2:6000)
	sysctl -qw net.ipv4.ip_forward=1 || { bad "ip_forward on"; return; }
	for round in 1 2 3 4 5; do
		for path in kernel userspace forward; do
			cost_once "round $round, $path" "${dest[$path]}"
			this[$path]=$COST
			costs[$path]+="$COST "
		done
		r=$(ratio "${this[userspace]}" "${this[kernel]}") && [ -n "$r" ] && uk+=("$r")
		r=$(ratio "${this[userspace]}" "${this[forward]}") && [ -n "$r" ] && uf+=("$r")
	done
	sysctl -qw net.ipv4.ip_forward=0
	for path in kernel userspace forward; do
		# shellcheck disable=SC2086 # the list is words
		echo "BENCH $path COST pps=$COST_PPS us_per_pkt=$(median ${costs[$path]})" \
			"rounds=$(echo ${costs[$path]} | tr ' ' ,)"
		ok "cost meter, $path path"
	done
	echo "BENCH guest COSTRATIO userspace_kernel=$(median "${uk[@]}")" \
		"userspace_forward=$(median "${uf[@]}") rounds_uk=$(IFS=,; echo "${uk[*]}")" \
		"rounds_uf=$(IFS=,; echo "${uf[*]}")"
}

start_relay kernel || exit
# The kernel relay's chain, reached only for its own address.
nft add chain ip filter INPUT '{ type filter hook input priority 0; }' &&
	nft add rule ip filter INPUT ip daddr 10.9.0.1 jump rtprelay &&
	ok "nftables jump to the kernel relay's chain for 10.9.0.1" || bad "nftables jump"
start_relay userspace || exit
measure kernel
measure userspace
cost_meter
nft flush chain ip filter INPUT
for path in kernel userspace; do
	kill -TERM "${RD[$path]}"
	wait "${RD[$path]}"
done
rmmod xt_RTPRELAY && ok "rmmod xt_RTPRELAY" || bad "rmmod xt_RTPRELAY"
