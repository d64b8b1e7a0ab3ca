// SPDX-License-Identifier: GPL-3.0-or-later
// STUN messages (RFC 8489) as ICE's connectivity checks use them (RFC 8445 7): a bounded
// reader that turns a datagram into a StunMessage of the attributes ICE needs, the checks of
// MESSAGE-INTEGRITY (short-term credentials: HMAC-SHA1 keyed with the ICE password) and
// FINGERPRINT, and a writer of requests and responses into a caller's buffer. The reader is
// the boundary: it reads any bytes a stranger sends within their length and allocates
// nothing; fuzzed in t/fuzz/stun.cc.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "crypto/hmac_sha1.h"
#include "net/address.h"

namespace rtprelay::ice {

inline constexpr uint32_t kStunMagicCookie = 0x2112A442;
inline constexpr size_t kStunHeader = 20;
inline constexpr uint16_t kStunBinding = 0x001;

enum class StunClass : uint8_t { kRequest = 0, kIndication = 1, kSuccess = 2, kError = 3 };

using TransactionId = std::array<uint8_t, 12>;

// Attribute types this code reads or writes.
enum StunAttribute : uint16_t {
	kAttrMappedAddress = 0x0001,
	kAttrUsername = 0x0006,
	kAttrMessageIntegrity = 0x0008,
	kAttrErrorCode = 0x0009,
	kAttrUnknownAttributes = 0x000A,
	kAttrXorMappedAddress = 0x0020,
	kAttrPriority = 0x0024,
	kAttrUseCandidate = 0x0025,
	kAttrSoftware = 0x8022,
	kAttrFingerprint = 0x8028,
	kAttrIceControlled = 0x8029,
	kAttrIceControlling = 0x802A,
};

// What a STUN message says, as far as ICE reads it. Offsets point into the datagram it was
// read from; the views borrow it.
struct StunMessage {
	static constexpr size_t kMaxUnknown = 4;

	StunClass cls = StunClass::kRequest;
	uint16_t method = 0;
	TransactionId transaction{};
	std::optional<std::string_view> username;
	std::optional<uint32_t> priority;
	bool use_candidate = false;
	std::optional<uint64_t> ice_controlling; // tie-breakers
	std::optional<uint64_t> ice_controlled;
	std::optional<net::Endpoint> xor_mapped;
	std::optional<uint16_t> error_code; // 300-699
	size_t integrity_at = 0;            // offset of MESSAGE-INTEGRITY's header; 0: none
	size_t fingerprint_at = 0;          // offset of FINGERPRINT's header; 0: none
	// Comprehension-required attributes (below 0x8000) this reader does not know: a request
	// carrying one is answered with 420 (RFC 8489 6.3.1.1).
	std::array<uint16_t, kMaxUnknown> unknown{};
	size_t unknown_count = 0;
};

// RFC 7983's demultiplexing byte (0-3) and a whole STUN header with the magic cookie and a
// length that matches the datagram: what the packet path hands to ICE.
bool looks_like_stun(std::span<const uint8_t> p);

// Reads `p` into `m`; false for anything but a well-formed message: a bad header or length,
// an attribute running past the end, a known attribute of the wrong size, an address family
// other than IPv4/IPv6, anything after FINGERPRINT. Attributes after MESSAGE-INTEGRITY other
// than FINGERPRINT are ignored, as RFC 8489 14.5 says.
bool parse_stun(std::span<const uint8_t> p, StunMessage& m);

// FINGERPRINT: present and right. Call only with the datagram `m` was read from.
bool fingerprint_ok(std::span<const uint8_t> p, const StunMessage& m);
// MESSAGE-INTEGRITY: present and made with `key` (keyed with the password). Constant time.
bool integrity_ok(std::span<const uint8_t> p, const StunMessage& m, const crypto::HmacSha1& key);

// Builds one message into `buf`; each call appends an attribute. MESSAGE-INTEGRITY and then
// FINGERPRINT come last, in that order. ok() is false once `buf` was too small; size() is
// then meaningless.
class StunWriter {
public:
	StunWriter(std::span<uint8_t> buf, StunClass cls, uint16_t method, const TransactionId& tx);

	void username(std::string_view name) { bytes(kAttrUsername, as_bytes(name)); }
	void priority(uint32_t p);
	void use_candidate() { bytes(kAttrUseCandidate, {}); }
	void ice_controlling(uint64_t tie_breaker) { u64(kAttrIceControlling, tie_breaker); }
	void ice_controlled(uint64_t tie_breaker) { u64(kAttrIceControlled, tie_breaker); }
	void xor_mapped_address(const net::Endpoint& e);
	void error_code(uint16_t code, std::string_view reason);
	void unknown_attributes(std::span<const uint16_t> types);
	void integrity(const crypto::HmacSha1& key);
	void fingerprint();

	bool ok() const { return ok_; }
	size_t size() const { return len_; }

private:
	static std::span<const uint8_t> as_bytes(std::string_view s)
	{
		return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
	}
	uint8_t* attribute(uint16_t type, size_t value_len); // null when out of room
	void bytes(uint16_t type, std::span<const uint8_t> value);
	void u64(uint16_t type, uint64_t v);
	void set_length(size_t body); // the header's message length

	std::span<uint8_t> buf_;
	size_t len_ = 0;
	bool ok_ = true;
};

} // namespace rtprelay::ice
