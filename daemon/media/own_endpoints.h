// SPDX-License-Identifier: GPL-3.0-or-later
// The relay's own endpoints: its listeners (ng; CLI and HTTP as they come) and its media
// sockets. Media sent to one of them turns a party's packets into control commands or into a
// forwarding loop, so signalling refuses SDP addresses that name them, and the packet path
// drops datagrams that one of the relay's media sockets sent. main() builds the one instance
// before serving and hands it to the registry and the media loops; media loops register the
// sockets they lease (any thread, the table is atomic) and the rest is read-only.
//
// The media range is not refused wholesale: on a shared address (loopback above all) other
// programs hold ports inside it, and a phone or a test party there is no loop. A port of the
// range is the relay's when one of its sockets is bound there, and may become the relay's
// when nothing is; only a port another program holds is not.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "media/interfaces.h"
#include "media/port_pool.h"
#include "media/stream.h"
#include "net/address.h"

namespace rtprelay::media {

class OwnEndpoints {
public:
	// `host`: the addresses of the host's network interfaces, which a listener bound to the
	// wildcard address listens on too (host_addresses() at start-up).
	OwnEndpoints(const Config& config, std::vector<net::IpAddress> host);
	OwnEndpoints(const OwnEndpoints&) = delete;
	OwnEndpoints& operator=(const OwnEndpoints&) = delete;

	static std::vector<net::IpAddress> host_addresses();

	// A control listener, `what` naming it in warnings ("ng"); before publishing.
	void add_listener(const net::Endpoint& endpoint, std::string what);

	// The sockets of a lease just taken from a pool are the relay's (until closed).
	void hold(const PortLease& lease);

	// Why the relay must not send media to `to` from a socket on `facing`, or nullopt.
	// Loopback is refused only when `facing` has no loopback address: a party on a real
	// network that names 127.0.0.1 or ::1 is hostile or broken.
	std::optional<std::string> refusal(const net::Endpoint& to,
	                                   const LogicalInterface& facing) const;

	// Packet path: whether `source` is one of the relay's media sockets. A range compare
	// (inline, all most datagrams need) and an address compare; a system call only for a
	// port the relay has held.
	bool in_media_range(uint16_t port) const { return port >= port_min_ && port <= port_max_; }
	bool is_own_media(const net::Endpoint& source) const;

	void count_refused() { refused_.fetch_add(1, std::memory_order_relaxed); }
	void count_loop_drop() { loop_drops_.fetch_add(1, std::memory_order_relaxed); }
	uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
	uint64_t loop_drops() const { return loop_drops_.load(std::memory_order_relaxed); }

private:
	struct Listener {
		net::Endpoint endpoint;
		std::string what;
	};
	// One media address: per port of the range, the descriptor + 1 of the relay's socket
	// last bound there (0: none yet). It may have been closed since; holds() checks.
	struct Pool {
		net::IpAddress bound;
		std::optional<net::IpAddress> advertised; // a hairpinning NAT reaches `bound` here
		std::unique_ptr<std::atomic<int>[]> fds;
	};

	bool is_local(const net::IpAddress& ip) const;
	const Pool* pool_for(const net::IpAddress& ip) const;
	bool holds(const Pool& pool, uint16_t port) const;

	std::vector<Listener> listeners_;
	std::vector<Pool> pools_;
	std::vector<net::IpAddress> host_;
	uint16_t port_min_;
	uint16_t port_max_;
	std::atomic<uint64_t> refused_{0};
	std::atomic<uint64_t> loop_drops_{0};
};

// Drops datagram `h` (of `len` bytes) received by `s` if one of the relay's own media sockets
// sent it: a forwarding loop. Counted as received and as a "relay loop" drop, but it neither
// reaches learning nor refreshes the stream's last packet time, so a call kept busy only by
// its own loop still times out. Packet path: no allocation. Null `own` checks nothing.
bool drop_own_media(OwnEndpoints& own, Stream& s, const net::Endpoint& source, size_t len);
inline bool drop_relay_loop(OwnEndpoints* own, Stream& s, const net::Endpoint& source, size_t len)
{
	return own && own->in_media_range(source.port()) && drop_own_media(*own, s, source, len);
}

} // namespace rtprelay::media
