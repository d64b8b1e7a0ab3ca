#include "sdp/crypto.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "util/base64.h"

using namespace rtprelay;
using namespace rtprelay::sdp;

class CryptoAttrTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(CryptoAttrTest);
	CPPUNIT_TEST(rfc4568_example);
	CPPUNIT_TEST(every_suite_round_trips);
	CPPUNIT_TEST(unpadded_keys_as_rtpengine_writes_them);
	CPPUNIT_TEST(wrong_key_length_is_an_error_without_the_key);
	CPPUNIT_TEST(bad_base64_is_an_error);
	CPPUNIT_TEST(unknown_suite_is_kept_unchecked);
	CPPUNIT_TEST(lifetimes);
	CPPUNIT_TEST(mki);
	CPPUNIT_TEST(several_keys_need_mkis);
	CPPUNIT_TEST(session_parameters);
	CPPUNIT_TEST(bad_tags_and_shapes);
	CPPUNIT_TEST_SUITE_END();

	// A key||salt of `n` bytes in base64, none of them zero.
	static std::string key_text(size_t n, uint8_t seed = 1)
	{
		std::array<uint8_t, 64> k{};
		for (size_t i = 0; i < n; i++)
			k[i] = static_cast<uint8_t>(seed + i * 7 + 1);
		std::string out;
		util::base64_encode({k.data(), n}, out);
		return out;
	}

	static std::string error_of(std::string_view value)
	{
		auto r = CryptoAttr::parse(value);
		CPPUNIT_ASSERT_MESSAGE(std::string(value), !r);
		return r.error().reason;
	}

