// How an answer settles the SDES suite, against rtpengine's rules (docs/rtpengine-sdes.md,
// section 6).
#include "crypto/sdes_answer.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

using namespace rtprelay;
using namespace rtprelay::crypto;

namespace {

bool fill_sevens(std::span<uint8_t> out)
{
	for (auto& b : out)
		b = 7;
	return true;
}

sdp::CryptoAttr parsed(const std::string& line)
{
	auto a = sdp::CryptoAttr::parse(line);
	CPPUNIT_ASSERT_MESSAGE(line, a);
	return std::move(a).value();
}

const std::string kA = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"; // 30 bytes
const std::string kB = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk"; // 30 bytes

} // namespace

class SdesAnswerTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SdesAnswerTest);
	CPPUNIT_TEST(plain_offerer_gets_no_line);
	CPPUNIT_TEST(srtp_to_rtp_answers_with_the_first_offered_suite_and_a_relay_key);
	CPPUNIT_TEST(answerer_taking_an_offered_suite_is_passed_through);
	CPPUNIT_TEST(answerer_taking_a_relay_suite_is_translated);
	CPPUNIT_TEST(refused_and_unknown_suites_are_skipped);
	CPPUNIT_TEST(offerer_pref_decides_over_the_answerer);
	CPPUNIT_TEST_SUITE_END();

	std::vector<sdp::CryptoAttr> offered_ = {
	        parsed("1 F8_128_HMAC_SHA1_80 inline:anything"),
	        parsed("2 AES_CM_128_HMAC_SHA1_80 inline:" + kA + "|2^20|1:4"),
	        parsed("3 AES_CM_128_HMAC_SHA1_32 inline:" + kA)};

public:
	void plain_offerer_gets_no_line()
	{
		auto r = answer_crypto({}, {parsed("1 AES_CM_128_HMAC_SHA1_80 inline:" + kB)}, {},
		                       fill_sevens);
		CPPUNIT_ASSERT(r && !r->to_offerer && !r->passthrough);
	}

	void srtp_to_rtp_answers_with_the_first_offered_suite_and_a_relay_key()
	{
		auto r = answer_crypto(offered_, {}, {}, fill_sevens);
		CPPUNIT_ASSERT(r && r->to_offerer && !r->passthrough);
		const auto& line = *r->to_offerer;
		CPPUNIT_ASSERT_EQUAL(uint32_t{2}, line.tag); // F8 cannot be keyed by the relay
		CPPUNIT_ASSERT_EQUAL(size_t{1}, line.keys.size());
		CPPUNIT_ASSERT_EQUAL(uint8_t{7}, line.keys[0].bytes()[0]);
		CPPUNIT_ASSERT(!line.keys[0].mki && !line.keys[0].lifetime);
	}

	void answerer_taking_an_offered_suite_is_passed_through()
	{
		auto r = answer_crypto(offered_, {parsed("9 AES_CM_128_HMAC_SHA1_32 inline:" + kB)},
		                       {}, fill_sevens);
		CPPUNIT_ASSERT(r && r->to_offerer && r->passthrough);
		// The offerer's tag for the suite, the answerer's key.
		CPPUNIT_ASSERT_EQUAL(std::string("3 AES_CM_128_HMAC_SHA1_32 inline:" + kB),
		                     r->to_offerer->to_string());
	}

	void answerer_taking_a_relay_suite_is_translated()
	{
		auto theirs = parsed("4 AES_256_CM_HMAC_SHA1_80 inline:"
		                     "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss"
		                     "LQ");
		auto r = answer_crypto(offered_, {theirs}, {}, fill_sevens);
		CPPUNIT_ASSERT(r && r->to_offerer && !r->passthrough);
		CPPUNIT_ASSERT_EQUAL(uint32_t{2}, r->to_offerer->tag);
		CPPUNIT_ASSERT_EQUAL(uint8_t{7}, r->to_offerer->keys[0].bytes()[0]);
	}

	void refused_and_unknown_suites_are_skipped()
	{
		SdesOptions o;
		o.no = {"AES_CM_128_HMAC_SHA1_80"};
		auto r = answer_crypto(offered_, {}, o, fill_sevens);
		CPPUNIT_ASSERT(r && r->to_offerer);
		CPPUNIT_ASSERT_EQUAL(uint32_t{3}, r->to_offerer->tag);
		// All refused: the first keyable one stays, so the call keeps a suite.
		o.no = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"};
		r = answer_crypto(offered_, {}, o, fill_sevens);
		CPPUNIT_ASSERT(r && r->to_offerer);
		CPPUNIT_ASSERT_EQUAL(uint32_t{2}, r->to_offerer->tag);
		// Only suites nobody can key: no line.
		r = answer_crypto({offered_[0]}, {}, {}, fill_sevens);
		CPPUNIT_ASSERT(r && !r->to_offerer);
	}

	// SDES-offerer_pref: the offerer's suites in the order given, the answerer's choice not
	// looked at (rtpengine's REORDER_FORCED): the answerer's offered suite is not passed
	// through when the preference puts another first.
	void offerer_pref_decides_over_the_answerer()
	{
		SdesOptions o;
		o.offerer_pref = {"aes_cm_128_hmac_sha1_32"};
		auto r = answer_crypto(offered_, {parsed("2 AES_CM_128_HMAC_SHA1_80 inline:" + kB)},
		                       o, fill_sevens);
		CPPUNIT_ASSERT(r && r->to_offerer && !r->passthrough);
		CPPUNIT_ASSERT_EQUAL(uint32_t{3}, r->to_offerer->tag);
		CPPUNIT_ASSERT_EQUAL(uint8_t{7}, r->to_offerer->keys[0].bytes()[0]);
		// The answerer agreeing with the preference is passed through.
		r = answer_crypto(offered_, {parsed("3 AES_CM_128_HMAC_SHA1_32 inline:" + kB)}, o,
		                  fill_sevens);
		CPPUNIT_ASSERT(r && r->to_offerer && r->passthrough);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdesAnswerTest);
