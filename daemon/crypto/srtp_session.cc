// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/srtp_session.h"

#include <srtp2/srtp.h>

#include <algorithm>
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

srtp_policy_t policy_for(const sdp::SrtpSuite& suite, uint8_t* key)
{
	srtp_policy_t policy{};
	set_policies(suite, policy.rtp, policy.rtcp);
	policy.key = key;
	policy.window_size = kReplayWindow;
	policy.allow_repeat_tx = 1; // a retransmitted RTP packet is protected again, not refused
	return policy;
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
	srtp_crypto_policy_t probe{};
	if (!set_policies(suite, probe, probe))
		return Error{strprintf("SRTP suite %.*s is not supported",
		                       static_cast<int>(suite.name.size()), suite.name.data())};
	SrtpSession session(suite, key_salt);
	srtp_policy_t policy = policy_for(suite, session.key_.data());
	policy.ssrc.type = direction == Direction::kInbound ? ssrc_any_inbound : ssrc_any_outbound;
	srtp_t ctx = nullptr;
	srtp_err_status_t status = srtp_create(&ctx, &policy);
	if (status != srtp_err_status_ok)
		return Error{strprintf("libsrtp2 refused the %.*s session (error %d)",
		                       static_cast<int>(suite.name.size()), suite.name.data(),
		                       static_cast<int>(status))};
	session.ctx_ = ctx;
	return session;
}

SrtpSession::SrtpSession(const sdp::SrtpSuite& suite, std::span<const uint8_t> key_salt)
    : suite_(&suite), ctx_(nullptr)
{
	memcpy(key_.data(), key_salt.data(), std::min(key_salt.size(), key_.size()));
}

SrtpSession::SrtpSession(SrtpSession&& other) noexcept
    : suite_(other.suite_), ctx_(std::exchange(other.ctx_, nullptr)), key_(other.key_)
{
	explicit_bzero(other.key_.data(), other.key_.size());
}

SrtpSession& SrtpSession::operator=(SrtpSession&& other) noexcept
{
	if (this != &other) {
		if (ctx_)
			srtp_dealloc(ctx_);
		suite_ = other.suite_;
		ctx_ = std::exchange(other.ctx_, nullptr);
		key_ = other.key_;
		explicit_bzero(other.key_.data(), other.key_.size());
	}
	return *this;
}

SrtpSession::~SrtpSession()
{
	if (ctx_)
		srtp_dealloc(ctx_); // libsrtp2 wipes the session keys
	explicit_bzero(key_.data(), key_.size());
}

std::optional<uint32_t> SrtpSession::roc(uint32_t ssrc) const
{
	uint32_t value = 0;
	if (srtp_get_stream_roc(ctx_, ssrc, &value) != srtp_err_status_ok)
		return std::nullopt;
	return value;
}

Result<void> SrtpSession::resume(uint32_t ssrc, uint32_t roc)
{
	srtp_policy_t policy = policy_for(*suite_, key_.data());
	policy.ssrc.type = ssrc_specific;
	policy.ssrc.value = ssrc;
	if (auto status = srtp_add_stream(ctx_, &policy); status != srtp_err_status_ok)
		return Error{strprintf("cannot resume SSRC %u: libsrtp2 error %d", ssrc,
		                       static_cast<int>(status))};
	if (auto status = srtp_set_stream_roc(ctx_, ssrc, roc); status != srtp_err_status_ok)
		return Error{strprintf("cannot set the ROC of SSRC %u: libsrtp2 error %d", ssrc,
		                       static_cast<int>(status))};
	return {};
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
