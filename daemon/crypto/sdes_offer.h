// SPDX-License-Identifier: GPL-3.0-or-later
// The a=crypto lines the relay offers (SDES, RFC 4568), as rtpengine builds them
// (docs/rtpengine-sdes.md): the offerer's own lines that the SDES flags allow and the relay can
// key, copied with their tags and keys (pass-through stays possible), then every other allowed
// suite the relay can key,
// in srtp_suites() order, with a fresh key and the next tag. Pure apart from the key source.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sdp/crypto.h"
#include "util/result.h"

namespace rtprelay::crypto {

// What the ng SDES flags ask of an offer.
struct SdesOptions {
	bool off = false;              // SDES-off: no a=crypto at all
	std::vector<std::string> no;   // SDES-no-<suite>, any case
	std::vector<std::string> only; // SDES-only-<suite>; when given, wins over `no`
	bool lifetime = false;         // SDES-lifetime: |2^31 on every line the relay writes
	bool pad = false;              // SDES-pad: keep the base64 '=' padding
	// SDES-unencrypted_srtp (true) / SDES-encrypted_srtp (false), and so on; nullopt leaves
	// a copied line's parameter as it was.
	std::optional<bool> unencrypted_srtp;
	std::optional<bool> unencrypted_srtcp;
	std::optional<bool> unauthenticated_srtp;

	bool allows(std::string_view suite) const;
};

// Fills its argument with random bytes; false when the system cannot.
using KeySource = std::function<bool(std::span<uint8_t>)>;
// OpenSSL's RAND_bytes.
bool random_key(std::span<uint8_t> out);

Result<std::vector<sdp::CryptoAttr>> offer_crypto(const std::vector<sdp::CryptoAttr>& offered,
                                                  const SdesOptions& options,
                                                  const KeySource& keys = random_key);

} // namespace rtprelay::crypto
