// SPDX-License-Identifier: GPL-3.0-or-later
// How many m= lines signalling may bring into a call. Every m= line costs a socket pair for
// each party it is relayed between, so without a bound one call (an odd proxy, a broken
// endpoint) could take the port pool from every other call. Checked on the call's media loop
// before an offer or answer changes anything.
#pragma once

#include <cstddef>

#include "call/call.h"
#include "call/signal_options.h"
#include "util/result.h"

namespace rtprelay::call {

// m= lines one SDP may carry.
constexpr size_t kMaxMediaLines = 32;
// m= lines (socket pairs) one call may hold over all its parties: a two-party call at
// kMaxMediaLines each. Offers naming ever new to-tags would otherwise add parties with
// sockets of their own.
constexpr size_t kMaxCallMedia = 2 * kMaxMediaLines;

// An offer of `lines` m= lines from options.from_tag to options.to_tag (or to the offerer's
// peer).
Result<void> check_offer_media(const Call& call, const SignalOptions& options, size_t lines);

// RFC 3264 section 6: an answer has as many m= lines as the offer. Fewer are tolerated (as
// they always were); more would open sockets for streams nobody offered.
Result<void> check_answer_media(const Monologue& offerer, size_t lines);

} // namespace rtprelay::call
