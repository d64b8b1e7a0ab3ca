// The m= line bounds of offers and answers.
#include "call/media_limits.h"

#include <cppunit/extensions/HelperMacros.h>

#include "call_fixture.h"

using namespace rtprelay;
using namespace rtprelay::call;

class MediaLimitsTest : public test::CallFixture {
	CPPUNIT_TEST_SUITE(MediaLimitsTest);
	CPPUNIT_TEST(offer_is_capped_per_sdp);
	CPPUNIT_TEST(offer_is_capped_per_call);
	CPPUNIT_TEST(answer_may_not_outgrow_the_offer);
	CPPUNIT_TEST_SUITE_END();

	static SignalOptions tags(const char* from, const char* to)
	{
		SignalOptions o;
		o.from_tag = from;
		o.to_tag = to;
		return o;
	}

	static std::string reason(const Result<void>& r) { return r ? "" : r.error().reason; }

public:
	void offer_is_capped_per_sdp()
	{
		CPPUNIT_ASSERT(check_offer_media(*call_, tags("A", ""), 32));
		CPPUNIT_ASSERT_EQUAL(std::string("too many m= lines (33, at most 32)"),
		                     reason(check_offer_media(*call_, tags("A", ""), 33)));
	}

	void offer_is_capped_per_call()
	{
		pair("A", "B", 32);
		// A re-offer of the same lines adds nothing.
		CPPUNIT_ASSERT(check_offer_media(*call_, tags("A", ""), 32));
		CPPUNIT_ASSERT(check_offer_media(*call_, tags("B", "A"), 32));
		// An offer to a new to-tag would add a party with sockets of its own.
		CPPUNIT_ASSERT_EQUAL(
		        std::string(
		                "too many m= lines in this call (65 over its parties, at most 64)"),
		        reason(check_offer_media(*call_, tags("A", "C"), 1)));
	}

	void answer_may_not_outgrow_the_offer()
	{
		pair("A", "", 2);
		const Monologue& a = *call_->find("A");
		CPPUNIT_ASSERT(check_answer_media(a, 2));
		CPPUNIT_ASSERT(check_answer_media(a, 1));
		CPPUNIT_ASSERT_EQUAL(std::string("answer has more m= lines (3) than the offer (2)"),
		                     reason(check_answer_media(a, 3)));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaLimitsTest);
