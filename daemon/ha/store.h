// SPDX-License-Identifier: GPL-3.0-or-later
// Keeps Redis up to date with the calls of an active relay: after an offer or answer a call's
// document is copied on its media loop and written, when it ends its document is removed.
// Control thread only; Redis being away never holds anything up (ha/redis_link.h queues).
#pragma once

#include <string>

#include "call/registry.h"
#include "ha/call_document.h"
#include "ha/redis_link.h"

namespace rtprelay::ha {

// What rebuilds `call`; on its media loop.
CallDocument document_of(const call::Call& call);

class Store {
public:
	// Writes through `link` with documents expiring `expires_s` after their last write. Both
	// borrowed.
	Store(call::Registry& calls, RedisLink& link, int expires_s);

	void changed(const std::string& call_id);
	void ended(const std::string& call_id);
	// Every call again: after Redis lost writes (RedisLink::on_resync).
	void write_all();

private:
	call::Registry& calls_;
	RedisLink& link_;
	int expires_s_;
};

} // namespace rtprelay::ha
