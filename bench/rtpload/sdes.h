// SDES (RFC 4568) as rtpload's SRTP caller speaks it: the crypto suites it can offer, a fresh
// random master key per call, the a=crypto attribute it offers, and the relay's a=crypto it
// reads back from the answer to learn the key the relay protects the caller's media with.
// Base64 is rtpload's own, not the daemon's, so a bug there cannot cancel itself out when the
// relay under test is rtprelayd. Setup time only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "result.h"

namespace rtpload {

struct SrtpSuite {
	const char* name; // as written in a=crypto
	size_t key_len;   // master key bytes
	size_t salt_len;  // master salt bytes
	size_t tag_len;   // authentication tag bytes per packet
};

const SrtpSuite* find_srtp_suite(std::string_view name);
std::string srtp_suite_names(); // for --help, comma-separated

constexpr size_t kMaxKeySaltLen = 46; // AES-256: 32-byte key + 14-byte salt

// One SDES key: master key || master salt, as the inline: parameter carries it.
struct SdesKey {
	const SrtpSuite* suite = nullptr; // nullptr: no SRTP
	unsigned tag = 1;                 // the a=crypto tag
	std::array<uint8_t, kMaxKeySaltLen> key_salt{};
	bool unencrypted_srtp = false; // session parameters that change SRTP processing
	bool unauthenticated_srtp = false;

	std::span<const uint8_t> bytes() const { return {key_salt.data(), length()}; }
	size_t length() const { return suite ? suite->key_len + suite->salt_len : 0; }
};

// A fresh key for `suite` from getrandom(2).
Result<SdesKey> random_sdes_key(const SrtpSuite& suite, unsigned tag = 1);

// The value of an a=crypto attribute (after "a=crypto:"): "TAG SUITE inline:KEY", the key in
// base64 without padding.
std::string crypto_attribute(const SdesKey& key);

// Reads such a value: tag, suite, the first inline: key (lifetime accepted and ignored; an MKI
// is refused, rtpload keys its sessions without one) and the session parameters that matter
// for RTP (UNENCRYPTED_SRTP, UNAUTHENTICATED_SRTP; KDR and FEC_* are refused).
Result<SdesKey> parse_crypto_attribute(std::string_view value);

// RFC 4648 base64, standard alphabet. Encoding writes no padding; decoding accepts it or not.
void base64_append(std::span<const uint8_t> data, std::string& out);
std::optional<size_t> base64_decode(std::string_view text, std::span<uint8_t> out);

} // namespace rtpload
