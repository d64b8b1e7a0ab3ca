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
	CPPUNIT_TEST(ticks_expire_replies_after_two_periods);
	CPPUNIT_TEST(full_cache_drops_the_oldest_first);
	CPPUNIT_TEST(running_commands_survive_a_full_cache);
	CPPUNIT_TEST(reply_larger_than_the_budget_is_kept_until_the_next);
	CPPUNIT_TEST_SUITE_END();

	static constexpr size_t kBytes = 64 * 1024;

	static CookieCache::Waiter waiter(uint16_t port)
	{
		return {0, net::Endpoint(net::IpAddress::loopback_v4(), port)};
	}

	CookieCache cache_{kBytes};
	std::string_view reply_;

	CookieCache::Status begin(const char* cookie, uint16_t port = 1000)
	{
		reply_ = {};
		return cache_.begin(cookie, waiter(port), &reply_);
	}

public:
	void setUp() override { cache_ = CookieCache(kBytes); }

	void store(const std::string& cookie, const std::string& reply)
	{
		CPPUNIT_ASSERT(begin(cookie.c_str()) == CookieCache::Status::kStarted);
		(void)cache_.finish(cookie, reply);
	}

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
		// Tiny replies: the per-entry bookkeeping counts, so the entries are bounded too.
		for (size_t i = 0; i < 100000; i++)
			store("c" + std::to_string(i), "r");
		CPPUNIT_ASSERT(cache_.bytes() <= kBytes + 1024);
		CPPUNIT_ASSERT(cache_.size() < kBytes / 100);
		CPPUNIT_ASSERT(cache_.dropped() > 99000);
	}

	void ticks_expire_replies_after_two_periods()
	{
		store("a", "r");
		for (int i = 0; i < CookieCache::kRotateSeconds; i++)
			cache_.tick(); // 30 s: still there
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kCached);
		for (int i = 0; i < CookieCache::kRotateSeconds; i++)
			cache_.tick(); // 60 s: gone, and not counted as dropped early
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kStarted);
		CPPUNIT_ASSERT_EQUAL(uint64_t(0), cache_.dropped());
	}

	void full_cache_drops_the_oldest_first()
	{
		const std::string big(4000, 'x'); // the flood: many distinct cookies, big replies
		for (int i = 0; i < 200; i++)
			store("c" + std::to_string(i), big + std::to_string(i));
		CPPUNIT_ASSERT(cache_.bytes() <= kBytes);
		CPPUNIT_ASSERT(cache_.dropped() > 0);
		CPPUNIT_ASSERT(begin("c0") == CookieCache::Status::kStarted);
		// The newest half of the budget is always there, byte for byte.
		for (int i = 200 - static_cast<int>(kBytes / 2 / 4200); i < 200; i++) {
			std::string c = "c" + std::to_string(i);
			CPPUNIT_ASSERT_MESSAGE(c, begin(c.c_str()) == CookieCache::Status::kCached);
			CPPUNIT_ASSERT(std::string(reply_) == big + std::to_string(i));
		}
	}

	void running_commands_survive_a_full_cache()
	{
		CPPUNIT_ASSERT(begin("slow", 1) == CookieCache::Status::kStarted);
		const std::string big(4000, 'x');
		for (int i = 0; i < 200; i++)
			store("c" + std::to_string(i), big);
		CPPUNIT_ASSERT(begin("slow", 2) == CookieCache::Status::kRunning);
		CPPUNIT_ASSERT_EQUAL(size_t(1), cache_.finish("slow", "done").size());
		CPPUNIT_ASSERT(begin("slow") == CookieCache::Status::kCached);
	}

	void reply_larger_than_the_budget_is_kept_until_the_next()
	{
		const std::string huge(kBytes, 'h');
		store("a", huge);
		CPPUNIT_ASSERT(begin("a") == CookieCache::Status::kCached);
		CPPUNIT_ASSERT_EQUAL(huge.size(), reply_.size());
		store("b", huge);
		CPPUNIT_ASSERT(begin("b") == CookieCache::Status::kCached);
		CPPUNIT_ASSERT(cache_.bytes() <= 2 * (kBytes + 1024));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CookieCacheTest);
