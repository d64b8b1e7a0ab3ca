// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernel/srtp_params.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>

#include "crypto/srtp_kdf.h"
#include "sdp/crypto.h"

namespace rtprelay::kernel {
namespace {

struct AbiSuite {
	std::string_view name;
	uint8_t abi;
};
constexpr std::array<AbiSuite, 10> kAbiSuites{{
        {"AES_CM_128_HMAC_SHA1_80", RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_80},
        {"AES_CM_128_HMAC_SHA1_32", RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_32},
        {"AES_192_CM_HMAC_SHA1_80", RTPRELAY_SRTP_AES_192_CM_HMAC_SHA1_80},
        {"AES_192_CM_HMAC_SHA1_32", RTPRELAY_SRTP_AES_192_CM_HMAC_SHA1_32},
        {"AES_256_CM_HMAC_SHA1_80", RTPRELAY_SRTP_AES_256_CM_HMAC_SHA1_80},
        {"AES_256_CM_HMAC_SHA1_32", RTPRELAY_SRTP_AES_256_CM_HMAC_SHA1_32},
        {"AEAD_AES_128_GCM", RTPRELAY_SRTP_AEAD_AES_128_GCM},
        {"AEAD_AES_256_GCM", RTPRELAY_SRTP_AEAD_AES_256_GCM},
        {"NULL_HMAC_SHA1_80", RTPRELAY_SRTP_NULL_HMAC_SHA1_80},
        {"NULL_HMAC_SHA1_32", RTPRELAY_SRTP_NULL_HMAC_SHA1_32},
}};

// The session keys of SRTP (labels 0-2) or SRTCP (3-5).
bool derive(const sdp::SrtpSuite& s, std::span<const uint8_t> master, bool rtcp,
            rtprelay_srtp_keys& out)
{
	using crypto::KdfLabel;
	auto key = master.first(s.key_bytes);
	auto salt = master.subspan(s.key_bytes, s.salt_bytes);
	auto label = [rtcp](KdfLabel l) {
		return static_cast<KdfLabel>(static_cast<int>(l) + (rtcp ? 3 : 0));
	};
	bool ok = true;
	if (!s.null_cipher)
		ok = crypto::srtp_kdf(key, salt, label(KdfLabel::kSrtpCipher),
		                      std::span(out.cipher_key).first(s.key_bytes));
	// The session salt is 112 bits, 96 for GCM (RFC 7714 11).
	ok = ok && crypto::srtp_kdf(key, salt, label(KdfLabel::kSrtpSalt),
	                            std::span(out.salt).first(s.aead ? 12 : 14));
	if (!s.aead)
		ok = ok && crypto::srtp_kdf(key, salt, label(KdfLabel::kSrtpAuth), out.auth_key);
	return ok;
}

// SRTCP indices skipped at a hand-over of protection, either way. To the kernel: RTCP already
// queued on the socket is still protected in userspace after the hand-over, with the session's
// next indices, which the kernel must not send again (the receiver would drop them as
// replays). Back from it: the kernel may protect RTCP between the last reading and the
// deletion of its target. Indices need only be unique and rising, so a gap costs nothing.
constexpr uint32_t kSrtcpHandoverGap = 64;
constexpr uint32_t kMaxSrtcpIndex = 0x7fffffff;

void put_index(const crypto::SrtpSsrcState& from, rtprelay_srtp_index& x, bool protecting)
{
	if (from.has_rtp) {
		x.flags |= RTPRELAY_SI_RTP;
		x.roc = from.roc;
		x.seq = from.highest_seq;
	}
	if (from.has_srtcp) {
		x.flags |= RTPRELAY_SI_RTCP;
		x.srtcp_index =
		        protecting ? std::min(from.srtcp_index + kSrtcpHandoverGap, kMaxSrtcpIndex)
		                   : from.srtcp_index;
	}
}

} // namespace

uint8_t abi_suite(std::string_view suite_name)
{
	for (const AbiSuite& a : kAbiSuites)
		if (a.name == suite_name)
			return a.abi;
	return RTPRELAY_SRTP_NONE;
}

const char* srtp_refusal(const crypto::SrtpKeying& k, uint32_t kernel_suites)
{
	uint8_t abi = abi_suite(k.srtp_suite().name);
	if (abi == RTPRELAY_SRTP_NONE || !(kernel_suites & (1u << abi)))
		return "SRTP: xt_RTPRELAY cannot run this suite";
	if (k.mki_length > RTPRELAY_SRTP_MAX_MKI)
		return "SRTP: MKI longer than xt_RTPRELAY takes (4 bytes)";
	if (k.lifetime)
		return "SRTP: the key has a lifetime, which xt_RTPRELAY does not count";
	return nullptr;
}

Result<void> put_srtp(const crypto::SrtpKeying& k, rtprelay_srtp& out)
{
	const sdp::SrtpSuite& s = k.srtp_suite();
	std::memset(&out, 0, sizeof out);
	out.suite = abi_suite(s.name);
	if (out.suite == RTPRELAY_SRTP_NONE || k.mki_length > RTPRELAY_SRTP_MAX_MKI ||
	    k.length != s.key_bytes + s.salt_bytes)
		return Error{"SRTP keying the kernel module cannot take"};
	if (k.unencrypted_srtp)
		out.flags |= RTPRELAY_SRTP_F_UNENCRYPTED_SRTP;
	if (k.unencrypted_srtcp)
		out.flags |= RTPRELAY_SRTP_F_UNENCRYPTED_SRTCP;
	if (k.unauthenticated_srtp)
		out.flags |= RTPRELAY_SRTP_F_UNAUTHENTICATED_SRTP;
	// The MKI value, big-endian in mki_length bytes (RFC 4568 6.1), as the transform sends it.
	out.mki_len = k.mki_length;
	for (size_t i = 0; i < k.mki_length; i++)
		out.mki[k.mki_length - 1 - i] = static_cast<uint8_t>(k.mki >> (8 * i));
	if (!derive(s, k.key_salt(), false, out.rtp) || !derive(s, k.key_salt(), true, out.rtcp)) {
		explicit_bzero(&out, sizeof out);
		return Error{"OpenSSL failed to derive the SRTP session keys"};
	}
	return {};
}

Result<void> put_srtp_ssrcs(rtprelay_cmd_add_target& c, const crypto::SrtpState* in,
                            std::span<const crypto::SrtpState* const> out)
{
	if (out.size() > RTPRELAY_MAX_OUTPUTS)
		return Error{"SRTP: more outputs than xt_RTPRELAY has"};
	size_t used = 0;
	auto slot = [&c, &used](uint32_t ssrc) -> rtprelay_srtp_ssrc* {
		for (size_t i = 0; i < used; i++)
			if (c.srtp_ssrcs[i].ssrc == ssrc)
				return &c.srtp_ssrcs[i];
		if (used == RTPRELAY_MAX_SSRCS)
			return nullptr;
		rtprelay_srtp_ssrc* s = &c.srtp_ssrcs[used++];
		s->ssrc = ssrc;
		s->valid = 1;
		return s;
	};
	// -1: what arrives; i: what output i sends
	auto put = [&slot](const crypto::SrtpState* st, int output) -> Result<void> {
		for (size_t i = 0; st && i < st->ssrc_count; i++) {
			const crypto::SrtpSsrcState& from = st->ssrcs[i];
			rtprelay_srtp_ssrc* s = slot(from.ssrc);
			if (!s)
				return Error{"SRTP: more SSRCs than xt_RTPRELAY tracks"};
			put_index(from, output < 0 ? s->in : s->out[output], output >= 0);
		}
		return {};
	};
	if (auto r = put(in, -1); !r)
		return r;
	for (size_t i = 0; i < out.size(); i++)
		if (auto r = put(out[i], static_cast<int>(i)); !r)
			return r;
	return {};
}

crypto::SrtpSsrcState from_abi(uint32_t ssrc, const rtprelay_srtp_index& x)
{
	crypto::SrtpSsrcState s;
	s.ssrc = ssrc;
	s.has_rtp = x.flags & RTPRELAY_SI_RTP;
	s.roc = x.roc;
	s.highest_seq = x.seq;
	s.has_srtcp = x.flags & RTPRELAY_SI_RTCP;
	s.srtcp_index = x.srtcp_index;
	return s;
}

crypto::SrtpSsrcState taken_back(uint32_t ssrc, const rtprelay_srtp_index& x)
{
	crypto::SrtpSsrcState s = from_abi(ssrc, x);
	if (s.has_srtcp)
		s.srtcp_index = std::min(s.srtcp_index + kSrtcpHandoverGap, kMaxSrtcpIndex);
	return s;
}

} // namespace rtprelay::kernel
