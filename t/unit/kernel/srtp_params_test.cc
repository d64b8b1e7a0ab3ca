// kernel/srtp_params: SRTP as the module takes it. Session keys are checked against the RFC 3711
// B.3 key derivation test vectors (not against our own derivation), the MKI's byte order and
// the session parameters against RFC 4568, the merge of SSRC states and the way back from
// GET_STATS against what SrtpSession::advance needs.
#include "kernel/srtp_params.h"

#include <cppunit/extensions/HelperMacros.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "sdp/crypto.h"

using namespace rtprelay;
using namespace rtprelay::kernel;

namespace {

std::vector<uint8_t> unhex(const std::string& hex)
{
	std::vector<uint8_t> out;
	for (size_t i = 0; i + 1 < hex.size(); i += 2)
		out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
	return out;
}

crypto::SrtpKeying keying(std::string_view suite, const std::vector<uint8_t>& key_salt)
{
	crypto::SrtpKeying k;
	const auto suites = sdp::srtp_suites();
	for (size_t i = 0; i < suites.size(); i++)
		if (suites[i].name == suite)
			k.suite = static_cast<uint8_t>(i);
	k.length = static_cast<uint8_t>(key_salt.size());
	std::copy(key_salt.begin(), key_salt.end(), k.master.begin());
	return k;
}

// RFC 3711 B.3: master key and salt.
std::vector<uint8_t> rfc3711_b3()
{
	return unhex("E1F97A0D3E018BE0D64FA32C06DE4139"
	             "0EC675AD498AFEEBB6960B3AABE6");
}

bool bytes_are(const uint8_t* p, const std::string& hex)
{
	auto want = unhex(hex);
	return std::memcmp(p, want.data(), want.size()) == 0;
}

uint32_t all_suites()
{
	uint32_t m = 0;
	for (int i = 1; i < RTPRELAY_SRTP_SUITES; i++)
		m |= 1u << i;
	return m;
}

} // namespace

class SrtpParamsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SrtpParamsTest);
	CPPUNIT_TEST(every_relay_suite_has_an_abi_number);
	CPPUNIT_TEST(session_keys_are_rfc3711_b3s);
	CPPUNIT_TEST(gcm_salt_is_96_bits_and_no_auth_key);
	CPPUNIT_TEST(mki_is_big_endian_and_flags_carry_the_session_parameters);
	CPPUNIT_TEST(refusals_name_the_reason);
	CPPUNIT_TEST(ssrc_states_merge_by_ssrc);
	CPPUNIT_TEST(too_many_ssrcs_is_an_error);
	CPPUNIT_TEST(from_abi_reads_back_what_put_wrote);
	CPPUNIT_TEST_SUITE_END();

