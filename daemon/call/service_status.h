// SPDX-License-Identifier: GPL-3.0-or-later
// What systemd hears from a running relay (Type=notify): READY=1 once it serves, the number of
// calls and whether it drains as STATUS= every few seconds, a watchdog ping at half the
// interval WatchdogSec= set, and STOPPING=1 when shutdown begins. Nothing without
// NOTIFY_SOCKET. Control thread.
#pragma once

#include <cstdint>
#include <string>

#include "call/registry.h"
#include "event/loop.h"

namespace rtprelay::call {

class ServiceStatus {
public:
	static constexpr int kStatusSeconds = 5;

	// Sends READY=1: call it once every listener is bound.
	static Result<std::unique_ptr<ServiceStatus>> start(const Registry& registry,
	                                                    event::Loop& loop);
	// Sends STOPPING=1.
	void stopping();

	// "3 calls", "3 calls, draining".
	static std::string describe(size_t calls, bool draining);

private:
	explicit ServiceStatus(const Registry& registry) : registry_(registry) {}

	const Registry& registry_;
	event::EventPtr status_timer_{nullptr, event_free};
	event::EventPtr watchdog_timer_{nullptr, event_free};
};

} // namespace rtprelay::call
