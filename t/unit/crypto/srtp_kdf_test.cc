// The SRTP key derivation against the RFCs' published vectors: RFC 3711 B.3 (AES-128) and
// RFC 6188 7.2 and 7.4 (AES-256, AES-192), the labels of SRTP.
#include "crypto/srtp_kdf.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

using namespace rtprelay::crypto;

namespace {

std::vector<uint8_t> unhex(const std::string& hex)
{
	std::vector<uint8_t> out;
	for (size_t i = 0; i + 1 < hex.size(); i += 2)
		out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
	return out;
}

std::string derive(const std::vector<uint8_t>& key_salt, size_t key_bytes, KdfLabel label, size_t n)
{
	std::vector<uint8_t> out(n);
	std::span<const uint8_t> all(key_salt);
	CPPUNIT_ASSERT(srtp_kdf(all.first(key_bytes), all.subspan(key_bytes), label, out));
	std::string hex;
	for (uint8_t b : out) {
		static const char digits[] = "0123456789abcdef";
		hex += digits[b >> 4];
		hex += digits[b & 15];
	}
	return hex;
}

} // namespace

class SrtpKdfTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SrtpKdfTest);
	CPPUNIT_TEST(rfc3711_b3_aes128);
	CPPUNIT_TEST(rfc6188_aes256);
	CPPUNIT_TEST(rfc6188_aes192);
	CPPUNIT_TEST(bad_sizes_are_refused);
	CPPUNIT_TEST_SUITE_END();

public:
	void rfc3711_b3_aes128()
	{
		auto ks = unhex("e1f97a0d3e018be0d64fa32c06de41390ec675ad498afeebb6960b3aabe6");
		CPPUNIT_ASSERT_EQUAL(std::string("c61e7a93744f39ee10734afe3ff7a087"),
		                     derive(ks, 16, KdfLabel::kSrtpCipher, 16));
		CPPUNIT_ASSERT_EQUAL(std::string("30cbbc08863d8c85d49db34a9ae1"),
		                     derive(ks, 16, KdfLabel::kSrtpSalt, 14));
		CPPUNIT_ASSERT_EQUAL(std::string("cebe321f6ff7716b6fd4ab49af256a156d38baa4"),
		                     derive(ks, 16, KdfLabel::kSrtpAuth, 20));
	}

	void rfc6188_aes256()
	{
		auto ks = unhex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6"
		                "3b04803de51ee7c96423ab5b78d2");
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4"),
		        derive(ks, 32, KdfLabel::kSrtpCipher, 32));
		CPPUNIT_ASSERT_EQUAL(std::string("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05"),
		                     derive(ks, 32, KdfLabel::kSrtpAuth, 20));
		CPPUNIT_ASSERT_EQUAL(std::string("fa31791685ca444a9e07c6c64e93"),
		                     derive(ks, 32, KdfLabel::kSrtpSalt, 14));
	}

	// Debian 12's libsrtp2 gets this one wrong (cisco/libsrtp#763).
	void rfc6188_aes192()
	{
		auto ks = unhex("73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1c8522f3acd4ce86d"
		                "5add78edbb11");
		CPPUNIT_ASSERT_EQUAL(
		        std::string("31874736a8f1143870c26e4857d8a5b2c4a354407faadabb"),
		        derive(ks, 24, KdfLabel::kSrtpCipher, 24));
		CPPUNIT_ASSERT_EQUAL(std::string("355b10973cd95b9eacf4061c7e1a7151e7cfbfcb"),
		                     derive(ks, 24, KdfLabel::kSrtpAuth, 20));
		CPPUNIT_ASSERT_EQUAL(std::string("2372b82d639b6d8503a47adc0a6c"),
		                     derive(ks, 24, KdfLabel::kSrtpSalt, 14));
	}

	void bad_sizes_are_refused()
	{
		std::vector<uint8_t> key(20), salt(14), out(16);
		CPPUNIT_ASSERT(!srtp_kdf(key, salt, KdfLabel::kSrtpCipher, out));
		key.resize(16);
		salt.resize(15);
		CPPUNIT_ASSERT(!srtp_kdf(key, salt, KdfLabel::kSrtpCipher, out));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SrtpKdfTest);
