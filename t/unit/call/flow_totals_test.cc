// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/flow_totals.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace rtprelay;
using namespace rtprelay::call;

class FlowTotalsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(FlowTotalsTest);
	CPPUNIT_TEST(two_way_counts_in_neither);
	CPPUNIT_TEST(one_way_counts_once_for_the_sender);
	CPPUNIT_TEST(no_media_counts_once_as_zero_way);
	CPPUNIT_TEST(rtcp_and_later_lines_do_not_count);
	CPPUNIT_TEST(a_party_without_peer_or_media_counts_in_neither);
	CPPUNIT_TEST(totals_add_calls);
	CPPUNIT_TEST_SUITE_END();

	// Two parties with one m= line each: `a` and `b` RTP packets received from each.
	static CallSnapshot call(uint64_t a, uint64_t b)
	{
		auto party = [](const char* tag, const char* peer, uint64_t packets) {
			StreamSnapshot rtp, rtcp;
			rtp.packets = packets;
			rtcp.rtcp = true;
			rtcp.packets = 5; // RTCP alone never makes media flow
			MediaSnapshot m;
			m.streams = {rtp, rtcp};
			MonologueSnapshot ml;
			ml.tag = tag;
			ml.peer_tag = peer;
			ml.medias.push_back(m);
			return ml;
		};
		CallSnapshot c;
		c.monologues = {party("A", "B", a), party("B", "A", b)};
		return c;
	}

public:
	void two_way_counts_in_neither()
	{
		CallFlow f = call_flow(call(10, 12));
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, f.one_way);
		CPPUNIT_ASSERT(!f.zero_way);
	}

	void one_way_counts_once_for_the_sender()
	{
		CallFlow f = call_flow(call(0, 30));
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, f.one_way);
		CPPUNIT_ASSERT(!f.zero_way);
	}

	void no_media_counts_once_as_zero_way()
	{
		// An offer never answered: the peer's tag is still empty.
		CallSnapshot c = call(0, 0);
		c.monologues[0].peer_tag = "";
		c.monologues[1].tag = "";
		CallFlow f = call_flow(c);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, f.one_way);
		CPPUNIT_ASSERT(f.zero_way);
	}

	void rtcp_and_later_lines_do_not_count()
	{
		// RTP flows both ways on the first line; a second line is silent one way.
		CallSnapshot c = call(10, 10);
		for (auto& ml : c.monologues) {
			MediaSnapshot video = ml.medias[0];
			video.index = 1;
			video.streams[0].packets = ml.tag == "A" ? 40 : 0;
			ml.medias.push_back(video);
		}
		CallFlow f = call_flow(c);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, f.one_way);
		CPPUNIT_ASSERT(!f.zero_way);
	}

	void a_party_without_peer_or_media_counts_in_neither()
	{
		CallSnapshot c = call(0, 0);
		c.monologues[0].peer_tag = "nobody";
		c.monologues[1].medias.clear(); // an earlier fork, left without sockets
		CallFlow f = call_flow(c);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, f.one_way);
		CPPUNIT_ASSERT(!f.zero_way);
	}

	void totals_add_calls()
	{
		FlowTotals t;
		t.add_call(call(0, 30));
		t.add_call(call(0, 0));
		t.add_call(call(0, 0));
		t.add_call(call(5, 5));
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, t.one_way());
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, t.zero_way());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(FlowTotalsTest);
