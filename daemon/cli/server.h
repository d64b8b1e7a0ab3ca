// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI server on --listen-cli: TCP on the control loop, rtpengine-ctl's protocol. A client
// connects and sends one command line; the server writes the text answer and closes. Input is
// capped per connection, an idle client is dropped, and the number of open connections is
// bounded, so nothing a client does holds up the loop or grows without limit.
#pragma once

#include <event2/bufferevent.h>
#include <event2/listener.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "cli/command.h"
#include "event/loop.h"
#include "net/address.h"
#include "util/result.h"

namespace rtprelay::cli {

class Server {
public:
	// rtpengine-ctl sends a few words; a longer line is refused, not buffered.
	static constexpr size_t kMaxLine = 4096;
	// A client that has not sent its line (or read its answer) by then is dropped.
	static constexpr int kIdleSeconds = 5;
	// Further connections are closed at once until some finish.
	static constexpr size_t kMaxConnections = 64;

	// Runs one command line; answers through the Reply exactly once, at once or later.
	using Dispatch = std::function<void(std::string_view line, const Reply& done)>;

	// rtprelayd's CLI: its command table (command.h) over its calls.
	static Result<std::unique_ptr<Server>> create(event::Loop& loop,
	                                              const net::Endpoint& listen,
	                                              call::Registry& calls,
	                                              const ng::CommandTable& ng);
	// Another program's commands on the same protocol (rtprelay-ctl-proxy's).
	static Result<std::unique_ptr<Server>>
	create(event::Loop& loop, const net::Endpoint& listen, Dispatch dispatch);
	~Server() = default;
	Server(const Server&) = delete;
	Server& operator=(const Server&) = delete;

	// The bound address (a requested port 0 shows the port chosen).
	net::Endpoint local_endpoint() const;

private:
	using ListenerPtr = std::unique_ptr<evconnlistener, decltype(&evconnlistener_free)>;
	using BufferEventPtr = std::unique_ptr<bufferevent, decltype(&bufferevent_free)>;

	// One client from accept to close. A command that finishes after its client left finds
	// no connection under its id and its answer is dropped.
	struct Connection {
		Server* server;
		uint64_t id;
		BufferEventPtr bev{nullptr, bufferevent_free};
		bool answering = false; // the line was read; no more input is looked at
	};

	Server(event::Loop& loop, Dispatch dispatch) : loop_(loop), dispatch_(std::move(dispatch))
	{
	}
	static void on_accept(evconnlistener* l, evutil_socket_t fd, sockaddr* sa, int len,
	                      void* arg);
	static void on_read(bufferevent* bev, void* arg);
	static void on_written(bufferevent* bev, void* arg);
	static void on_event(bufferevent* bev, short what, void* arg);
	void accept(evutil_socket_t fd);
	void read_line(Connection& c, bool at_eof);
	void execute(Connection& c, const std::string& line);
	void answer(uint64_t id, std::string text);
	void close(uint64_t id);

	event::Loop& loop_;
	Dispatch dispatch_;
	ListenerPtr listener_{nullptr, evconnlistener_free};
	std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
	uint64_t next_id_ = 1;
};

} // namespace rtprelay::cli
