// SPDX-License-Identifier: GPL-3.0-or-later
// The call map of a proxy without Redis, and the Redis map's copy for while Redis is away.
// Expired entries go on the next sweep() (the proxy sweeps once a minute), so memory is
// bounded by the calls of one expiry time.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "call_map.h"

namespace rtprelay::proxy {

class MemoryCallMap : public CallMap {
public:
	explicit MemoryCallMap(int expires_s) : expires_ms_(int64_t{expires_s} * 1000) {}

	void find(const std::string& call_id, Done done) override;
	void claim(const std::string& call_id, const std::string& node, Done done) override;
	void assign(const std::string& call_id, const std::string& node) override;
	void touch(const std::string& call_id, const std::string& node) override;
	void forget(const std::string& call_id) override;
	size_t size() const override { return calls_.size(); }

	// The holder now, without a callback.
	Owner lookup(const std::string& call_id);
	void sweep(int64_t now_ms) override;

private:
	struct Entry {
		std::string node;
		int64_t expires_ms = 0;
	};

	int64_t expires_ms_;
	std::unordered_map<std::string, Entry> calls_;
};

} // namespace rtprelay::proxy
