// SPDX-License-Identifier: GPL-3.0-or-later
// The relay nodes behind the proxy and their health checks: an ng `ping` to each node every
// second (any answer: up; `misses` unanswered in a row: down; "port unreachable": down at
// once) and a `statistics` every stats_interval_s for the node's own sessions, which
// placement weighs. Loop thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "event/loop.h"
#include "node.h"
#include "node_client.h"
#include "node_spec.h"
#include "util/result.h"

namespace rtprelay::proxy {

struct HealthSettings {
	int misses = 2;           // unanswered pings in a row that take a node down
	int stats_interval_s = 5; // how often each node's sessions are asked for
};

class NodeSet {
public:
	// Pings every node at once, then every second.
	static Result<std::unique_ptr<NodeSet>> create(event::Loop& loop,
	                                               std::vector<NodeSpec> specs,
	                                               NodeClient::Timing timing,
	                                               HealthSettings health);
	NodeSet(const NodeSet&) = delete;
	NodeSet& operator=(const NodeSet&) = delete;

	size_t size() const { return nodes_.size(); }
	Node& at(size_t i) { return *nodes_[i]; }
	const Node& at(size_t i) const { return *nodes_[i]; }
	Node* find(std::string_view name);
	bool any_up() const;

	// The node for a new call, skipping those marked in `tried` (same size as the set).
	std::optional<size_t> choose(const std::vector<bool>& tried, int64_t now_ms);

	// A request for a client found the node silent: counts like a missed ping.
	void missed(Node& node);

private:
	NodeSet(HealthSettings health) : health_(health) {}
	static void on_tick(evutil_socket_t fd, short what, void* arg);
	void tick();
	void ping(Node& node);
	void ask_sessions(Node& node);
	void note(Node& node, bool changed, const char* why);

	HealthSettings health_;
	std::vector<std::unique_ptr<Node>> nodes_;
	event::EventPtr timer_{nullptr, event_free};
	size_t rotation_ = 0;
	int ticks_ = 0;
};

} // namespace rtprelay::proxy
