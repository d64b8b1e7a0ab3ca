// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/suite_check.h"

#include <openssl/evp.h>
#include <srtp2/srtp.h>

#include <array>
#include <cstring>
#include <mutex>

#include "crypto/libsrtp_init.h"
#include "util/log.h"

namespace rtprelay::crypto {
namespace {

using Block = std::array<uint8_t, 16>;

// `n` bytes of AES-CTR keystream of `key` from counter block `iv`.
bool keystream(const EVP_CIPHER* cipher, const uint8_t* key, const Block& iv, uint8_t* out, int n)
{
	std::array<uint8_t, 64> zeros{};
	EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
	int len = 0;
	bool ok = ctx && n <= static_cast<int>(zeros.size()) &&
	          EVP_EncryptInit_ex(ctx, cipher, nullptr, key, iv.data()) == 1 &&
	          EVP_EncryptUpdate(ctx, out, &len, zeros.data(), n) == 1 && len == n;
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

// RFC 3711 4.3.1/4.3.3 with a key derivation rate of 0: PRF_n(k_master, x) where x is the
// master salt with the label in its 8th byte, used as the counter block x * 2^16.
bool derive(const EVP_CIPHER* cipher, const uint8_t* master_key, const uint8_t* master_salt,
            uint8_t label, uint8_t* out, int n)
{
	Block iv{};
	memcpy(iv.data(), master_salt, 14);
	iv[7] ^= label;
	return keystream(cipher, master_key, iv, out, n);
}

// The first 16 bytes of RTP payload (sequence 1, SSRC 0x1234, zeros) as RFC 6188 encrypts
// them with AES-192 for master key || salt = 0, 1, ..., 37.
bool reference_aes192(const uint8_t* key_salt, uint8_t* out)
{
	const EVP_CIPHER* aes = EVP_aes_192_ctr();
	std::array<uint8_t, 24> k_e{};
	std::array<uint8_t, 14> k_s{};
	if (!derive(aes, key_salt, key_salt + 24, 0x00, k_e.data(), 24) ||
	    !derive(aes, key_salt, key_salt + 24, 0x02, k_s.data(), 14))
		return false;
	Block iv{};
	memcpy(iv.data(), k_s.data(), k_s.size());
	iv[6] ^= 0x12; // SSRC in bytes 4-7
	iv[7] ^= 0x34;
	iv[13] ^= 0x01; // the packet index (ROC 0, sequence 1) in bytes 8-13
	return keystream(aes, k_e.data(), iv, out, 16);
}

// libsrtp2 driven directly (SrtpSession refuses the suites this decides about).
bool libsrtp_matches_aes192()
{
	std::array<uint8_t, 38> key_salt{};
	for (size_t i = 0; i < key_salt.size(); i++)
		key_salt[i] = static_cast<uint8_t>(i);
	std::array<uint8_t, 16> want{};
	if (!libsrtp_ready() || !reference_aes192(key_salt.data(), want.data()))
		return false;
	srtp_policy_t policy{};
	srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&policy.rtp);
	srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&policy.rtcp);
	policy.key = key_salt.data();
	policy.ssrc.type = ssrc_any_outbound;
	policy.window_size = 128;
	srtp_t ctx = nullptr;
	if (srtp_create(&ctx, &policy) != srtp_err_status_ok)
		return false;
	std::array<uint8_t, 12 + 16 + SRTP_MAX_TRAILER_LEN> packet{};
	const uint8_t header[12] = {0x80, 0, 0, 1, 0, 0, 0, 0xa0, 0, 0, 0x12, 0x34};
	memcpy(packet.data(), header, sizeof header);
	int len = 12 + 16;
	bool same = srtp_protect(ctx, packet.data(), &len) == srtp_err_status_ok &&
	            memcmp(packet.data() + 12, want.data(), want.size()) == 0;
	srtp_dealloc(ctx);
	return same;
}

} // namespace

bool suite_usable(const sdp::SrtpSuite& suite)
{
	if (suite.name.substr(0, 7) != "AES_192")
		return true;
	static std::once_flag once;
	static bool usable = false;
	std::call_once(once, [] {
		usable = libsrtp_matches_aes192();
		if (!usable)
			log::notice(log::Subsystem::kCore,
			            "libsrtp2 derives AES-192 keys unlike RFC 6188 "
			            "(cisco/libsrtp#763): "
			            "AES_192_CM suites are neither offered nor accepted");
	});
	return usable;
}

} // namespace rtprelay::crypto
