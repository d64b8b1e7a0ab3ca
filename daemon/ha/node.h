// SPDX-License-Identifier: GPL-3.0-or-later
// This relay's part in high availability (--redis, docs/ha.md). Relays of one group share a
// Redis database; the one holding the lease (ha/lease.h) is active: it rebuilds the calls the
// database holds before serving ng (ha/restore.h) and writes every change (ha/store.h). The
// others are standby: they follow the documents as foreign calls (ha/foreign_calls.h), bind
// no port and refuse new calls, and take over when the lease expires or the operator says
// so. An active that finds the lease taken stands down: its calls go (their documents stay,
// they are the new active's now) and it follows. Control thread.
#pragma once

#include <memory>
#include <string>

#include "call/call_store.h"
#include "call/registry.h"
#include "config/config.h"
#include "event/loop.h"
#include "ha/foreign_calls.h"
#include "ha/lease.h"
#include "ha/redis_follower.h"
#include "ha/redis_link.h"
#include "ha/store.h"

namespace rtprelay::ha {

class Node final : public call::CallStore {
public:
	// Before ng is served: connects, learns the role (waiting for Redis up to its connect
	// and command timeouts) and, when active, rebuilds the calls. Redis unreachable at start
	// is no reason not to serve: the relay is active without calls restored, and claims the
	// lease once Redis answers.
	static Result<std::unique_ptr<Node>> start(const Config& config, call::Registry& calls,
	                                           event::Loop& control);
	~Node() override;
	Node(const Node&) = delete;
	Node& operator=(const Node&) = delete;

	void changed(const std::string& call_id) override;
	void ended(const std::string& call_id) override;
	Status status() const override;
	std::vector<Foreign> foreign(size_t limit) const override;
	size_t foreign_count() const override { return foreign_.size(); }
	Result<void> activate() override;

private:
	Node(const Config& config, call::Registry& calls, event::Loop& control, RedisTarget read,
	     RedisTarget write);
	Result<void> connect();
	void decide_before_serving();
	void gained(const std::string& lease);
	void taken(const std::string& holder);
	void restore();
	void stand_down(const std::string& holder);
	void follow();

	const Config& config_;
	call::Registry& calls_;
	event::Loop& control_;
	RedisTarget read_;  // where calls are rebuilt from (--redis)
	RedisTarget write_; // where they are written (--redis-write, else --redis)
	RedisLimits limits_;
	std::string node_;
	Role role_ = Role::kActive;
	bool decided_ = false;  // the first answer about the lease came
	bool dropping_ = false; // standing down: ending calls without removing their documents
	uint64_t takeovers_ = 0;
	uint64_t stand_downs_ = 0;
	ForeignCalls foreign_;
	// Destroyed in reverse: the follower, the lease and the store before the link they use.
	std::unique_ptr<RedisLink> link_;
	std::unique_ptr<Store> store_;
	std::unique_ptr<Lease> lease_;
	std::unique_ptr<RedisFollower> follower_;
};

} // namespace rtprelay::ha
