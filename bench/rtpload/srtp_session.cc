// libsrtp2 sessions for rtpload's SRTP endpoints.
#include "srtp_session.h"

#include <srtp2/srtp.h>

#include <cstring>
#include <string_view>

namespace rtpload {
namespace {

static_assert(kSrtpTrailerRoom >= SRTP_MAX_TRAILER_LEN);

// The libsrtp policy setter for a suite's SRTP (the suite table is sdes.cc's).
bool set_crypto_policy(const SrtpSuite& suite, srtp_crypto_policy_t& p)
{
	std::string_view n = suite.name;
	if (n == "AES_CM_128_HMAC_SHA1_80")
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p);
	else if (n == "AES_CM_128_HMAC_SHA1_32")
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p);
	else if (n == "AES_256_CM_HMAC_SHA1_80")
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p);
	else if (n == "AES_256_CM_HMAC_SHA1_32")
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p);
	else if (n == "AEAD_AES_128_GCM")
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p);
	else if (n == "AEAD_AES_256_GCM")
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p);
	else
		return false;
	return true;
}

std::string status_text(srtp_err_status_t st)
{
	return "libsrtp2 error " + std::to_string(static_cast<int>(st));
}

} // namespace

Result<void> srtp_library_init()
{
	static srtp_err_status_t st = srtp_init();
	if (st != srtp_err_status_ok)
		return Error{"srtp_init: " + status_text(st)};
	return {};
}

void SrtpSession::Free::operator()(srtp_ctx_t_* ctx) const
{
	srtp_dealloc(ctx);
}

Result<SrtpSession> SrtpSession::create(const SdesKey& key, Direction dir)
{
	srtp_policy_t policy;
	std::memset(&policy, 0, sizeof policy);
	if (!key.suite || !set_crypto_policy(*key.suite, policy.rtp))
		return Error{"no libsrtp2 policy for this suite"};
	policy.rtcp = policy.rtp; // no RTCP is sent; libsrtp wants a valid policy anyway
	if (key.unencrypted_srtp)
		policy.rtp.sec_serv =
		        static_cast<srtp_sec_serv_t>(policy.rtp.sec_serv & ~sec_serv_conf);
	if (key.unauthenticated_srtp)
		policy.rtp.sec_serv =
		        static_cast<srtp_sec_serv_t>(policy.rtp.sec_serv & ~sec_serv_auth);
	policy.ssrc.type = dir == Direction::outbound ? ssrc_any_outbound : ssrc_any_inbound;
	// libsrtp only reads the key during srtp_create.
	policy.key = const_cast<unsigned char*>(key.key_salt.data());
	policy.window_size = 128;
	policy.allow_repeat_tx = dir == Direction::outbound ? 1 : 0;
	srtp_t ctx = nullptr;
	srtp_err_status_t st = srtp_create(&ctx, &policy);
	if (st != srtp_err_status_ok)
		return Error{"srtp_create: " + status_text(st)};
	SrtpSession s;
	s.ctx_.reset(ctx);
	return s;
}

bool SrtpSession::protect(uint8_t* pkt, size_t& len)
{
	int n = static_cast<int>(len);
	if (srtp_protect(ctx_.get(), pkt, &n) != srtp_err_status_ok)
		return false;
	len = static_cast<size_t>(n);
	return true;
}

Unprotect SrtpSession::unprotect(uint8_t* pkt, size_t& len)
{
	int n = static_cast<int>(len);
	srtp_err_status_t st = srtp_unprotect(ctx_.get(), pkt, &n);
	if (st == srtp_err_status_replay_fail || st == srtp_err_status_replay_old)
		return Unprotect::replay;
	if (st != srtp_err_status_ok)
		return Unprotect::failed;
	len = static_cast<size_t>(n);
	return Unprotect::ok;
}

} // namespace rtpload
