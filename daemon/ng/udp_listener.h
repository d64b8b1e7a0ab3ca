// SPDX-License-Identifier: GPL-3.0-or-later
// ng over UDP (--listen-ng): one socket, one message per datagram, replies sent back from the
// same socket to the sender. SIP OPTIONS probes on the same port are answered here too.
// Control thread only; reads are non-blocking and bounded per wakeup.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "event/loop.h"
#include "net/address.h"
#include "ng/request_core.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay::ng {

class UdpListener {
public:
	// The largest UDP payload IPv4 can carry (65,535 minus the IP and UDP headers); a reply
	// over it cannot be sent at all, so the client would time out without a word.
	static constexpr size_t kMaxReplySize = 65507;

	// The sinks it gives `core` point to the listener: destroy the core first.
	static Result<std::unique_ptr<UdpListener>> create(event::Loop& loop, RequestCore& core,
	                                                   const net::Endpoint& ep);
	~UdpListener();
	UdpListener(const UdpListener&) = delete;
	UdpListener& operator=(const UdpListener&) = delete;

	// The bound address (a requested port 0 shows the port chosen).
	const net::Endpoint& local() const { return local_; }

private:
	explicit UdpListener(RequestCore& core);
	static void on_readable(evutil_socket_t fd, short what, void* arg);
	void read_all();
	void take(const mmsghdr& m, const iovec& iov);
	void handle(std::string_view data, const net::Endpoint& peer);
	void handle_sip(std::string_view data, const net::Endpoint& peer);
	// Any thread (a reply sent from a media loop): the socket and an atomic counter only.
	void send(const net::Endpoint& peer, std::string_view data);
	void note_dropped(const char* why, const net::Endpoint& peer);

	RequestCore& core_;
	ServerStats& stats_; // the core's: one set of counters for the whole ng server
	UniqueFd fd_;
	event::EventPtr ev_{nullptr, event_free};
	net::Endpoint local_;
	std::vector<char> buffer_;
	int64_t last_drop_log_ = 0;
};

} // namespace rtprelay::ng
