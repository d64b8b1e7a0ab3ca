// SPDX-License-Identifier: GPL-3.0-or-later
// Which SDES suite an answer settles on, and the one a=crypto line the relay answers the
// offerer with, as rtpengine decides (docs/rtpengine-sdes.md, section 6): the suite of the
// answerer's first line if the offerer offered it too, else the offerer's first allowed suite.
// When the answerer took one of the offerer's own suites, the offerer gets the answerer's key
// and the relay passes SRTP through; otherwise it answers with a fresh key of its own and
// translates. Pure apart from the key source.
#pragma once

#include <optional>
#include <vector>

#include "crypto/sdes_options.h"

namespace rtprelay::crypto {

struct SdesAnswer {
	// The line for the offerer's side of the answer; nullopt when the offerer sent none.
	std::optional<sdp::CryptoAttr> to_offerer;
	// Both legs keyed by the endpoints themselves: the relay need not touch the media.
	bool passthrough = false;
};

// `offered`: the offerer's a=crypto lines as it sent them; `answered`: the answerer's.
Result<SdesAnswer> answer_crypto(const std::vector<sdp::CryptoAttr>& offered,
                                 const std::vector<sdp::CryptoAttr>& answered,
                                 const SdesOptions& options, const KeySource& keys = random_key);

} // namespace rtprelay::crypto
