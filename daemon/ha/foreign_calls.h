// SPDX-License-Identifier: GPL-3.0-or-later
// The calls a standby follows for the active relay of its group: their documents by Redis
// key, as the follower reports them (ha/redis_follower.h). They bind nothing and carry no
// media here; they are what the standby would rebuild if it took over, and what statistics
// and the CLI show as foreign. Control thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "call/call_store.h"

namespace rtprelay::ha {

class ForeignCalls {
public:
	// Everything there is now (a snapshot), in place of what was held.
	void replace(const std::vector<std::pair<std::string, std::string>>& documents);
	// A document this relay cannot read (a newer schema, say) is logged and not held.
	void store(const std::string& key, const std::string& document);
	void remove(const std::string& key);
	void clear() { by_key_.clear(); }

	size_t size() const { return by_key_.size(); }
	// In key order, up to `limit`.
	std::vector<call::CallStore::Foreign> calls(size_t limit) const;

private:
	std::map<std::string, call::CallStore::Foreign> by_key_; // by Redis key
};

} // namespace rtprelay::ha
