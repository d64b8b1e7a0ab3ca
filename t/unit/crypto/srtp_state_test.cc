// SrtpKeying and SrtpState, and what SrtpSession does with them beyond the plain suites: MKI
// against libsrtp2 driven directly with the same MKI, key lifetime, the bound on tracked SSRCs
// and the per-SSRC state a kernel hand-over reads. (That the master key is wiped when a
// keying goes is left untested: reading freed storage is not portable.)
#include "crypto/srtp_state.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "crypto/srtp_session.h"
#include "libsrtp_once.h"
#include "sdp/crypto.h"

using namespace rtprelay;
using namespace rtprelay::crypto;
using V = SrtpSession::Verdict;
using Dir = SrtpSession::Direction;

namespace {

constexpr size_t kPayload = 160;
constexpr size_t kRtpLen = 12 + kPayload;
constexpr uint32_t kSsrc = 0x5a5a0001;

const sdp::SrtpSuite& suite_named(const char* name)
{
	const sdp::SrtpSuite* s = sdp::find_srtp_suite(name);
	CPPUNIT_ASSERT_MESSAGE(name, s);
	return *s;
}

uint8_t suite_index(const sdp::SrtpSuite& s)
{
	return static_cast<uint8_t>(&s - sdp::srtp_suites().data());
}

SrtpKeying keying_for(const sdp::SrtpSuite& s, uint8_t mki_length = 0, uint32_t mki = 0,
                      uint64_t lifetime = 0)
{
	SrtpKeying k;
	k.suite = suite_index(s);
	k.length = static_cast<uint8_t>(s.key_bytes + s.salt_bytes);
	for (size_t i = 0; i < k.length; i++)
		k.master[i] = static_cast<uint8_t>(i * 7 + 3);
	k.mki_length = mki_length;
	k.mki = mki;
	k.lifetime = lifetime;
	return k;
}

// The other implementation: a raw libsrtp2 session of `keying`'s suite and key, with one
// master key carrying `mki` (the MKI as it goes on the wire).
srtp_t raw_session(const SrtpKeying& keying, std::vector<uint8_t>& key, std::vector<uint8_t>& mki,
                   bool inbound)
{
	CPPUNIT_ASSERT(libsrtp_ready());
	srtp_policy_t p{};
	std::string n(keying.srtp_suite().name);
	if (n == "AES_CM_128_HMAC_SHA1_80")
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
	else if (n == "AEAD_AES_128_GCM")
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
	else
		CPPUNIT_FAIL("no raw policy for " + n);
	p.rtcp = p.rtp;
	// RFC 4568 6.3's session parameters take a service away.
	auto without = [](srtp_crypto_policy_t& c, srtp_sec_serv_t service) {
		c.sec_serv = static_cast<srtp_sec_serv_t>(c.sec_serv & ~service);
	};
	if (keying.unencrypted_srtp)
		without(p.rtp, sec_serv_conf);
	if (keying.unauthenticated_srtp)
		without(p.rtp, sec_serv_auth);
	if (keying.unencrypted_srtcp)
		without(p.rtcp, sec_serv_conf);
	key.assign(keying.key_salt().begin(), keying.key_salt().end());
	srtp_master_key_t master{};
	master.key = key.data();
	master.mki_id = mki.data();
	master.mki_size = static_cast<unsigned>(mki.size());
	srtp_master_key_t* masters[1] = {&master};
	p.keys = masters;
	p.num_master_keys = 1;
	p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	p.window_size = 128;
	srtp_t s = nullptr;
	CPPUNIT_ASSERT_EQUAL(srtp_err_status_ok, srtp_create(&s, &p));
	return s;
}

std::vector<uint8_t> rtp_packet(uint16_t seq, uint32_t ssrc = kSsrc)
{
	std::vector<uint8_t> p(kRtpLen + SrtpSession::kMaxTrailer, 0);
	p[0] = 0x80;
	p[2] = static_cast<uint8_t>(seq >> 8);
	p[3] = static_cast<uint8_t>(seq);
	for (int i = 0; i < 4; i++)
		p[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
	for (size_t i = 12; i < kRtpLen; i++)
		p[i] = static_cast<uint8_t>(i ^ seq);
	return p;
}

std::vector<uint8_t> rtcp_packet()
{
	// A receiver report without blocks: V=2, PT=201, length 1, SSRC.
	std::vector<uint8_t> p(8 + SrtpSession::kMaxTrailer + 4, 0);
	p[0] = 0x80;
	p[1] = 201;
	p[3] = 1;
	p[7] = 0x42;
	return p;
}

// Whether `mki` is at `at` in `packet`.
bool mki_at(const std::vector<uint8_t>& packet, size_t at, const std::vector<uint8_t>& mki)
{
	return at + mki.size() <= packet.size() &&
	       std::equal(mki.begin(), mki.end(), packet.begin() + static_cast<long>(at));
}

} // namespace

class SrtpStateTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SrtpStateTest);
	CPPUNIT_TEST(mki_interoperates_with_libsrtp2);
	CPPUNIT_TEST(mki_of_srtcp_interoperates_with_libsrtp2);
	CPPUNIT_TEST(wrong_mki_is_refused);
	CPPUNIT_TEST(session_parameters_interoperate_with_libsrtp2);
	CPPUNIT_TEST(unauthenticated_srtp_carries_no_tag);
	CPPUNIT_TEST(key_expires_after_its_lifetime);
	CPPUNIT_TEST(inbound_key_expires_too);
	CPPUNIT_TEST(only_the_most_recent_ssrcs_are_tracked);
	CPPUNIT_TEST(recently_used_ssrc_is_not_the_one_dropped);
	CPPUNIT_TEST(state_follows_the_sequence_wrap);
	CPPUNIT_TEST(resumed_ssrc_is_reported_before_its_first_packet);
	CPPUNIT_TEST(keying_from_a_line_with_mki_and_lifetime);
	CPPUNIT_TEST(keying_from_a_plain_line);
	CPPUNIT_TEST_SUITE_END();

