// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/mos.h"

#include <cppunit/extensions/HelperMacros.h>

#include "media/rtcp_stats.h"

using namespace rtprelay::media;

class MosTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(MosTest);
	CPPUNIT_TEST(matches_rtpengine);
	CPPUNIT_TEST(latency_past_160_ms_costs_more);
	CPPUNIT_TEST(history_keeps_lowest_highest_average_and_order);
	CPPUNIT_TEST(rtt_of_each_leg_from_sr_and_rr);
	CPPUNIT_TEST(rtt_from_rrtr_and_dlrr);
	CPPUNIT_TEST_SUITE_END();

public:
	// Figures Debian's rtpengine 10.5 printed for the same reports (t/integration/
	// test_quality.py's call): 9 % loss, 10 ms jitter, 70.765 ms RTT gave 35; 0 %, 5 ms,
	// 70.527 ms gave 43.
	void matches_rtpengine()
	{
		CPPUNIT_ASSERT_EQUAL(35U, mos_x10(9, 10, 70.765));
		CPPUNIT_ASSERT_EQUAL(43U, mos_x10(0, 5, 70.527));
		CPPUNIT_ASSERT_EQUAL(44U, mos_x10(0, 0, 0));
		CPPUNIT_ASSERT_EQUAL(10U, mos_x10(100, 0, 0)); // R clamps at 0: MOS 1
	}

	void latency_past_160_ms_costs_more()
	{
		// 150 ms effective latency: R 89.45; 250 ms: R 80.2.
		CPPUNIT_ASSERT_EQUAL(43U, mos_x10(0, 0, 280));
		CPPUNIT_ASSERT_EQUAL(40U, mos_x10(0, 0, 480));
	}

	void history_keeps_lowest_highest_average_and_order()
	{
		MosHistory h;
		for (unsigned i = 0; i < 20; i++)
			h.add({40 + i % 3, 1000 * i, 0, i, 0, 1000 * int64_t{i}});
		CPPUNIT_ASSERT_EQUAL(uint64_t{20}, h.samples());
		CPPUNIT_ASSERT_EQUAL(40U, h.lowest().mos);
		CPPUNIT_ASSERT_EQUAL(int64_t{0}, h.lowest().at_ms); // the first of the lowest
		CPPUNIT_ASSERT_EQUAL(42U, h.highest().mos);
		// (7 x 40 + 7 x 41 + 6 x 42) / 20 = 40.95, cut as rtpengine's average is.
		CPPUNIT_ASSERT_EQUAL(40U, h.average().mos);
		CPPUNIT_ASSERT_EQUAL(9U, h.average().jitter_ms); // 190 / 20
		CPPUNIT_ASSERT_EQUAL(MosHistory::kProgression, h.progression_size());
		CPPUNIT_ASSERT_EQUAL(4U, h.progression(0).jitter_ms); // the oldest kept
		CPPUNIT_ASSERT_EQUAL(19U, h.progression(15).jitter_ms);
	}

	// A's SR passes at 1.000 s; B answers with DLSR 20 ms and its RR passes at 1.050 s:
	// B's leg is 30 ms. B's SR at 2.000 s, A's answer (DLSR 10 ms) at 2.050 s: A's leg 40 ms,
	// and the round trip through the relay 70 ms.
	void rtt_of_each_leg_from_sr_and_rr()
	{
		RtcpStats a, b; // the streams facing A and B
		RtcpCompound sr_a{}, rr_b{}, sr_b{}, rr_a{};
		sr_a.senders[0] = {0xa, 0x0000123456780000, 0, 0, 0};
		sr_a.sender_count = 1;
		a.on_packet(sr_a, 1'000'000, &b, 8000);
		rr_b.blocks[0] = {0xb, 0xa, 26, 10, 0, 80, 0x12345678, 20 * 65536 / 1000};
		rr_b.block_count = 1;
		b.on_packet(rr_b, 1'050'000, &a, 8000);
		CPPUNIT_ASSERT(b.rtt_leg_us() >= 29'950 && b.rtt_leg_us() <= 30'050);
		const RtcpSource* about_a = b.source(0xa);
		CPPUNIT_ASSERT(about_a);
		CPPUNIT_ASSERT_EQUAL(10U, about_a->jitter_ms); // 80 units at 8 kHz
		CPPUNIT_ASSERT_EQUAL(10U, about_a->history.lowest().loss_percent); // 26/256

		sr_b.senders[0] = {0xb, 0x0000abcdef120000, 0, 0, 0};
		sr_b.sender_count = 1;
		b.on_packet(sr_b, 2'000'000, &a, 8000);
		rr_a.blocks[0] = {0xa, 0xb, 0, 0, 0, 40, 0xabcdef12, 10 * 65536 / 1000};
		rr_a.block_count = 1;
		a.on_packet(rr_a, 2'050'000, &b, 8000);
		CPPUNIT_ASSERT(a.rtt_leg_us() >= 39'950 && a.rtt_leg_us() <= 40'050);
		const QualitySample& s = a.source(0xb)->history.highest();
		CPPUNIT_ASSERT(s.rtt_us >= 69'950 && s.rtt_us <= 70'050);
		CPPUNIT_ASSERT_EQUAL(a.rtt_leg_us(), s.rtt_leg_us);

		// An LSR nobody sent, or one answered "before" it passed, times nothing.
		RtcpStats c;
		rr_b.blocks[0].lsr = 0x99999999;
		c.on_packet(rr_b, 3'000'000, &a, 8000);
		CPPUNIT_ASSERT_EQUAL(0U, c.rtt_leg_us());
		rr_b.blocks[0].lsr = 0x12345678;
		c.on_packet(rr_b, 1'010'000, &a, 8000); // 10 ms after the SR, DLSR 20 ms
		CPPUNIT_ASSERT_EQUAL(0U, c.rtt_leg_us());
	}

	// B only receives: its RRTR passes at 5 s, A's DLRR (held 5 ms) at 5.025 s: A's leg 20 ms.
	void rtt_from_rrtr_and_dlrr()
	{
		RtcpStats a, b;
		RtcpCompound rrtr{}, dlrr{};
		rrtr.rrtr[0] = {0xb, 0x0000777788880000};
		rrtr.rrtr_count = 1;
		b.on_packet(rrtr, 5'000'000, &a, 8000);
		dlrr.dlrr[0] = {0xa, 0xb, 0x77778888, 5 * 65536 / 1000};
		dlrr.dlrr_count = 1;
		a.on_packet(dlrr, 5'025'000, &b, 8000);
		CPPUNIT_ASSERT(a.rtt_leg_us() >= 19'990 && a.rtt_leg_us() <= 20'100);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MosTest);
