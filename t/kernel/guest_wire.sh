# Sourced by guest.sh: what the module sends must be right on a real wire, not only on
# loopback, which trusts any checksum. The caller (netns wa) and the callee (netns wb) sit
# behind veth pairs; the relay's side towards wb has transmit checksumming off, so the stack
# computes every UDP checksum the module left to the device, and wb's UDP layer verifies it.
# A target with two outputs sends a copy to the first and the received packet itself,
# rewritten, to the second; a sender with IP options forces copies for both; a GSO packet goes
# to the stack. Last, a target used from inside a namespace that is then deleted.
# Needs: no table 0, no RTPRELAY rules.
wire_setup() {
	ip netns add wa && ip netns add wb &&
	ip link add va type veth peer name va2 && ip link set va2 netns wa &&
	ip link add vb type veth peer name vb2 && ip link set vb2 netns wb &&
	ip addr add 10.7.1.1/24 dev va && ip -6 addr add fd07:1::1/64 dev va nodad &&
	ip addr add 10.7.2.1/24 dev vb && ip -6 addr add fd07:2::1/64 dev vb nodad &&
	ip link set va up && ip link set vb up &&
	ip netns exec wa sh -c 'ip link set lo up && ip addr add 10.7.1.2/24 dev va2 &&
		ip -6 addr add fd07:1::2/64 dev va2 nodad && ip link set va2 up' &&
	ip netns exec wb sh -c 'ip link set lo up && ip addr add 10.7.2.2/24 dev vb2 &&
		ip -6 addr add fd07:2::2/64 dev vb2 nodad && ip link set vb2 up' &&
	ethtool -K vb tx off > /dev/null && ethtool -k vb | grep -q '^tx-checksumming: off'
}

# wire_xfer DESC N HOW SENDER...: the sender's N packets must reach both outputs in wb,
# complete; HOW says how the second one is made. Sets W1 and W2 to the receivers' reports.
# The receivers wait up to 10 s for each packet: python3 can take seconds to start in TCG.
wire_xfer() {
	local desc=$1 n=$2 how=$3; shift 3
	ip netns exec wb udptool recv "$O1" "$n" 10000 > /tmp/w1.out & local p1=$!
	ip netns exec wb udptool recv "$O2" "$n" 10000 > /tmp/w2.out & local p2=$!
	sleep 0.3
	ip netns exec wa "$@"
	wait $p1 $p2
	W1=$(cat /tmp/w1.out) W2=$(cat /tmp/w2.out)
	echo "    # $desc: first output: $W1; second: $W2"
	check "$desc: $n to the first output (a copy), from the relay" has "$W1" "received $n from $R1 "
	check "$desc: $n to the second output ($how), from the relay" has "$W2" "received $n from $R2 "
}

# UDP checksum errors counted in netns wb
csum_errors() {
	ip netns exec wb awk '$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) col[$i] = i; h = 1 }
		else print $col["InCsumErrors"] }' /proc/net/snmp
}
csum6_errors() { ip netns exec wb awk '$1 == "Udp6InCsumErrors" {print $2}' /proc/net/snmp6; }

# A sender whose IPv4 packets carry an IP option (four NOPs): their headers cannot be reused.
SEND_OPTS='import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, b"\x01\x01\x01\x01")
s.bind(("10.7.1.2", 40000))
for i in range(int(sys.argv[1])):
    s.sendto(struct.pack("!BBHII", 0x80, 0, i, i * 160, 0x11223344) + bytes(160), ("10.7.1.1", 30000))
    time.sleep(0.002)'

# A sender using UDP GSO: N datagrams of 172 bytes handed to the stack as one packet.
SEND_GSO='import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, 103, 172)  # UDP_SEGMENT
s.bind(("10.7.1.2", 40000))
n = int(sys.argv[1])
rtp = (struct.pack("!BBHII", 0x80, 0, i, i * 160, 0x11223344) + bytes(160) for i in range(n))
s.sendto(b"".join(rtp), ("10.7.1.1", 30000))'