public:
	// RFC 3711 3.1: the MKI follows the encrypted payload and precedes the authentication
	// tag. For the AEAD suites libsrtp2 counts the GCM tag as part of the ciphertext and
	// writes the MKI after it; both ends here are libsrtp2, so the test pins that layout.
	void mki_interoperates_with_libsrtp2()
	{
		struct Case {
			const char* suite;
			uint8_t mki_length;
			uint32_t mki;
			std::vector<uint8_t> wire;
			size_t mki_offset; // from the end of the plain payload
		};
		const std::vector<Case> cases = {
		        {"AES_CM_128_HMAC_SHA1_80", 4, 0x01020304, {1, 2, 3, 4}, 0},
		        {"AES_CM_128_HMAC_SHA1_80", 1, 0x9c, {0x9c}, 0},
		        {"AEAD_AES_128_GCM", 4, 0x0a0b0c0d, {10, 11, 12, 13}, 16},
		        {"AEAD_AES_128_GCM", 2, 0x0102, {1, 2}, 16},
		};
		for (const Case& c : cases) {
			std::string name = std::string(c.suite) + " MKI " + std::to_string(c.mki);
			const sdp::SrtpSuite& suite = suite_named(c.suite);
			SrtpKeying k = keying_for(suite, c.mki_length, c.mki);
			auto out = SrtpSession::create(k, Dir::kOutbound);
			auto in = SrtpSession::create(k, Dir::kInbound);
			CPPUNIT_ASSERT_MESSAGE(name, out && in);
			std::vector<uint8_t> key, mki = c.wire;
			srtp_t raw_in = raw_session(k, key, mki, true);
			srtp_t raw_out = raw_session(k, key, mki, false);

			for (uint16_t seq : {uint16_t{10}, uint16_t{11}, uint16_t{12}}) {
				// Ours protects, libsrtp2 unprotects.
				auto plain = rtp_packet(seq);
				auto p = plain;
				size_t len = kRtpLen;
				CPPUNIT_ASSERT_MESSAGE(name, out->protect(p.data(), len, p.size(),
				                                          false) == V::kOk);
				CPPUNIT_ASSERT_EQUAL_MESSAGE(
				        name, kRtpLen + c.mki_length + suite.tag_bytes, len);
				CPPUNIT_ASSERT_MESSAGE(name,
				                       mki_at(p, kRtpLen + c.mki_offset, c.wire));
				int n = static_cast<int>(len);
				CPPUNIT_ASSERT_EQUAL_MESSAGE(
				        name, srtp_err_status_ok,
				        srtp_unprotect_mki(raw_in, p.data(), &n, 1));
				CPPUNIT_ASSERT_MESSAGE(
				        name, n == static_cast<int>(kRtpLen) &&
				                      memcmp(p.data(), plain.data(), kRtpLen) == 0);

				// libsrtp2 protects, ours unprotects.
				auto q = plain;
				n = static_cast<int>(kRtpLen);
				CPPUNIT_ASSERT_EQUAL_MESSAGE(
				        name, srtp_err_status_ok,
				        srtp_protect_mki(raw_out, q.data(), &n, 1, 0));
				len = static_cast<size_t>(n);
				CPPUNIT_ASSERT_MESSAGE(name, in->unprotect(q.data(), len, false) ==
				                                     V::kOk);
				CPPUNIT_ASSERT_MESSAGE(
				        name, len == kRtpLen &&
				                      memcmp(q.data(), plain.data(), kRtpLen) == 0);
			}
			srtp_dealloc(raw_in);
			srtp_dealloc(raw_out);
		}
	}

	// SRTCP (RFC 3711 3.4): E flag and index, then the MKI, then the tag.
	void mki_of_srtcp_interoperates_with_libsrtp2()
	{
		for (const char* name : {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"}) {
			const sdp::SrtpSuite& suite = suite_named(name);
			SrtpKeying k = keying_for(suite, 3, 0x070809);
			auto out = SrtpSession::create(k, Dir::kOutbound);
			auto in = SrtpSession::create(k, Dir::kInbound);
			CPPUNIT_ASSERT_MESSAGE(name, out && in);
			std::vector<uint8_t> key, mki = {7, 8, 9};
			srtp_t raw_in = raw_session(k, key, mki, true);
			srtp_t raw_out = raw_session(k, key, mki, false);

			auto r = rtcp_packet();
			size_t len = 8;
			CPPUNIT_ASSERT_MESSAGE(name, out->protect(r.data(), len, r.size(), true) ==
			                                     V::kOk);
			int n = static_cast<int>(len);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(
			        name, srtp_err_status_ok,
			        srtp_unprotect_rtcp_mki(raw_in, r.data(), &n, 1));
			CPPUNIT_ASSERT_EQUAL(8, n);

			r = rtcp_packet();
			n = 8;
			CPPUNIT_ASSERT_EQUAL(srtp_err_status_ok,
			                     srtp_protect_rtcp_mki(raw_out, r.data(), &n, 1, 0));
			len = static_cast<size_t>(n);
			CPPUNIT_ASSERT_MESSAGE(name, in->unprotect(r.data(), len, true) == V::kOk);
			CPPUNIT_ASSERT_EQUAL(size_t{8}, len);
			srtp_dealloc(raw_in);
			srtp_dealloc(raw_out);
		}
	}

	// A packet keyed under another MKI, or whose MKI was changed on the way, is refused and
	// left as it came.
	void wrong_mki_is_refused()
	{
		for (const char* name : {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"}) {
			const sdp::SrtpSuite& suite = suite_named(name);
			SrtpKeying k = keying_for(suite, 4, 1);
			auto in = SrtpSession::create(k, Dir::kInbound);
			CPPUNIT_ASSERT_MESSAGE(name, in);
			std::vector<uint8_t> key, other = {0, 0, 0, 2};
			srtp_t raw_out = raw_session(k, key, other, false);
			auto p = rtp_packet(1);
			int n = static_cast<int>(kRtpLen);
			CPPUNIT_ASSERT_EQUAL(srtp_err_status_ok,
			                     srtp_protect_mki(raw_out, p.data(), &n, 1, 0));
			auto sent = p;
			size_t len = static_cast<size_t>(n);
			CPPUNIT_ASSERT_MESSAGE(name, in->unprotect(p.data(), len, false) != V::kOk);
			CPPUNIT_ASSERT_MESSAGE(name, len == static_cast<size_t>(n) && p == sent);
			srtp_dealloc(raw_out);

			// Ours protects; one bit of the MKI flips on the way.
			auto out = SrtpSession::create(k, Dir::kOutbound);
			CPPUNIT_ASSERT(out);
			auto q = rtp_packet(2);
			len = kRtpLen;
			CPPUNIT_ASSERT(out->protect(q.data(), len, q.size(), false) == V::kOk);
			size_t mki_end = suite.aead ? len : len - suite.tag_bytes;
			q[mki_end - 1] ^= 0x01;
			CPPUNIT_ASSERT_MESSAGE(name, in->unprotect(q.data(), len, false) != V::kOk);
			// The same packet with its MKI put back goes through.
			q[mki_end - 1] ^= 0x01;
			CPPUNIT_ASSERT_MESSAGE(name, in->unprotect(q.data(), len, false) == V::kOk);
		}
	}

	// UNENCRYPTED_SRTP and UNENCRYPTED_SRTCP against libsrtp2 with the same service taken
	// away, both ways, RTP and RTCP; an unencrypted payload is clear on the wire.
	// UNAUTHENTICATED_SRTP is checked on its layout (RFC 3711: no tag) and between our own
	// sessions only: libsrtp2 2.5 strips a tag its own protect never added (and then finds
	// no MKI), so it is no reference there.
	void session_parameters_interoperate_with_libsrtp2()
	{
		struct Case {
			const char* suite;
			bool enc_rtp, enc_rtcp, unauth; // the parameters set
		};
		const std::vector<Case> cases = {
		        {"AES_CM_128_HMAC_SHA1_80", true, false, false},
		        {"AES_CM_128_HMAC_SHA1_80", false, true, false},
		        {"AES_CM_128_HMAC_SHA1_80", true, true, false},
		        {"AEAD_AES_128_GCM", false, true, false},
		        {"AEAD_AES_128_GCM", true, false, false},
		};
		for (const Case& c : cases) {
			std::string name = std::string(c.suite) +
			                   (c.enc_rtp ? " UNENCRYPTED_SRTP" : "") +
			                   (c.enc_rtcp ? " UNENCRYPTED_SRTCP" : "") +
			                   (c.unauth ? " UNAUTHENTICATED_SRTP" : "");
			SrtpKeying k = keying_for(suite_named(c.suite), 1, 5);
			k.unencrypted_srtp = c.enc_rtp;
			k.unencrypted_srtcp = c.enc_rtcp;
			k.unauthenticated_srtp = c.unauth;
			auto out = SrtpSession::create(k, Dir::kOutbound);
			auto in = SrtpSession::create(k, Dir::kInbound);
			CPPUNIT_ASSERT_MESSAGE(name, out && in);
			std::vector<uint8_t> key, mki = {5};
			srtp_t raw_in = raw_session(k, key, mki, true);
			srtp_t raw_out = raw_session(k, key, mki, false);

			auto plain = rtp_packet(40);
			auto p = plain;
			size_t len = kRtpLen;
			CPPUNIT_ASSERT_MESSAGE(name, out->protect(p.data(), len, p.size(), false) ==
			                                     V::kOk);
			bool clear =
			        c.enc_rtp && !suite_named(c.suite).aead; // GCM: always encrypted
			CPPUNIT_ASSERT_MESSAGE(
			        name, (memcmp(p.data(), plain.data(), kRtpLen) == 0) == clear);
			int n = static_cast<int>(len);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, srtp_err_status_ok,
			                             srtp_unprotect_mki(raw_in, p.data(), &n, 1));
			CPPUNIT_ASSERT_MESSAGE(
			        name, n == static_cast<int>(kRtpLen) &&
			                      memcmp(p.data(), plain.data(), kRtpLen) == 0);
			p = plain;
			n = static_cast<int>(kRtpLen);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, srtp_err_status_ok,
			                             srtp_protect_mki(raw_out, p.data(), &n, 1, 0));
			len = static_cast<size_t>(n);
			CPPUNIT_ASSERT_MESSAGE(name, in->unprotect(p.data(), len, false) == V::kOk);
			CPPUNIT_ASSERT_MESSAGE(
			        name,
			        len == kRtpLen && memcmp(p.data(), plain.data(), kRtpLen) == 0);

			auto r = rtcp_packet();
			len = 8;
			CPPUNIT_ASSERT_MESSAGE(name, out->protect(r.data(), len, r.size(), true) ==
			                                     V::kOk);
			n = static_cast<int>(len);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(
			        name, srtp_err_status_ok,
			        srtp_unprotect_rtcp_mki(raw_in, r.data(), &n, 1));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, 8, n);
			r = rtcp_packet();
			n = 8;
			CPPUNIT_ASSERT_EQUAL_MESSAGE(
			        name, srtp_err_status_ok,
			        srtp_protect_rtcp_mki(raw_out, r.data(), &n, 1, 0));
			len = static_cast<size_t>(n);
			CPPUNIT_ASSERT_MESSAGE(name, in->unprotect(r.data(), len, true) == V::kOk);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(name, size_t{8}, len);
			srtp_dealloc(raw_in);
			srtp_dealloc(raw_out);
		}
	}

	void unauthenticated_srtp_carries_no_tag()
	{
		SrtpKeying k = keying_for(suite_named("AES_CM_128_HMAC_SHA1_80"), 1, 5);
		k.unauthenticated_srtp = true;
		auto out = SrtpSession::create(k, Dir::kOutbound);
		auto in = SrtpSession::create(k, Dir::kInbound);
		CPPUNIT_ASSERT(out && in);
		auto plain = rtp_packet(9);
		auto p = plain;
		size_t len = kRtpLen;
		CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) == V::kOk);
		CPPUNIT_ASSERT_EQUAL(kRtpLen + 1, len); // the MKI, no tag
		CPPUNIT_ASSERT(mki_at(p, kRtpLen, {5}));
		CPPUNIT_ASSERT(memcmp(p.data() + 12, plain.data() + 12, kPayload) != 0);
		CPPUNIT_ASSERT(in->unprotect(p.data(), len, false) == V::kOk);
		CPPUNIT_ASSERT(len == kRtpLen && memcmp(p.data(), plain.data(), kRtpLen) == 0);
		// SRTCP keeps its tag (RFC 4568 6.3.3 is about SRTP only).
		auto r = rtcp_packet();
		len = 8;
		CPPUNIT_ASSERT(out->protect(r.data(), len, r.size(), true) == V::kOk);
		CPPUNIT_ASSERT_EQUAL(size_t{8 + 4 + 1 + 10}, len);
		CPPUNIT_ASSERT(in->unprotect(r.data(), len, true) == V::kOk);
	}

	void key_expires_after_its_lifetime()
	{
		SrtpKeying k = keying_for(suite_named("AES_CM_128_HMAC_SHA1_80"), 0, 0, 3);
		auto out = SrtpSession::create(k, Dir::kOutbound);
		CPPUNIT_ASSERT(out);
		for (uint16_t seq = 1; seq <= 3; seq++) {
			auto p = rtp_packet(seq);
			size_t len = kRtpLen;
			CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) == V::kOk);
		}
		for (uint16_t seq = 4; seq <= 5; seq++) {
			auto p = rtp_packet(seq);
			auto plain = p;
			size_t len = kRtpLen;
			CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) ==
			               V::kKeyExpired);
			CPPUNIT_ASSERT(len == kRtpLen && p == plain); // not sent half-protected
		}
		auto r = rtcp_packet();
		size_t len = 8;
		CPPUNIT_ASSERT(out->protect(r.data(), len, r.size(), true) == V::kKeyExpired);
	}

	void inbound_key_expires_too()
	{
		SrtpKeying k = keying_for(suite_named("AEAD_AES_128_GCM"), 0, 0, 3);
		SrtpKeying unlimited = k;
		unlimited.lifetime = 0;
		auto out = SrtpSession::create(unlimited, Dir::kOutbound);
		auto in = SrtpSession::create(k, Dir::kInbound);
		CPPUNIT_ASSERT(out && in);
		for (uint16_t seq = 1; seq <= 4; seq++) {
			auto p = rtp_packet(seq);
			size_t len = kRtpLen;
			CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) == V::kOk);
			V want = seq <= 3 ? V::kOk : V::kKeyExpired;
			CPPUNIT_ASSERT(in->unprotect(p.data(), len, false) == want);
		}
	}

	// 20 SSRCs through one session: it keeps the last 8, and libsrtp2 forgets the others.
	void only_the_most_recent_ssrcs_are_tracked()
	{
		SrtpKeying k = keying_for(suite_named("AES_CM_128_HMAC_SHA1_80"));
		auto out = SrtpSession::create(k, Dir::kOutbound);
		auto in = SrtpSession::create(k, Dir::kInbound);
		CPPUNIT_ASSERT(out && in);
		auto ssrc = [](int i) { return 0x10000 + static_cast<uint32_t>(i); };
		auto pass = [&](int i, uint16_t seq) {
			auto plain = rtp_packet(seq, ssrc(i));
			auto p = plain;
			size_t len = kRtpLen;
			CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) == V::kOk);
			CPPUNIT_ASSERT(in->unprotect(p.data(), len, false) == V::kOk);
			CPPUNIT_ASSERT(len == kRtpLen && memcmp(p.data(), plain.data(), len) == 0);
		};
		for (int i = 0; i < 20; i++)
			pass(i, static_cast<uint16_t>(100 + i));

		std::set<uint32_t> want;
		for (int i = 12; i < 20; i++)
			want.insert(ssrc(i));
		for (const SrtpSession* s : {&*out, &*in}) {
			SrtpState st = s->state();
			CPPUNIT_ASSERT_EQUAL(size_t{SrtpState::kMaxSsrcs}, size_t{st.ssrc_count});
			std::set<uint32_t> got;
			for (size_t i = 0; i < st.ssrc_count; i++)
				got.insert(st.ssrcs[i].ssrc);
			CPPUNIT_ASSERT(got == want);
			for (int i = 0; i < 12; i++)
				CPPUNIT_ASSERT(!s->roc(ssrc(i))); // libsrtp2's stream removed
			for (int i = 12; i < 20; i++)
				CPPUNIT_ASSERT(s->roc(ssrc(i)) == 0u);
		}
		// A tracked SSRC goes on; an evicted one starts again.
		pass(19, 120);
		pass(19, 121);
		pass(0, 200);
		CPPUNIT_ASSERT_EQUAL(uint8_t{SrtpState::kMaxSsrcs}, out->state().ssrc_count);
		CPPUNIT_ASSERT(!out->roc(ssrc(12)));
	}

	void recently_used_ssrc_is_not_the_one_dropped()
	{
		SrtpKeying k = keying_for(suite_named("AEAD_AES_128_GCM"));
		auto out = SrtpSession::create(k, Dir::kOutbound);
		CPPUNIT_ASSERT(out);
		auto send = [&](uint32_t ssrc, uint16_t seq) {
			auto p = rtp_packet(seq, ssrc);
			size_t len = kRtpLen;
			CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) == V::kOk);
		};
		for (uint32_t s = 1; s <= 8; s++)
			send(s, 1);
		send(1, 2); // SSRC 1 is now the most recently used
		send(9, 1);
		CPPUNIT_ASSERT(out->roc(1));
		CPPUNIT_ASSERT(!out->roc(2));
		CPPUNIT_ASSERT_EQUAL(uint8_t{8}, out->state().ssrc_count);
	}

	void state_follows_the_sequence_wrap()
	{
		for (const char* name : {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"}) {
			SrtpKeying k = keying_for(suite_named(name), 2, 0x0304);
			auto out = SrtpSession::create(k, Dir::kOutbound);
			auto in = SrtpSession::create(k, Dir::kInbound);
			CPPUNIT_ASSERT_MESSAGE(name, out && in);
			for (uint16_t seq = 65530; seq != 4; seq++) {
				auto p = rtp_packet(seq);
				size_t len = kRtpLen;
				CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) ==
				               V::kOk);
				CPPUNIT_ASSERT(in->unprotect(p.data(), len, false) == V::kOk);
			}
			// An RTCP packet of another SSRC does not move the RTP state.
			auto r = rtcp_packet();
			size_t len = 8;
			CPPUNIT_ASSERT(out->protect(r.data(), len, r.size(), true) == V::kOk);
			for (const SrtpSession* s : {&*out, &*in}) {
				SrtpState st = s->state();
				CPPUNIT_ASSERT_MESSAGE(name, st.keying == k);
				const SrtpSsrcState* rtp = nullptr;
				for (size_t i = 0; i < st.ssrc_count; i++)
					if (st.ssrcs[i].ssrc == kSsrc)
						rtp = &st.ssrcs[i];
				CPPUNIT_ASSERT_MESSAGE(name, rtp);
				CPPUNIT_ASSERT_EQUAL_MESSAGE(name, uint32_t{1}, rtp->roc);
				CPPUNIT_ASSERT_EQUAL_MESSAGE(name, uint16_t{3}, rtp->highest_seq);
			}
			CPPUNIT_ASSERT_EQUAL(uint8_t{1}, in->state().ssrc_count);
			CPPUNIT_ASSERT_EQUAL(uint8_t{2}, out->state().ssrc_count);

			// A late packet from before the wrap (never seen, inside the replay window)
			// leaves the highest sequence number.
			auto late = rtp_packet(65529);
			len = kRtpLen;
			auto out2 = SrtpSession::create(k, Dir::kOutbound);
			CPPUNIT_ASSERT(out2->resume(kSsrc, 0));
			CPPUNIT_ASSERT(out2->protect(late.data(), len, late.size(), false) ==
			               V::kOk);
			CPPUNIT_ASSERT(in->unprotect(late.data(), len, false) == V::kOk);
			CPPUNIT_ASSERT_EQUAL(uint16_t{3}, in->state().ssrcs[0].highest_seq);
			CPPUNIT_ASSERT_EQUAL(uint32_t{1}, in->state().ssrcs[0].roc);
		}
	}

	// libsrtp2 applies a resumed rollover counter only to the SSRC's next packet; until then
	// the session itself must report it, or a second hand-over (a second re-key before the
	// party sends again) would start that SSRC at 0.
	void resumed_ssrc_is_reported_before_its_first_packet()
	{
		SrtpKeying k = keying_for(suite_named("AES_CM_128_HMAC_SHA1_80"));
		auto out = SrtpSession::create(k, Dir::kOutbound);
		auto in = SrtpSession::create(k, Dir::kInbound);
		CPPUNIT_ASSERT(out && in);
		for (uint16_t seq = 65530; seq != 4; seq++) {
			auto p = rtp_packet(seq);
			size_t len = kRtpLen;
			CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) == V::kOk);
		}
		CPPUNIT_ASSERT(in->resume(kSsrc, 1));
		CPPUNIT_ASSERT(in->roc(kSsrc) == 1u);
		SrtpState st = in->state();
		CPPUNIT_ASSERT_EQUAL(uint8_t{1}, st.ssrc_count);
		CPPUNIT_ASSERT_EQUAL(kSsrc, st.ssrcs[0].ssrc);
		CPPUNIT_ASSERT_EQUAL(uint32_t{1}, st.ssrcs[0].roc);

		// Handed on again before any packet: the next session still starts at 1.
		auto again = SrtpSession::create(k, Dir::kInbound);
		CPPUNIT_ASSERT(again && again->resume(kSsrc, st.ssrcs[0].roc));
		for (uint16_t seq = 4; seq < 7; seq++) {
			auto p = rtp_packet(seq);
			size_t len = kRtpLen;
			CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) == V::kOk);
			CPPUNIT_ASSERT(again->unprotect(p.data(), len, false) == V::kOk);
		}
		st = again->state();
		CPPUNIT_ASSERT_EQUAL(uint8_t{1}, st.ssrc_count);
		CPPUNIT_ASSERT_EQUAL(uint32_t{1}, st.ssrcs[0].roc);
		CPPUNIT_ASSERT_EQUAL(uint16_t{6}, st.ssrcs[0].highest_seq);
	}

	void keying_from_a_line_with_mki_and_lifetime()
	{
		const std::string key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e"; // bytes 1..30
		auto line = sdp::CryptoAttr::parse("5 AES_CM_128_HMAC_SHA1_80 inline:" + key +
		                                   "|2^20|1:4;inline:" + key + "|2^10|2:4");
		CPPUNIT_ASSERT(line);
		SrtpKeying k = SrtpKeying::from(*line);
		CPPUNIT_ASSERT(&k.srtp_suite() == sdp::find_srtp_suite("AES_CM_128_HMAC_SHA1_80"));
		CPPUNIT_ASSERT_EQUAL(uint8_t{30}, k.length);
		for (size_t i = 0; i < k.master.size(); i++)
			CPPUNIT_ASSERT_EQUAL(static_cast<uint8_t>(i < 30 ? i + 1 : 0), k.master[i]);
		CPPUNIT_ASSERT_EQUAL(uint8_t{4}, k.mki_length); // the first key's
		CPPUNIT_ASSERT_EQUAL(uint32_t{1}, k.mki);
		CPPUNIT_ASSERT_EQUAL(uint64_t{1} << 20, k.lifetime);

		// Such a keying makes a session whose packets carry MKI 1 in four bytes.
		auto out = SrtpSession::create(k, Dir::kOutbound);
		CPPUNIT_ASSERT(out);
		auto p = rtp_packet(1);
		size_t len = kRtpLen;
		CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) == V::kOk);
		CPPUNIT_ASSERT_EQUAL(kRtpLen + 4 + 10, len);
		CPPUNIT_ASSERT(mki_at(p, kRtpLen, {0, 0, 0, 1}));
	}

	void keying_from_a_plain_line()
	{
		auto line =
		        sdp::CryptoAttr::parse("1 AEAD_AES_128_GCM "
		                               "inline:MjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSktMTQ==");
		CPPUNIT_ASSERT(line);
		SrtpKeying k = SrtpKeying::from(*line);
		CPPUNIT_ASSERT_EQUAL(suite_index(suite_named("AEAD_AES_128_GCM")), k.suite);
		CPPUNIT_ASSERT_EQUAL(uint8_t{28}, k.length);
		CPPUNIT_ASSERT_EQUAL(uint8_t{50}, k.key_salt().front());
		CPPUNIT_ASSERT_EQUAL(uint8_t{77}, k.key_salt().back());
		CPPUNIT_ASSERT_EQUAL(uint8_t{0}, k.mki_length);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, k.lifetime);
		auto out = SrtpSession::create(k, Dir::kOutbound);
		CPPUNIT_ASSERT(out);
		auto p = rtp_packet(1);
		size_t len = kRtpLen;
		CPPUNIT_ASSERT(out->protect(p.data(), len, p.size(), false) == V::kOk);
		CPPUNIT_ASSERT_EQUAL(kRtpLen + 16, len);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SrtpStateTest);
