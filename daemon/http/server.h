// SPDX-License-Identifier: GPL-3.0-or-later
// The HTTP listener of --listen-http (libevent's evhttp) on the control loop: GET /ping,
// GET /metrics, and ng over HTTP (POST /ng with cookie framing, POST /ng-plain without). It
// only routes: ng requests go to the NgSubmit it was given, metrics to the MetricsSource.
#pragma once

#include <event2/http.h>

#include <functional>
#include <memory>
#include <string>

#include "event/loop.h"
#include "net/address.h"
#include "util/result.h"

namespace rtprelay::http {

// Runs one ng request as the UDP server would (same reply cache): `message` is the request
// body, cookie-framed ("<cookie> <dictionary>") or, with `plain`, the bare dictionary; `done`
// gets the reply in the same framing, exactly once, on the control loop, possibly later.
using NgSubmit = std::function<void(std::string message, bool plain, const net::Endpoint& peer,
                                    std::function<void(std::string reply)> done)>;

// The exposition text of GET /metrics, built on the control loop.
using MetricsSource = std::function<std::string()>;

class Server {
public:
	// Request bodies beyond this are refused with 413 before they are read in full: the
	// largest ng message (ng::kMaxMessageSize) and a little room for framing.
	static constexpr size_t kMaxBodySize = 65536;
	static constexpr size_t kMaxHeadersSize = 8192;
	// Idle and slow connections are closed after this many seconds.
	static constexpr int kTimeoutSeconds = 30;

	static Result<std::unique_ptr<Server>>
	create(event::Loop& loop, const net::Endpoint& listen, NgSubmit ng, MetricsSource metrics);
	~Server();
	Server(const Server&) = delete;
	Server& operator=(const Server&) = delete;

	// The bound address (a requested port 0 shows the port chosen).
	const net::Endpoint& local_endpoint() const { return local_; }

private:
	using EvhttpPtr = std::unique_ptr<evhttp, decltype(&evhttp_free)>;
	Server(event::Loop& loop, EvhttpPtr http, NgSubmit ng, MetricsSource metrics);
	static void on_request(evhttp_request* req, void* arg);
	void route(evhttp_request* req);
	void submit_ng(evhttp_request* req, bool plain);

	event::Loop& loop_;
	EvhttpPtr http_;
	NgSubmit ng_;
	MetricsSource metrics_;
	net::Endpoint local_;
	// ng replies may come back after the server is gone (shutdown): they check this first.
	std::shared_ptr<Server*> self_;
};

} // namespace rtprelay::http
