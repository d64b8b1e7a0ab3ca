// SPDX-License-Identifier: GPL-3.0-or-later
// Where high availability keeps the calls (ha/node.h), as the registry and the control
// surfaces see it: told of every change, asked how it fares, which role the relay has in its
// group (active or standby) and which calls it follows for another node. Control thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace rtprelay::call {

class CallStore {
public:
	enum class Role { kActive, kStandby };
	struct Status {
		std::string target; // where documents go (no password)
		std::string node;   // this relay's name in its group
		Role role = Role::kActive;
		std::string lease; // "<node> <epoch>" of the active, as last seen; empty: unknown
		bool connected = false;
		uint64_t written = 0; // writes the store confirmed
		uint64_t failed = 0;  // commands that failed or timed out (retried)
		uint64_t dropped = 0; // writes dropped while it was away (then all written again)
		size_t queued = 0;    // writes waiting
		uint64_t takeovers = 0;
		uint64_t stand_downs = 0;
		std::string last_error;
	};
	virtual ~CallStore() = default;
	// After an offer or answer succeeded.
	virtual void changed(const std::string& call_id) = 0;
	virtual void ended(const std::string& call_id) = 0;
	virtual Status status() const = 0;
	// A call another node holds that this standby would take over.
	struct Foreign {
		std::string call_id;
		int64_t created_ms = 0;
	};
	// Up to `limit` of them, in no particular order; their number.
	virtual std::vector<Foreign> foreign(size_t limit) const = 0;
	virtual size_t foreign_count() const = 0;
	// The operator's takeover (CLI `active`): this node claims the group's lease even from a
	// live holder, rebuilds the calls it followed and serves them. The node that held it
	// stands down when it next renews.
	virtual Result<void> activate() = 0;
};

} // namespace rtprelay::call
