// SPDX-License-Identifier: GPL-3.0-or-later
// Tests parse_node_spec: --node=[NAME/]ADDR:PORT[/WEIGHT], its defaults and its errors.
#include "ctl-proxy/proxy/node_spec.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

using namespace rtprelay;
using namespace rtprelay::proxy;

namespace {

NodeSpec parsed(const std::string& text)
{
	auto r = parse_node_spec(text);
	if (!r)
		CPPUNIT_FAIL("'" + text + "' did not parse: " + r.error().reason);
	return *r;
}

// The error's reason for text, which must not parse.
std::string rejected(const std::string& text)
{
	auto r = parse_node_spec(text);
	if (r)
		CPPUNIT_FAIL("'" + text + "' parsed as " + r->name + " " + r->ng.to_string());
	return r.error().reason;
}

bool contains(const std::string& s, const std::string& part)
{
	return s.find(part) != std::string::npos;
}

} // namespace

class NodeSpecTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(NodeSpecTest);
	CPPUNIT_TEST(address_alone_names_itself);
	CPPUNIT_TEST(name_and_address);
	CPPUNIT_TEST(name_address_and_weight);
	CPPUNIT_TEST(address_and_weight);
	CPPUNIT_TEST(ipv6_addresses);
	CPPUNIT_TEST(missing_port_is_an_error);
	CPPUNIT_TEST(weight_out_of_range_is_an_error);
	CPPUNIT_TEST(too_many_slashes_is_an_error);
	CPPUNIT_TEST(bad_name_characters_are_an_error);
	CPPUNIT_TEST(empty_name_is_an_error);
	CPPUNIT_TEST_SUITE_END();

public:
	void address_alone_names_itself()
	{
		NodeSpec s = parsed("127.0.0.1:2223");
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2223"), s.name);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), s.ng.ip().to_string());
		CPPUNIT_ASSERT_EQUAL(uint16_t{2223}, s.ng.port());
		CPPUNIT_ASSERT_EQUAL(1, s.weight);
		s = parsed("10.1.2.3:40000");
		CPPUNIT_ASSERT_EQUAL(std::string("10.1.2.3:40000"), s.name);
		CPPUNIT_ASSERT_EQUAL(uint16_t{40000}, s.ng.port());
	}

	void name_and_address()
	{
		NodeSpec s = parsed("a/127.0.0.1:2223");
		CPPUNIT_ASSERT_EQUAL(std::string("a"), s.name);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2223"), s.ng.to_string());
		CPPUNIT_ASSERT_EQUAL(1, s.weight);
		// Every allowed character.
		s = parsed("Node-1_b.c:d/10.0.0.5:9");
		CPPUNIT_ASSERT_EQUAL(std::string("Node-1_b.c:d"), s.name);
		CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.5:9"), s.ng.to_string());
	}

	void name_address_and_weight()
	{
		NodeSpec s = parsed("a/127.0.0.1:2223/3");
		CPPUNIT_ASSERT_EQUAL(std::string("a"), s.name);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2223"), s.ng.to_string());
		CPPUNIT_ASSERT_EQUAL(3, s.weight);
		s = parsed("a/127.0.0.1:2223/" + std::to_string(kMaxWeight));
		CPPUNIT_ASSERT_EQUAL(kMaxWeight, s.weight);
	}

	void address_and_weight()
	{
		NodeSpec s = parsed("127.0.0.1:2223/0");
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2223"), s.name);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2223"), s.ng.to_string());
		CPPUNIT_ASSERT_EQUAL(0, s.weight);
		s = parsed("127.0.0.1:2223/7");
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:2223"), s.name);
		CPPUNIT_ASSERT_EQUAL(7, s.weight);
	}

	void ipv6_addresses()
	{
		NodeSpec s = parsed("[::1]:2223");
		CPPUNIT_ASSERT_EQUAL(std::string("[::1]:2223"), s.name);
		CPPUNIT_ASSERT(s.ng.ip().is_v6());
		CPPUNIT_ASSERT_EQUAL(std::string("::1"), s.ng.ip().to_string());
		CPPUNIT_ASSERT_EQUAL(uint16_t{2223}, s.ng.port());
		CPPUNIT_ASSERT_EQUAL(1, s.weight);
		s = parsed("b/[::1]:2223/2");
		CPPUNIT_ASSERT_EQUAL(std::string("b"), s.name);
		CPPUNIT_ASSERT(s.ng.ip().is_v6());
		CPPUNIT_ASSERT_EQUAL(std::string("[::1]:2223"), s.ng.to_string());
		CPPUNIT_ASSERT_EQUAL(2, s.weight);
	}

	void missing_port_is_an_error()
	{
		std::string why = rejected("127.0.0.1");
		CPPUNIT_ASSERT(contains(why, "127.0.0.1"));
		CPPUNIT_ASSERT(contains(why, "expected [NAME/]ADDR:PORT[/WEIGHT]"));
		rejected("127.0.0.1:");
		rejected("a/127.0.0.1");
		rejected("a/127.0.0.1/2");
		rejected("127.0.0.1:0");
		rejected("[::1]");
	}

	void weight_out_of_range_is_an_error()
	{
		std::string why = rejected("a/127.0.0.1:2223/" + std::to_string(kMaxWeight + 1));
		CPPUNIT_ASSERT(contains(why, "weight"));
		CPPUNIT_ASSERT(contains(why, std::to_string(kMaxWeight)));
		rejected("127.0.0.1:2223/" + std::to_string(kMaxWeight + 1));
		rejected("a/127.0.0.1:2223/-1");
		rejected("127.0.0.1:2223/-1");
		rejected("a/127.0.0.1:2223/x");
		CPPUNIT_ASSERT(contains(rejected("a/127.0.0.1:2223/"), "weight is empty"));
	}

	void too_many_slashes_is_an_error()
	{
		CPPUNIT_ASSERT(contains(rejected("a/127.0.0.1:2223/3/4"), "too many '/'"));
		CPPUNIT_ASSERT(contains(rejected("a//127.0.0.1:2223/3"), "too many '/'"));
	}

	void bad_name_characters_are_an_error()
	{
		CPPUNIT_ASSERT(contains(rejected("a b/127.0.0.1:2223"), "name"));
		rejected("a@b/127.0.0.1:2223");
		rejected("a\"/127.0.0.1:2223/2");
		rejected("[x]/127.0.0.1:2223");
		rejected("n\xc3\xa4me/127.0.0.1:2223");
	}

	void empty_name_is_an_error()
	{
		CPPUNIT_ASSERT(contains(rejected("/127.0.0.1:1"), "name is empty"));
		CPPUNIT_ASSERT(contains(rejected("/127.0.0.1:1/2"), "name is empty"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeSpecTest);
