// The STUN reader and writer against RFC 5769's test vectors (made by another implementation:
// the sample request of 2.1 and IPv4 response of 2.2, MESSAGE-INTEGRITY with the short-term
// password, FINGERPRINT, XOR-MAPPED-ADDRESS), then every attribute the writer makes read back,
// and the malformed shapes the reader must refuse.
#include "ice/stun.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

using namespace rtprelay;
using namespace rtprelay::ice;

namespace {

std::vector<uint8_t> raw(const char* s, size_t n)
{
	return {reinterpret_cast<const uint8_t*>(s), reinterpret_cast<const uint8_t*>(s) + n};
}

// RFC 5769 2.1: a Binding request with SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME,
// MESSAGE-INTEGRITY and FINGERPRINT. Its padding is spaces, which the MAC covers.
const char kRequest[] = "\x00\x01\x00\x58\x21\x12\xa4\x42\xb7\xe7\xa7\x01\xbc\x34\xd6\x86"
                        "\xfa\x87\xdf\xae\x80\x22\x00\x10STUN test client\x00\x24\x00\x04"
                        "\x6e\x00\x01\xff\x80\x29\x00\x08\x93\x2f\xf9\xb1\x51\x26\x3b\x36"
                        "\x00\x06\x00\x09\x65\x76\x74\x6a\x3a\x68\x36\x76\x59\x20\x20\x20"
                        "\x00\x08\x00\x14\x9a\xea\xa7\x0c\xbf\xd8\xcb\x56\x78\x1e\xf2\xb5"
                        "\xb2\xd3\xf2\x49\xc1\xb5\x71\xa2\x80\x28\x00\x04\xe5\x7a\x3b\xcf";
// RFC 5769 2.2: the success response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.
const char kResponseV4[] = "\x01\x01\x00\x3c\x21\x12\xa4\x42\xb7\xe7\xa7\x01\xbc\x34\xd6\x86"
                           "\xfa\x87\xdf\xae\x80\x22\x00\x0b\x74\x65\x73\x74\x20\x76\x65\x63"
                           "\x74\x6f\x72\x20\x00\x20\x00\x08\x00\x01\xa1\x47\xe1\x12\xa6\x43"
                           "\x00\x08\x00\x14\x2b\x91\xf5\x99\xfd\x9e\x90\xc3\x8c\x74\x89\xf9"
                           "\x2a\xf9\xba\x53\xf0\x6b\xe7\xd7\x80\x28\x00\x04\xc0\x7d\x4c\x96";
const char kPassword[] = "VOkJxbRl1RmTxUk/WvJxBt";

crypto::HmacSha1 key(const std::string& pwd)
{
	crypto::HmacSha1 k;
	CPPUNIT_ASSERT(k.set_key({reinterpret_cast<const uint8_t*>(pwd.data()), pwd.size()}));
	return k;
}

net::Endpoint endpoint(const char* text)
{
	auto e = net::Endpoint::parse(text, net::IpAddress::loopback_v4());
	CPPUNIT_ASSERT(e.has_value());
	return *e;
}

} // namespace

class StunTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(StunTest);
	CPPUNIT_TEST(rfc5769_request);
	CPPUNIT_TEST(rfc5769_response);
	CPPUNIT_TEST(tampering_is_caught);
	CPPUNIT_TEST(writer_round_trip_v4);
	CPPUNIT_TEST(writer_round_trip_v6_and_errors);
	CPPUNIT_TEST(long_password);
	CPPUNIT_TEST(malformed_is_refused);
	CPPUNIT_TEST(after_integrity_only_fingerprint_counts);
	CPPUNIT_TEST(writer_never_overruns);
	CPPUNIT_TEST_SUITE_END();

