// SPDX-License-Identifier: GPL-3.0-or-later
// The lease that makes one relay of an HA group the active one (docs/ha.md): the key
// rtprelay:active holds "<node> <epoch>" with a time to live, which its holder renews every
// third of it. A node claims the lease only when nobody holds it (it expired: the active is
// gone) or when it holds it itself (the same node restarted), except when the operator tells
// it to take over; every claim takes a new epoch (INCR rtprelay:epoch). Writes of the active
// are fenced by the lease value (RedisLink::set_fence), so a node that lost the lease can
// neither renew it nor write: it learns so and stands down. Silence of Redis alone never
// makes an active stand down: Redis being away must not end calls.
#pragma once

#include <functional>
#include <string>

#include "event/loop.h"
#include "ha/redis_link.h"

namespace rtprelay::ha {

inline constexpr std::string_view kLeaseKey = "rtprelay:active";
inline constexpr std::string_view kEpochKey = "rtprelay:epoch";

class Lease {
public:
	struct Events {
		// This node holds the lease now, as `value`.
		std::function<void(const std::string& value)> gained;
		// Another node holds it (`holder`, "<node> <epoch>"): seen at a claim that found
		// it taken, or when a renewal or a fenced write found it changed.
		std::function<void(const std::string& holder)> taken;
	};

	// Claims and renews through `link` (borrowed; outlives the lease) on `base`'s timers.
	static Result<std::unique_ptr<Lease>> create(event_base* base, RedisLink& link,
	                                             std::string node, int ttl_ms, Events events);
	~Lease() = default;
	Lease(const Lease&) = delete;
	Lease& operator=(const Lease&) = delete;

	// Asks for the lease now: a free one (or this node's own) always, a taken one only with
	// `force`. The answer comes as gained or taken; nothing while Redis does not answer.
	void claim(bool force);
	// The holder as last seen ("<node> <epoch>"); empty before the first answer.
	const std::string& holder() const { return holder_; }
	// The link lost the lease under a write (RedisLink's on_fenced): ask who holds it.
	void fenced();

private:
	Lease(RedisLink& link, std::string node, int ttl_ms, Events events);
	void tick();
	void renew();
	void claimed(const RedisLink::Reply& reply);
	void taken(const std::string& holder);
	static void timer_cb(evutil_socket_t, short, void* arg);

	RedisLink& link_;
	std::string node_;
	int ttl_ms_;
	Events events_;
	bool held_ = false;
	bool asking_ = false; // a claim or renewal awaits its answer
	std::string holder_;
	event::EventPtr timer_{nullptr, event_free};
};

} // namespace rtprelay::ha
