// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/srtp_session.h"

#include <arpa/inet.h>
#include <srtp2/srtp.h>

#include <algorithm>
#include <cstring>
#include <tuple>
#include <utility>

#include "crypto/libsrtp_init.h"
#include "crypto/suite_check.h"
#include "util/strings.h"

namespace rtprelay::crypto {
namespace {

constexpr unsigned long kReplayWindow = 128;
static_assert(SrtpSession::kMaxTrailer == SRTP_MAX_TRAILER_LEN);
constexpr size_t kRtpHeader = 12;
constexpr size_t kRtcpHeader = 8;

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

// The policy for `keying`, pointing into the caller's key and MKI buffers. A sequence number
// the sender has used is never protected again (allow_repeat_tx off): a relay only forwards,
// and a party that reuses one with another payload would otherwise make the relay reuse
// keystream.
struct Policy {
	srtp_policy_t policy{};
	srtp_master_key_t master{};
	srtp_master_key_t* masters[1] = {&master};

	Policy(const SrtpKeying& keying, uint8_t* key, uint8_t* mki)
	{
		set_policies(keying.srtp_suite(), policy.rtp, policy.rtcp);
		if (keying.mki_length) {
			master.key = key;
			master.mki_id = mki;
			master.mki_size = keying.mki_length;
			policy.keys = masters;
			policy.num_master_keys = 1;
		} else {
			policy.key = key;
		}
		policy.window_size = kReplayWindow;
		// The session parameters take a service away (RFC 4568 6.3.1-6.3.3).
		auto without = [](srtp_crypto_policy_t& c, srtp_sec_serv_t service) {
			c.sec_serv = static_cast<srtp_sec_serv_t>(c.sec_serv & ~service);
		};
		if (keying.unencrypted_srtp)
			without(policy.rtp, sec_serv_conf);
		if (keying.unauthenticated_srtp)
			without(policy.rtp, sec_serv_auth);
		if (keying.unencrypted_srtcp)
			without(policy.rtcp, sec_serv_conf);
	}
};

SrtpSession::Verdict verdict(srtp_err_status_t status)
{
	switch (status) {
	case srtp_err_status_ok: return SrtpSession::Verdict::kOk;
	case srtp_err_status_auth_fail: return SrtpSession::Verdict::kAuthFailed;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old: return SrtpSession::Verdict::kReplay;
	case srtp_err_status_key_expired: return SrtpSession::Verdict::kKeyExpired;
	default: return SrtpSession::Verdict::kMalformed;
	}
}

uint32_t read32(const uint8_t* p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return ntohl(v);
}

Error suite_error(const sdp::SrtpSuite& s, const char* what)
{
	return Error{strprintf("SRTP suite %.*s: %s", static_cast<int>(s.name.size()),
	                       s.name.data(), what)};
}

} // namespace

Result<SrtpSession> SrtpSession::create(const SrtpKeying& keying, Direction direction)
{
	if (!libsrtp_ready())
		return Error{"libsrtp2 failed to initialise"};
	if (keying.suite >= sdp::srtp_suites().size())
		return Error{"unknown SRTP suite"};
	const sdp::SrtpSuite& suite = keying.srtp_suite();
	if (keying.length != size_t{suite.key_bytes} + suite.salt_bytes)
		return Error{strprintf("%.*s needs %u bytes of key and salt, got %u",
		                       static_cast<int>(suite.name.size()), suite.name.data(),
		                       suite.key_bytes + suite.salt_bytes, keying.length)};
	srtp_crypto_policy_t probe{};
	if (!set_policies(suite, probe, probe) || !suite_usable(suite))
		return suite_error(suite, "not supported by this libsrtp2");
	if (keying.mki_length > SRTP_MAX_MKI_LEN)
		return suite_error(suite, "MKI longer than 128 bytes");
	SrtpSession session(keying);
	// The MKI value, big-endian in mki_length bytes (RFC 4568 6.1).
	for (size_t i = 0; i < keying.mki_length && i < 4; i++)
		session.mki_[keying.mki_length - 1 - i] =
		        static_cast<uint8_t>(keying.mki >> (8 * i));
	Policy p(keying, session.keying_.master.data(), session.mki_.data());
	p.policy.ssrc.type =
	        direction == Direction::kInbound ? ssrc_any_inbound : ssrc_any_outbound;
	srtp_t ctx = nullptr;
	if (srtp_create(&ctx, &p.policy) != srtp_err_status_ok)
		return suite_error(suite, "libsrtp2 refused the session");
	session.ctx_ = ctx;
	return session;
}

Result<SrtpSession> SrtpSession::create(const sdp::SrtpSuite& suite,
                                        std::span<const uint8_t> key_salt, Direction direction)
{
	SrtpKeying k;
	k.suite = static_cast<uint8_t>(&suite - sdp::srtp_suites().data());
	if (key_salt.size() > k.master.size())
		return suite_error(suite, "key too long");
	k.length = static_cast<uint8_t>(key_salt.size());
	std::copy(key_salt.begin(), key_salt.end(), k.master.begin());
	return create(k, direction);
}

SrtpSession::SrtpSession(SrtpSession&& other) noexcept
    : keying_(other.keying_), ctx_(std::exchange(other.ctx_, nullptr)), mki_(other.mki_),
      tracked_(other.tracked_), tracked_count_(other.tracked_count_), uses_(other.uses_)
{
	explicit_bzero(other.keying_.master.data(), other.keying_.master.size());
}

SrtpSession& SrtpSession::operator=(SrtpSession&& other) noexcept
{
	if (this != &other) {
		if (ctx_)
			srtp_dealloc(ctx_);
		keying_ = other.keying_;
		ctx_ = std::exchange(other.ctx_, nullptr);
		mki_ = other.mki_;
		tracked_ = other.tracked_;
		tracked_count_ = other.tracked_count_;
		uses_ = other.uses_;
		explicit_bzero(other.keying_.master.data(), other.keying_.master.size());
	}
	return *this;
}

SrtpSession::~SrtpSession()
{
	if (ctx_)
		srtp_dealloc(ctx_); // libsrtp2 wipes the session keys; keying_ wipes the master
}

std::optional<uint32_t> SrtpSession::roc(uint32_t ssrc) const
{
	for (size_t i = 0; i < tracked_count_; i++)
		if (tracked_[i].ssrc == ssrc && tracked_[i].resumed)
			return tracked_[i].roc_from; // libsrtp2 has it only for the next packet
	uint32_t value = 0;
	if (srtp_get_stream_roc(ctx_, ssrc, &value) != srtp_err_status_ok)
		return std::nullopt;
	return value;
}

Result<void> SrtpSession::resume(const SrtpSsrcState& from)
{
	if (find(from.ssrc))
		return Error{strprintf("SSRC %u already has packets here", from.ssrc)};
	Policy p(keying_, keying_.master.data(), mki_.data());
	p.policy.ssrc.type = ssrc_specific;
	p.policy.ssrc.value = from.ssrc;
	if (auto status = srtp_add_stream(ctx_, &p.policy); status != srtp_err_status_ok)
		return Error{strprintf("cannot resume SSRC %u: libsrtp2 error %d", from.ssrc,
		                       static_cast<int>(status))};
	Tracked& t = make_room(from.ssrc);
	t.highest_seq = from.highest_seq;
	t.have_seq = true;
	t.resumed = true;
	t.roc_from = from.roc;
	return {};
}

SrtpState SrtpSession::state() const
{
	SrtpState s;
	s.keying = keying_;
	for (size_t i = 0; i < tracked_count_; i++) {
		SrtpSsrcState& out = s.ssrcs[s.ssrc_count++];
		out.ssrc = tracked_[i].ssrc;
		out.roc = roc(tracked_[i].ssrc).value_or(0);
		out.highest_seq = tracked_[i].highest_seq;
	}
	return s;
}

// Whether the packet may go to libsrtp2 at all: long enough for its header, and the key not
// past its lifetime. Reads its SSRC.
SrtpSession::Verdict SrtpSession::admit(const uint8_t* packet, size_t len, bool rtcp,
                                        uint32_t& ssrc) const
{
	if (len < (rtcp ? kRtcpHeader : kRtpHeader) || len > INT32_MAX)
		return Verdict::kMalformed;
	if (keying_.lifetime && uses_ >= keying_.lifetime)
		return Verdict::kKeyExpired;
	ssrc = read32(packet + (rtcp ? 4 : 8));
	return Verdict::kOk;
}

SrtpSession::Tracked* SrtpSession::find(uint32_t ssrc)
{
	for (size_t i = 0; i < tracked_count_; i++)
		if (tracked_[i].ssrc == ssrc)
			return &tracked_[i];
	return nullptr;
}

// A slot for a new SSRC: a free one, else the least valuable one's, whose libsrtp2 stream
// goes. Not on the packet path of an established stream: only a new SSRC gets here.
SrtpSession::Tracked& SrtpSession::make_room(uint32_t ssrc)
{
	Tracked* t = nullptr;
	if (tracked_count_ < tracked_.size()) {
		t = &tracked_[tracked_count_++];
	} else {
		auto worth = [this](const Tracked& x) {
			bool wrapped = roc(x.ssrc).value_or(0) > 0;
			return std::tuple(wrapped, x.packets, x.last_use);
		};
		t = &*std::min_element(tracked_.begin(), tracked_.end(),
		                       [&worth](const Tracked& a, const Tracked& b) {
			                       return worth(a) < worth(b);
		                       });
		srtp_remove_stream(ctx_, htonl(t->ssrc));
	}
	*t = Tracked{ssrc, 0, uses_, 0, false, false, 0};
	return *t;
}

// A resumed SSRC's packet: its rollover counter from the highest index the other session
// reached (RFC 3711 3.3.1), handed to libsrtp2 for this packet.
void SrtpSession::estimate_roc(uint32_t ssrc, const uint8_t* packet, bool rtcp)
{
	Tracked* t = find(ssrc);
	if (!t || !t->resumed || rtcp)
		return;
	auto seq = static_cast<uint16_t>(packet[2] << 8 | packet[3]);
	uint32_t roc = t->roc_from;
	if (t->highest_seq < 32768) {
		if (seq - t->highest_seq > 32768 && roc > 0)
			roc--;
	} else if (t->highest_seq - 32768 > seq) {
		roc++;
	}
	srtp_set_stream_roc(ctx_, ssrc, roc);
}

// After a packet of `ssrc` went through: its highest sequence number and its use, in a slot
// made for it if it is new.
void SrtpSession::track(uint32_t ssrc, const uint8_t* packet, bool rtcp)
{
	uses_++;
	auto seq = static_cast<uint16_t>(packet[2] << 8 | packet[3]);
	Tracked* t = find(ssrc);
	if (!t)
		t = &make_room(ssrc);
	t->last_use = uses_;
	t->packets++;
	if (rtcp)
		return;
	t->resumed = false;
	if (!t->have_seq || static_cast<int16_t>(static_cast<uint16_t>(seq - t->highest_seq)) > 0)
		t->highest_seq = seq;
	t->have_seq = true;
}

SrtpSession::Verdict SrtpSession::protect(uint8_t* packet, size_t& len, size_t capacity, bool rtcp)
{
	uint32_t ssrc = 0;
	if (len + kMaxTrailer > capacity)
		return Verdict::kMalformed;
	if (Verdict v = admit(packet, len, rtcp, ssrc); v != Verdict::kOk)
		return v;
	estimate_roc(ssrc, packet, rtcp);
	int n = static_cast<int>(len);
	unsigned use_mki = keying_.mki_length ? 1 : 0;
	srtp_err_status_t status = rtcp ? srtp_protect_rtcp_mki(ctx_, packet, &n, use_mki, 0)
	                                : srtp_protect_mki(ctx_, packet, &n, use_mki, 0);
	if (status != srtp_err_status_ok)
		return verdict(status);
	track(ssrc, packet, rtcp);
	len = static_cast<size_t>(n);
	return Verdict::kOk;
}

SrtpSession::Verdict SrtpSession::unprotect(uint8_t* packet, size_t& len, bool rtcp)
{
	uint32_t ssrc = 0;
	if (Verdict v = admit(packet, len, rtcp, ssrc); v != Verdict::kOk)
		return v;
	estimate_roc(ssrc, packet, rtcp);
	int n = static_cast<int>(len);
	unsigned use_mki = keying_.mki_length ? 1 : 0;
	srtp_err_status_t status = rtcp ? srtp_unprotect_rtcp_mki(ctx_, packet, &n, use_mki)
	                                : srtp_unprotect_mki(ctx_, packet, &n, use_mki);
	if (status != srtp_err_status_ok)
		return verdict(status);
	track(ssrc, packet, rtcp);
	len = static_cast<size_t>(n);
	return Verdict::kOk;
}

} // namespace rtprelay::crypto
