// SPDX-License-Identifier: GPL-3.0-or-later
// The proxy's ng commands. A command that names a call goes to the node holding the call (the
// call map says which); an offer for a call no node holds is placed (placement.h) and, when
// the node refuses it (load limit, a session or port limit, a standby) or does not answer,
// moved on to the next node, so a new call fails only when every node turned it away.
// `statistics` and `list` ask every node that is up and merge the answers; `ping` is answered
// by the proxy itself. After a delete the call stays mapped until its node no longer knows
// it (asked forget_after_s later), so a retransmitted or late command still finds it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "call_map.h"
#include "event/loop.h"
#include "ng/command.h"
#include "node_set.h"
#include "util/result.h"

namespace rtprelay::proxy {

struct RouterSettings {
	int forget_after_s = 40; // longer than the nodes' --delete-delay
	int refusal_hold_s = 10; // a node that refused a new call gets none for this long
};

class Router {
public:
	static Result<std::unique_ptr<Router>> create(event::Loop& loop, NodeSet& nodes,
	                                              CallMap& map, RouterSettings settings);
	Router(const Router&) = delete;
	Router& operator=(const Router&) = delete;

	// The command table for the ng server; it refers to this Router, which must outlive it.
	ng::CommandTable commands();

	struct Stats {
		uint64_t placed = 0;    // new calls given to a node
		uint64_t moved = 0;     // new calls moved on after a refusal or silence
		uint64_t unplaced = 0;  // new calls no node took
		uint64_t forgotten = 0; // calls dropped from the map after their delete
	};
	const Stats& stats() const { return stats_; }

private:
	struct Job;
	struct Gather;
	struct Recheck {
		int64_t due_ms;
		std::string call_id;
		std::string node;
	};

	Router(NodeSet& nodes, CallMap& map, RouterSettings settings)
	    : nodes_(nodes), map_(map), settings_(settings)
	{
	}
	void route(ng::Request& request, ng::Completion done);
	void place(const std::shared_ptr<Job>& job);
	void forward(const std::shared_ptr<Job>& job, Node& node);
	void placed_reply(const std::shared_ptr<Job>& job, Node& node, Result<std::string> r);
	void finish(const std::shared_ptr<Job>& job, Node& node, Result<ng::Value> reply);
	void ask_all(ng::Request& request, ng::Completion done);
	void answer_all(Gather& g) const;
	ng::Value proxy_section(Arena& arena) const;
	static void on_tick(evutil_socket_t fd, short what, void* arg);
	void recheck_due();

	NodeSet& nodes_;
	CallMap& map_;
	RouterSettings settings_;
	Stats stats_;
	std::deque<Recheck> rechecks_; // in due order: one delay for all
	event::EventPtr timer_{nullptr, event_free};
};

} // namespace rtprelay::proxy
