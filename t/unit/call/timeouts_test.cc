#include "call/timeouts.h"

#include <cppunit/extensions/HelperMacros.h>

#include "media/media_loop.h"

using namespace rtprelay;
using namespace rtprelay::call;

class TimeoutsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(TimeoutsTest);
	CPPUNIT_TEST(unanswered_offer_times_out);
	CPPUNIT_TEST(no_media_after_answer);
	CPPUNIT_TEST(media_keeps_call_alive);
	CPPUNIT_TEST(hold_uses_silent_timeout);
	CPPUNIT_TEST(final_timeout_is_absolute);
	CPPUNIT_TEST(delete_delay_wins);
	CPPUNIT_TEST(changed_timeout_applies_to_running_calls);
	CPPUNIT_TEST_SUITE_END();

	Config config_;
	std::unique_ptr<RuntimeLimits> limits_;
	std::unique_ptr<media::MediaLoop> loop_;
	std::unique_ptr<Call> call_;
	static constexpr int64_t kT0 = 1'000'000;

	Media& audio(const char* tag) { return call_->get_or_create(tag, kT0).media_at(1); }

	std::string reason(int64_t at) { return timeout_reason(*call_, *limits_, at).value_or(""); }

public:
	void setUp() override
	{
		config_.timeout = 60;
		config_.silent_timeout = 600;
		config_.offer_timeout = 30;
		config_.final_timeout = 0;
		limits_ = std::make_unique<RuntimeLimits>(config_);
		loop_ = std::move(media::MediaLoop::create(0, config_, [](auto&, auto&) {
		        })).value();
		call_ = std::make_unique<Call>("c", *loop_, *limits_, kT0);
	}

	void tearDown() override
	{
		call_.reset();
		loop_.reset();
	}

	void unanswered_offer_times_out()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(""), reason(kT0 + 29'999));
		CPPUNIT_ASSERT(reason(kT0 + 30'000).rfind("offer timeout", 0) == 0);
	}

	void no_media_after_answer()
	{
		call_->answered_ms = kT0 + 1000;
		CPPUNIT_ASSERT_EQUAL(std::string(""), reason(kT0 + 60'999));
		CPPUNIT_ASSERT(reason(kT0 + 61'000).rfind("timeout (no media for 60 s)", 0) == 0);
	}

	void media_keeps_call_alive()
	{
		call_->answered_ms = kT0;
		audio("A").rtp.stats.last_packet_ms = kT0 + 50'000;
		CPPUNIT_ASSERT_EQUAL(std::string(""), reason(kT0 + 100'000));
		audio("B").rtcp.stats.last_packet_ms = kT0 + 90'000;
		CPPUNIT_ASSERT_EQUAL(std::string(""), reason(kT0 + 140'000));
		CPPUNIT_ASSERT(!reason(kT0 + 150'000).empty());
	}

	void hold_uses_silent_timeout()
	{
		call_->answered_ms = kT0;
		audio("A").sends = false;
		CPPUNIT_ASSERT(is_held(*call_));
		CPPUNIT_ASSERT_EQUAL(std::string(""), reason(kT0 + 599'000));
		CPPUNIT_ASSERT(reason(kT0 + 600'000).rfind("silent timeout", 0) == 0);
		audio("A").sends = true;
		audio("A").rejected = false;
		audio("B").hold = true;
		CPPUNIT_ASSERT(is_held(*call_));
	}

	void final_timeout_is_absolute()
	{
		limits_->final_timeout = 100;
		call_->answered_ms = kT0;
		audio("A").rtp.stats.last_packet_ms = kT0 + 99'000;
		CPPUNIT_ASSERT(reason(kT0 + 100'000).rfind("final timeout", 0) == 0);
	}

	void delete_delay_wins()
	{
		call_->delete_at_ms = kT0 + 5000;
		CPPUNIT_ASSERT_EQUAL(std::string(""), reason(kT0 + 4999));
		CPPUNIT_ASSERT_EQUAL(std::string("deleted (delay expired)"), reason(kT0 + 5000));
	}

	// The CLI's `set timeout` changes the limits under calls that already run.
	void changed_timeout_applies_to_running_calls()
	{
		call_->answered_ms = kT0;
		CPPUNIT_ASSERT_EQUAL(std::string(""), reason(kT0 + 30'000));
		limits_->timeout = 20;
		CPPUNIT_ASSERT(reason(kT0 + 30'000).rfind("timeout (no media for 20 s)", 0) == 0);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TimeoutsTest);
