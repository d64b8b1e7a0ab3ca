#include "sdp/connection.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "sdp/origin.h"
#include "sdp/text.h"

using namespace rtprelay;
using namespace rtprelay::sdp;

class SdpConnectionTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SdpConnectionTest);
	CPPUNIT_TEST(parses_literals_and_host_names);
	CPPUNIT_TEST(reports_multicast_verbatim);
	CPPUNIT_TEST(detects_hold_address);
	CPPUNIT_TEST(rejects_what_the_relay_cannot_use);
	CPPUNIT_TEST(formats_from_ip);
	CPPUNIT_TEST(origin_fields);
	CPPUNIT_TEST(field_helpers);
	CPPUNIT_TEST_SUITE_END();

public:
	void parses_literals_and_host_names()
	{
		auto v4 = Connection::parse("IN IP4 192.0.2.33");
		CPPUNIT_ASSERT(v4);
		CPPUNIT_ASSERT_EQUAL(std::string("IN"), v4->nettype);
		CPPUNIT_ASSERT_EQUAL(std::string("IP4"), v4->addrtype);
		CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.33"), v4->address);
		CPPUNIT_ASSERT(!v4->is_ip6() && !v4->is_multicast() && !v4->is_hold());
		CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.33"), v4->ip()->to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("IN IP4 192.0.2.33"), v4->to_string());

		auto v6 = Connection::parse("IN IP6 2001:DB8::1");
		CPPUNIT_ASSERT(v6 && v6->is_ip6());
		CPPUNIT_ASSERT_EQUAL(std::string("2001:DB8::1"), v6->address); // verbatim
		CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::1"), v6->ip()->to_string());

		auto host = Connection::parse("IN IP4 host.atlanta.example.com");
		CPPUNIT_ASSERT(host);
		CPPUNIT_ASSERT(!host->ip());
		CPPUNIT_ASSERT(!host->is_multicast() && !host->is_hold());
		CPPUNIT_ASSERT(Connection::parse("IN IP6 media-1.example.net"));
		CPPUNIT_ASSERT(Connection::parse("IN  IP4   192.0.2.1 ")); // runs of spaces
	}

	void reports_multicast_verbatim()
	{
		auto ttl = Connection::parse("IN IP4 233.252.0.1/127");
		CPPUNIT_ASSERT(ttl && ttl->is_multicast());
		CPPUNIT_ASSERT_EQUAL(std::string("233.252.0.1"), ttl->address);
		CPPUNIT_ASSERT_EQUAL(std::string("/127"), ttl->multicast_suffix);
		CPPUNIT_ASSERT_EQUAL(std::string("IN IP4 233.252.0.1/127"), ttl->to_string());
		auto layered = Connection::parse("IN IP4 233.252.0.1/127/3");
		CPPUNIT_ASSERT_EQUAL(std::string("/127/3"), layered->multicast_suffix);
		auto v6 = Connection::parse("IN IP6 ff15::101/3");
		CPPUNIT_ASSERT(v6 && v6->is_multicast());
		CPPUNIT_ASSERT_EQUAL(std::string("/3"), v6->multicast_suffix);
		// A multicast address without a suffix is still reported.
		CPPUNIT_ASSERT(Connection::parse("IN IP4 239.1.2.3")->is_multicast());
		CPPUNIT_ASSERT(Connection::parse("IN IP6 ff02::1")->is_multicast());
		CPPUNIT_ASSERT(!Connection::parse("IN IP4 223.255.255.255")->is_multicast());
		CPPUNIT_ASSERT(!Connection::parse("IN IP4 240.0.0.1")->is_multicast());
	}

	void detects_hold_address()
	{
		CPPUNIT_ASSERT(Connection::parse("IN IP4 0.0.0.0")->is_hold());
		CPPUNIT_ASSERT(Connection::parse("IN IP6 ::")->is_hold());
		CPPUNIT_ASSERT(Connection::parse("IN IP6 0::0")->is_hold());
		CPPUNIT_ASSERT(!Connection::parse("IN IP4 0.0.0.1")->is_hold());
		CPPUNIT_ASSERT(!Connection::parse("IN IP6 ::1")->is_hold());
	}

	void rejects_what_the_relay_cannot_use()
	{
		for (const char* bad :
		     {"", "IN", "IN IP4", "IN IP4 1.2.3.4 extra", "in IP4 1.2.3.4",
		      "IN ip4 1.2.3.4", "IN IP4 1.2.3", "IN IP4 01.2.3.4", "IN IP4 ::1",
		      "IN IP6 1.2.3.4", "IN IP6 fe80::1%eth0", "IN IP4 [::1]", "IN IP4 host_name",
		      "IN IP4 a/b", "IN IP4 233.252.0.1/", "IN IP4 233.252.0.1/1/0",
		      "IN IP4 233.252.0.1/-1", "IN IP6 ff15::1/", "IN IP4 1.2.3.4/1/2/3"})
			CPPUNIT_ASSERT_MESSAGE(bad, !Connection::parse(bad));
		std::string long_name(254, 'a');
		CPPUNIT_ASSERT(!Connection::parse("IN IP4 " + long_name));
		CPPUNIT_ASSERT(Connection::parse("IN IP4 " + long_name.substr(1)));
	}

	void formats_from_ip()
	{
		auto c = Connection::from_ip(*net::IpAddress::parse("2001:db8:0::7"));
		CPPUNIT_ASSERT_EQUAL(std::string("IN IP6 2001:db8::7"), c.to_string());
		CPPUNIT_ASSERT(*Connection::parse(c.to_string()) == c);
		Connection odd;
		odd.addrtype = "IP4";
		odd.address = "1.2.3.4 x";
		CPPUNIT_ASSERT_EQUAL(std::string("IN IP4 1.2.3.4x"), odd.to_string());
	}

	void origin_fields()
	{
		auto o = Origin::parse("- 1719923761 1719923762 IN IP4 192.168.1.23");
		CPPUNIT_ASSERT(o);
		CPPUNIT_ASSERT_EQUAL(std::string("-"), o->username);
		CPPUNIT_ASSERT_EQUAL(std::string("1719923762"), o->session_version);
		CPPUNIT_ASSERT_EQUAL(std::string("- 1719923761 1719923762 IN IP4 192.168.1.23"),
		                     o->to_string());
		// Content is not checked: the relay never connects to the o= address.
		CPPUNIT_ASSERT(Origin::parse("mozilla...THIS_IS_SDPARTA-99.0 7 0 IN IP4 0.0.0.0"));
		CPPUNIT_ASSERT(Origin::parse("u x y ATM NSAP whatever"));
		for (const char* bad : {"", "a b c d e", "a b c d e f g"})
			CPPUNIT_ASSERT_MESSAGE(bad, !Origin::parse(bad));
	}

	void field_helpers()
	{
		CPPUNIT_ASSERT(split_fields("").empty());
		CPPUNIT_ASSERT(split_fields("   ").empty());
		auto f = split_fields("  a bb  c ");
		CPPUNIT_ASSERT_EQUAL(size_t(3), f.size());
		CPPUNIT_ASSERT_EQUAL(std::string("bb"), std::string(f[1]));
		CPPUNIT_ASSERT_EQUAL(uint16_t(65535), *parse_port("65535"));
		CPPUNIT_ASSERT_EQUAL(uint16_t(0), *parse_port("0"));
		CPPUNIT_ASSERT_EQUAL(uint16_t(80), *parse_port("00080"));
		for (const char* bad : {"", "65536", "+1", "-1", " 1", "1 ", "0x10", "99999999999"})
			CPPUNIT_ASSERT_MESSAGE(bad, !parse_port(bad));
		CPPUNIT_ASSERT_EQUAL(std::string("-"), clean_field(" \r\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("a\tb"), clean_field("a\tb"));
		CPPUNIT_ASSERT_EQUAL(std::string("a b"), clean_text("a\r\n b"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdpConnectionTest);
