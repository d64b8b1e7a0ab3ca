// SPDX-License-Identifier: GPL-3.0-or-later
// Which node holds which call: the proxy sends every command of a call to the node its offer
// went to. Entries expire when a call sees no command for the expiry time (a call whose
// delete never came); the router forgets a call once its node no longer knows it.
// Implementations: in memory for one proxy (memory_call_map.h), or shared through Redis by
// several proxies (redis_call_map.h). Loop thread only; callbacks run on the loop, maybe
// before the call that takes them returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace rtprelay::proxy {

class CallMap {
public:
	using Owner = std::optional<std::string>; // a node name, nullopt: no node has the call
	using Done = std::function<void(Owner owner)>;

	virtual ~CallMap() = default;

	virtual void find(const std::string& call_id, Done done) = 0;
	// Records `node` for the call unless a node holds it already (another proxy placed it a
	// moment earlier); `done` gets the node that holds it now.
	virtual void claim(const std::string& call_id, const std::string& node, Done done) = 0;
	// Records `node` for the call, replacing any other: a new call moved on after a refusal.
	virtual void assign(const std::string& call_id, const std::string& node) = 0;
	// The call is in use: its expiry starts again.
	virtual void touch(const std::string& call_id, const std::string& node) = 0;
	virtual void forget(const std::string& call_id) = 0;
	// Calls this proxy holds in memory (for statistics).
	virtual size_t size() const = 0;
	// Drops from memory what expired before now_ms (called once a minute).
	virtual void sweep(int64_t now_ms) = 0;
};

} // namespace rtprelay::proxy
