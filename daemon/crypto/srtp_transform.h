// SPDX-License-Identifier: GPL-3.0-or-later
// The cryptographic transform of SRTP and SRTCP for one keying and one direction, written
// from the RFCs on OpenSSL's libcrypto: AES-CM with 128, 192 or 256-bit keys and HMAC-SHA1
// (RFC 3711, RFC 6188), AEAD_AES_128/256_GCM (RFC 7714), and the NULL cipher. Session keys
// are derived once, when the transform is made (srtp_kdf.h); the cipher contexts are made then
// too and only given a new IV per packet, and HMAC starts from precomputed states, so that
// protecting or unprotecting a packet allocates nothing.
//
// It knows packet layouts but no per-SSRC state: the caller picks the packet index (the
// rollover counter estimate and the replay check are SrtpSession's) and gets back whether the
// packet authenticated. Wire layouts, as libsrtp2 and rtpengine put them:
//   SRTP AES-CM/NULL: header | payload (encrypted) | MKI | tag over header..payload || ROC
//   SRTP GCM:         header (AAD) | payload (encrypted) | 16-byte tag | MKI
//   SRTCP AES-CM:     header | payload | E||index | MKI | tag over header..index
//   SRTCP GCM:        header | payload | 16-byte tag | E||index | MKI  (AAD: header, E||index)
// A session parameter (RFC 4568 6.3) that turns encryption off leaves the payload clear; for
// SRTCP with GCM the payload then joins the AAD (RFC 7714). GCM SRTP is always encrypted and
// authenticated, as libsrtp2 does it: UNENCRYPTED_SRTP and UNAUTHENTICATED_SRTP do not apply.
#pragma once

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "crypto/hmac_sha1.h"
#include "crypto/srtp_state.h"
#include "util/result.h"

namespace rtprelay::crypto {

class SrtpTransform {
public:
	enum class Outcome { kOk, kAuthFailed, kMalformed };

	// `encrypt`: the transform protects (else it unprotects).
	static Result<SrtpTransform> create(const SrtpKeying& keying, bool encrypt);

	// Bytes protect_rtp/protect_rtcp add after a packet.
	size_t rtp_trailer() const;
	size_t rtcp_trailer() const;

	// In place, with room for the trailer after `len`. `index`: the 48-bit packet index
	// (ROC * 2^16 + SEQ) the caller chose.
	Outcome protect_rtp(uint8_t* packet, size_t& len, uint64_t index);
	// Checks the MKI and the tag before it decrypts; a packet refused is left as it came.
	Outcome unprotect_rtp(uint8_t* packet, size_t& len, uint64_t index);
	// `index`: the 31-bit SRTCP index this packet is sent with.
	Outcome protect_rtcp(uint8_t* packet, size_t& len, uint32_t index);
	// The SRTCP index a packet carries, before it is authenticated; false if too short.
	bool srtcp_index(const uint8_t* packet, size_t len, uint32_t& index) const;
	Outcome unprotect_rtcp(uint8_t* packet, size_t& len);

private:
	struct CtxFree {
		void operator()(EVP_CIPHER_CTX* c) const;
	};
	using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;
	using Salt = std::array<uint8_t, 14>; // not secret (RFC 3711 9.2), so not wiped

	// The keys and services of SRTP or of SRTCP.
	struct Keys {
		Ctx cipher;     // null: the NULL cipher
		HmacSha1 auth;  // AES-CM and NULL only
		Salt salt{};    // 14 bytes, or 12 for GCM
		size_t tag = 0; // bytes of authentication tag
		bool encrypt = false;
	};

	SrtpTransform() = default;
	Result<void> derive(const SrtpKeying& keying, bool rtcp, Keys& keys) const;

	Outcome ctr(const Keys& k, uint32_t ssrc, uint64_t index, uint8_t* data, size_t n) const;
	Outcome gcm(const Keys& k, const std::array<uint8_t, 12>& iv, std::span<const uint8_t> aad1,
	            std::span<const uint8_t> aad2, uint8_t* data, size_t n, uint8_t* tag) const;
	Outcome gcm_open(const Keys& k, const std::array<uint8_t, 12>& iv,
	                 std::span<const uint8_t> aad1, std::span<const uint8_t> aad2,
	                 uint8_t* data, size_t n, const uint8_t* tag) const;
	bool mki_matches(const uint8_t* at) const;
	void put_mki(uint8_t* at) const;

	Keys rtp_;
	Keys rtcp_;
	bool aead_ = false;
	bool encrypt_ = false;
	std::array<uint8_t, 128> mki_{}; // as it goes on the wire
	size_t mki_length_ = 0;
};

} // namespace rtprelay::crypto
