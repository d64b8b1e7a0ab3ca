#include "call/stream.h"

#include <cppunit/extensions/HelperMacros.h>

#include "../net/endpoint_literal.h"
#include "call/call.h"
#include "call/party.h"

using namespace rtprelay;
using namespace rtprelay::call;
using rtprelay::test::ep;

// Where the packet path sends what a party's stream receives: the sink the call layer gives
// it from signalling (the peer's m= line, rtcp-mux on the peer's side).
class StreamTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(StreamTest);
	CPPUNIT_TEST(no_peer_no_sink);
	CPPUNIT_TEST(rtp_goes_to_peer_rtp);
	CPPUNIT_TEST(rtcp_goes_to_peer_rtcp_unless_peer_muxes);
	CPPUNIT_TEST(unallocated_or_rejected_peer_no_sink);
	CPPUNIT_TEST(clock_rates_are_the_media_lines);
	CPPUNIT_TEST(the_first_clock_rate_is_the_first_listed_type_that_has_one);
	CPPUNIT_TEST_SUITE_END();

	media::LocalAddress address_;
	Journal journal_; // outlives the parties
	std::unique_ptr<Monologue> a_party_, b_party_;
	Media* a_ = nullptr;
	Media* b_ = nullptr;

public:
	void setUp() override
	{
		a_party_ = std::make_unique<Monologue>("a", journal_);
		b_party_ = std::make_unique<Monologue>("b", journal_);
		a_ = &a_party_->media_at(1);
		b_ = &b_party_->media_at(1);
		a_->allocation.address = &address_;
		b_->allocation.address = &address_;
	}

	void no_peer_no_sink()
	{
		CPPUNIT_ASSERT(a_->rtp.sink(false, 0) == nullptr);
		CPPUNIT_ASSERT(a_->rtcp.sink(true, 0) == nullptr);
	}

	void rtp_goes_to_peer_rtp()
	{
		a_->peer = b_;
		CPPUNIT_ASSERT(a_->rtp.sink(false, 0) == &b_->rtp);
		CPPUNIT_ASSERT(a_->rtcp.sink(false, 0) == &b_->rtp);
	}

	void rtcp_goes_to_peer_rtcp_unless_peer_muxes()
	{
		a_->peer = b_;
		CPPUNIT_ASSERT(a_->rtp.sink(true, 0) == &b_->rtcp);
		CPPUNIT_ASSERT(a_->rtcp.sink(true, 0) == &b_->rtcp);
		b_->rtcp_mux = true;
		CPPUNIT_ASSERT(a_->rtp.sink(true, 0) == &b_->rtp);
		CPPUNIT_ASSERT(a_->rtcp.sink(true, 0) == &b_->rtp);
		a_->rtcp_mux = true; // our own side's mux does not change where the peer gets it
		b_->rtcp_mux = false;
		CPPUNIT_ASSERT(a_->rtp.sink(true, 0) == &b_->rtcp);
	}

	void unallocated_or_rejected_peer_no_sink()
	{
		a_->peer = b_;
		b_->rejected = true;
		CPPUNIT_ASSERT(a_->rtp.sink(false, 0) == nullptr);
		b_->rejected = false;
		b_->allocation.address = nullptr;
		CPPUNIT_ASSERT(a_->rtp.sink(false, 0) == nullptr);
	}

	void clock_rates_are_the_media_lines()
	{
		a_->clock_rates.by_type[8] = 8000;
		CPPUNIT_ASSERT_EQUAL(8000u, a_->rtp.clock_rates.by_type[8]);
		CPPUNIT_ASSERT_EQUAL(8000u, a_->rtcp.clock_rates.by_type[8]);
		CPPUNIT_ASSERT_EQUAL(0u, b_->rtp.clock_rates.by_type[8]);
	}

	void the_first_clock_rate_is_the_first_listed_type_that_has_one()
	{
		a_->payload_types = {97, 111, 0};
		a_->clock_rates.by_type[0] = 8000;
		a_->clock_rates.by_type[111] = 48000;
		a_->rtp.stats.ssrc(5).clock_rate(0, a_->clock_rates.by_type);
		a_->clock_rates.by_type[0] = 16000;
		clock_rates_changed(*a_);
		CPPUNIT_ASSERT_EQUAL(48000u, a_->rtp.clock_rates.first);
		// The streams' SSRCs read the table anew.
		CPPUNIT_ASSERT_EQUAL(16000u,
		                     a_->rtp.stats.ssrc(5).clock_rate(0, a_->clock_rates.by_type));
		a_->payload_types = {97};
		clock_rates_changed(*a_);
		CPPUNIT_ASSERT_EQUAL(0u, a_->rtp.clock_rates.first);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(StreamTest);
