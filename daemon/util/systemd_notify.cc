// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace rtprelay::util::systemd {

namespace {

// sd_notify() returns 0 without NOTIFY_SOCKET and a negative errno when the send fails; neither
// stops the relay: systemd notices a missing READY=1 or watchdog ping by itself.
void notify(const std::string& message)
{
	(void)sd_notify(0, message.c_str());
}

} // namespace

void ready(std::string_view status)
{
	notify("READY=1\nSTATUS=" + std::string(status));
}

void status(std::string_view text)
{
	notify("STATUS=" + std::string(text));
}

void stopping()
{
	notify("STOPPING=1");
}

void watchdog()
{
	notify("WATCHDOG=1");
}

uint64_t watchdog_period_us()
{
	uint64_t usec = 0;
	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec / 2;
}

} // namespace rtprelay::util::systemd
