// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/lease.h"

#include <optional>
#include <utility>

#include "util/log.h"

namespace rtprelay::ha {
namespace {

constexpr auto kLog = log::Subsystem::kControl;

// KEYS: lease, epoch. ARGV: node, ttl in ms, "force" or "free". Returns {1, value} when this
// node holds the lease now, {0, holder} when another does.
constexpr const char* kClaim = R"lua(
local cur = redis.call('GET', KEYS[1])
if cur and ARGV[3] ~= 'force' and string.match(cur, '^(%S+) ') ~= ARGV[1] then
	return {0, cur}
end
local value = ARGV[1] .. ' ' .. redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return {1, value}
)lua";

// KEYS: lease. ARGV: the value held, ttl in ms. Returns {1, value} when renewed, {0, holder}
// (holder false when nobody) otherwise.
constexpr const char* kRenew = R"lua(
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
	redis.call('PEXPIRE', KEYS[1], ARGV[2])
	return {1, cur}
end
return {0, cur}
)lua";

// {flag, value} of a script's reply; nullopt when malformed.
std::optional<std::pair<bool, std::string>> flag_and_value(const RedisValue& v)
{
	if (v.type != RedisValue::Type::kArray || v.elements.size() != 2 ||
	    v.elements[0].type != RedisValue::Type::kInteger)
		return std::nullopt;
	const RedisValue& value = v.elements[1];
	return std::pair{v.elements[0].integer == 1,
	                 value.type == RedisValue::Type::kString ? value.str : std::string()};
}

} // namespace

Lease::Lease(RedisLink& link, std::string node, int ttl_ms, Events events)
    : link_(link), node_(std::move(node)), ttl_ms_(ttl_ms), events_(std::move(events))
{
}

Result<std::unique_ptr<Lease>> Lease::create(event_base* base, RedisLink& link, std::string node,
                                             int ttl_ms, Events events)
{
	std::unique_ptr<Lease> l(new Lease(link, std::move(node), ttl_ms, std::move(events)));
	l->timer_.reset(event_new(base, -1, EV_PERSIST, timer_cb, l.get()));
	// Every third of the time to live: a holder renews twice before a lost answer could
	// let the lease expire; a standby notices an expired lease within a third of it.
	timeval every{ttl_ms / 3 / 1000, suseconds_t{ttl_ms / 3 % 1000} * 1000};
	if (!l->timer_ || event_add(l->timer_.get(), &every) != 0)
		return Error{"cannot start the lease timer"};
	return l;
}

void Lease::timer_cb(evutil_socket_t, short, void* arg)
{
	static_cast<Lease*>(arg)->tick();
}

void Lease::tick()
{
	if (held_)
		renew();
	else
		claim(false);
}

void Lease::claim(bool force)
{
	if (asking_ || !link_.connected())
		return;
	asking_ = true;
	link_.command({"EVAL", kClaim, "2", std::string(kLeaseKey), std::string(kEpochKey), node_,
	               std::to_string(ttl_ms_), force ? "force" : "free"},
	              [this](const RedisLink::Reply& r) { claimed(r); });
}

void Lease::claimed(const RedisLink::Reply& reply)
{
	asking_ = false;
	auto fv = reply ? flag_and_value(*reply) : std::nullopt;
	if (!fv) {
		log::warn(kLog, "lease %s: no answer to the claim (%s)",
		          std::string(kLeaseKey).c_str(),
		          reply ? "malformed reply" : reply.error().reason.c_str());
		return;
	}
	if (!fv->first) {
		taken(fv->second);
		return;
	}
	bool was = held_;
	held_ = true;
	holder_ = fv->second;
	if (!was) {
		log::notice(kLog, "lease %s held as '%s': this relay is active",
		            std::string(kLeaseKey).c_str(), holder_.c_str());
		if (events_.gained)
			events_.gained(holder_);
	}
}

void Lease::renew()
{
	if (asking_ || !link_.connected())
		return;
	asking_ = true;
	link_.command(
	        {"EVAL", kRenew, "1", std::string(kLeaseKey), holder_, std::to_string(ttl_ms_)},
	        [this](const RedisLink::Reply& r) {
		        asking_ = false;
		        auto fv = r ? flag_and_value(*r) : std::nullopt;
		        if (!fv)
			        return; // Redis away: keep the calls, try again next tick
		        if (fv->first)
			        return;
		        if (fv->second.empty()) { // expired meanwhile, nobody took it
			        held_ = false;
			        claim(false);
			        return;
		        }
		        taken(fv->second);
	        });
}

void Lease::fenced()
{
	held_ = false;
	claim(false); // answers with the holder, or takes the lease back if it expired
}

void Lease::taken(const std::string& holder)
{
	bool was = held_;
	bool changed = holder != holder_;
	held_ = false;
	holder_ = holder;
	if (was || changed)
		log::notice(kLog, "lease %s held by '%s'%s", std::string(kLeaseKey).c_str(),
		            holder.empty() ? "nobody" : holder.c_str(),
		            was ? ": this relay stands down" : ": this relay is standby");
	if (events_.taken && (was || changed))
		events_.taken(holder);
}

} // namespace rtprelay::ha
