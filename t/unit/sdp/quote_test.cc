#include "sdp/quote.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

using namespace rtprelay::sdp;

class SdpQuoteTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SdpQuoteTest);
	CPPUNIT_TEST(short_text_is_quoted_whole);
	CPPUNIT_TEST(long_text_is_cut);
	CPPUNIT_TEST(cut_after_secret_markers);
	CPPUNIT_TEST(escapes_unprintable_bytes);
	CPPUNIT_TEST(lines_that_may_carry_secrets);
	CPPUNIT_TEST_SUITE_END();

public:
	void short_text_is_quoted_whole()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(""), quote(""));
		CPPUNIT_ASSERT_EQUAL(std::string("hello"), quote("hello"));
		CPPUNIT_ASSERT_EQUAL(std::string(20, 'x'), quote(std::string(20, 'x')));
	}

	void long_text_is_cut()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(20, 'x') + "...", quote(std::string(21, 'x')));
		CPPUNIT_ASSERT_EQUAL(std::string(20, 'x') + "...",
		                     quote(std::string(1 << 20, 'x')));
	}

	void cut_after_secret_markers()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("a=crypto..."),
		                     quote("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY"));
		CPPUNIT_ASSERT_EQUAL(std::string("x inline:..."), quote("x inline:KEY"));
		CPPUNIT_ASSERT_EQUAL(std::string("INLINE:..."), quote("INLINE:KEY"));
		CPPUNIT_ASSERT_EQUAL(std::string("a=ice-pwd..."), quote("a=ice-pwd:PASSWORD"));
		CPPUNIT_ASSERT_EQUAL(std::string("a=key..."), quote("a=key-mgmt:mikey KEY"));
		CPPUNIT_ASSERT_EQUAL(std::string(" k=..."), quote(" k=base64:KEY"));
		CPPUNIT_ASSERT_EQUAL(std::string("a=Crypto"), quote("a=Crypto"));
		// A marker beyond the first 20 bytes: the 20-byte limit cuts first.
		CPPUNIT_ASSERT_EQUAL(std::string(19, 'x') + "i...",
		                     quote(std::string(19, 'x') + "inline:KEY"));
	}

	void escapes_unprintable_bytes()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("a\\x01b\\xff"), quote("a\x01"
		                                                        "b\xff"));
		std::string escaped;
		for (int i = 0; i < 20; i++)
			escaped += "\\x01";
		CPPUNIT_ASSERT_EQUAL(escaped + "...", quote(std::string(30, '\x01')));
	}

	void lines_that_may_carry_secrets()
	{
		CPPUNIT_ASSERT(may_carry_secret("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:K"));
		CPPUNIT_ASSERT(may_carry_secret("k=clear:pass"));
		CPPUNIT_ASSERT(may_carry_secret("a=ice-pwd:p"));
		CPPUNIT_ASSERT(may_carry_secret("a=key-mgmt:mikey K"));
		CPPUNIT_ASSERT(!may_carry_secret("a=rtpmap:0 PCMU/8000"));
		CPPUNIT_ASSERT(!may_carry_secret("m=audio 4000 RTP/SAVP 0"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdpQuoteTest);
