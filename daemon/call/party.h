// SPDX-License-Identifier: GPL-3.0-or-later
// What one party's SDP says about one m= line, read into that party's Media: protocol,
// addresses (after media-address / SIP-source-address), RTCP port, rtcp-mux, direction, hold
// and payload clock rates. Media loop thread.
#pragma once

#include "call/media.h"
#include "call/signal_options.h"
#include "sdp/model.h"

namespace rtprelay::call {

// Updates `m` from `section` of `session`. Returns true if the party's addresses changed
// (or were read for the first time), so endpoint learning must start over.
bool read_party(Media& m, const sdp::Session& session, const sdp::Media& section,
                const SignalOptions& options);

} // namespace rtprelay::call
