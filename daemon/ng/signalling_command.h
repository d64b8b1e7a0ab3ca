// SPDX-License-Identifier: GPL-3.0-or-later
// The shared body of the offer and answer commands: read flags and SDP on the control thread,
// run the signalling on the call's media loop, and reply with the rewritten SDP.
#pragma once

#include "ng/command.h"

namespace rtprelay::ng {

void run_signalling(Request& request, Completion done, bool is_offer);

// Whether the request says `supports: ["load limit"]` (Kamailio's rtpengine module does): the
// client then takes `result: load limit` as "try another relay"; others need the error
// "Parallel session limit reached" for that (OpenSIPS fails over on it).
bool supports_load_limit(const Value& params);

// "unknown flag(s) ignored: a, b" and any other warnings, joined for the `warning` key.
std::string join_warnings(const std::vector<std::string>& unknown_flags,
                          const std::vector<std::string>& warnings);

} // namespace rtprelay::ng