if check "wire: caller and callee namespaces, checksum offload off towards the callee" wire_setup; then
	echo "add 0" > /proc/rtprelay/control
	check "wire: iptables and ip6tables -j RTPRELAY --id 0" sh -c \
		'iptables -I INPUT -p udp -j RTPRELAY --id 0 && ip6tables -I INPUT -p udp -j RTPRELAY --id 0'
	check "wire: ADD_TARGET with two outputs" rpctl add 0 10.7.1.1:30000 10.7.1.2:40000 drop \
		10.7.2.1:30002 10.7.2.2:40002 out=10.7.2.1:30004,10.7.2.2:40004
	O1=10.7.2.2:40002 O2=10.7.2.2:40004 R1=10.7.2.1:30002 R2=10.7.2.1:30004
	wire_xfer "wire IPv4" $N "rewritten in place" udptool send 10.7.1.2:40000 10.7.1.1:30000 $N rtp
	wire_xfer "wire IPv4 with IP options" 50 "a copy too" python3 -c "$SEND_OPTS" 50
	check "wire IPv4: the target counted every packet once" has "$(stats 10.7.1.1:30000)" "^packets $((N + 50)) "
	check "wire IPv4: no UDP checksum errors at the callee" test "$(csum_errors)" = 0

	# A GSO packet (a local sender's UDP_SEGMENT crosses veth whole; so does what GRO merges
	# with rx-gro-list) holds 20 datagrams under one UDP header. The target must leave it to
	# the stack, whose socket layer splits it for userspace (here a socket standing in for
	# the relay), not forward it as one datagram.
	udptool recv 10.7.1.1:30000 20 10000 > /tmp/gso.out & p=$!
	ip netns exec wb udptool recv "$O1" 0 3000 > /tmp/gso1.out & p1=$!
	ip netns exec wb udptool recv "$O2" 0 3000 > /tmp/gso2.out & p2=$!
	sleep 0.3
	ip netns exec wa python3 -c "$SEND_GSO" 20
	wait $p $p1 $p2
	echo "    # wire GSO: userspace $(cat /tmp/gso.out); outputs $(cat /tmp/gso1.out), $(cat /tmp/gso2.out)"
	check "wire GSO: 20 datagrams sent as one reach userspace one by one" \
		grep -q "received 20 from 10.7.1.2:40000 " /tmp/gso.out
	check "wire GSO: nothing forwarded to the outputs" \
		sh -c 'grep -q "received 0 " /tmp/gso1.out && grep -q "received 0 " /tmp/gso2.out'
	check "wire GSO: the target counted none of it" has "$(stats 10.7.1.1:30000)" "^packets $((N + 50)) "

	check "wire: ADD_TARGET IPv6 with two outputs" rpctl add 0 [fd07:1::1]:30000 [fd07:1::2]:40000 drop \
		[fd07:2::1]:30002 [fd07:2::2]:40002 out=[fd07:2::1]:30004,[fd07:2::2]:40004
	O1=[fd07:2::2]:40002 O2=[fd07:2::2]:40004 R1="\[fd07:2::1\]:30002" R2="\[fd07:2::1\]:30004"
	wire_xfer "wire IPv6" $N "rewritten in place" udptool send [fd07:1::2]:40000 [fd07:1::1]:30000 $N rtp
	check "wire IPv6: no UDP checksum errors at the callee" test "$(csum6_errors)" = 0

	# A table is global: a target also forwards for a relay inside a namespace (no cached
	# route there: it would not keep the namespace alive), and the same target still works
	# in the initial namespace once that namespace is gone. IPv6, whose routes point into
	# their namespace. Debian's kernel has no KASAN, so this shows the behaviour, not that no
	# freed memory is touched: a build that cached routes everywhere passed it too.
	check "netns: ADD_TARGET for an address inside netns wa" rpctl add 0 [fd07:1::2]:31000 \
		[fd07:1::2]:41000 drop [fd07:1::2]:31002 [fd07:1::1]:41002
	check "netns: ip6tables -j RTPRELAY inside wa" \
		ip netns exec wa ip6tables -I INPUT -p udp -j RTPRELAY --id 0
	udptool recv [fd07:1::1]:41002 50 10000 > /tmp/ns1.out & p=$!
	sleep 0.3
	ip netns exec wa udptool send [fd07:1::2]:41000 [fd07:1::2]:31000 50 rtp
	wait $p
	check "netns: 50 forwarded from inside wa" grep -q "received 50 from \[fd07:1::2\]:31002 " /tmp/ns1.out
	ip netns del wa
	sleep 1 # the namespace is freed asynchronously
	check "netns: wa and its veth are gone" sh -c '! ip link show va 2> /dev/null'
	ip -6 addr add fd07:1::1/128 dev lo nodad && ip -6 addr add fd07:1::2/128 dev lo nodad
	udptool recv [fd07:1::1]:41002 50 10000 > /tmp/ns2.out & p=$!
	sleep 0.3
	udptool send [fd07:1::2]:41000 [fd07:1::2]:31000 50 rtp
	wait $p
	check "netns: the same target forwards in the initial namespace after wa is gone" \
		grep -q "received 50 from \[fd07:1::2\]:31002 " /tmp/ns2.out
	check "netns: the target counted both namespaces' packets" has "$(stats [fd07:1::2]:31000)" "^packets 100 "
	ip -6 addr del fd07:1::1/128 dev lo && ip -6 addr del fd07:1::2/128 dev lo

	iptables -D INPUT -p udp -j RTPRELAY --id 0
	ip6tables -D INPUT -p udp -j RTPRELAY --id 0
	check "wire: del table 0" sh -c 'echo "del 0" > /proc/rtprelay/control'
fi
ip netns del wa 2> /dev/null
ip netns del wb 2> /dev/null
