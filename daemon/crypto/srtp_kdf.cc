// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/srtp_kdf.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

namespace rtprelay::crypto {
namespace {

const EVP_CIPHER* aes_ctr(size_t key_bytes)
{
	switch (key_bytes) {
	case 16: return EVP_aes_128_ctr();
	case 24: return EVP_aes_192_ctr();
	case 32: return EVP_aes_256_ctr();
	default: return nullptr;
	}
}

struct CtxFree {
	void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

} // namespace

bool srtp_kdf(std::span<const uint8_t> master_key, std::span<const uint8_t> master_salt,
              KdfLabel label, std::span<uint8_t> out)
{
	const EVP_CIPHER* cipher = aes_ctr(master_key.size());
	std::array<uint8_t, 64> zeros{};
	if (!cipher || master_salt.size() > 14 || out.size() > zeros.size())
		return false;
	// x = (label * 2^48) XOR master salt, as the counter block x * 2^16.
	std::array<uint8_t, 16> iv{};
	std::copy(master_salt.begin(), master_salt.end(), iv.begin());
	iv[7] ^= static_cast<uint8_t>(label);
	std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
	int len = 0;
	return ctx &&
	       EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, master_key.data(), iv.data()) == 1 &&
	       EVP_EncryptUpdate(ctx.get(), out.data(), &len, zeros.data(),
	                         static_cast<int>(out.size())) == 1 &&
	       static_cast<size_t>(len) == out.size();
}

} // namespace rtprelay::crypto
