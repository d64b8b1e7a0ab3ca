// SPDX-License-Identifier: GPL-3.0-or-later
// A call as text, in the layout of rtpengine's `list sessions`: one line per call for the
// listings, and the block of tags, media and ports for one call.
#pragma once

#include <string>

#include "call/call_store.h"
#include "call/snapshot.h"

namespace rtprelay::cli {

// "callid: ... | deletionmark: no | created: ... | ... | foreign:no"
std::string session_line(const call::CallSnapshot& call);
// The same for a call a standby follows for the active relay (ha/): "... | foreign:yes".
std::string foreign_line(const call::CallStore::Foreign& call);

// The call, its parties, their media and every stream with its counters.
std::string session_details(const call::CallSnapshot& call, int tos, int64_t now_ms);

} // namespace rtprelay::cli
