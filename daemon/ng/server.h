// SPDX-License-Identifier: GPL-3.0-or-later
// The ng control server: the request core (reply cache, dispatch into the command table) and
// the transports that feed it: UDP listeners (--listen-ng), TCP listeners (--listen-tcp-ng)
// and in-process submission for HTTP (POST /ng, /ng-plain). Lives on the control loop;
// nothing here blocks, so one slow or hostile client cannot hold up the others.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "event/loop.h"
#include "net/address.h"
#include "ng/command.h"
#include "ng/request_core.h"
#include "ng/server_stats.h"
#include "ng/tcp_listener.h"
#include "ng/udp_listener.h"
#include "util/result.h"

namespace rtprelay::ng {

class Server {
public:
	using Stats = ServerStats;

	static constexpr size_t kMaxReplySize = UdpListener::kMaxReplySize;
	// An HTTP body has no datagram limit; the TCP one keeps a reply from filling the cache.
	static constexpr size_t kMaxSubmitReplySize = TcpListener::kMaxReplySize;

	// The reply to a submitted message, as the bytes to send back; empty when the message had
	// no cookie to answer to (the caller answers that itself, e.g. HTTP 400).
	using Done = std::function<void(std::string reply)>;

	static Result<std::unique_ptr<Server>>
	create(event::Loop& loop, const std::vector<net::Endpoint>& listen, CommandTable commands,
	       call::Registry* calls, // may be null: tests of the protocol layer alone
	       const std::vector<net::Endpoint>& listen_tcp = {});
	~Server();
	Server(const Server&) = delete;
	Server& operator=(const Server&) = delete;

	// In-process ng, for HTTP POST /ng: `message` (copied; the caller may free it at once)
	// is "cookie SP dictionary" (bencode or JSON), answered in the same framing through the
	// same reply cache as UDP and TCP, so a retransmission over any of them is not run twice.
	// `done` runs once, on the control thread, maybe before submit() returns and maybe long
	// after (a command that waits on a media loop); by then the HTTP connection may be closed,
	// so `done` must hold what it needs (a shared or weak pointer to the request's state), not
	// a raw pointer to it. It never runs after the Server is destroyed.
	void submit(std::string_view message, const net::Endpoint& peer, Done done);
	// For POST /ng-plain: a bare dictionary in, a bare dictionary out, no cookie, and so not
	// cached: nothing identifies a retransmission. Otherwise as submit().
	void submit_plain(std::string_view body, const net::Endpoint& peer, Done done);

	// For a server without calls of its own (rtprelay-ctl-proxy): SIP OPTIONS probes hear
	// 503 while `refusing` returns true.
	void refuse_new_calls_when(std::function<bool()> refusing)
	{
		core_->refuse_new_calls_when(std::move(refusing));
	}

	const Stats& stats() const { return core_->stats(); }
	// Bound UDP addresses, in the order given (a requested port 0 shows the port chosen).
	std::vector<net::Endpoint> local_endpoints() const;
	// Bound TCP addresses, likewise.
	std::vector<net::Endpoint> tcp_endpoints() const;

private:
	Server() = default;

	std::vector<std::unique_ptr<UdpListener>> udp_;
	std::vector<std::unique_ptr<TcpListener>> tcp_;
	// Last, so destroyed first: the sinks of requests still running point into the listeners.
	std::unique_ptr<RequestCore> core_;
};

} // namespace rtprelay::ng
