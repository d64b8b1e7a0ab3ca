// SPDX-License-Identifier: GPL-3.0-or-later
// ng over TCP (--listen-tcp-ng): accepts connections, splits each stream into messages
// ("cookie SP bencode", many per connection) for the request core and writes the replies back
// in request order, as rtpengine does. Every connection is bounded: unparsed input, requests
// in flight, queued reply bytes and idle time; crossing a bound closes that connection only,
// with a logged reason and a counter. Control thread only; nothing here blocks.
#pragma once

#include <event2/bufferevent.h>
#include <event2/listener.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "event/loop.h"
#include "net/address.h"
#include "ng/message.h"
#include "ng/message_splitter.h"
#include "ng/request_core.h"
#include "util/result.h"

namespace rtprelay::ng {

class TcpListener {
public:
	static constexpr size_t kMaxConnections = 128;
	// One message at most, its cookie, and a little whitespace before it.
	static constexpr size_t kMaxUnparsed = kMaxMessageSize + kMaxCookieLength + 64;
	// TCP carries more than a datagram; this keeps one reply from filling the reply cache.
	static constexpr size_t kMaxReplySize = size_t{1} << 20;
	// Requests read but not yet answered; reading pauses at this many.
	static constexpr size_t kMaxInFlight = 64;
	// Reading pauses while more reply bytes than this wait for the client to read them...
	static constexpr size_t kPauseOutput = size_t{256} << 10;
	// ...and a client that lets them grow past this is closed: room for the largest replies
	// to requests read before the pause, not for all kMaxInFlight of them.
	static constexpr size_t kMaxOutput = kPauseOutput + 4 * kMaxReplySize;
	// Closed after this long with nothing read and nothing in flight.
	static constexpr int kIdleSeconds = 600;

	// The sinks it gives `core` name connections by id, so a reply for a closed connection is
	// dropped; still, destroy the core first.
	static Result<std::unique_ptr<TcpListener>> create(event::Loop& loop, RequestCore& core,
	                                                   const net::Endpoint& ep);
	~TcpListener();
	TcpListener(const TcpListener&) = delete;
	TcpListener& operator=(const TcpListener&) = delete;

	const net::Endpoint& local() const { return local_; }

private:
	using BufferEventPtr = std::unique_ptr<bufferevent, decltype(&bufferevent_free)>;
	using ListenerPtr = std::unique_ptr<evconnlistener, decltype(&evconnlistener_free)>;

	struct Connection {
		TcpListener* owner;
		uint64_t id;
		net::Endpoint peer;
		BufferEventPtr bev{nullptr, bufferevent_free};
		MessageSplitter splitter;
		// Replies by request order; the front is the oldest request still owed. nullopt:
		// its command still runs.
		std::deque<std::optional<std::string>> replies;
		uint64_t first_seq = 0; // request number of replies.front()
		bool eof = false;       // the client shut down its sending side
	};
	enum class CloseReason { kDone, kOversized, kMalformed, kIdle, kSlowReader, kError };

	TcpListener(event::Loop& loop, RequestCore& core);
	static void on_accept(evconnlistener* l, evutil_socket_t fd, sockaddr* sa, int len,
	                      void* arg);
	static void on_read(bufferevent* bev, void* arg);
	static void on_write(bufferevent* bev, void* arg);
	static void on_event(bufferevent* bev, short what, void* arg);
	void accept(evutil_socket_t fd, const net::Endpoint& peer);
	void parse(uint64_t id);
	bool paused(const Connection& c) const;
	void reply(uint64_t id, uint64_t seq, std::string_view data);
	void flush(Connection& c);
	void maybe_finish(Connection& c);
	void close(Connection& c, CloseReason reason, const char* why);
	Connection* find(uint64_t id);

	event::Loop& loop_;
	RequestCore& core_;
	ServerStats& stats_;
	ListenerPtr listener_{nullptr, evconnlistener_free};
	net::Endpoint local_;
	std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
	uint64_t next_id_ = 1;
	int64_t last_refusal_log_ = 0;
};

} // namespace rtprelay::ng
