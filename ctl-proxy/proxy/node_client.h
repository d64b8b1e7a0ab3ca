// SPDX-License-Identifier: GPL-3.0-or-later
// ng over UDP to one relay node, asynchronous on the proxy's loop: each request gets the
// proxy's own cookie (clients' cookies may collide across clients; ours never repeat), is
// sent again with the same cookie until the node answers or the timeout passes (the node's
// reply cache answers a repeat without running it twice), and its reply datagram goes to
// the request's callback. The socket is connected, so a node that is not running shows at
// once: the kernel reports its ICMP "port unreachable" on the next receive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "event/loop.h"
#include "net/address.h"
#include "ng/value.h"
#include "util/arena.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay::proxy {

class NodeClient {
public:
	struct Timing {
		int timeout_ms = 1000;   // no reply by then: Error "no reply within ..."
		int retransmit_ms = 250; // the request goes again at this interval meanwhile
	};
	// The whole reply datagram ("cookie SP dictionary"), or an Error.
	using Done = std::function<void(Result<std::string> datagram)>;

	// cookie_prefix must be unique to this process among all the node's clients.
	static Result<std::unique_ptr<NodeClient>> create(event_base* base,
	                                                  const net::Endpoint& node, Timing timing,
	                                                  std::string cookie_prefix);
	// Pending requests are dropped without their callbacks.
	~NodeClient();
	NodeClient(const NodeClient&) = delete;
	NodeClient& operator=(const NodeClient&) = delete;

	// Whether a request keeps trying when the node's host says nothing listens (the node may
	// be restarting: a command of an existing call waits for it) or fails at once (a new
	// call, which another node can take).
	enum class OnRefusal { kRetry, kFail };

	// Sends `body` (an encoded ng dictionary). `done` runs exactly once on the loop, never
	// before send() returns, unless the client is destroyed first.
	void send(std::string_view body, Done done, OnRefusal on_refusal = OnRefusal::kRetry);
	// Called on the loop when the node's host says nothing listens on its port.
	void on_refused(std::function<void()> fn) { on_refused_ = std::move(fn); }

	size_t in_flight() const { return pending_.size(); }
	const net::Endpoint& node() const { return node_; }

private:
	struct Pending {
		NodeClient* owner = nullptr;
		std::string cookie;
		std::string datagram;
		Done done;
		int64_t deadline_ms = 0;
		OnRefusal on_refusal = OnRefusal::kRetry;
		event::EventPtr timer{nullptr, event_free};
	};

	NodeClient(event_base* base, const net::Endpoint& node, Timing timing, std::string prefix);
	static void on_readable(evutil_socket_t fd, short what, void* arg);
	static void on_timer(evutil_socket_t fd, short what, void* arg);
	static void on_refused_later(evutil_socket_t fd, short what, void* arg);
	void read_all();
	void transmit(Pending& p);
	void expire(Pending& p);
	void refused();

	event_base* base_;
	net::Endpoint node_;
	Timing timing_;
	std::string prefix_;
	uint64_t sequence_ = 0;
	UniqueFd fd_;
	event::EventPtr read_ev_{nullptr, event_free};
	event::EventPtr refused_ev_{nullptr, event_free}; // a refusal seen while sending
	std::unordered_map<std::string, std::unique_ptr<Pending>> pending_;
	std::function<void()> on_refused_;
};

// The reply dictionary in a node's datagram, decoded into `arena`, which keeps a copy of the
// bytes the Value points into.
Result<ng::Value> decode_node_reply(const std::string& datagram, Arena& arena);

} // namespace rtprelay::proxy
