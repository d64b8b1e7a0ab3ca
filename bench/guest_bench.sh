#!/bin/bash
# Guest side of the kernel benchmark (bench/run.py --guest, via t/kernel/run.sh): runs as PID 1
# in the QEMU guest with the module, rtprelayd and rtpload in /tmp/lab. Three relays run side by
# side, each on its own address: rtprelayd with table 0 (our kernel path), rtprelayd with
# --table=-1 (our userspace path) and Debian's rtpengine with its own module, xt_RTPENGINE,
# table 0 (its kernel path). Against our two in turn: rtpload's max-rate search (one call, paced
# rates doubled then bisected, zero loss), a fixed load, and a one-direction flood search. Then
# a cost meter takes turns between our two paths, rtpengine's and the kernel's own IP
# forwarding (a reference) in each of its rounds, for one call, 100 calls and 100 SRTP calls.
# The generator sits in its own network namespace behind a veth pair, pinned to CPU 0; packets
# it sends are processed on CPU 1 (RPS), where the relays run. So the relay's path (kernel
# forwarding, or softirq + the daemon) has CPU 1 to itself and the generator CPU 0, instead of
# the kernel's forwarding work landing in the generator's send calls as on loopback. Our relays
# get 4 MiB socket buffers (--socket-rcvbuf), so userspace is not measured losing bursts the
# default buffer cannot hold. Every relay ends a call only after an hour without media: the cost
# calls idle for minutes while the other paths are measured.
# bench_only=cost on the kernel command line runs the cost meter alone.
# Prints "BENCH <path> RESULT ...", "... LOAD ..." and "... FLOOD ..." per path of ours,
# "BENCH COST <row> <path> ..." and "BENCH COSTRATIO <row> <a>/<b> ..." per cost row, and
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

ONLY=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^bench_only=//p')
case $ONLY in
'' | cost) ;;
*) bad "bench_only=$ONLY: only 'cost' is known"; exit ;;
esac

ip link set lo up
ip netns add gen
ip link add vr type veth peer name vg
ip link set vg netns gen
ip addr add 10.9.0.1/24 dev vr
ip link set vr up
ip netns exec gen sh -c 'ip link set lo up && ip addr add 10.9.0.2/24 dev vg && ip link set vg up &&
	echo 1 > /sys/class/net/vg/queues/rx-0/rps_cpus' || { bad "generator namespace"; exit; }
ok "generator namespace behind veth"
echo 2 > /sys/class/net/vr/queues/rx-0/rps_cpus
VR_MAC=$(cat /sys/class/net/vr/address)
echo "BENCH guest ENV clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
GEN="ip netns exec gen taskset -c 0"
# shellcheck disable=SC2046 # the module names are words
modprobe -a $(modinfo -F depends "$L/xt_RTPRELAY.ko" | tr , ' ')
insmod "$L/xt_RTPRELAY.ko" || { bad "insmod"; exit; }
ok "insmod xt_RTPRELAY"
# rtpengine's module as Debian's DKMS built it for this kernel (bench/install-deps.sh), from the
# host root the guest runs on.
modprobe xt_RTPENGINE ||
	{ bad "modprobe xt_RTPENGINE (bench/install-deps.sh builds it for $(uname -r))"; exit; }
ok "modprobe xt_RTPENGINE ($(modinfo -n xt_RTPENGINE))"
ulimit -n 65536

