#include "ng/cookie_cache.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::ng;

class CookieCacheTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(CookieCacheTest);
	CPPUNIT_TEST(new_cookie_starts);
	CPPUNIT_TEST(finished_cookie_is_replayed);
	CPPUNIT_TEST(duplicate_while_running_waits_for_the_reply);
	CPPUNIT_TEST(replies_live_two_rotations);
	CPPUNIT_TEST(running_commands_survive_rotation);
	CPPUNIT_TEST(reply_finished_late_lives_a_full_period);
	CPPUNIT_TEST(distinct_cookies_are_independent);
	CPPUNIT_TEST(flood_is_bounded);
	CPPUNIT_TEST_SUITE_END();

	static CookieCache::Waiter waiter(uint16_t port)
	{
		return {0, net::Endpoint(net::IpAddress::loopback_v4(), port)};
	}

	CookieCache cache_;
	std::string_view reply_;

	CookieCache::Status begin(const char* cookie, uint16_t port = 1000)
	{
		reply_ = {};
		return cache_.begin(cookie, waiter(port), &reply_);
	}

public:
	void setUp() override { cache_ = CookieCache(); }

	void new_cookie_starts() { CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kStarted); }

	void finished_cookie_is_replayed()
	{
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kStarted);
		CPPUNIT_ASSERT(cache_.finish("a", "a d6:result4:ponge").empty());
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kCached);
		CPPUNIT_ASSERT_EQUAL(std::string("a d6:result4:ponge"), std::string(reply_));
	}

	void duplicate_while_running_waits_for_the_reply()
	{
		CPPUNIT_ASSERT(begin("a", 1) == CookieCache::Status::kStarted);
		CPPUNIT_ASSERT(begin("a", 2) == CookieCache::Status::kRunning);
		CPPUNIT_ASSERT(begin("a", 3) == CookieCache::Status::kRunning);
		auto waiters = cache_.finish("a", "r");
		CPPUNIT_ASSERT_EQUAL(size_t(2), waiters.size());
		CPPUNIT_ASSERT_EQUAL(uint16_t(2), waiters[0].peer.port());
		CPPUNIT_ASSERT_EQUAL(uint16_t(3), waiters[1].peer.port());
		CPPUNIT_ASSERT(begin("a", 4) == CookieCache::Status::kCached);
	}

	void replies_live_two_rotations()
	{
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kStarted);
		(void)cache_.finish("a", "r");
		cache_.rotate(); // 0-30 s old: still there
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kCached);
		cache_.rotate(); // 30-60 s old: gone
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kStarted);
	}

	void running_commands_survive_rotation()
	{
		CPPUNIT_ASSERT(begin("a", 1) == CookieCache::Status::kStarted);
		for (int i = 0; i < 5; i++) {
			cache_.rotate();
			CPPUNIT_ASSERT(begin("a", 2) == CookieCache::Status::kRunning);
		}
		CPPUNIT_ASSERT_EQUAL(size_t(5), cache_.finish("a", "r").size());
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kCached);
	}

	void reply_finished_late_lives_a_full_period()
	{
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kStarted);
		cache_.rotate(); // running entry now in the older generation
		(void)cache_.finish("a", "r");
		cache_.rotate();
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kCached);
	}

	void distinct_cookies_are_independent()
	{
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kStarted);
		CPPUNIT_ASSERT(begin("b") == CookieCache::Status::kStarted);
		(void)cache_.finish("b", "rb");
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kRunning);
		CPPUNIT_ASSERT(begin("b") == CookieCache::Status::kCached);
		CPPUNIT_ASSERT_EQUAL(std::string("rb"), std::string(reply_));
	}

	void flood_is_bounded()
	{
		for (size_t i = 0; i < 2 * CookieCache::kMaxEntriesPerGeneration + 10; i++) {
			std::string c = "c" + std::to_string(i);
			CPPUNIT_ASSERT(cache_.begin(c, waiter(1), &reply_) ==
			               CookieCache::Status::kStarted);
			(void)cache_.finish(c, "r");
		}
		CPPUNIT_ASSERT(cache_.size() <= 2 * CookieCache::kMaxEntriesPerGeneration);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CookieCacheTest);