public:
	void rfc5769_request()
	{
		auto p = raw(kRequest, sizeof kRequest - 1);
		StunMessage m;
		CPPUNIT_ASSERT(looks_like_stun(p));
		CPPUNIT_ASSERT(parse_stun(p, m));
		CPPUNIT_ASSERT(m.cls == StunClass::kRequest);
		CPPUNIT_ASSERT_EQUAL(kStunBinding, m.method);
		CPPUNIT_ASSERT_EQUAL(std::string("evtj:h6vY"), std::string(*m.username));
		CPPUNIT_ASSERT_EQUAL(uint32_t{0x6e0001ff}, *m.priority);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0x932ff9b151263b36}, *m.ice_controlled);
		CPPUNIT_ASSERT(!m.ice_controlling && !m.use_candidate);
		CPPUNIT_ASSERT(fingerprint_ok(p, m));
		CPPUNIT_ASSERT(integrity_ok(p, m, key(kPassword)));
		CPPUNIT_ASSERT(!integrity_ok(p, m, key("VOkJxbRl1RmTxUk/WvJxBu")));
		CPPUNIT_ASSERT_EQUAL(size_t{0}, m.unknown_count);
	}

	void rfc5769_response()
	{
		auto p = raw(kResponseV4, sizeof kResponseV4 - 1);
		StunMessage m;
		CPPUNIT_ASSERT(parse_stun(p, m));
		CPPUNIT_ASSERT(m.cls == StunClass::kSuccess);
		CPPUNIT_ASSERT_EQUAL(kStunBinding, m.method);
		CPPUNIT_ASSERT(m.xor_mapped == endpoint("192.0.2.1:32853"));
		CPPUNIT_ASSERT(fingerprint_ok(p, m));
		CPPUNIT_ASSERT(integrity_ok(p, m, key(kPassword)));
	}

	void tampering_is_caught()
	{
		auto p = raw(kRequest, sizeof kRequest - 1);
		for (size_t i : {size_t{1}, size_t{9}, size_t{30}, size_t{60}}) {
			auto t = p;
			t[i] ^= 0x01;
			StunMessage m;
			if (!parse_stun(t, m))
				continue; // a header that no longer reads is refused as well
			CPPUNIT_ASSERT(!fingerprint_ok(t, m));
			CPPUNIT_ASSERT(!integrity_ok(t, m, key(kPassword)));
		}
		auto t = p;
		t.back() ^= 0x80; // the CRC alone
		StunMessage m;
		CPPUNIT_ASSERT(parse_stun(t, m));
		CPPUNIT_ASSERT(!fingerprint_ok(t, m));
		CPPUNIT_ASSERT(integrity_ok(t, m, key(kPassword))); // the MAC does not cover it
	}

	void writer_round_trip_v4()
	{
		std::vector<uint8_t> buf(512);
		TransactionId tx{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
		StunWriter w(buf, StunClass::kRequest, kStunBinding, tx);
		w.username("abcd:efgh");
		w.priority(0x7e7fffff);
		w.use_candidate();
		w.ice_controlling(0x0102030405060708);
		w.xor_mapped_address(endpoint("203.0.113.9:4711"));
		auto k = key("0123456789abcdefghijkl");
		w.integrity(k);
		w.fingerprint();
		CPPUNIT_ASSERT(w.ok());
		buf.resize(w.size());
		StunMessage m;
		CPPUNIT_ASSERT(parse_stun(buf, m));
		CPPUNIT_ASSERT(m.transaction == tx);
		CPPUNIT_ASSERT_EQUAL(std::string("abcd:efgh"), std::string(*m.username));
		CPPUNIT_ASSERT_EQUAL(uint32_t{0x7e7fffff}, *m.priority);
		CPPUNIT_ASSERT(m.use_candidate);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0x0102030405060708}, *m.ice_controlling);
		CPPUNIT_ASSERT(m.xor_mapped == endpoint("203.0.113.9:4711"));
		CPPUNIT_ASSERT(integrity_ok(buf, m, k));
		CPPUNIT_ASSERT(fingerprint_ok(buf, m));
	}

	void writer_round_trip_v6_and_errors()
	{
		std::vector<uint8_t> buf(512);
		TransactionId tx{};
		tx[11] = 0xee;
		StunWriter w(buf, StunClass::kError, kStunBinding, tx);
		w.xor_mapped_address(endpoint("[2001:db8::1:2]:65535"));
		w.error_code(487, "Role Conflict");
		std::array<uint16_t, 2> unknown{0x0031, 0x0077};
		w.unknown_attributes(unknown);
		w.ice_controlled(42);
		w.fingerprint();
		CPPUNIT_ASSERT(w.ok());
		buf.resize(w.size());
		StunMessage m;
		CPPUNIT_ASSERT(parse_stun(buf, m));
		CPPUNIT_ASSERT(m.cls == StunClass::kError);
		CPPUNIT_ASSERT(m.xor_mapped == endpoint("[2001:db8::1:2]:65535"));
		CPPUNIT_ASSERT_EQUAL(uint16_t{487}, *m.error_code);
		CPPUNIT_ASSERT_EQUAL(uint64_t{42}, *m.ice_controlled);
		CPPUNIT_ASSERT(fingerprint_ok(buf, m));
		CPPUNIT_ASSERT(!integrity_ok(buf, m, key("x"))); // there is none
	}

	// ICE passwords may run to 256 characters; HMAC hashes a key longer than a block.
	void long_password()
	{
		std::string pwd(200, 'p');
		std::vector<uint8_t> buf(128);
		StunWriter w(buf, StunClass::kRequest, kStunBinding, TransactionId{});
		w.integrity(key(pwd));
		buf.resize(w.size());
		StunMessage m;
		CPPUNIT_ASSERT(parse_stun(buf, m));
		CPPUNIT_ASSERT(integrity_ok(buf, m, key(pwd)));
		CPPUNIT_ASSERT(!integrity_ok(buf, m, key(std::string(199, 'p'))));
	}

	void malformed_is_refused()
	{
		auto good = raw(kRequest, sizeof kRequest - 1);
		StunMessage m;
		auto bad = good;
		bad[0] = 0x40; // not STUN's demultiplexing range
		CPPUNIT_ASSERT(!parse_stun(bad, m));
		bad = good;
		bad[4] = 0; // no magic cookie
		CPPUNIT_ASSERT(!parse_stun(bad, m));
		bad = good;
		bad.pop_back(); // length disagrees with the datagram
		CPPUNIT_ASSERT(!parse_stun(bad, m));
		bad = good;
		bad[3] = 0x5c; // length past the end
		CPPUNIT_ASSERT(!parse_stun(bad, m));
		bad = good;
		bad[23] = 0xf0; // SOFTWARE runs past the end
		CPPUNIT_ASSERT(!parse_stun(bad, m));
		bad = good;
		bad[43] = 5; // PRIORITY of the wrong size
		CPPUNIT_ASSERT(!parse_stun(bad, m));
		CPPUNIT_ASSERT(!parse_stun(std::span<const uint8_t>(good).first(19), m));
		// Something after FINGERPRINT.
		std::vector<uint8_t> buf(64);
		StunWriter w(buf, StunClass::kRequest, kStunBinding, TransactionId{});
		w.fingerprint();
		w.use_candidate();
		buf.resize(w.size());
		CPPUNIT_ASSERT(!parse_stun(buf, m));
		// An unknown comprehension-required attribute is read, and named.
		std::vector<uint8_t> u(64);
		StunWriter wu(u, StunClass::kRequest, kStunBinding, TransactionId{});
		std::array<uint16_t, 1> t{0x0005};
		wu.unknown_attributes(t); // a known type: ignored
		u.resize(wu.size());
		u[21] = 0x33; // now type 0x0033, unknown and required
		CPPUNIT_ASSERT(parse_stun(u, m));
		CPPUNIT_ASSERT_EQUAL(size_t{1}, m.unknown_count);
		CPPUNIT_ASSERT_EQUAL(uint16_t{0x0033}, m.unknown[0]);
	}

	void after_integrity_only_fingerprint_counts()
	{
		std::vector<uint8_t> buf(128);
		StunWriter w(buf, StunClass::kRequest, kStunBinding, TransactionId{});
		w.username("a:b");
		auto k = key("0123456789abcdefghijkl");
		w.integrity(k);
		w.use_candidate(); // not covered by the MAC: ignored
		w.fingerprint();
		buf.resize(w.size());
		StunMessage m;
		CPPUNIT_ASSERT(parse_stun(buf, m));
		CPPUNIT_ASSERT(!m.use_candidate);
		CPPUNIT_ASSERT(integrity_ok(buf, m, k));
	}

	void writer_never_overruns()
	{
		for (size_t n = 0; n < 80; n++) {
			std::vector<uint8_t> buf(n + 1, 0xAA);
			StunWriter w(std::span<uint8_t>(buf).first(n), StunClass::kSuccess,
			             kStunBinding, TransactionId{});
			w.xor_mapped_address(endpoint("[2001:db8::1]:1"));
			w.integrity(key("0123456789abcdefghijkl"));
			w.fingerprint();
			CPPUNIT_ASSERT_EQUAL(uint8_t{0xAA}, buf[n]);
			CPPUNIT_ASSERT_EQUAL(n >= 20 + 24 + 24 + 8, w.ok());
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(StunTest);
