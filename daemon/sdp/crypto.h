// SPDX-License-Identifier: GPL-3.0-or-later
// SDES (RFC 4568): the a=crypto attribute, parsed into a plain value and written back.
//   a=crypto:<tag> <suite> inline:<key||salt base64>[|<lifetime>][|<MKI>:<length>][;inline:...]
//            [<session parameters>]
// The suites the relay knows (srtp_suites) carry their key and salt lengths, so a key of the
// wrong length is an error here, not a decrypt failure later. A suite it does not know parses
// (its keys kept as text, unchecked) with `suite` null, so that the offer/answer layer can drop
// it from what the relay offers. Errors never quote key material.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace rtprelay::sdp {

struct SrtpSuite {
	std::string_view name;
	uint8_t key_bytes;  // master key
	uint8_t salt_bytes; // master salt
	uint8_t tag_bytes;  // authentication tag of SRTP (RFC 3711; GCM: RFC 7714)
	bool aead;          // AES-GCM: encryption and authentication in one
	bool null_cipher;   // NULL_HMAC_*: authentication only
};

// Every suite the relay can key, in the order it prefers them when it offers.
std::span<const SrtpSuite> srtp_suites();
const SrtpSuite* find_srtp_suite(std::string_view name); // case-sensitive, as RFC 4568

// One key of an a=crypto line. The material lives in a fixed array (no heap), ready to be
// handed to the SRTP sessions and, later, to the kernel module; it is wiped when the value goes.
struct CryptoKey {
	static constexpr size_t kMaxMaterial = 46; // AES-256: 32-byte key + 14-byte salt

	std::array<uint8_t, kMaxMaterial> material{};
	uint8_t length = 0;               // bytes of key||salt in `material`
	bool padded = true;               // base64 written with its '=' padding
	std::optional<uint64_t> lifetime; // packets; "2^N" is stored as its value
	bool lifetime_as_power = false;   // written back as 2^N
	std::optional<uint32_t> mki;      // the MKI value
	uint8_t mki_length = 0;           // its length in bytes on the wire (1-128)
	std::string unknown_text;         // the inline text of a suite we do not know

	CryptoKey() = default;
	CryptoKey(const CryptoKey&) = default;
	CryptoKey& operator=(const CryptoKey&) = default;
	~CryptoKey();
	std::span<const uint8_t> bytes() const { return {material.data(), length}; }
};

struct CryptoAttr {
	uint32_t tag = 0;                 // 1-999999999 (RFC 4568 9.1)
	std::string suite_name;           // as written
	const SrtpSuite* suite = nullptr; // null for a suite the relay does not know
	std::vector<CryptoKey> keys;      // at least one
	bool unencrypted_srtp = false;
	bool unencrypted_srtcp = false;
	bool unauthenticated_srtp = false;
	std::vector<std::string> other_params; // KDR=, FEC_ORDER=, WSH=, ... kept as written

	// The value after "a=crypto:". Errors say what is wrong without quoting the keys.
	static Result<CryptoAttr> parse(std::string_view value);
	std::string to_string() const;
};

} // namespace rtprelay::sdp
