// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/command_stats.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

using namespace rtprelay;
using namespace rtprelay::ng;

class CommandStatsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(CommandStatsTest);
	CPPUNIT_TEST(durations_fall_in_the_first_bucket_they_do_not_exceed);
	CPPUNIT_TEST(errors_count_per_command_and_proxy);
	CPPUNIT_TEST(unknown_commands_count_for_the_proxy_only);
	CPPUNIT_TEST(proxies_are_capped_but_commands_still_count);
	CPPUNIT_TEST_SUITE_END();

	static net::IpAddress ip(const char* text) { return net::IpAddress::parse(text).value(); }

public:
	void durations_fall_in_the_first_bucket_they_do_not_exceed()
	{
		CommandStats s;
		auto peer = ip("192.0.2.1");
		s.record("offer", peer, true, 0.0001);  // on the first bound: bucket 0
		s.record("offer", peer, true, 0.00011); // just over it: bucket 1
		s.record("offer", peer, true, 0.05);    // (0.025, 0.1]: bucket 8
		s.record("offer", peer, true, 2.0);     // over 1 s: the overflow bucket
		CommandStats::Counts c = s.find("offer");
		CPPUNIT_ASSERT_EQUAL(uint64_t(4), c.requests);
		CPPUNIT_ASSERT_EQUAL(uint64_t(0), c.errors);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(2.05021, c.seconds, 1e-9);
		CommandStats::Counts want;
		want.buckets[0] = 1;
		want.buckets[1] = 1;
		want.buckets[8] = 1;
		want.buckets[CommandStats::kBucketBounds.size()] = 1;
		CPPUNIT_ASSERT(want.buckets == c.buckets);
		CPPUNIT_ASSERT_EQUAL(uint64_t(0), s.find("answer").requests);
	}

	void errors_count_per_command_and_proxy()
	{
		CommandStats s;
		s.record("ping", ip("192.0.2.1"), true, 0);
		s.record("delete", ip("192.0.2.1"), false, 0.001);
		s.record("delete", ip("2001:db8::2"), true, 0.003);
		CPPUNIT_ASSERT_EQUAL(size_t(2), s.commands().size());
		CPPUNIT_ASSERT_EQUAL(std::string("ping"), s.commands()[0].name);
		CPPUNIT_ASSERT_EQUAL(uint64_t(2), s.find("delete").requests);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), s.find("delete").errors);
		const auto& proxies = s.proxies();
		CPPUNIT_ASSERT_EQUAL(size_t(2), proxies.size());
		CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"), proxies[0].address);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), proxies[0].errors);
		CPPUNIT_ASSERT_EQUAL(size_t(2), proxies[0].commands.size());
		CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::2"), proxies[1].address);
		CPPUNIT_ASSERT_EQUAL(uint64_t(0), proxies[1].errors);
		CPPUNIT_ASSERT_EQUAL(size_t(1), proxies[1].commands.size());
		CPPUNIT_ASSERT_DOUBLES_EQUAL(0.003, proxies[1].commands[0].counts.seconds, 1e-12);
	}

	void unknown_commands_count_for_the_proxy_only()
	{
		CommandStats s;
		s.record_unknown(ip("192.0.2.9"));
		CPPUNIT_ASSERT(s.commands().empty());
		CPPUNIT_ASSERT_EQUAL(size_t(1), s.proxies().size());
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), s.proxies()[0].errors);
		CPPUNIT_ASSERT(s.proxies()[0].commands.empty());
	}

	void proxies_are_capped_but_commands_still_count()
	{
		CommandStats s;
		for (size_t i = 0; i <= CommandStats::kMaxProxies; i++) {
			std::string addr =
			        "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
			s.record("ping", ip(addr.c_str()), true, 0);
		}
		CPPUNIT_ASSERT_EQUAL(CommandStats::kMaxProxies, s.proxies().size());
		CPPUNIT_ASSERT_EQUAL(uint64_t(CommandStats::kMaxProxies + 1),
		                     s.find("ping").requests);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CommandStatsTest);
