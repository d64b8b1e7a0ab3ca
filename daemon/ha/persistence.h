// SPDX-License-Identifier: GPL-3.0-or-later
// --redis as a whole: at start the calls Redis holds are rebuilt (ha/restore.h), then every
// change is written (ha/store.h) over a link that never blocks (ha/redis_link.h).
#pragma once

#include <memory>

#include "call/registry.h"
#include "config/config.h"
#include "event/loop.h"
#include "ha/redis_link.h"
#include "ha/store.h"

namespace rtprelay::ha {

class Persistence {
public:
	// Before ng is served. Redis unreachable at start is no reason not to serve: the relay
	// logs that no call was restored and writes once Redis is back.
	static Result<std::unique_ptr<Persistence>>
	start(const Config& config, call::Registry& calls, event::Loop& control);

private:
	Persistence() = default;
	std::unique_ptr<RedisLink> link_;
	std::unique_ptr<Store> store_; // goes before the link it writes through
};

} // namespace rtprelay::ha
