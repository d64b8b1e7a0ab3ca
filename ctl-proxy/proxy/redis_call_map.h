// SPDX-License-Identifier: GPL-3.0-or-later
// The call map shared by several proxies (and kept by a restarted one) in Redis: key
// rtprelay:proxy:call:<call-id> holds the node's name, with the map's expiry. A new call is
// claimed with SET NX, so two proxies that see the same new call at once still agree on one
// node. Redis being away never stops the proxy: it answers from its own memory copy, and the
// writes wait in the link's bounded queue until Redis is back (two proxies may then disagree
// about calls placed meanwhile: the price of not stopping).
#pragma once

#include <memory>
#include <string>

#include "call_map.h"
#include "ha/redis_link.h"
#include "memory_call_map.h"

namespace rtprelay::proxy {

class RedisCallMap : public CallMap {
public:
	static constexpr const char* kKeyPrefix = "rtprelay:proxy:call:";

	RedisCallMap(std::unique_ptr<ha::RedisLink> link, int expires_s)
	    : link_(std::move(link)), local_(expires_s), expires_s_(expires_s)
	{
	}

	void find(const std::string& call_id, Done done) override;
	void claim(const std::string& call_id, const std::string& node, Done done) override;
	void assign(const std::string& call_id, const std::string& node) override;
	void touch(const std::string& call_id, const std::string& node) override;
	void forget(const std::string& call_id) override;
	size_t size() const override { return local_.size(); }

	void sweep(int64_t now_ms) override { local_.sweep(now_ms); }
	const ha::RedisLink& link() const { return *link_; }

private:
	static std::string key(const std::string& call_id) { return kKeyPrefix + call_id; }

	std::unique_ptr<ha::RedisLink> link_;
	MemoryCallMap local_;
	int expires_s_;
};

} // namespace rtprelay::proxy
