// SPDX-License-Identifier: GPL-3.0-or-later
// A call as text, in the layout of rtpengine's `list sessions`: one line per call for the
// listings, and the block of tags, media and ports for one call.
#pragma once

#include <string>

#include "call/snapshot.h"

namespace rtprelay::cli {

// "callid: ... | deletionmark: no | created: ... | ... | foreign:no"
std::string session_line(const call::CallSnapshot& call);

// The call, its parties, their media and every stream with its counters.
std::string session_details(const call::CallSnapshot& call, int tos, int64_t now_ms);

} // namespace rtprelay::cli
