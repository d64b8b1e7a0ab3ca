// SPDX-License-Identifier: GPL-3.0-or-later
// SDES (RFC 4568) in signalling, for one m= line on both sides of the relay: which a=crypto
// lines the relay writes to each party, and, once an answer settles the suites, the SRTP
// sessions of each party's streams. The suite rules themselves are crypto/sdes_offer.h and
// crypto/sdes_answer.h (rtpengine's, docs/rtpengine-sdes.md); this file decides who speaks
// SRTP, keeps the relay's keys stable across re-INVITEs and re-keys sessions only when a key
// changed, so that a stream's rollover counters survive. Media loop thread.
#pragma once

#include <string>
#include <vector>

#include "call/media.h"
#include "call/signal_options.h"
#include "sdp/model.h"

namespace rtprelay::call {

// The offer of `offerer` (its m= line `section`) goes to `answerer` in protocol
// answerer.protocol: the relay's a=crypto lines for the answerer.
Result<void> offer_sdes(Media& offerer, Media& answerer, const sdp::Media& section,
                        const SignalOptions& options);

// The answer of `answerer` (its m= line `section`) goes back to `offerer`: the suite and keys
// both ways, the line the offerer gets, and both parties' sessions (re)keyed.
Result<void> answer_sdes(Media& answerer, Media& offerer, const sdp::Media& section,
                         const SignalOptions& options, std::vector<std::string>& warnings);

// `section`, going to the party of `to`, carries the relay's lines for it and no others.
void write_sdes(sdp::Media& section, const Media& to);

} // namespace rtprelay::call
