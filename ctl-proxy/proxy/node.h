// SPDX-License-Identifier: GPL-3.0-or-later
// What the proxy knows of one relay node: whether it answers (up after any answer, down after
// `misses` health checks in a row went unanswered, or at once when its host says nothing
// listens on the port), how loaded it is (the sessions its last `statistics` reported plus the
// calls placed on it since), and whether it refused a new call lately ("load limit" or one of
// the errors OpenSIPS fails over on), which keeps new calls away for a while.
#pragma once

#include <cstdint>
#include <memory>

#include "node_client.h"
#include "node_spec.h"

namespace rtprelay::proxy {

class Node {
public:
	Node(NodeSpec spec, std::unique_ptr<NodeClient> client)
	    : spec_(std::move(spec)), client_(std::move(client))
	{
	}

	const NodeSpec& spec() const { return spec_; }
	const std::string& name() const { return spec_.name; }
	NodeClient& client() { return *client_; }

	// Health. Each returns true when it changed up().
	bool answered();
	bool missed(int misses_allowed);
	bool refused();
	bool up() const { return up_; }
	int misses() const { return misses_; }

	// Load.
	void set_sessions(int64_t sessions);
	void placed() { placed_since_report_++; }
	int64_t sessions() const { return reported_sessions_ + placed_since_report_; }

	// A refused new call: no new calls until now_ms + hold_ms.
	void refuse_new_calls_until(int64_t until_ms) { refusing_until_ms_ = until_ms; }
	bool refusing_new_calls(int64_t now_ms) const { return now_ms < refusing_until_ms_; }

	// Takes new calls: up, weight above 0, not refusing.
	bool accepts_new_calls(int64_t now_ms) const
	{
		return up_ && spec_.weight > 0 && !refusing_new_calls(now_ms);
	}

	struct Counters {
		uint64_t forwarded = 0; // commands sent on for clients
		uint64_t failed = 0;    // of those: no reply in time
		uint64_t refused = 0;   // new calls it turned away
	};
	Counters& counters() { return counters_; }
	const Counters& counters() const { return counters_; }

private:
	NodeSpec spec_;
	std::unique_ptr<NodeClient> client_;
	bool up_ = false; // until it first answers
	int misses_ = 0;
	int64_t reported_sessions_ = 0;
	int64_t placed_since_report_ = 0;
	int64_t refusing_until_ms_ = 0;
	Counters counters_;
};

} // namespace rtprelay::proxy