public:
	void rfc4568_example()
	{
		std::string line = "1 AES_CM_128_HMAC_SHA1_80 "
		                   "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32";
		auto a = CryptoAttr::parse(line);
		CPPUNIT_ASSERT_MESSAGE(a ? "" : a.error().reason, a);
		CPPUNIT_ASSERT_EQUAL(uint32_t{1}, a->tag);
		CPPUNIT_ASSERT(a->suite && a->suite->name == "AES_CM_128_HMAC_SHA1_80");
		CPPUNIT_ASSERT_EQUAL(size_t{1}, a->keys.size());
		CPPUNIT_ASSERT_EQUAL(uint8_t{30}, a->keys[0].length);
		CPPUNIT_ASSERT(a->keys[0].lifetime == uint64_t{1} << 20);
		CPPUNIT_ASSERT(a->keys[0].mki == 1u);
		CPPUNIT_ASSERT_EQUAL(uint8_t{32}, a->keys[0].mki_length);
		CPPUNIT_ASSERT_EQUAL(line, a->to_string());
	}

	void every_suite_round_trips()
	{
		CPPUNIT_ASSERT_EQUAL(size_t{10}, srtp_suites().size());
		for (const SrtpSuite& s : srtp_suites()) {
			size_t n = size_t{s.key_bytes} + s.salt_bytes;
			std::string line = "7 " + std::string(s.name) + " inline:" + key_text(n);
			auto a = CryptoAttr::parse(line);
			CPPUNIT_ASSERT_MESSAGE(line + (a ? "" : ": " + a.error().reason), a);
			CPPUNIT_ASSERT(a->suite == &s);
			CPPUNIT_ASSERT_EQUAL(n, size_t{a->keys[0].length});
			CPPUNIT_ASSERT_EQUAL(line, a->to_string());
		}
		CPPUNIT_ASSERT(find_srtp_suite("aes_cm_128_hmac_sha1_80") == nullptr);
	}

	void unpadded_keys_as_rtpengine_writes_them()
	{
		std::string padded = key_text(46); // AES-256: 46 bytes, "==" at the end
		CPPUNIT_ASSERT(padded.ends_with("=="));
		std::string bare = padded.substr(0, padded.size() - 2);
		for (const std::string& k : {padded, bare}) {
			std::string line = "1 AES_256_CM_HMAC_SHA1_80 inline:" + k;
			auto a = CryptoAttr::parse(line);
			CPPUNIT_ASSERT_MESSAGE(line, a && a->keys[0].length == 46);
			CPPUNIT_ASSERT_EQUAL(line, a->to_string()); // written back as it came
		}
	}

	void wrong_key_length_is_an_error_without_the_key()
	{
		std::string key = key_text(29);
		std::string reason = error_of("1 AES_CM_128_HMAC_SHA1_80 inline:" + key);
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("29 bytes") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("needs 30") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find(key.substr(0, 8)) == std::string::npos);
		// AES-256 keys are not AES-128 keys, and GCM salts are shorter.
		error_of("1 AES_256_CM_HMAC_SHA1_80 inline:" + key_text(30));
		error_of("1 AEAD_AES_128_GCM inline:" + key_text(30));
	}

	void bad_base64_is_an_error()
	{
		std::string key = key_text(30);
		key[5] = '!';
		std::string reason = error_of("1 AES_CM_128_HMAC_SHA1_80 inline:" + key);
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("base64") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find(key.substr(0, 8)) == std::string::npos);
		error_of("1 AES_CM_128_HMAC_SHA1_80 inline:" + key_text(60)); // too long
		error_of("1 AES_CM_128_HMAC_SHA1_80 inline:");
	}

	void unknown_suite_is_kept_unchecked()
	{
		std::string line = "3 F8_128_HMAC_SHA1_80 inline:anything-goes|2^31";
		auto a = CryptoAttr::parse(line);
		CPPUNIT_ASSERT(a);
		CPPUNIT_ASSERT(a->suite == nullptr);
		CPPUNIT_ASSERT_EQUAL(std::string("F8_128_HMAC_SHA1_80"), a->suite_name);
		CPPUNIT_ASSERT_EQUAL(line, a->to_string());
	}

	void lifetimes()
	{
		std::string k = " AES_CM_128_HMAC_SHA1_32 inline:" + key_text(30);
		auto a = CryptoAttr::parse("1" + k + "|1048576");
		CPPUNIT_ASSERT(a && a->keys[0].lifetime == uint64_t{1048576});
		CPPUNIT_ASSERT_EQUAL("1" + k + "|1048576", a->to_string());
		a = CryptoAttr::parse("1" + k + "|2^48");
		CPPUNIT_ASSERT(a && a->keys[0].lifetime == uint64_t{1} << 48);
		error_of("1" + k + "|2^49");
		error_of("1" + k + "|0");
		error_of("1" + k + "|2^");
		error_of("1" + k + "|12x");
		error_of("1" + k + "|2^20|2^21");
		error_of("1" + k + "|1:4|2^20"); // the lifetime comes first
	}

	void mki()
	{
		std::string k = " AES_CM_128_HMAC_SHA1_80 inline:" + key_text(30);
		auto a = CryptoAttr::parse("1" + k + "|255:1");
		CPPUNIT_ASSERT(a && a->keys[0].mki == 255u && a->keys[0].mki_length == 1);
		a = CryptoAttr::parse("1" + k + "|4294967295:128");
		CPPUNIT_ASSERT(a && a->keys[0].mki_length == 128);
		error_of("1" + k + "|256:1"); // does not fit one byte
		error_of("1" + k + "|1:0");
		error_of("1" + k + "|1:129");
		error_of("1" + k + "|1:");
		error_of("1" + k + "|4294967296:4");
		error_of("1" + k + "|1:4|2:4");
	}

	void several_keys_need_mkis()
	{
		std::string line = "2 AES_CM_128_HMAC_SHA1_80 inline:" + key_text(30, 1) +
		                   "|2^20|1:4" + ";inline:" + key_text(30, 2) + "|2^20|2:4";
		auto a = CryptoAttr::parse(line);
		CPPUNIT_ASSERT_MESSAGE(a ? "" : a.error().reason, a);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, a->keys.size());
		CPPUNIT_ASSERT(a->keys[0].bytes()[0] != a->keys[1].bytes()[0]);
		CPPUNIT_ASSERT_EQUAL(line, a->to_string());
		std::string reason = error_of("2 AES_CM_128_HMAC_SHA1_80 inline:" + key_text(30) +
		                              ";inline:" + key_text(30, 2));
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("MKI") != std::string::npos);
		reason = error_of("2 AES_CM_128_HMAC_SHA1_80 inline:" + key_text(30) +
		                  "|1:4;inline:" + key_text(31, 2) + "|2:4");
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("key 2") != std::string::npos);
	}

	void session_parameters()
	{
		std::string line = "1 AES_CM_128_HMAC_SHA1_80 inline:" + key_text(30) +
		                   " UNENCRYPTED_SRTCP KDR=24 UNAUTHENTICATED_SRTP WSH=128";
		auto a = CryptoAttr::parse(line);
		CPPUNIT_ASSERT(a);
		CPPUNIT_ASSERT(!a->unencrypted_srtp && a->unencrypted_srtcp &&
		               a->unauthenticated_srtp);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, a->other_params.size());
		// Written back flags first, then the others in their order.
		CPPUNIT_ASSERT_EQUAL(
		        "1 AES_CM_128_HMAC_SHA1_80 inline:" + key_text(30) +
		                " UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP KDR=24 WSH=128",
		        a->to_string());
	}

	void bad_tags_and_shapes()
	{
		std::string k = " AES_CM_128_HMAC_SHA1_80 inline:" + key_text(30);
		error_of("0" + k);
		error_of("1234567890" + k);
		error_of("x" + k);
		error_of("1 AES_CM_128_HMAC_SHA1_80");
		error_of("");
		error_of("1 AES_CM_128_HMAC_SHA1_80 uri:http://example.com/key");
		auto a = CryptoAttr::parse("999999999" + k);
		CPPUNIT_ASSERT(a && a->tag == 999999999u);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CryptoAttrTest);
