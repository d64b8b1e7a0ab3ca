#include "event/loop.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>
#include <vector>

// libevent's `struct event` is global too: spell rtprelay::event in full.
using namespace rtprelay;

class LoopTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(LoopTest);
	CPPUNIT_TEST(post_from_other_threads_runs_in_order_on_the_loop);
	CPPUNIT_TEST(stop_from_another_thread);
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoopTest);
