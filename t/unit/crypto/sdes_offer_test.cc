// The a=crypto lines the relay offers, against the rules rtpengine follows
// (docs/rtpengine-sdes.md).
#include "crypto/sdes_offer.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

using namespace rtprelay;
using namespace rtprelay::crypto;

namespace {

// A deterministic key source: 1, 2, 3, ... so that every key differs.
KeySource counting()
{
	auto next = std::make_shared<uint8_t>(0);
	return [next](std::span<uint8_t> out) {
		for (auto& b : out)
			b = ++*next;
		return true;
	};
}

std::vector<std::string> names(const std::vector<sdp::CryptoAttr>& v)
{
	std::vector<std::string> out;
	for (const auto& a : v)
		out.push_back(std::to_string(a.tag) + " " + a.suite_name);
	return out;
}

sdp::CryptoAttr parsed(const std::string& line)
{
	auto a = sdp::CryptoAttr::parse(line);
	CPPUNIT_ASSERT_MESSAGE(line, a);
	return std::move(a).value();
}

const std::string kKey128 = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

// "<tag> <suite>" for each of `suites`, tagged from `tag` on.
std::vector<std::string> tagged(const std::vector<std::string>& suites, uint32_t tag)
{
	std::vector<std::string> out;
	for (const std::string& name : suites)
		out.push_back(std::to_string(tag++) + " " + name);
	return out;
}

} // namespace

class SdesOfferTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SdesOfferTest);
	CPPUNIT_TEST(plain_offer_gets_every_suite_in_order);
	CPPUNIT_TEST(no_and_only_filter_suites);
	CPPUNIT_TEST(lifetime_pad_and_parameters);
	CPPUNIT_TEST(offered_lines_are_copied_first);
	CPPUNIT_TEST(off_offers_nothing);
	CPPUNIT_TEST(nonew_offers_only_the_offerers_lines);
	CPPUNIT_TEST(order_puts_suites_first_and_keeps_tags);
	CPPUNIT_TEST(keys_are_random_and_of_the_suites_length);
	CPPUNIT_TEST_SUITE_END();

