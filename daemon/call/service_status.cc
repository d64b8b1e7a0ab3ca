// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/service_status.h"

#include "util/systemd_notify.h"

namespace rtprelay::call {

namespace {

Result<event::EventPtr> repeat(event::Loop& loop, uint64_t period_us,
                               void (*fn)(evutil_socket_t, short, void*), void* arg)
{
	event::EventPtr ev(event_new(loop.base(), -1, EV_PERSIST, fn, arg), event_free);
	timeval tv{static_cast<time_t>(period_us / 1000000),
	           static_cast<suseconds_t>(period_us % 1000000)};
	if (!ev || event_add(ev.get(), &tv) != 0)
		return Error{"cannot add a timer event"};
	return ev;
}

} // namespace

std::string ServiceStatus::describe(size_t calls, bool draining)
{
	std::string s = std::to_string(calls) + (calls == 1 ? " call" : " calls");
	return draining ? s + ", draining" : s;
}

Result<std::unique_ptr<ServiceStatus>> ServiceStatus::start(const Registry& registry,
                                                            event::Loop& loop)
{
	std::unique_ptr<ServiceStatus> s(new ServiceStatus(registry));
	util::systemd::ready(describe(registry.size(), registry.admission().draining()));
	auto status = loop.every(
	        kStatusSeconds,
	        [](evutil_socket_t, short, void* arg) {
		        const Registry& r = static_cast<ServiceStatus*>(arg)->registry_;
		        util::systemd::status(describe(r.size(), r.admission().draining()));
	        },
	        s.get());
	if (!status)
		return status.error();
	s->status_timer_ = std::move(status).value();
	// Pinged from the control loop's own timer, so a stuck control thread stops the pings.
	if (uint64_t period = util::systemd::watchdog_period_us(); period > 0) {
		auto wd = repeat(
		        loop, period,
		        [](evutil_socket_t, short, void*) { util::systemd::watchdog(); }, nullptr);
		if (!wd)
			return wd.error();
		s->watchdog_timer_ = std::move(wd).value();
	}
	return s;
}

void ServiceStatus::stopping()
{
	status_timer_.reset();
	util::systemd::stopping();
}

} // namespace rtprelay::call
