// SPDX-License-Identifier: GPL-3.0-or-later
// The transport-neutral half of the ng server: takes one framed message from any transport
// (UDP datagram, TCP stream, HTTP body), answers retransmissions from the reply cache (shared by
// all transports), dispatches new ones into the command table and hands the encoded reply to
// the transport's Sink. Control thread only, but for a reply sent from the media loop where
// its command's work ran (EarlyReply); nothing here blocks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "event/loop.h"
#include "net/address.h"
#include "ng/command.h"
#include "ng/cookie_cache.h"
#include "ng/message.h"
#include "ng/server_stats.h"
#include "util/arena.h"
#include "util/result.h"

namespace rtprelay::ng {

class RequestCore {
public:
	// Where one reply goes. Called at most once, on the control thread, at once or after the
	// command's work on a media loop; never after the RequestCore is gone. The bytes are valid
	// during the call only.
	using Sink = std::function<void(std::string_view reply)>;

	// The largest reply a transport carries, and what to call it in the error that replaces
	// a longer one ("reply too large for one datagram").
	struct ReplyLimit {
		size_t bytes;
		const char* carrier;
	};

	static Result<std::unique_ptr<RequestCore>> create(event::Loop& loop, CommandTable commands,
	                                                   call::Registry* calls);
	~RequestCore();
	RequestCore(const RequestCore&) = delete;
	RequestCore& operator=(const RequestCore&) = delete;

	// A message framed as "cookie SP dictionary" (bencode or JSON). Returns false, without
	// calling `sink`, when it has no cookie to answer to (counted in no_cookie). A reply
	// longer than the limit is replaced by a short error reply (and cached as such).
	// `any_thread`: the sink may also be called on a media loop, where the command's work
	// ran, while the control thread runs other code; it must touch nothing but its socket.
	// The reply then goes out without waking the control thread (ng/command.h EarlyReply).
	bool handle(std::string_view message, const net::Endpoint& peer, ReplyLimit limit,
	            Sink sink, bool any_thread = false);
	// A bare dictionary, answered without a cookie and not cached: with no cookie there is
	// nothing to recognise a retransmission by.
	void handle_plain(std::string_view body, const net::Endpoint& peer, ReplyLimit limit,
	                  Sink sink);

	// Runs what replies sent from media loops left for this thread (the reply cache, the
	// call registry), for a transport's request that the core does not see (SIP OPTIONS).
	void catch_up() { loop_.catch_up(); }
	ServerStats& stats() { return stats_; }
	const ServerStats& stats() const { return stats_; }
	// Whether health probes should hear "unavailable": a load limit is hit or the node drains,
	// or what the predicate given here says (a proxy with no node up).
	bool refusing_new_calls() const;
	void refuse_new_calls_when(std::function<bool()> refusing)
	{
		refusing_ = std::move(refusing);
	}

private:
	// An encoded reply, and what the control thread counts and logs about it.
	struct Encoded {
		std::string bytes;
		std::string too_large; // why the reply was replaced by an error; empty: it was not
		bool error = false;    // result=error
		std::string error_reason;
	};

	// One request from arrival to reply: owns the message its views point into.
	struct Pending {
		std::string message;
		Framing framing;
		Arena arena;
		net::Endpoint peer;
		Sink sink;
		ReplyLimit limit{0, ""};
		bool cached = false;     // keyed by cookie in cache_; waiters get the reply too
		bool statistics = false; // the server adds its own counters to that reply
		bool dispatching = false;
		bool finished = false;
		bool any_thread = false; // the sink may be called on a media loop
		// Sent by an EarlyReply, on the thread the work ran on: complete() sends nothing.
		bool sent_early = false;
		Encoded sent;
	};

	RequestCore(event::Loop& loop, CommandTable commands, call::Registry* calls);
	void execute(uint64_t id);
	void complete(uint64_t id, const Value& reply);
	// Any thread but for `statistics`, whose reply takes the server's counters.
	Encoded encode_sendable(Pending& p, const Value& reply) const;
	void count(const Pending& p, const Encoded& e);
	std::string encode(const Pending& p, const Value& reply) const;
	void add_server_stats(Value& reply, Arena& arena) const;
	void add_transport_stats(Value& reply, Arena& arena) const;
	void note_evictions(uint64_t before);

	event::Loop& loop_;
	CommandTable commands_;
	call::Registry* calls_;
	std::function<bool()> refusing_;
	CookieCache cache_;
	event::EventPtr cache_tick_{nullptr, event_free}; // ages the reply cache once a second
	std::unordered_map<uint64_t, std::unique_ptr<Pending>> pending_;
	// Retransmissions that arrived while their first copy ran, by CookieCache::Waiter::sink.
	std::unordered_map<uint64_t, Sink> waiting_;
	uint64_t next_id_ = 1;
	int64_t last_eviction_log_ = 0;
	ServerStats stats_;
};

} // namespace rtprelay::ng