# Busy and total jiffies of CPU 1 (the relay's: the daemons and the softirqs RPS sends there).
cpu_jiffies() { awk '/^cpu1 / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }

# The relays, all pinned to CPU 1, one address and port range each, so the cost meter can take
# turns between them within each round: our kernel path (table 0) on 10.9.0.1, ports
# 40000-44999; our userspace path (--table=-1) on 10.9.0.3, ports 45000-49999; rtpengine
# (its table 0) on 10.9.0.4, ports 35000-39999. Each kernel path is reached only for its own
# address (our relay: --nftables-base-chain=none and a jump for 10.9.0.1; rtpengine: an iptables
# rule for 10.9.0.4), so no path's packets pass another's target.
ip addr add 10.9.0.3/24 dev vr
ip addr add 10.9.0.4/24 dev vr
declare -A ADDR=([kernel]=10.9.0.1 [userspace]=10.9.0.3 [rtpengine]=10.9.0.4)
declare -A PMIN=([kernel]=40000 [userspace]=45000 [rtpengine]=35000)
declare -A PMAX=([kernel]=44999 [userspace]=49999 [rtpengine]=39999)
# Where each kernel path lists its targets and their packet counters.
declare -A KLIST=([kernel]=/proc/rtprelay/0/list [rtpengine]=/proc/rtpengine/0/list)
declare -A RD

# relay_args PATH: the daemon and its options for PATH. The options both daemons share come
# first; immediate endpoint learning kernelizes a call at its first packet in both.
relay_args() {
	local path=$1 daemon=$L/rtprelayd table=0
	[ "$path" = rtpengine ] && daemon=rtpengine
	[ "$path" = userspace ] && table=-1
	echo "$daemon --config-file=none --foreground --log-stderr --log-level=4" \
		"--listen-ng=${ADDR[$path]}:2400 --interface=${ADDR[$path]}" \
		"--port-min=${PMIN[$path]} --port-max=${PMAX[$path]} --num-threads=1" \
		"--table=$table --no-fallback --endpoint-learning=immediate --delete-delay=0" \
		"--timeout=3600"
	# rtpengine 10.5 has neither option: its sockets keep the default buffer, and it does not
	# manage firewall rules (the iptables rule below steers to its target).
	[ "$path" = rtpengine ] || echo "--socket-rcvbuf=4194304 --nftables-base-chain=none"
}

# relay_ready PATH: its ng socket is bound and its kernel table, if any, is set up.
relay_ready() {
	[ -n "$(ss -Hlun src "${ADDR[$1]}:2400")" ] || return 1
	case $1 in
	kernel) nft list chain ip filter rtprelay > /dev/null 2>&1 ;;
	rtpengine) [ -e /proc/rtpengine/0/list ] ;;
	esac
}

