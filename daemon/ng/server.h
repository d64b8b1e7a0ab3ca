// SPDX-License-Identifier: GPL-3.0-or-later
// The ng control server: UDP listeners, cookie framing, the reply cache, SIP OPTIONS probes,
// and dispatch into the command table. Lives on the control loop; nothing here blocks, so one
// slow or hostile client cannot hold up the others.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "event/loop.h"
#include "net/address.h"
#include "ng/command.h"
#include "ng/cookie_cache.h"
#include "ng/message.h"
#include "util/arena.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay::ng {

class Server {
public:
	struct Stats {
		uint64_t received = 0;  // datagrams read
		uint64_t no_cookie = 0; // dropped: no parseable cookie
		uint64_t oversized = 0; // dropped: larger than kMaxMessageSize
		uint64_t retransmits =
		        0;             // answered from the reply cache or joined a running command
		uint64_t commands = 0; // requests executed
		uint64_t errors = 0;   // replies with result=error
		uint64_t sip_options = 0; // OPTIONS answered
		uint64_t sip_ignored = 0; // other SIP requests, responses, OPTIONS without headers
		uint64_t sip_too_large = 0; // OPTIONS whose answer would be larger: not answered
		uint64_t replies_too_large =
		        0; // replaced by an error: no datagram could carry them
		uint64_t send_errors = 0;
	};

	// The largest UDP payload IPv4 can carry (65,535 minus the IP and UDP headers); a reply
	// over it cannot be sent at all, so the client would time out without a word.
	static constexpr size_t kMaxReplySize = 65507;

	static Result<std::unique_ptr<Server>>
	create(event::Loop& loop, const std::vector<net::Endpoint>& listen, CommandTable commands,
	       call::Registry* calls); // calls may be null: tests of the protocol layer alone
	~Server();
	Server(const Server&) = delete;
	Server& operator=(const Server&) = delete;

	const Stats& stats() const { return stats_; }
	// Bound addresses, in the order given (a requested port 0 shows the port chosen).
	std::vector<net::Endpoint> local_endpoints() const;

private:
	struct Listener {
		Server* server;
		size_t index;
		UniqueFd fd;
		event::EventPtr ev{nullptr, event_free};
		net::Endpoint local;
	};
	// One request from arrival to reply: owns the datagram its views point into.
	struct Pending {
		std::string datagram;
		Framing framing;
		Arena arena;
		CookieCache::Waiter origin;
		bool statistics = false; // the server adds its own counters to that reply
		bool dispatching = false;
		bool finished = false;
	};

	Server(event::Loop& loop, CommandTable commands, call::Registry* calls);
	Result<void> listen(const net::Endpoint& ep);
	static void on_readable(evutil_socket_t fd, short what, void* arg);
	void read_from(Listener& listener);
	void handle(size_t listener, std::string_view data, const net::Endpoint& peer);
	void handle_sip(size_t listener, std::string_view data, const net::Endpoint& peer);
	void execute(uint64_t id);
	void complete(uint64_t id, const Value& reply);
	std::string encode_sendable(Pending& p, const Value& reply);
	void add_server_stats(Value& reply, Arena& arena) const;
	void note_evictions(uint64_t before);
	void send(size_t listener, const net::Endpoint& peer, std::string_view data);
	void note_dropped(const char* why, const net::Endpoint& peer);

	event::Loop& loop_;
	CommandTable commands_;
	call::Registry* calls_;
	std::vector<std::unique_ptr<Listener>> listeners_;
	CookieCache cache_;
	event::EventPtr cache_tick_{nullptr, event_free}; // ages the reply cache once a second
	std::unordered_map<uint64_t, std::unique_ptr<Pending>> pending_;
	uint64_t next_id_ = 1;
	std::vector<char> buffer_;
	int64_t last_drop_log_ = 0;
	int64_t last_eviction_log_ = 0;
	Stats stats_;
};

} // namespace rtprelay::ng
