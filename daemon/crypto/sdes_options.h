// SPDX-License-Identifier: GPL-3.0-or-later
// What the ng SDES flags ask (rtpengine's names, docs/rtpengine-sdes.md), where the relay's keys
// come from, and what every a=crypto line the relay writes gets from the flags.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sdp/crypto.h"
#include "util/result.h"

namespace rtprelay::crypto {

// What the ng SDES flags ask of an offer or answer.
struct SdesOptions {
	bool off = false;                      // SDES-off: no a=crypto at all
	std::vector<std::string> no;           // SDES-no-<suite>, any case
	std::vector<std::string> only;         // SDES-only-<suite>; when given, wins over `no`
	std::vector<std::string> order;        // SDES-order:A;B: these suites first in the offer
	std::vector<std::string> offerer_pref; // SDES-offerer_pref:A;B: the answer picks by this
	bool nonew = false; // SDES-nonew: offer only the offerer's own suites, none of the relay's
	bool static_ = false;  // SDES-static: an answer keeps the suite settled before if offered
	bool prefer = false;   // SDES-prefer: SDES over DTLS (no DTLS yet: accepted, no effect)
	bool lifetime = false; // SDES-lifetime: |2^31 on every line the relay writes
	bool pad = false;      // SDES-pad: keep the base64 '=' padding
	// SDES-unencrypted_srtp (true) / SDES-encrypted_srtp (false), and so on; nullopt leaves
	// a copied line's parameter as it was.
	std::optional<bool> unencrypted_srtp;
	std::optional<bool> unencrypted_srtcp;
	std::optional<bool> unauthenticated_srtp;

	bool allows(std::string_view suite) const;
	bool operator==(const SdesOptions&) const = default;
};

// Fills its argument with random bytes; false when the system cannot.
using KeySource = std::function<bool(std::span<uint8_t>)>;
// OpenSSL's RAND_bytes.
bool random_key(std::span<uint8_t> out);

// A fresh key of `suite` for a line the relay writes, formatted as the flags say (padding,
// lifetime).
Result<void> fresh_key(sdp::CryptoKey& key, const sdp::SrtpSuite& suite, const SdesOptions& options,
                       const KeySource& keys);
// Where `suite` comes in `order` (any case); order.size() when it is not there.
size_t rank(const std::vector<std::string>& order, std::string_view suite);
// Moves the lines of the suites `order` names (any case) to the front, in that order; the
// others follow as they were. Tags do not change.
void put_first(std::vector<sdp::CryptoAttr>& lines, const std::vector<std::string>& order);
// The session parameters the flags set or clear on a line.
void apply_parameters(const SdesOptions& options, sdp::CryptoAttr& line);

} // namespace rtprelay::crypto
