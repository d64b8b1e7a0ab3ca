#include "event/loop.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

// libevent's `struct event` is global too: spell rtprelay::event in full.
using namespace rtprelay;

class LoopTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(LoopTest);
	CPPUNIT_TEST(post_from_other_threads_runs_in_order_on_the_loop);
	CPPUNIT_TEST(stop_from_another_thread);
	CPPUNIT_TEST(quiet_post_runs_with_the_next_post_in_order);
	CPPUNIT_TEST(catch_up_runs_quiet_posts_on_the_loop_thread);
	CPPUNIT_TEST(post_then_queues_before_it_runs_then);
	CPPUNIT_TEST(post_then_wakes_only_when_not_quiet);
	CPPUNIT_TEST(catch_up_every_bounds_a_quiet_post);
	CPPUNIT_TEST_SUITE_END();

public:
	void post_from_other_threads_runs_in_order_on_the_loop()
	{
		auto loop = std::move(rtprelay::event::Loop::create()).value();
		std::vector<int> seen; // touched only on the loop thread
		std::thread::id loop_thread;
		bool wrong_thread = false;
		std::thread runner([&] {
			loop_thread = std::this_thread::get_id();
			loop->run();
		});
		std::vector<std::thread> posters;
		for (int t = 0; t < 4; t++)
			posters.emplace_back([&, t] {
				for (int i = 0; i < 1000; i++)
					loop->post([&, t, i] {
						wrong_thread |=
						        std::this_thread::get_id() != loop_thread;
						seen.push_back(t * 1000 + i);
					});
			});
		for (auto& p : posters)
			p.join();
		loop->stop();
		runner.join();
		CPPUNIT_ASSERT(!wrong_thread);
		CPPUNIT_ASSERT_EQUAL(size_t(4000), seen.size());
		// Per poster, order is kept.
		std::vector<int> last(4, -1);
		for (int v : seen) {
			CPPUNIT_ASSERT(v % 1000 > last[static_cast<size_t>(v / 1000)]);
			last[static_cast<size_t>(v / 1000)] = v % 1000;
		}
	}

	void stop_from_another_thread()
	{
		auto loop = std::move(rtprelay::event::Loop::create()).value();
		std::atomic<bool> returned{false};
		std::thread runner([&] {
			loop->run();
			returned = true;
		});
		loop->stop();
		runner.join();
		CPPUNIT_ASSERT(returned);
	}

	// Nothing but a post wakes a loop with no events of its own: what a quiet post left must
	// still be queued after the loop had every chance to run it, and then run first.
	void quiet_post_runs_with_the_next_post_in_order()
	{
		auto loop = std::move(rtprelay::event::Loop::create()).value();
		std::vector<int> seen;
		std::atomic<int> ran{0};
		std::thread runner([&] { loop->run(); });
		loop->post_quiet([&] {
			seen.push_back(1);
			ran++;
		});
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		CPPUNIT_ASSERT_EQUAL(0, ran.load());
		loop->post([&] {
			seen.push_back(2);
			ran++;
		});
		loop->stop();
		runner.join();
		CPPUNIT_ASSERT_EQUAL(2, ran.load());
		CPPUNIT_ASSERT(seen == std::vector<int>({1, 2}));
	}

	void catch_up_runs_quiet_posts_on_the_loop_thread()
	{
		auto loop = std::move(rtprelay::event::Loop::create()).value();
		int ran = 0;
		std::thread poster([&] { loop->post_quiet([&] { ran++; }); });
		poster.join();
		CPPUNIT_ASSERT_EQUAL(0, ran);
		loop->catch_up(); // this thread stands for the loop's: the loop is not running
		CPPUNIT_ASSERT_EQUAL(1, ran);
		loop->catch_up();
		CPPUNIT_ASSERT_EQUAL(1, ran);
	}

	// What a client does on hearing a reply sent by `then` must find fn queued: here the
	// test thread stands for the loop's, and catches up from within `then`.
	void post_then_queues_before_it_runs_then()
	{
		auto loop = std::move(rtprelay::event::Loop::create()).value();
		int ran = 0;
		int ran_when_heard = -1;
		loop->post_then([&] { ran++; }, true,
		                [&] {
			                loop->catch_up();
			                ran_when_heard = ran;
		                });
		CPPUNIT_ASSERT_EQUAL(1, ran_when_heard);
		loop->post_then([&] { ran++; }, true, {}); // nothing to send: just queued
		CPPUNIT_ASSERT_EQUAL(1, ran);
		loop->catch_up();
		CPPUNIT_ASSERT_EQUAL(2, ran);
	}

	void post_then_wakes_only_when_not_quiet()
	{
		auto loop = std::move(rtprelay::event::Loop::create()).value();
		std::atomic<int> ran{0};
		std::thread runner([&] { loop->run(); });
		loop->post_then([&] { ran++; }, true, {});
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		CPPUNIT_ASSERT_EQUAL(0, ran.load());
		loop->post_then([&] { ran++; }, false, {});
		for (int i = 0; i < 200 && ran.load() < 2; i++)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		CPPUNIT_ASSERT_EQUAL(2, ran.load());
		loop->stop();
		runner.join();
	}

	void catch_up_every_bounds_a_quiet_post()
	{
		auto loop = std::move(rtprelay::event::Loop::create()).value();
		CPPUNIT_ASSERT(loop->catch_up_every(std::chrono::milliseconds(20)));
		std::atomic<int> ran{0};
		std::thread runner([&] { loop->run(); });
		loop->post_quiet([&] { ran++; });
		for (int i = 0; i < 200 && ran.load() == 0; i++)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		CPPUNIT_ASSERT_EQUAL(1, ran.load());
		loop->stop();
		runner.join();
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoopTest);