# start_relay PATH: a fresh relay for PATH; sets RD[PATH].
start_relay() {
	local path=$1
	# shellcheck disable=SC2046 # relay_args prints words
	taskset -c 1 $(relay_args "$path") > "/tmp/rd-$path.log" 2>&1 &
	RD[$path]=$!
	for _ in $(seq 50); do
		relay_ready "$path" && return 0
		sleep 0.2
	done
	bad "$path relay did not start"
	tail -20 "/tmp/rd-$path.log" | sed "s/^/    # $path: /"
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

# The flood's callees: 10.9.1.2 behind a dummy device, which frees what it is given and counts
# it. Receiving at a real callee (socket or drop rule) would cost the relay's CPU as much per
# packet on every path and blur the ratios between them.
if ip link add sink type dummy && echo 1 > /proc/sys/net/ipv6/conf/sink/disable_ipv6 &&
	ip addr add 10.9.1.1/24 dev sink && ip link set sink up; then
	ok "flood callee behind a dummy device"
else
	bad "dummy device for the flood callee"
fi

# setup_calls PATH NAME N CALLER CALLEE: N calls through PATH's relay, call-ids NAME-0...; call
# i's caller is 10.9.0.2:CALLER+2i (in the generator's namespace), its callee
# 10.9.1.2:CALLEE+2i (the dummy device). Prints, per call, the caller's address and the relay's
# address it sends to: udptool rawflood's SRC DST pairs.
setup_calls() {
	python3 - "${ADDR[$1]}" "$2" "$3" "$4" "$5" <<'PY'
import sys
sys.path.insert(0, "/tmp/lab")
from ngclient import NgClient
from media import media_port
relay, name, n, caller, callee = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
sdp = "v=0\r\no=- 1 1 IN IP4 {0}\r\ns=-\r\nc=IN IP4 {0}\r\nt=0 0\r\nm=audio {1} RTP/AVP 0\r\n"
ng = NgClient((relay, 2400))
for i in range(n):
    call = f"{name}-{i}"
    ng.request({"command": "offer", "call-id": call, "from-tag": "A",
                "sdp": sdp.format("10.9.0.2", caller + 2 * i)})
    r = ng.request({"command": "answer", "call-id": call, "from-tag": "A", "to-tag": "B",
                    "sdp": sdp.format("10.9.1.2", callee + 2 * i)})
    print(f"10.9.0.2:{caller + 2 * i} {relay}:{media_port(r[b'sdp'].decode())}")
PY
}

delivered() { cat /sys/class/net/sink/statistics/tx_packets; }

# kernel_packets PATH: packets PATH's kernel table has forwarded, over all its targets (0 for a
# path without one). Our module lists "packets N" on each target's line; rtpengine's a
# "stats: B bytes, N packets, E errors" line per target.
kernel_packets() {
	case $1 in
	kernel) awk '/^local / { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) }
		END { print n + 0 }' "${KLIST[$1]}" ;;
	rtpengine) awk '$1 == "stats:" { n += $4 } END { print n + 0 }' "${KLIST[$1]}" ;;
	*) echo 0 ;;
	esac
}

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
# rtpload, which also receives and checks every packet.
flood_search() {
	local path=$1 pair dest rate=5000 good=0 bad=0 limited=relay cpu=0
	pair=$(setup_calls "$path" flood 1 5000 6000) || { bad "flood call setup, $path path"; return; }
	dest=${pair#* }

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

# ---------------------------------------------------------------- the cost meter
# The CPU 1 time one forwarded packet costs, from a cost meter: a busy loop at SCHED_IDLE on
# CPU 1 (udptool spin) gets whatever the softirqs and the daemons leave. Its count with no
# traffic, then under a row's load, gives the share of CPU 1 the packets took. Unlike /proc/stat
# this does not depend on where the guest's ticks land. The host's noise moves the idle count
# by up to a quarter between minutes, so each round measures every path of every row in turn,
# and ratios are taken within a round; medians of COST_ROUNDS rounds are printed.
#
# The "forward" path is a reference: no relay at all, the kernel routing the same packets from
# the generator to the callees (ip_forward). An in-kernel relay does much the same work (RPS,
# veth receive, IP input and routing, netfilter hooks, transmit to the dummy device), with
# local delivery and the target instead of the forwarding path.
#
# A row: its name, its load, the number of calls, the packets per second relayed in all, and
# the paths each round measures, in that order. flood: udptool rawflood, one way, from each
# call's caller to the relay, a packet per call in turn. srtp: rtpload's calls both ways, the
# caller side SRTP (AES_CM_128_HMAC_SHA1_80) and the callee side plain, so the relay
# unprotects or protects every packet. 15,000 pps is a rate every path carries without loss
# (userspace lost packets at 30,000 in some runs); calls100 spreads the same rate over 100
# calls, so it differs from calls1 only in how many calls share it. srtp100 runs at 6,000 pps
# (30 per call and direction): rtpload's own SRTP (libsrtp2 on NSS) sends no more from CPU 0.
# Its kernel path is our module translating SRTP <-> RTP; a stream left in userspace fails the
# run by the check that the kernel carried what was delivered.
COST_ROWS=(
	"calls1   flood 1   15000 kernel rtpengine forward userspace"
	"calls100 flood 100 15000 kernel rtpengine forward userspace"
	"srtp100  srtp  100 6000  kernel rtpengine userspace"
)
COST_ROUNDS=5
# The ratios printed, numerator/denominator, for each row that has both paths.
COST_RATIOS="kernel/rtpengine kernel/forward userspace/rtpengine userspace/forward userspace/kernel"
declare -A FLOWS # "<row> <path>": rawflood's SRC DST pairs

# The meter: 2 s of counting on CPU 1 at SCHED_IDLE. udptool moves itself there once started, so
# that starting (at SCHED_IDLE, on a CPU the load keeps busy) does not outlast the load.
SPIN_S=2
spin() { udptool spin $SPIN_S 1 | awk '{print $2}'; }

# Packets the generator's namespace has received on UDP sockets: what a relay delivered to
# rtpload's endpoints (its ng replies too, but there are none while media is measured).
# shellcheck disable=SC2016 # awk's fields, not the shell's
delivered_udp() { ip netns exec gen awk '$1 == "Udp:" && $2 ~ /^[0-9]/ {print $2}' /proc/net/snmp; }

# metered PATH COUNTER: the meter's count under load; sets LOAD, and DSPIN and KSPIN, the packets
# COUNTER (delivered or delivered_udp) and PATH's kernel table counted meanwhile. Read in the
# order kernel, delivered, meter, delivered, kernel: every packet delivered within the bracket
# was counted by the kernel within it too, if the kernel carried it.
metered() {
	local k0 d0
	k0=$(kernel_packets "$1")
	d0=$($2)
	LOAD=$(spin)
	DSPIN=$(($($2) - d0))
	KSPIN=$(($(kernel_packets "$1") - k0))
}

# reading ROW PATH IDLE RATE SENT GOT ENDED: sets COST, the µs of CPU 1 per packet, from the
# meter's count without traffic (IDLE) and under load (LOAD), at the load's own RATE in
# packets/s; or "-" when the reading cannot give a ratio. The rate delivered, not the row's
# nominal one: a generator that falls behind (rtpload's SRTP) then reads right. SENT packets of
# the load were sent, GOT delivered; ENDED is "yes" when the load stopped before the meter did.
# A path that delivered nothing, or a kernel path whose kernel did not carry what was delivered,
# fails the run: its reading would measure something else (a call that had ended, userspace).
# The load must also have been steady while the meter ran: the host runs the guest's two vCPUs
# as two threads and can stall the generator's alone, for seconds on a busy host.
reading() {
	local what="cost meter, $1, $2" idle=$3 rate=$4 sent=$5 got=$6 ended=$7
	COST=-
	if [ "${got:-0}" -le 0 ]; then
		bad "$what: delivered nothing ($sent sent)"
	elif [ "$ended" = yes ]; then
		echo "    # $what: the load ended before the meter did: no reading"
	elif [ -n "${KLIST[$2]:-}" ] && [ "$KSPIN" -lt "$DSPIN" ]; then
		bad "$what: its kernel forwarded $KSPIN of the $DSPIN packets delivered meanwhile"
	elif [ $((DSPIN * 10)) -lt $((rate * SPIN_S * 9)) ]; then
		echo "    # $what: $DSPIN packets while the meter ran, not the $((rate * SPIN_S)) of a" \
			"steady load: no reading"
	elif [ $((got * 100)) -lt $((sent * 99)) ]; then
		echo "    # $what: delivered $got of $sent: lossy, no reading"
	else
		COST=$(awk -v i="$idle" -v l="$LOAD" -v r="$rate" \
			'BEGIN { printf "%.2f", (1 - l / i) * 1e6 / r }')
	fi
	echo "    # $what, $rate pps: idle $idle spins, loaded $LOAD: $COST µs; delivered $got" \
		"of $sent; while the meter ran $DSPIN, $KSPIN by its kernel"
}

# flood_calls ROW PATH PPS SECONDS: RTP to ROW's calls on PATH from their callers, PPS in all,
# a packet per call in turn; prints "sent N".
flood_calls() {
	local -a f
	read -ra f <<< "${FLOWS[$1 $2]}"
	$GEN udptool rawflood vg "$VR_MAC" "${f[0]}" "${f[1]}" "$3" "$4" "${f[@]:2}"
}

# cost_flood ROW PATH PPS: a flood to ROW's calls on PATH for 6 s, the meter spinning for 2 s
# of it, from 0.5 s on. Reading the counters around the meter takes up to a second or two under
# TCG on a busy host, and the flood has to outlast them.
cost_flood() {
	local idle d0 gen got ended=yes
	idle=$(spin)
	d0=$(delivered)
	flood_calls "$1" "$2" "$3" 6 > /tmp/gen.out &
	gen=$!
	sleep 0.5
	metered "$2" delivered
	kill -0 $gen 2> /dev/null && ended=no
	wait $gen
	sleep 0.3
	got=$(($(delivered) - d0))
	reading "$1" "$2" "$idle" $((got / 6)) "$(awk '{print $2}' /tmp/gen.out)" $got $ended
}

# cost_srtp ROW PATH PPS CALLS: rtpload's SRTP-caller calls through PATH's relay, PPS in all,
# the meter spinning for 2 s of its 7 s window: after call setup and warm-up, and while the
# calls exist (rtpload deletes them at the end, and their kernel counters with them).
cost_srtp() {
	local idle gen out=/tmp/cost-rtpload.out result got window rate ended=yes
	idle=$(spin)
	$GEN "$L/rtpload" --local=10.9.0.2 --ng="${ADDR[$2]}:2400" --relay-pid="${RD[$2]}" \
		--label="cost_$1_$2" --port-min=50000 --port-max=59999 \
		--relay-port-min="${PMIN[$2]}" --relay-port-max="${PMAX[$2]}" --calls="$4" \
		--pps=$(($3 / $4 / 2)) --srtp=caller --duration=7 --mark-window > $out 2>&1 &
	gen=$!
	# Until the window opens (or rtpload has given up).
	for _ in $(seq 600); do
		if grep -q '^WINDOW open' $out || ! kill -0 $gen 2> /dev/null; then break; fi
		sleep 0.2
	done
	metered "$2" delivered_udp
	grep -q '^WINDOW closed' $out || ended=no
	wait $gen
	result=$(grep '^RESULT ' $out)
	if ! grep -q ' srtp_errors=0 ' <<< "$result"; then
		bad "cost meter, $1, $2: ${result:-no RESULT}"
		tail -5 $out | sed 's/^/    # rtpload: /'
	fi
	echo "    # rtpload:$(grep -oE ' (sent|received|gen_limited|gen_drops|relay_sock_drops)=[^ ]*' \
		<<< "$result" | tr -d '\n')"
	got=$(grep -oP ' received=\K[0-9]+' <<< "$result")
	window=$(grep -oP ' window_s=\K[0-9.]+' <<< "$result")
	rate=$(awk -v n="$got" -v s="$window" 'BEGIN { if (s > 0) printf "%.0f", n / s }')
	reading "$1" "$2" "$idle" "$rate" "$(grep -oP ' sent=\K[0-9]+' <<< "$result")" "$got" $ended
}

# cost_setup: the flood rows' calls on every relay path (the forward path needs none, its
# callers send straight to the callees), each call's caller sending a little first, so the
# relays have latched and kernelized every call before the first reading.
cost_setup() {
	local line row load calls pps paths path n=0 pairs
	for line in "${COST_ROWS[@]}"; do
		read -r row load calls pps paths <<< "$line"
		[ "$load" = flood ] || continue
		for path in $paths; do
			if [ "$path" = forward ]; then
				pairs=$(for ((i = 0; i < calls; i++)); do
					echo "10.9.0.2:$((7000 + n + 2 * i)) 10.9.1.2:$((8000 + n + 2 * i))"
				done)
			else
				pairs=$(setup_calls "$path" "$row" "$calls" $((7000 + n)) $((8000 + n))) ||
					{ bad "cost calls, $row, $path path"; return 1; }
			fi
			FLOWS[$row $path]=$(tr '\n' ' ' <<< "$pairs")
			flood_calls "$row" "$path" 500 1 > /dev/null
		done
		n=$((n + 2 * calls))
	done
	sleep 1
}

median() { printf '%s\n' "$@" | sort -g | awk 'NF {v[++n] = $1} END {print n ? v[int((n + 1) / 2)] : "-"}'; }
# ratio A B: A / B, or nothing when either is not a positive reading (a round the noise
# swamped, or one without a reading).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b }'; }
# spread V...: "median=M min=A max=B n=N rounds=V,..." of the readings or ratios given.
spread() {
	local v=("$@")
	echo "median=$(median "${v[@]}") min=$(printf '%s\n' "${v[@]}" | sort -g | head -1)" \
		"max=$(printf '%s\n' "${v[@]}" | sort -g | tail -1) n=${#v[@]}" \
		"rounds=$(IFS=,; echo "${v[*]}")"
}

cost_meter() {
	local line row load calls pps paths path round pair r
	declare -A costs ratios this
	sysctl -qw net.ipv4.ip_forward=1 || { bad "ip_forward on"; return; }
	cost_setup || return
	for round in $(seq $COST_ROUNDS); do
		for line in "${COST_ROWS[@]}"; do
			read -r row load calls pps paths <<< "$line"
			this=()
			for path in $paths; do
				"cost_$load" "$row" "$path" "$pps" "$calls"
				this[$path]=$COST
				[ "$COST" = - ] || costs[$row $path]+="$COST "
			done
			for pair in $COST_RATIOS; do
				r=$(ratio "${this[${pair%/*}]:-}" "${this[${pair#*/}]:-}")
				[ -n "$r" ] || continue
				ratios[$row $pair]+="$r "
				echo "    # cost meter, round $round, $row: $pair $r"
			done
		done
	done
	sysctl -qw net.ipv4.ip_forward=0
	for line in "${COST_ROWS[@]}"; do
		read -r row load calls pps paths <<< "$line"
		for path in $paths; do
			# shellcheck disable=SC2086 # the list is words
			[ -n "${costs[$row $path]:-}" ] && ok "cost meter, $row, $path path" &&
				echo "BENCH COST $row $path calls=$calls pps=$pps $(spread ${costs[$row $path]})"
		done
		for pair in $COST_RATIOS; do
			# shellcheck disable=SC2086
			[ -n "${ratios[$row $pair]:-}" ] &&
				echo "BENCH COSTRATIO $row $pair $(spread ${ratios[$row $pair]})"
		done
	done
}

start_relay kernel || exit
# The kernel relay's chain, reached only for its own address.
if nft add chain ip filter INPUT '{ type filter hook input priority 0; }' &&
	nft add rule ip filter INPUT ip daddr 10.9.0.1 jump rtprelay; then
	ok "nftables jump to the kernel relay's chain for 10.9.0.1"
else
	bad "nftables jump"
fi
start_relay userspace || exit
start_relay rtpengine || exit
# rtpengine's target, reached only for its own address, the way its documentation steers to it.
# First in INPUT: our kernel path's packets pass this rule before their jump, not the reverse.
if iptables -I INPUT -d 10.9.0.4/32 -p udp -j RTPENGINE --id 0; then
	ok "iptables rule to xt_RTPENGINE's table 0 for 10.9.0.4"
else
	bad "iptables -j RTPENGINE"
fi
if [ -z "$ONLY" ]; then
	measure kernel
	measure userspace
fi
cost_meter
iptables -D INPUT -d 10.9.0.4/32 -p udp -j RTPENGINE --id 0
nft flush chain ip filter INPUT
for path in kernel userspace rtpengine; do
	kill -TERM "${RD[$path]}"
	wait "${RD[$path]}"
done
# Ours only: rtpengine leaves its table behind at exit, which keeps its module loaded.
if rmmod xt_RTPRELAY; then ok "rmmod xt_RTPRELAY"; else bad "rmmod xt_RTPRELAY"; fi
