// SPDX-License-Identifier: GPL-3.0-or-later
// HMAC-SHA1 (RFC 2104) for SRTP authentication, keyed once and then run per packet without
// allocating: the SHA-1 states after the inner and outer padded keys are computed when the key
// is set, and each packet's MAC starts from copies of them (plain values on the stack). The
// EVP HMAC of OpenSSL 3 allocates a context per use or per copy, which the packet path must
// not. The precomputed states are as secret as the key and are wiped when the value goes.
#pragma once

#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <span>

namespace rtprelay::crypto {

class HmacSha1 {
public:
	static constexpr size_t kDigest = 20;
	using Digest = std::array<uint8_t, kDigest>;

	HmacSha1() = default;
	HmacSha1(const HmacSha1&) = default;
	HmacSha1& operator=(const HmacSha1&) = default;
	~HmacSha1();

	// `key`: any length (SRTP's are 20 bytes; a longer key than 64 is hashed first).
	bool set_key(std::span<const uint8_t> key);
	// The MAC of `a` followed by `b`.
	Digest mac(std::span<const uint8_t> a, std::span<const uint8_t> b = {}) const;

private:
	SHA_CTX inner_{};
	SHA_CTX outer_{};
};

} // namespace rtprelay::crypto
