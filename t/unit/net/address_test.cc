#include "net/address.h"

#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>

#include <vector>

using namespace rtprelay;
using namespace rtprelay::net;

class AddressTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(AddressTest);
	CPPUNIT_TEST(parses_ip_literals);
	CPPUNIT_TEST(parses_endpoints);
	CPPUNIT_TEST(sockaddr_round_trip);
	CPPUNIT_TEST(ipv4_text_is_inet_ntops);
	CPPUNIT_TEST_SUITE_END();

public:
	void parses_ip_literals()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"),
		                     IpAddress::parse("192.0.2.1")->to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::1"),
		                     IpAddress::parse("2001:DB8:0::1")->to_string());
		CPPUNIT_ASSERT(IpAddress::parse("::1")->is_v6());
		for (const char* bad : {"", "1.2.3", "1.2.3.256", "host", "[::1]", "1.2.3.4 "})
			CPPUNIT_ASSERT_MESSAGE(bad, !IpAddress::parse(bad));
		CPPUNIT_ASSERT(*IpAddress::parse("127.0.0.1") == IpAddress::loopback_v4());
		CPPUNIT_ASSERT(
		        !(*IpAddress::parse("::ffff:127.0.0.1") == IpAddress::loopback_v4()));
	}

	void parses_endpoints()
	{
		auto def = IpAddress::loopback_v4();
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2223"),
		                     Endpoint::parse("2223", def)->to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("[::1]:5"),
		                     Endpoint::parse("[::1]:5", def)->to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("10.1.2.3:65535"),
		                     Endpoint::parse("10.1.2.3:65535", def)->to_string());
		for (const char* bad : {"", "0", "65536", "x:1", "[::1]", "[::1]5", "::1:5",
		                        "1.2.3.4:", "1.2.3.4:-1"})
			CPPUNIT_ASSERT_MESSAGE(bad, !Endpoint::parse(bad, def));
	}

	void sockaddr_round_trip()
	{
		for (const char* text : {"192.0.2.7:1234", "[2001:db8::7]:4321"}) {
			auto ep = Endpoint::parse(text, IpAddress());
			sockaddr_storage ss;
			socklen_t len = ep->to_sockaddr(ss);
			Endpoint back =
			        Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
			CPPUNIT_ASSERT(back == *ep);
			CPPUNIT_ASSERT_EQUAL(std::string(text), back.to_string());
		}
	}

	// The relay formats IPv4 itself: the same text as libc's inet_ntop, for the edges of
	// each octet's width and a spread of others.
	void ipv4_text_is_inet_ntops()
	{
		std::vector<uint32_t> addresses{0, 0xffffffff, 0x7f000001, 0x0a000001, 0xc0a86464};
		for (uint32_t octet : {0u, 9u, 10u, 99u, 100u, 199u, 200u, 255u})
			addresses.push_back(octet * 0x01010101u);
		uint32_t x = 2463534242u; // xorshift32
		for (int i = 0; i < 100000; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			addresses.push_back(x);
		}
		for (uint32_t a : addresses) {
			in_addr in{htonl(a)};
			char want[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &in, want, sizeof want);
			CPPUNIT_ASSERT_EQUAL(std::string(want), IpAddress::from_v4(in).to_string());
			CPPUNIT_ASSERT_EQUAL(std::string(want) + ":65535",
			                     Endpoint(IpAddress::from_v4(in), 65535).to_string());
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(AddressTest);
