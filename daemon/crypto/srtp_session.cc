// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/srtp_session.h"

#include <srtp2/srtp.h>

#include <array>
#include <cstring>
#include <mutex>
#include <utility>

#include "util/strings.h"

namespace rtprelay::crypto {
namespace {

constexpr unsigned long kReplayWindow = 128;
static_assert(SrtpSession::kMaxTrailer == SRTP_MAX_TRAILER_LEN);

bool initialised()
{
	static std::once_flag once;
	static srtp_err_status_t status = srtp_err_status_fail;
	std::call_once(once, [] { status = srtp_init(); });
	return status == srtp_err_status_ok;
}

// The libsrtp2 policies of a suite. SRTCP of the _32 suites keeps the 80-bit tag (RFC 4568
// 6.2), and the NULL cipher suites authenticate like AES-128's.
bool set_policies(const sdp::SrtpSuite& s, srtp_crypto_policy_t& rtp, srtp_crypto_policy_t& rtcp)
{
	std::string_view n = s.name;
	if (n == "AES_CM_128_HMAC_SHA1_80" || n == "AES_CM_128_HMAC_SHA1_32") {
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtcp);
	} else if (n == "AES_192_CM_HMAC_SHA1_80" || n == "AES_192_CM_HMAC_SHA1_32") {
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&rtcp);
	} else if (n == "AES_256_CM_HMAC_SHA1_80" || n == "AES_256_CM_HMAC_SHA1_32") {
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtcp);
	} else if (n == "AEAD_AES_128_GCM") {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtcp);
	} else if (n == "AEAD_AES_256_GCM") {
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&rtcp);
	} else if (n == "NULL_HMAC_SHA1_80" || n == "NULL_HMAC_SHA1_32") {
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&rtcp);
	} else {
		return false;
	}
	rtp = rtcp;
	rtp.auth_tag_len = s.tag_bytes;
	return true;
}

SrtpSession::Verdict verdict(srtp_err_status_t status)
{
	switch (status) {
	case srtp_err_status_ok: return SrtpSession::Verdict::kOk;
	case srtp_err_status_auth_fail: return SrtpSession::Verdict::kAuthFailed;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old: return SrtpSession::Verdict::kReplay;
	default: return SrtpSession::Verdict::kMalformed;
	}
}

} // namespace

Result<SrtpSession> SrtpSession::create(const sdp::SrtpSuite& suite,
                                        std::span<const uint8_t> key_salt, Direction direction)
{
	if (!initialised())
		return Error{"libsrtp2 failed to initialise"};
	if (key_salt.size() != size_t{suite.key_bytes} + suite.salt_bytes)
		return Error{strprintf("%.*s needs %u bytes of key and salt, got %zu",
		                       static_cast<int>(suite.name.size()), suite.name.data(),
		                       suite.key_bytes + suite.salt_bytes, key_salt.size())};
	srtp_policy_t policy{};
	if (!set_policies(suite, policy.rtp, policy.rtcp))
		return Error{strprintf("SRTP suite %.*s is not supported",
		                       static_cast<int>(suite.name.size()), suite.name.data())};
	// libsrtp2 copies the key into its own state during srtp_create.
	std::array<uint8_t, sdp::CryptoKey::kMaxMaterial> key{};
	memcpy(key.data(), key_salt.data(), key_salt.size());
	policy.key = key.data();
	policy.ssrc.type = direction == Direction::kInbound ? ssrc_any_inbound : ssrc_any_outbound;
	policy.window_size = kReplayWindow;
	policy.allow_repeat_tx = 1; // a retransmitted RTP packet is protected again, not refused
	srtp_t ctx = nullptr;
	srtp_err_status_t status = srtp_create(&ctx, &policy);
	explicit_bzero(key.data(), key.size());
	if (status != srtp_err_status_ok)
		return Error{strprintf("libsrtp2 refused the %.*s session (error %d)",
		                       static_cast<int>(suite.name.size()), suite.name.data(),
		                       static_cast<int>(status))};
	return SrtpSession(suite, ctx);
}

SrtpSession::SrtpSession(SrtpSession&& other) noexcept
    : suite_(other.suite_), ctx_(std::exchange(other.ctx_, nullptr))
{
}

SrtpSession& SrtpSession::operator=(SrtpSession&& other) noexcept
{
	if (this != &other) {
		if (ctx_)
			srtp_dealloc(ctx_);
		suite_ = other.suite_;
		ctx_ = std::exchange(other.ctx_, nullptr);
	}
	return *this;
}

SrtpSession::~SrtpSession()
{
	if (ctx_)
		srtp_dealloc(ctx_); // libsrtp2 wipes the session keys
}

SrtpSession::Verdict SrtpSession::protect(uint8_t* packet, size_t& len, size_t capacity, bool rtcp)
{
	if (len + kMaxTrailer > capacity || len > INT32_MAX)
		return Verdict::kMalformed;
	int n = static_cast<int>(len);
	srtp_err_status_t status =
	        rtcp ? srtp_protect_rtcp(ctx_, packet, &n) : srtp_protect(ctx_, packet, &n);
	if (status == srtp_err_status_ok)
		len = static_cast<size_t>(n);
	return verdict(status);
}

SrtpSession::Verdict SrtpSession::unprotect(uint8_t* packet, size_t& len, bool rtcp)
{
	if (len > INT32_MAX)
		return Verdict::kMalformed;
	int n = static_cast<int>(len);
	srtp_err_status_t status =
	        rtcp ? srtp_unprotect_rtcp(ctx_, packet, &n) : srtp_unprotect(ctx_, packet, &n);
	if (status == srtp_err_status_ok)
		len = static_cast<size_t>(n);
	return verdict(status);
}

} // namespace rtprelay::crypto
