// SPDX-License-Identifier: GPL-3.0-or-later
// systemd's notification protocol (sd_notify(3)) for a Type=notify unit: readiness, a status
// line, shutdown, watchdog pings. Each does nothing unless systemd started the daemon with
// NOTIFY_SOCKET, so a daemon run by hand or by another init behaves the same. Any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace rtprelay::util::systemd {

// READY=1 with a first STATUS=: every socket is bound and the daemon serves.
void ready(std::string_view status);
// STATUS=<text>: shown by `systemctl status`.
void status(std::string_view text);
// STOPPING=1: shutdown has begun.
void stopping();
// WATCHDOG=1: the main loop still turns.
void watchdog();
// How often to send WATCHDOG=1: half the interval systemd set for this process (WatchdogSec=,
// passed as WATCHDOG_USEC and WATCHDOG_PID), in microseconds; 0 when there is no watchdog.
uint64_t watchdog_period_us();

} // namespace rtprelay::util::systemd
