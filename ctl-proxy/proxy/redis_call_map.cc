// SPDX-License-Identifier: GPL-3.0-or-later
#include "redis_call_map.h"

namespace rtprelay::proxy {

void RedisCallMap::find(const std::string& call_id, Done done)
{
	link_->command({"GET", key(call_id)},
	               [this, call_id, done = std::move(done)](ha::RedisLink::Reply r) {
		               if (!r) { // Redis is away: what this proxy knows
			               local_.find(call_id, done);
			               return;
		               }
		               if (r->type != ha::RedisValue::Type::kString) {
			               local_.forget(call_id); // another proxy's delete, or expired
			               done(std::nullopt);
			               return;
		               }
		               local_.assign(call_id, r->str);
		               done(r->str);
	               });
}

void RedisCallMap::claim(const std::string& call_id, const std::string& node, Done done)
{
	std::string ttl_ms = std::to_string(int64_t{expires_s_} * 1000);
	link_->command({"SET", key(call_id), node, "NX", "PX", ttl_ms},
	               [this, call_id, node, done = std::move(done)](ha::RedisLink::Reply r) {
		               if (!r) {
			               // Claim locally; the write waits in the queue for Redis.
			               local_.claim(call_id, node, [&](const Owner& owner) {
				               if (owner == node)
					               link_->set(key(call_id), node, expires_s_);
				               done(owner);
			               });
			               return;
		               }
		               if (r->type == ha::RedisValue::Type::kString) { // OK: ours
			               local_.assign(call_id, node);
			               done(node);
			               return;
		               }
		               // Taken by another proxy a moment ago: follow it.
		               find(call_id, [this, call_id, node, done](const Owner& owner) {
			               if (owner) {
				               done(owner);
				               return;
			               }
			               assign(call_id, node); // gone again meanwhile
			               done(node);
		               });
	               });
}

void RedisCallMap::assign(const std::string& call_id, const std::string& node)
{
	local_.assign(call_id, node);
	link_->set(key(call_id), node, expires_s_);
}

void RedisCallMap::touch(const std::string& call_id, const std::string& node)
{
	assign(call_id, node);
}

void RedisCallMap::forget(const std::string& call_id)
{
	local_.forget(call_id);
	link_->del(key(call_id));
}

} // namespace rtprelay::proxy
