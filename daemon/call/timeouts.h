// SPDX-License-Identifier: GPL-3.0-or-later
// When a call has to end without being told: the --timeout, --silent-timeout, --final-timeout,
// --offer-timeout and delete-delay rules, with the values the CLI may have changed since
// start-up. Pure; run by the call's media loop once a second.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "call/call.h"
#include "call/runtime_limits.h"

namespace rtprelay::call {

// The reason to end the call now, or nullopt.
std::optional<std::string> timeout_reason(const Call& call, const RuntimeLimits& limits,
                                          int64_t now_ms);

// Newest packet on any stream of the call (0 if none).
int64_t last_packet_ms(const Call& call);

// Some party has put media on hold (sendonly/recvonly/inactive or c=0.0.0.0).
bool is_held(const Call& call);

} // namespace rtprelay::call
