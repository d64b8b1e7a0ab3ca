// SPDX-License-Identifier: GPL-3.0-or-later
// BUNDLE (RFC 9143) as far as the relay goes today: it remembers each party's a=mid per m=
// line and its a=group:BUNDLE, names every m= line of an answer by the mid its offerer gave
// it (browsers match answer sections by mid), and accepts a BUNDLE group of a single m= line,
// which Chrome's max-bundle offers for audio alone and insists on. A group of several m=
// lines is declined, so each keeps its own transport, which a browser with the default
// "balanced" policy accepts; one transport for several m= lines (demultiplexing by MID, SSRC
// and payload type) is not there yet. Media loop thread.
#pragma once

#include "call/call.h"
#include "sdp/model.h"

namespace rtprelay::call {

// The party's a=mid of each m= line and its first a=group:BUNDLE.
void read_bundle(Monologue& party, const sdp::Session& session);

// The SDP for `receiver`: in an answer (`answering`), every m= line carries the mid the
// receiver offered for it and no other, and a BUNDLE group of one m= line is accepted.
void write_bundle(sdp::Session& session, const Monologue& receiver, bool answering);

} // namespace rtprelay::call
