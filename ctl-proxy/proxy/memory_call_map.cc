// SPDX-License-Identifier: GPL-3.0-or-later
#include "memory_call_map.h"

#include "util/clock.h"

namespace rtprelay::proxy {

CallMap::Owner MemoryCallMap::lookup(const std::string& call_id)
{
	auto it = calls_.find(call_id);
	if (it == calls_.end())
		return std::nullopt;
	if (it->second.expires_ms <= util::now_ms()) {
		calls_.erase(it);
		return std::nullopt;
	}
	return it->second.node;
}

void MemoryCallMap::find(const std::string& call_id, Done done)
{
	done(lookup(call_id));
}

void MemoryCallMap::claim(const std::string& call_id, const std::string& node, Done done)
{
	if (auto owner = lookup(call_id)) {
		done(owner);
		return;
	}
	assign(call_id, node);
	done(node);
}

void MemoryCallMap::assign(const std::string& call_id, const std::string& node)
{
	calls_[call_id] = Entry{node, util::now_ms() + expires_ms_};
}

void MemoryCallMap::touch(const std::string& call_id, const std::string& node)
{
	assign(call_id, node);
}

void MemoryCallMap::forget(const std::string& call_id)
{
	calls_.erase(call_id);
}

void MemoryCallMap::sweep(int64_t now_ms)
{
	std::erase_if(calls_, [now_ms](const auto& kv) { return kv.second.expires_ms <= now_ms; });
}

} // namespace rtprelay::proxy
