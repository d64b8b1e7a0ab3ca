#include "media/learning.h"

#include <cppunit/extensions/HelperMacros.h>

#include "../net/endpoint_literal.h"

using namespace rtprelay;
using namespace rtprelay::media;
using rtprelay::test::ep;
using V = EndpointLearning::Verdict;

class LearningTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(LearningTest);
	CPPUNIT_TEST(starts_at_sdp_address);
	CPPUNIT_TEST(delayed_latches_nat_address_after_two_packets);
	CPPUNIT_TEST(single_stray_packet_is_not_learned);
	CPPUNIT_TEST(sdp_address_is_trusted_at_once);
	CPPUNIT_TEST(confirmed_stream_is_not_hijacked);
	CPPUNIT_TEST(strict_source_drops_others_after_confirmation);
	CPPUNIT_TEST(immediate_confirms_first_source);
	CPPUNIT_TEST(off_and_asymmetric_never_learn);
	CPPUNIT_TEST(heuristic_prefers_sdp_match);
	CPPUNIT_TEST(reset_starts_over);
	CPPUNIT_TEST_SUITE_END();

	EndpointLearning l_;

public:
	void starts_at_sdp_address()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kDelayed, false, false);
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:4000"));
		CPPUNIT_ASSERT(!l_.confirmed());
		l_.reset(std::nullopt, LearningMode::kDelayed, false, false);
		CPPUNIT_ASSERT(!l_.destination());
	}

	void delayed_latches_nat_address_after_two_packets()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, false);
		CPPUNIT_ASSERT(l_.on_packet(ep("203.0.113.9:61000"), 0) == V::kAccept);
		CPPUNIT_ASSERT(*l_.destination() == ep("10.0.0.5:4000"));
		l_.on_packet(ep("203.0.113.9:61000"), 20);
		CPPUNIT_ASSERT(*l_.destination() == ep("203.0.113.9:61000"));
		CPPUNIT_ASSERT(!l_.confirmed());
		// The NAT rebinds within the window: followed.
		l_.on_packet(ep("203.0.113.9:62000"), 1000);
		l_.on_packet(ep("203.0.113.9:62000"), 1020);
		CPPUNIT_ASSERT(*l_.destination() == ep("203.0.113.9:62000"));
		l_.on_packet(ep("203.0.113.9:62000"), EndpointLearning::kWindowMs);
		CPPUNIT_ASSERT(l_.confirmed());
	}

	void single_stray_packet_is_not_learned()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kDelayed, false, false);
		l_.on_packet(ep("198.51.100.66:666"), 0); // attacker probes
		l_.on_packet(ep("192.0.2.1:4000"), 10);
		l_.on_packet(ep("198.51.100.66:666"), 20);
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:4000"));
	}

	void sdp_address_is_trusted_at_once()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kDelayed, false, false);
		l_.on_packet(ep("198.51.100.1:5000"), 0);
		l_.on_packet(ep("198.51.100.1:5000"), 10);
		CPPUNIT_ASSERT(*l_.destination() == ep("198.51.100.1:5000"));
		l_.on_packet(ep("192.0.2.1:4000"), 20);
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:4000"));
	}

	void confirmed_stream_is_not_hijacked()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kDelayed, false, false);
		l_.on_packet(ep("192.0.2.1:4000"), 0);
		l_.on_packet(ep("192.0.2.1:4000"), 4000);
		CPPUNIT_ASSERT(l_.confirmed());
		for (int i = 0; i < 10; i++)
			CPPUNIT_ASSERT(l_.on_packet(ep("198.51.100.66:666"), 4100 + i) ==
			               V::kAccept);
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:4000"));
	}

	void strict_source_drops_others_after_confirmation()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kDelayed, false, true);
		CPPUNIT_ASSERT(l_.on_packet(ep("198.51.100.66:666"), 0) ==
		               V::kAccept); // still learning
		l_.on_packet(ep("192.0.2.1:4000"), 10);
		l_.on_packet(ep("192.0.2.1:4000"), 4000);
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(l_.on_packet(ep("198.51.100.66:666"), 4100) == V::kDrop);
		CPPUNIT_ASSERT(l_.on_packet(ep("192.0.2.1:4001"), 4100) == V::kDrop);
		CPPUNIT_ASSERT(l_.on_packet(ep("192.0.2.1:4000"), 4100) == V::kAccept);
	}

	void immediate_confirms_first_source()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kImmediate, false, true);
		l_.on_packet(ep("203.0.113.9:61000"), 0);
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(*l_.destination() == ep("203.0.113.9:61000"));
		CPPUNIT_ASSERT(l_.on_packet(ep("203.0.113.9:61001"), 1) == V::kDrop);
	}

	void off_and_asymmetric_never_learn()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kOff, false, true);
		l_.on_packet(ep("203.0.113.9:61000"), 0);
		l_.on_packet(ep("203.0.113.9:61000"), 5000);
		CPPUNIT_ASSERT(*l_.destination() == ep("10.0.0.5:4000"));
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, true, false);
		l_.on_packet(ep("203.0.113.9:61000"), 0);
		l_.on_packet(ep("203.0.113.9:61000"), 10);
		CPPUNIT_ASSERT(*l_.destination() == ep("10.0.0.5:4000"));
		CPPUNIT_ASSERT(!l_.learned());
	}

	void heuristic_prefers_sdp_match()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kHeuristic, false, false);
		l_.on_packet(ep("192.0.2.1:5000"), 0); // same address, other port
		l_.on_packet(ep("192.0.2.1:5000"), 10);
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:5000"));
		l_.on_packet(ep("198.51.100.7:4000"), 20); // worse match: ignored
		l_.on_packet(ep("198.51.100.7:4000"), 30);
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:5000"));
		l_.on_packet(ep("192.0.2.1:4000"), 40); // exact match wins
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:4000"));
	}

	void reset_starts_over()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kImmediate, false, false);
		l_.on_packet(ep("198.51.100.1:1"), 0);
		CPPUNIT_ASSERT(l_.confirmed());
		l_.reset(ep("192.0.2.2:4000"), LearningMode::kImmediate, false, false);
		CPPUNIT_ASSERT(!l_.confirmed());
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.2:4000"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(LearningTest);
