// SPDX-License-Identifier: GPL-3.0-or-later
// What one party's SDP says about one m= line, read into that party's Media: protocol,
// addresses (after media-address / SIP-source-address), RTCP port, rtcp-mux, direction, hold
// and payload clock rates. Media loop thread.
#pragma once

#include <string>
#include <vector>

#include "call/media.h"
#include "call/signal_options.h"
#include "media/own_endpoints.h"
#include "sdp/model.h"

namespace rtprelay::call {

// What an SDP address is checked against: the relay's own endpoints (null: nothing), the
// relay's interface facing the party, and the reply's warnings.
struct OwnCheck {
	media::OwnEndpoints* own;
	const media::LogicalInterface& facing;
	std::vector<std::string>& warnings;
};

// Updates `m` from `section` of `session`. Returns true if the party's addresses changed
// (or were read for the first time), so endpoint learning must start over. An address that
// is one of the relay's own endpoints is refused (logged, counted, warned about) and stays
// unknown: nothing is sent to the party until its own packets show where it is.
bool read_party(Media& m, const sdp::Session& session, const sdp::Media& section,
                const SignalOptions& options, const OwnCheck& check);

// After `m`'s clock rates or payload types changed: its first clock rate settled again, and
// its streams' SSRCs read their rates anew.
void clock_rates_changed(Media& m);

} // namespace rtprelay::call
