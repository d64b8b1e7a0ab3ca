# Sourced by guest.sh: rtprelayd's own nftables chain and rule (docs/kernel.md, "nftables
# rule"). xt_RTPRELAY is loaded; no kernel table and no iptables rules exist, but iptables-nft
# left tables ip/ip6 filter with their INPUT chains (an existing base chain is the usual case).
# Leaves no chain of ours, no kernel table and no daemon.
NFT_T0=$SECONDS
modprobe -a nf_tables nft_compat

# Each program run costs about a second under TCG, so one nft run per change fills CHAIN
# ("FAMILY NAME" -> the chain's lines, for table filter) and the checks read it in bash alone.
declare -A CHAIN
snap() {
	local line t= c=
	CHAIN=()
	nft list ruleset > /tmp/nft.rs 2> /dev/null # (the guest has no /dev/fd for <(...))
	while IFS= read -r line; do
		case $line in
		"table "*" filter {") t=${line#table }; t=${t%% *} ;;
		"}") t= c= ;;
		$'\tchain '*' {') [ -n "$t" ] && c=${line#$'\tchain '} && c=${c% \{} && CHAIN["$t $c"]= ;;
		$'\t}') c= ;;
		*) [ -n "$c" ] && CHAIN["$t $c"]+="${line#$'\t\t'}"$'\n' ;;
		esac
	done < /tmp/nft.rs
}
# count FAMILY CHAIN GLOB: sets N to the number of the chain's lines matching GLOB
count() {
	local line
	N=0
	while IFS= read -r line; do
		[[ $line == $3 ]] && N=$((N + 1))
	done <<< "${CHAIN["$1 $2"]}"
}
# one_jump / no_jump FAMILY [BASE [CHAIN]]: BASE has one / no rule jumping to CHAIN
one_jump() { count "$1" "${2:-INPUT}" "jump ${3:-rtprelay}"; [ $N = 1 ]; }
no_jump() { count "$1" "${2:-INPUT}" "jump ${3:-rtprelay}"; [ $N = 0 ]; }
# one_target_rule FAMILY [CHAIN]: the chain holds one rule, UDP to RTPRELAY
one_target_rule() { count "$1" "${2:-rtprelay}" "meta l4proto udp *RTPRELAY*"; [ $N = 1 ]; }
has_chain() { [ -n "${CHAIN["$1 ${2:-rtprelay}"]+set}" ]; }
no_chain() { ! has_chain "$@"; }
# both CHECK ARGS...: CHECK holds for family ip and for ip6
both() { "$1" ip "${@:2}" && "$1" ip6 "${@:2}"; }
# nothing_left [CHAIN]: neither the chain nor a jump to it from INPUT, in ip and ip6
nothing_left() { both no_chain "$@" && both no_jump INPUT "$@"; }
# the first rule of ip filter INPUT (after its type line) is the jump
jump_first() { local l=${CHAIN["ip INPUT"]#*$'\n'}; [ "${l%%$'\n'*}" = "jump rtprelay" ]; }
rp_in_created() { count ip6 rp_in "type filter hook input priority filter; policy accept;"; [ $N = 1 ]; }
rp_in_stays() { both has_chain rp_in && both no_jump rp_in rp_test; }
all_gone() { nothing_left && nothing_left rp_test && both no_chain rp_in; }
operator_rule_stays() { count ip INPUT "*operator*"; [ $N = 1 ]; }
in_kernel() { rd_stats | grep -q 10:forwarding6:kernel; }
in_userspace() { rd_stats | grep -q 10:forwarding9:userspace; }
rd() { "$L/rtprelayd" --config-file=none --log-stderr "$@"; }

# --- start: chain, rule and jump in ip and ip6; UDP reaches the table through them
# An operator's rule, which must stay, behind the jump.
nft add rule ip filter INPUT meta l4proto udp counter comment '"operator"'
check "nft: rtprelayd --table=0 --no-fallback starts" rd_start --table=0 --no-fallback
snap
printf "    # ip filter rtprelay: %s" "${CHAIN["ip rtprelay"]}"
check "nft: ip and ip6 filter rtprelay hold the RTPRELAY rule" both one_target_rule
check "nft: ip and ip6 filter INPUT jump to rtprelay" both one_jump
check "nft: the jump comes first in INPUT" jump_first
check "nft: statistics says forwarding: kernel" in_kernel
check "nft: iptables-nft still reads filter INPUT" sh -c 'iptables -S INPUT | grep -q -- "-j rtprelay"'
check "nft: ADD_TARGET next to the daemon" rpctl add 0 127.0.0.1:30000 127.0.0.1:40000 drop 127.0.0.1:30002 127.0.0.1:40002
xfer 127.0.0.1:40000 rtp 20 20 0
check "nft: the rule steers IPv4 UDP into the table" has "$FWD" "received 20 from 127.0.0.1:30002"
check "nft: ADD_TARGET IPv6" rpctl add 0 [::1]:30000 [::1]:40000 drop [::1]:30002 [::1]:40002
xfer [::1]:40000 rtp 20 20 0 "[::1]"
check "nft: the rule steers IPv6 UDP into the table" has "$FWD" "received 20 from \[::1\]:30002"
rpctl del 0 127.0.0.1:30000; rpctl del 0 [::1]:30000
check "nft: rtprelayd stops cleanly" rd_stop
snap
check "nft: at stop the chain and the jumps are gone (ip, ip6)" nothing_left
check "nft: the operator's rule stays" operator_rule_stays
check "nft: the daemon's kernel table is deleted" test ! -e /proc/rtprelay/0
nft delete rule ip filter INPUT handle "$(nft -a list chain ip filter INPUT | sed -n 's/.*operator.* # handle //p')"

# --- a crashed run's chain and jump are replaced, not doubled
check "nft: rtprelayd starts (to be killed)" rd_start --table=0 --no-fallback
kill -9 $RD; wait $RD 2> /dev/null
snap
check "nft: after kill -9 the chain and jump remain" both one_jump
check "nft: rtprelayd starts again over the leftovers" rd_start --table=0 --no-fallback
snap
check "nft: still one jump (ip, ip6)" both one_jump
check "nft: still one RTPRELAY rule (ip, ip6)" both one_target_rule
check "nft: rtprelayd stops cleanly after the restart" rd_stop
snap
check "nft: nothing left after the restart" nothing_left
# the second daemon took the killed one's kernel table over, so it stays: delete it here
echo "del 0" > /proc/rtprelay/control

# --- --nftables-chain= leaves steering to the operator
check "nft: --nftables-chain= starts" rd_start --table=0 --no-fallback --nftables-chain=
snap
check "nft: --nftables-chain= creates no chain and no jump" nothing_left
check "nft: --nftables-chain= says so" grep -q "no nftables rule" /tmp/rd.log
check "nft: rtprelayd --nftables-chain= stops" rd_stop

# --- --nftables-base-chain= creates the chain without a jump
check "nft: --nftables-base-chain= starts" rd_start --table=0 --no-fallback --nftables-base-chain=
snap
check "nft: --nftables-base-chain= creates the chain (ip, ip6)" both one_target_rule
check "nft: --nftables-base-chain= adds no jump" both no_jump
check "nft: rtprelayd --nftables-base-chain= stops" rd_stop
snap
check "nft: its chain is gone at stop" both no_chain

# --- one-shots for init scripts: rules only, no kernel table needed
check "nft: --nftables-start exits 0" rd --nftables-start --table=0
check "nft: --nftables-start again exits 0" rd --nftables-start --table=0
snap
check "nft: --nftables-start created the chain with its rule (ip, ip6)" both one_target_rule
check "nft: --nftables-start created one jump (ip, ip6)" both one_jump
check "nft: --nftables-start did not need the kernel table" test ! -e /proc/rtprelay/0
check "nft: --nftables-stop exits 0" rd --nftables-stop
snap
check "nft: --nftables-stop removed chain and jumps" nothing_left
check "nft: --nftables-stop with nothing to remove exits 0" rd --nftables-stop
check "nft: --nftables-start with --nftables-stop is refused" sh -c "! $L/rtprelayd --config-file=none --nftables-start --nftables-stop"
check "nft: --nftables-start without CAP_NET_ADMIN fails" sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups $L/rtprelayd --config-file=none --nftables-start --table=0 > /tmp/nft-eperm.log 2>&1"
check "nft: ... naming the fix" grep -q "run rtprelayd as root or with CAP_NET_ADMIN" /tmp/nft-eperm.log

# --- other names; a missing base chain is created on the input hook, and stays
NAMES="--nftables-chain=rp_test --nftables-base-chain=rp_in"
check "nft: --nftables-start $NAMES" rd --nftables-start --table=0 $NAMES
snap
check "nft: base chain rp_in created: filter, hook input, priority 0, policy accept" rp_in_created
check "nft: rp_in jumps to rp_test (ip, ip6)" both one_jump rp_in rp_test
check "nft: rp_test holds the RTPRELAY rule (ip, ip6)" both one_target_rule rp_test
check "nft: INPUT is left alone" both no_jump INPUT rp_test
check "nft: --nftables-stop $NAMES" rd --nftables-stop $NAMES
snap
check "nft: rp_test is gone" both no_chain rp_test
check "nft: rp_in stays, without the jump" rp_in_stays
nft delete chain ip filter rp_in; nft delete chain ip6 filter rp_in

# --- without nft_compat the daemon says how to fix it and falls back (or, --no-fallback, exits)
if rmmod nft_compat 2> /dev/null; then
	MODPROBE=$(cat /proc/sys/kernel/modprobe)
	echo /bin/false > /proc/sys/kernel/modprobe # and no autoload
	check "nft: without nft_compat, --no-fallback refuses to start" sh -c "! $L/rtprelayd --config-file=none --foreground --log-stderr --listen-ng=127.0.0.1:2223 --table=0 --no-fallback > /tmp/rd2.log 2>&1"
	sed -n 's/^rtprelayd: /    # /p' /tmp/rd2.log
	check "nft: ... naming the fix" grep -q "modprobe nft_compat" /tmp/rd2.log
	check "nft: ... and the iptables alternative" grep -q "iptables -I INPUT -p udp -j RTPRELAY --id 0" /tmp/rd2.log
	snap
	check "nft: ... leaving no chain and no jump (one atomic batch)" nothing_left
	check "nft: ... and no kernel table" test ! -e /proc/rtprelay/0
	check "nft: without nft_compat, rtprelayd falls back" rd_start --table=0
	check "nft: ... statistics says userspace" in_userspace
	check "nft: ... and its kernel table is deleted" test ! -e /proc/rtprelay/0
	check "nft: rtprelayd (fallen back) stops cleanly" rd_stop
	echo "$MODPROBE" > /proc/sys/kernel/modprobe
	modprobe nft_compat
else
	ok "nft: # skip the missing-nft_compat case: nft_compat is in use"
fi

snap
check "nft: nothing of ours is left" all_gone
echo "    # nft part: $((SECONDS - NFT_T0)) s"