public:
	void every_relay_suite_has_an_abi_number()
	{
		for (const sdp::SrtpSuite& s : sdp::srtp_suites())
			CPPUNIT_ASSERT_MESSAGE(std::string(s.name),
			                       abi_suite(s.name) != RTPRELAY_SRTP_NONE);
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SRTP_AEAD_AES_256_GCM},
		                     abi_suite("AEAD_AES_256_GCM"));
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SRTP_NONE}, abi_suite("F8_128_HMAC_SHA1_80"));
	}

	void session_keys_are_rfc3711_b3s()
	{
		rtprelay_srtp out;
		CPPUNIT_ASSERT(put_srtp(keying("AES_CM_128_HMAC_SHA1_80", rfc3711_b3()), out));
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_80}, out.suite);
		CPPUNIT_ASSERT(bytes_are(out.rtp.cipher_key, "C61E7A93744F39EE10734AFE3FF7A087"));
		CPPUNIT_ASSERT(bytes_are(out.rtp.salt, "30CBBC08863D8C85D49DB34A9AE1"));
		CPPUNIT_ASSERT(
		        bytes_are(out.rtp.auth_key, "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
		// The rest of each array stays zero, as the ABI says.
		for (size_t i = 16; i < sizeof out.rtp.cipher_key; i++)
			CPPUNIT_ASSERT_EQUAL(uint8_t{0}, out.rtp.cipher_key[i]);
		// SRTCP has its own keys (labels 3-5).
		CPPUNIT_ASSERT(std::memcmp(out.rtp.cipher_key, out.rtcp.cipher_key, 16) != 0);
		CPPUNIT_ASSERT(std::memcmp(out.rtp.auth_key, out.rtcp.auth_key, 20) != 0);
	}

	void gcm_salt_is_96_bits_and_no_auth_key()
	{
		std::vector<uint8_t> ks(16 + 12, 0x42);
		rtprelay_srtp out;
		CPPUNIT_ASSERT(put_srtp(keying("AEAD_AES_128_GCM", ks), out));
		CPPUNIT_ASSERT_EQUAL(uint8_t{0}, out.rtp.salt[12]);
		CPPUNIT_ASSERT_EQUAL(uint8_t{0}, out.rtp.salt[13]);
		for (uint8_t b : out.rtp.auth_key)
			CPPUNIT_ASSERT_EQUAL(uint8_t{0}, b);
		std::vector<uint8_t> null_ks(16 + 14, 0x42);
		CPPUNIT_ASSERT(put_srtp(keying("NULL_HMAC_SHA1_80", null_ks), out));
		for (uint8_t b : out.rtp.cipher_key)
			CPPUNIT_ASSERT_EQUAL(uint8_t{0}, b);
	}

	void mki_is_big_endian_and_flags_carry_the_session_parameters()
	{
		crypto::SrtpKeying k = keying("AES_CM_128_HMAC_SHA1_32", rfc3711_b3());
		k.mki = 0x0102;
		k.mki_length = 3;
		k.unencrypted_srtcp = true;
		k.unauthenticated_srtp = true;
		rtprelay_srtp out;
		CPPUNIT_ASSERT(put_srtp(k, out));
		CPPUNIT_ASSERT_EQUAL(uint8_t{3}, out.mki_len);
		CPPUNIT_ASSERT(out.mki[0] == 0 && out.mki[1] == 1 && out.mki[2] == 2);
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SRTP_F_UNENCRYPTED_SRTCP |
		                             RTPRELAY_SRTP_F_UNAUTHENTICATED_SRTP},
		                     out.flags);
		k.mki_length = 5;
		CPPUNIT_ASSERT(!put_srtp(k, out));
	}

	void refusals_name_the_reason()
	{
		crypto::SrtpKeying k = keying("AES_CM_128_HMAC_SHA1_80", rfc3711_b3());
		CPPUNIT_ASSERT(!srtp_refusal(k, all_suites()));
		CPPUNIT_ASSERT(std::string(srtp_refusal(k, all_suites() & ~2u)).find("suite") !=
		               std::string::npos);
		k.mki_length = 5;
		CPPUNIT_ASSERT(std::string(srtp_refusal(k, all_suites())).find("MKI") !=
		               std::string::npos);
		k.mki_length = 0;
		k.lifetime = 1u << 20;
		CPPUNIT_ASSERT(std::string(srtp_refusal(k, all_suites())).find("lifetime") !=
		               std::string::npos);
	}

	void ssrc_states_merge_by_ssrc()
	{
		crypto::SrtpState in, out;
		in.ssrcs[0] = {7, 1, 100, true, true, 5};
		in.ssrcs[1] = {9, 0, 3, true, false, 0};
		in.ssrc_count = 2;
		out.ssrcs[0] = {9, 2, 50, true, true, 77};
		out.ssrc_count = 1;
		// A second output (a BUNDLE's other m= line) protects its own SSRC.
		crypto::SrtpState video;
		video.ssrcs[0] = {11, 4, 8, true, false, 0};
		video.ssrc_count = 1;
		const std::array<const crypto::SrtpState*, 2> outs{&out, &video};
		rtprelay_cmd_add_target c{};
		CPPUNIT_ASSERT(put_srtp_ssrcs(c, &in, outs));
		const rtprelay_srtp_ssrc& a = c.srtp_ssrcs[0];
		const rtprelay_srtp_ssrc& b = c.srtp_ssrcs[1];
		const rtprelay_srtp_ssrc& v = c.srtp_ssrcs[2];
		CPPUNIT_ASSERT(a.valid && a.ssrc == 7 && b.valid && b.ssrc == 9 && v.valid &&
		               v.ssrc == 11 && !c.srtp_ssrcs[3].valid);
		CPPUNIT_ASSERT(v.out[1].roc == 4 && v.out[1].seq == 8 && !v.out[0].flags &&
		               !v.in.flags && !b.out[1].flags);
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SI_RTP | RTPRELAY_SI_RTCP}, a.in.flags);
		CPPUNIT_ASSERT(a.in.roc == 1 && a.in.seq == 100 && a.in.srtcp_index == 5);
		CPPUNIT_ASSERT_EQUAL(uint8_t{0}, a.out[0].flags);
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SI_RTP}, b.in.flags);
		CPPUNIT_ASSERT(b.out[0].roc == 2 && b.out[0].seq == 50 &&
		               b.out[0].srtcp_index ==
		                       77 + 64); // the kernel skips queued RTCP's indices
		// Without sessions nothing is set.
		rtprelay_cmd_add_target none{};
		CPPUNIT_ASSERT(put_srtp_ssrcs(none, nullptr, {}));
		CPPUNIT_ASSERT(!none.srtp_ssrcs[0].valid);
		// More outputs than the kernel has is an error.
		const std::array<const crypto::SrtpState*, RTPRELAY_MAX_OUTPUTS + 1> five{};
		CPPUNIT_ASSERT(!put_srtp_ssrcs(none, nullptr, five));
	}

	void too_many_ssrcs_is_an_error()
	{
		crypto::SrtpState in;
		for (uint32_t i = 0; i < RTPRELAY_MAX_SSRCS + 1; i++)
			in.ssrcs[in.ssrc_count++] = {100 + i, 0, 1, true, false, 0};
		rtprelay_cmd_add_target c{};
		CPPUNIT_ASSERT(!put_srtp_ssrcs(c, &in, {}));
	}

	void from_abi_reads_back_what_put_wrote()
	{
		crypto::SrtpState in;
		in.ssrcs[0] = {42, 3, 65535, true, true, 1000};
		in.ssrc_count = 1;
		rtprelay_cmd_add_target c{};
		CPPUNIT_ASSERT(put_srtp_ssrcs(c, &in, {}));
		crypto::SrtpSsrcState back = from_abi(42, c.srtp_ssrcs[0].in);
		CPPUNIT_ASSERT(back.ssrc == 42 && back.roc == 3 && back.highest_seq == 65535 &&
		               back.has_rtp && back.has_srtcp && back.srtcp_index == 1000);
		crypto::SrtpSsrcState empty = from_abi(42, c.srtp_ssrcs[0].out[0]);
		CPPUNIT_ASSERT(!empty.has_rtp && !empty.has_srtcp);
		// Taken back from a target about to be deleted: SRTCP continues past a gap.
		crypto::SrtpSsrcState back2 = taken_back(42, c.srtp_ssrcs[0].in);
		CPPUNIT_ASSERT(back2.roc == 3 && back2.highest_seq == 65535 &&
		               back2.srtcp_index == 1000 + 64);
		CPPUNIT_ASSERT(!taken_back(42, c.srtp_ssrcs[0].out[0]).has_srtcp);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SrtpParamsTest);
