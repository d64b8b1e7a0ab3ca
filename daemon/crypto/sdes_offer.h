// SPDX-License-Identifier: GPL-3.0-or-later
// The a=crypto lines the relay offers (SDES, RFC 4568), as rtpengine builds them
// (docs/rtpengine-sdes.md): the offerer's own lines that the SDES flags allow and the relay can
// key, copied with their tags and keys (pass-through stays possible), then every other allowed
// suite the relay can key, in srtp_suites() order, with a fresh key and the next tag. Pure apart
// from the key source.
#pragma once

#include <vector>

#include "crypto/sdes_options.h"

namespace rtprelay::crypto {

Result<std::vector<sdp::CryptoAttr>> offer_crypto(const std::vector<sdp::CryptoAttr>& offered,
                                                  const SdesOptions& options,
                                                  const KeySource& keys = random_key);

} // namespace rtprelay::crypto
