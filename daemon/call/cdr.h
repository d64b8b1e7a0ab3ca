// SPDX-License-Identifier: GPL-3.0-or-later
// The call detail record logged once per call at teardown: who, how long, why it ended, what
// each party sent, and the quality of its media. rtpengine's CDR is a `key=value, ...` line
// with per-monologue `ml<N>_` prefixes; this one follows that pattern with its own keys
// (docs/operations.md lists them), so log shippers split it the same way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "call/snapshot.h"

namespace rtprelay::call {

// `reason` as Registry::destroy got it ("deleted", "timeout (no media for 60 s)", ...): the
// part before any detail becomes `termination`.
std::string cdr_line(const CallSnapshot& snap, std::string_view reason, int64_t now_ms);

} // namespace rtprelay::call