public:
	void plain_offer_gets_every_suite_in_order()
	{
		auto r = offer_crypto({}, {}, counting());
		CPPUNIT_ASSERT(r);
		std::vector<std::string> want = tagged(
		        {"AEAD_AES_256_GCM", "AEAD_AES_128_GCM", "AES_256_CM_HMAC_SHA1_80",
		         "AES_256_CM_HMAC_SHA1_32", "AES_192_CM_HMAC_SHA1_80",
		         "AES_192_CM_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80",
		         "AES_CM_128_HMAC_SHA1_32", "NULL_HMAC_SHA1_80", "NULL_HMAC_SHA1_32"},
		        1);
		CPPUNIT_ASSERT(names(*r) == want);
		// No lifetime, no MKI, no parameters, no padding: rtpengine's defaults.
		std::string line = (*r)[0].to_string();
		CPPUNIT_ASSERT_MESSAGE(line, line.find('|') == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(line, line.find('=') == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(line,
		                       line.find(' ', line.find("inline:")) == std::string::npos);
		// What the relay writes parses back.
		for (const auto& a : *r)
			CPPUNIT_ASSERT(sdp::CryptoAttr::parse(a.to_string()));
	}

	void no_and_only_filter_suites()
	{
		SdesOptions o;
		o.no = {"aead_aes_256_gcm", "NULL_HMAC_SHA1_80", "NULL_HMAC_SHA1_32"};
		auto r = offer_crypto({}, o, counting());
		CPPUNIT_ASSERT(r &&
		               r->size() ==
		                       tagged({"AEAD_AES_128_GCM", "AES_256_CM_HMAC_SHA1_80",
		                               "AES_256_CM_HMAC_SHA1_32", "AES_192_CM_HMAC_SHA1_80",
		                               "AES_192_CM_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80",
		                               "AES_CM_128_HMAC_SHA1_32"},
		                              1)
		                               .size());
		CPPUNIT_ASSERT_EQUAL(std::string("1 AEAD_AES_128_GCM"), names(*r)[0]);
		o.only = {"AES_CM_128_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80"};
		r = offer_crypto({}, o, counting());
		CPPUNIT_ASSERT(r);
		std::vector<std::string> want = {"1 AES_CM_128_HMAC_SHA1_80",
		                                 "2 AES_CM_128_HMAC_SHA1_32"};
		CPPUNIT_ASSERT(names(*r) == want); // the relay's order, not the flag's
	}

	void lifetime_pad_and_parameters()
	{
		SdesOptions o;
		o.only = {"AES_256_CM_HMAC_SHA1_80"};
		o.lifetime = true;
		o.pad = true;
		o.unencrypted_srtcp = true;
		auto r = offer_crypto({}, o, counting());
		CPPUNIT_ASSERT(r && r->size() == 1);
		std::string line = (*r)[0].to_string();
		CPPUNIT_ASSERT_MESSAGE(line,
		                       line.find("==|2^31 UNENCRYPTED_SRTCP") != std::string::npos);
	}

	void offered_lines_are_copied_first()
	{
		std::vector<sdp::CryptoAttr> offered = {
		        parsed("5 AES_CM_128_HMAC_SHA1_32 inline:" + kKey128 + "|2^20|1:4"),
		        parsed("2 F8_128_HMAC_SHA1_80 inline:" + kKey128),
		        parsed("3 AES_CM_128_HMAC_SHA1_80 inline:" + kKey128 +
		               " UNENCRYPTED_SRTP")};
		SdesOptions o;
		o.no = {"AES_CM_128_HMAC_SHA1_80"};
		o.unauthenticated_srtp = true;
		auto r = offer_crypto(offered, o, counting());
		CPPUNIT_ASSERT(r);
		// The offerer's allowed line, as it came (plus the parameter asked for); F8, which
		// the relay cannot key, and the refused suite are gone; the rest follow from tag 6.
		CPPUNIT_ASSERT_EQUAL(std::string("5 AES_CM_128_HMAC_SHA1_32 inline:" + kKey128 +
		                                 "|2^20|1:4 UNAUTHENTICATED_SRTP"),
		                     (*r)[0].to_string());
		std::vector<std::string> got = names(*r);
		std::vector<std::string> want = tagged(
		        {"AEAD_AES_256_GCM", "AEAD_AES_128_GCM", "AES_256_CM_HMAC_SHA1_80",
		         "AES_256_CM_HMAC_SHA1_32", "AES_192_CM_HMAC_SHA1_80",
		         "AES_192_CM_HMAC_SHA1_32", "NULL_HMAC_SHA1_80", "NULL_HMAC_SHA1_32"},
		        6);
		want.insert(want.begin(), "5 AES_CM_128_HMAC_SHA1_32");
		CPPUNIT_ASSERT(got == want);
	}

	// SDES-nonew: the offerer's keyable lines, no/only notwithstanding, and none of the
	// relay's.
	void nonew_offers_only_the_offerers_lines()
	{
		SdesOptions o;
		o.nonew = true;
		o.no = {"AES_CM_128_HMAC_SHA1_80"};
		auto r = offer_crypto({parsed("4 AES_CM_128_HMAC_SHA1_80 inline:" + kKey128),
		                       parsed("5 F8_128_HMAC_SHA1_80 inline:" + kKey128)},
		                      o, counting());
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT(names(*r) == std::vector<std::string>{"4 AES_CM_128_HMAC_SHA1_80"});
	}

	// SDES-order: the named suites first, in the order named; tags stay with their lines.
	void order_puts_suites_first_and_keeps_tags()
	{
		SdesOptions o;
		o.only = {"AEAD_AES_256_GCM", "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"};
		o.order = {"aes_cm_128_hmac_sha1_32", "AES_CM_128_HMAC_SHA1_80", "NOT_A_SUITE"};
		auto r = offer_crypto({}, o, counting());
		CPPUNIT_ASSERT(r);
		std::vector<std::string> want = {"3 AES_CM_128_HMAC_SHA1_32",
		                                 "2 AES_CM_128_HMAC_SHA1_80", "1 AEAD_AES_256_GCM"};
		CPPUNIT_ASSERT(names(*r) == want);
	}

	void off_offers_nothing()
	{
		SdesOptions o;
		o.off = true;
		auto r = offer_crypto({parsed("1 AES_CM_128_HMAC_SHA1_80 inline:" + kKey128)}, o,
		                      counting());
		CPPUNIT_ASSERT(r && r->empty());
	}

	void keys_are_random_and_of_the_suites_length()
	{
		auto a = offer_crypto({}, {});
		auto b = offer_crypto({}, {});
		CPPUNIT_ASSERT(a && b);
		for (size_t i = 0; i < a->size(); i++) {
			const auto& k = (*a)[i].keys[0];
			CPPUNIT_ASSERT_EQUAL(size_t{(*a)[i].suite->key_bytes} +
			                             (*a)[i].suite->salt_bytes,
			                     size_t{k.length});
			CPPUNIT_ASSERT(!std::equal(k.bytes().begin(), k.bytes().end(),
			                           (*b)[i].keys[0].bytes().begin()));
		}
		auto failing = [](std::span<uint8_t>) { return false; };
		CPPUNIT_ASSERT(!offer_crypto({}, {}, failing));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdesOfferTest);
