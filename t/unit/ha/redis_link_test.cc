// SPDX-License-Identifier: GPL-3.0-or-later
// RedisTarget parsing, and RedisLink and load_all with no Redis to talk to. With a real
// redis-server: redis_link_server_test.cc.
#include "ha/redis_link.h"

#include "t/unit/ha/redis_server.h"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>

using namespace rtprelay;
using namespace rtprelay::ha;

using test::unused_port;

class RedisLinkTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(RedisLinkTest);
	CPPUNIT_TEST(parses_rtpengine_specs);
	CPPUNIT_TEST(password_ends_at_the_last_at_sign);
	CPPUNIT_TEST(parses_ipv6_in_brackets);
	CPPUNIT_TEST(port_and_db_have_defaults);
	CPPUNIT_TEST(rejects_bad_specs_without_showing_the_password);
	CPPUNIT_TEST(load_all_fails_without_a_server);
	CPPUNIT_TEST(link_queues_while_redis_is_unreachable);
	CPPUNIT_TEST(command_fails_at_once_while_down);
	CPPUNIT_TEST_SUITE_END();

public:
	void parses_rtpengine_specs()
	{
		auto t = parse_redis_target("127.0.0.1:6380/5");
		CPPUNIT_ASSERT(t);
		CPPUNIT_ASSERT_EQUAL(std::string(""), t->password);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), t->host);
		CPPUNIT_ASSERT_EQUAL(uint16_t{6380}, t->port);
		CPPUNIT_ASSERT_EQUAL(5, t->db);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:6380/5"), t->to_string());

		auto named = parse_redis_target("pw@redis-1.example.net:1/42");
		CPPUNIT_ASSERT(named);
		CPPUNIT_ASSERT_EQUAL(std::string("pw"), named->password);
		CPPUNIT_ASSERT_EQUAL(std::string("redis-1.example.net"), named->host);
		CPPUNIT_ASSERT_EQUAL(uint16_t{1}, named->port);
		CPPUNIT_ASSERT_EQUAL(42, named->db); // 0..15 is Redis' business, not ours
		CPPUNIT_ASSERT_EQUAL(std::string("redis-1.example.net:1/42"), named->to_string());
	}

	void password_ends_at_the_last_at_sign()
	{
		auto t = parse_redis_target("p@ss/w:rd@10.0.0.1:65535/0");
		CPPUNIT_ASSERT(t);
		CPPUNIT_ASSERT_EQUAL(std::string("p@ss/w:rd"), t->password);
		CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.1"), t->host);
		CPPUNIT_ASSERT_EQUAL(uint16_t{65535}, t->port);
		CPPUNIT_ASSERT_EQUAL(0, t->db);
		// to_string never shows it.
		CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.1:65535/0"), t->to_string());
	}

	void parses_ipv6_in_brackets()
	{
		auto t = parse_redis_target("secret@[::1]:6379/1");
		CPPUNIT_ASSERT(t);
		CPPUNIT_ASSERT_EQUAL(std::string("secret"), t->password);
		CPPUNIT_ASSERT_EQUAL(std::string("::1"), t->host);
		CPPUNIT_ASSERT_EQUAL(uint16_t{6379}, t->port);
		CPPUNIT_ASSERT_EQUAL(1, t->db);
		CPPUNIT_ASSERT_EQUAL(std::string("[::1]:6379/1"), t->to_string());
		auto full = parse_redis_target("[2001:db8::7]:7000/3");
		CPPUNIT_ASSERT(full);
		CPPUNIT_ASSERT_EQUAL(std::string("2001:db8::7"), full->host);
		CPPUNIT_ASSERT_EQUAL(std::string("[2001:db8::7]:7000/3"), full->to_string());
	}

	void port_and_db_have_defaults()
	{
		// rtpengine insists on /DB; we take 0 when it is left out, and Redis' own port.
		auto t = parse_redis_target("10.1.2.3:7000");
		CPPUNIT_ASSERT(t);
		CPPUNIT_ASSERT_EQUAL(0, t->db);
		auto bare = parse_redis_target("redis");
		CPPUNIT_ASSERT(bare);
		CPPUNIT_ASSERT_EQUAL(std::string("redis"), bare->host);
		CPPUNIT_ASSERT_EQUAL(uint16_t{6379}, bare->port);
		auto v6 = parse_redis_target("[::1]/2");
		CPPUNIT_ASSERT(v6);
		CPPUNIT_ASSERT_EQUAL(uint16_t{6379}, v6->port);
		CPPUNIT_ASSERT_EQUAL(2, v6->db);
	}

	void rejects_bad_specs_without_showing_the_password()
	{
		for (const char* bad : {"",
		                        "@10.0.0.1:6379/0",
		                        "10.0.0.1:0/0",
		                        "10.0.0.1:65536/0",
		                        "10.0.0.1:x/0",
		                        "10.0.0.1:/0",
		                        "10.0.0.1:+5/0",
		                        "10.0.0.1:6379/-1",
		                        "10.0.0.1:6379/",
		                        "10.0.0.1:6379/x",
		                        "10.0.0.1:6379/1/2",
		                        "10.0.0.1:6379/99999999999",
		                        "::1:6379/0",
		                        "[::1:6379/0",
		                        "[10.0.0.1]:6379/0",
		                        "[::1]6379/0",
		                        "[]:6379/0",
		                        ":6379/0",
		                        "host name:6379/0",
		                        "host\n:6379/0",
		                        "pw@"}) {
			auto t = parse_redis_target(bad);
			CPPUNIT_ASSERT_MESSAGE(bad, !t);
			CPPUNIT_ASSERT_MESSAGE(bad, !t.error().reason.empty());
		}
		auto t = parse_redis_target("hunter2@10.0.0.1:99999/0");
		CPPUNIT_ASSERT(!t);
		CPPUNIT_ASSERT(t.error().reason.find("hunter2") == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(t.error().reason, t.error().reason.find("10.0.0.1:99999") !=
		                                                 std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(t.error().reason,
		                       t.error().reason.find("port") != std::string::npos);
	}

	void load_all_fails_without_a_server()
	{
		RedisTarget target;
		target.host = "127.0.0.1";
		target.port = unused_port();
		RedisLimits limits;
		limits.connect_timeout_ms = 300;
		auto got = load_all(target, limits, "*");
		CPPUNIT_ASSERT(!got);
		CPPUNIT_ASSERT_MESSAGE(got.error().reason,
		                       got.error().reason.find(target.to_string()) !=
		                               std::string::npos);
	}

	void link_queues_while_redis_is_unreachable()
	{
		rtprelay::event::EventBasePtr base(event_base_new(), event_base_free);
		RedisTarget target;
		target.host = "127.0.0.1";
		target.port = unused_port();
		RedisLimits limits;
		limits.connect_timeout_ms = 200;
		limits.disable_time_s = 60;
		auto link = RedisLink::create(base.get(), target, limits);
		CPPUNIT_ASSERT(link);
		(*link)->set("k1", "v1", 0);
		(*link)->set("k2", "v2", 30);
		(*link)->del("k1");
		// Long enough for the refused connect (or the connect timeout) to be noticed.
		auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
		while ((*link)->stats().last_error.empty() &&
		       std::chrono::steady_clock::now() < until) {
			timeval tv{0, 20000};
			event_base_loopexit(base.get(), &tv);
			event_base_dispatch(base.get());
		}
		auto s = (*link)->stats();
		CPPUNIT_ASSERT(!s.connected);
		CPPUNIT_ASSERT(!s.last_error.empty());
		CPPUNIT_ASSERT_EQUAL(size_t{2}, s.queued);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, s.written);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, s.dropped);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, s.reconnects);
		// Destroyed with its reconnect timer pending and writes queued (ASan checks the
		// rest).
		link->reset();
	}

	void command_fails_at_once_while_down()
	{
		rtprelay::event::EventBasePtr base(event_base_new(), event_base_free);
		RedisTarget target;
		target.host = "127.0.0.1";
		target.port = unused_port();
		RedisLimits limits;
		limits.disable_time_s = 60;
		auto link = RedisLink::create(base.get(), target, limits);
		CPPUNIT_ASSERT(link);
		CPPUNIT_ASSERT(!(*link)->connected());
		// Connecting is not up: the handshake has not been answered.
		int calls = 0;
		(*link)->command({"PING"}, [&](RedisLink::Reply r) {
			calls++;
			CPPUNIT_ASSERT(!r);
			CPPUNIT_ASSERT_EQUAL(std::string("not connected"), r.error().reason);
		});
		CPPUNIT_ASSERT_EQUAL(1, calls); // before command() returned
		// Destroyable from inside the callback.
		(*link)->command({"PING"}, [&](const RedisLink::Reply&) {
			calls++;
			link->reset();
		});
		CPPUNIT_ASSERT_EQUAL(2, calls);
		CPPUNIT_ASSERT(!*link);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedisLinkTest);
