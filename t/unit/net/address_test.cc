#include "net/address.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::net;

class AddressTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(AddressTest);
	CPPUNIT_TEST(parses_ip_literals);
	CPPUNIT_TEST(parses_endpoints);
	CPPUNIT_TEST(sockaddr_round_trip);
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(AddressTest);
