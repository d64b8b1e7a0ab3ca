// SPDX-License-Identifier: GPL-3.0-or-later
// Blocking socket steps bounded by a deadline, for a tool that asks one question and waits
// for its answer: every wait names the peer and the limit when it runs out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "net/address.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay::ctl {

// Milliseconds on CLOCK_MONOTONIC.
int64_t monotonic_ms();

// A socket of `type` (SOCK_STREAM or SOCK_DGRAM) connected to `peer`; a TCP connect waits at
// most until deadline_ms. A connected UDP socket reports ICMP errors (nobody listening) on
// its next receive.
Result<UniqueFd> connect_to(const net::Endpoint& peer, int type, int64_t deadline_ms);

// Waits until fd is readable or deadline_ms passes; false on timeout.
Result<bool> wait_readable(int fd, int64_t deadline_ms);

// Sends all of `data` on a connected non-blocking socket by deadline_ms.
Result<void> send_all(int fd, std::string_view data, int64_t deadline_ms);

} // namespace rtprelay::ctl
