// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/hmac_sha1.h"

#include <openssl/crypto.h>

// SHA1_Init/Update/Final are deprecated in OpenSSL 3.0 in favour of EVP_MD_CTX, which lives on
// the heap: they are the only way to start a MAC from a precomputed state copied by value.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace rtprelay::crypto {

HmacSha1::~HmacSha1()
{
	OPENSSL_cleanse(&inner_, sizeof inner_);
	OPENSSL_cleanse(&outer_, sizeof outer_);
}

bool HmacSha1::set_key(std::span<const uint8_t> key)
{
	// A key longer than a block is its hash (RFC 2104 2): ICE passwords may be 256 bytes.
	std::array<uint8_t, SHA_DIGEST_LENGTH> hashed{};
	if (key.size() > SHA_CBLOCK) {
		SHA1(key.data(), key.size(), hashed.data());
		key = hashed;
	}
	std::array<uint8_t, SHA_CBLOCK> ipad{};
	std::array<uint8_t, SHA_CBLOCK> opad{};
	for (size_t i = 0; i < SHA_CBLOCK; i++) {
		uint8_t k = i < key.size() ? key[i] : 0;
		ipad[i] = k ^ 0x36;
		opad[i] = k ^ 0x5c;
	}
	bool ok = SHA1_Init(&inner_) == 1 && SHA1_Update(&inner_, ipad.data(), ipad.size()) == 1 &&
	          SHA1_Init(&outer_) == 1 && SHA1_Update(&outer_, opad.data(), opad.size()) == 1;
	OPENSSL_cleanse(ipad.data(), ipad.size());
	OPENSSL_cleanse(opad.data(), opad.size());
	OPENSSL_cleanse(hashed.data(), hashed.size());
	return ok;
}

HmacSha1::Digest HmacSha1::mac(std::span<const uint8_t> a, std::span<const uint8_t> b) const
{
	Digest inner{};
	Digest out{};
	SHA_CTX c = inner_;
	SHA1_Update(&c, a.data(), a.size());
	if (!b.empty())
		SHA1_Update(&c, b.data(), b.size());
	SHA1_Final(inner.data(), &c);
	c = outer_;
	SHA1_Update(&c, inner.data(), inner.size());
	SHA1_Final(out.data(), &c);
	OPENSSL_cleanse(&c, sizeof c);
	return out;
}

} // namespace rtprelay::crypto
