// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/quality_totals.h"

#include <cppunit/extensions/HelperMacros.h>

#include "call/cdr.h"

using namespace rtprelay;
using namespace rtprelay::call;

class QualityTotalsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(QualityTotalsTest);
	CPPUNIT_TEST(buckets_are_cumulative_with_sum_and_count);
	CPPUNIT_TEST(ended_call_adds_each_ssrc_and_rtt_only_when_known);
	CPPUNIT_TEST(squares_add_up_for_the_standard_deviation);
	CPPUNIT_TEST(cdr_line_names_termination_and_parties);
	CPPUNIT_TEST_SUITE_END();

	// One party whose RTP stream received one SSRC: 10 of 100 lost, 20 ms jitter.
	static CallSnapshot call()
	{
		StreamSnapshot s;
		s.packets = 90;
		s.bytes = 90 * 172;
		SsrcSnapshot ss;
		ss.ssrc = 7;
		ss.packets = 90;
		ss.lost = 10;
		ss.expected = 100;
		ss.jitter_ms = 20;
		s.ssrcs.push_back(ss);
		MediaSnapshot m;
		m.streams.push_back(s);
		MonologueSnapshot a, b;
		a.tag = "alice";
		a.medias.push_back(m);
		b.tag = "bob";
		CallSnapshot c;
		c.call_id = "cdr-1";
		c.created_ms = 1'000'000;
		c.monologues = {a, b};
		return c;
	}

public:
	void buckets_are_cumulative_with_sum_and_count()
	{
		QualityTotals t;
		t.add(QualityTotals::kLossRatio, 0.0);
		t.add(QualityTotals::kLossRatio, 0.03);
		t.add(QualityTotals::kLossRatio, 5.0); // beyond every finite bound: +Inf only
		QualityTotals::Histogram h = t.read(QualityTotals::kLossRatio);
		CPPUNIT_ASSERT_EQUAL(uint64_t{3}, h.count);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(5.03, h.sum, 1e-9);
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, h.cumulative[0]); // le 0.001
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, h.cumulative[3]); // le 0.02
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, h.cumulative[4]); // le 0.05
		CPPUNIT_ASSERT_EQUAL(uint64_t{3}, h.cumulative[QualityTotals::kBuckets - 1]);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, t.read(QualityTotals::kMos).count);
	}

	void ended_call_adds_each_ssrc_and_rtt_only_when_known()
	{
		QualityTotals t;
		t.add_call(call(), 2'000'000);
		QualityTotals::Histogram mos = t.read(QualityTotals::kMos);
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, mos.count);
		// 10 % loss, 20 ms jitter, no RTT: MOS 3.45 (x10 cut: 34).
		CPPUNIT_ASSERT_DOUBLES_EQUAL(3.4, mos.sum, 1e-9);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(0.02, t.read(QualityTotals::kJitterSeconds).sum, 1e-9);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(0.1, t.read(QualityTotals::kLossRatio).sum, 1e-9);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, t.read(QualityTotals::kRttSeconds).count);
	}

	void squares_add_up_for_the_standard_deviation()
	{
		QualityTotals t;
		t.add(QualityTotals::kMos, 4.1);
		t.add(QualityTotals::kMos, 3.5);
		QualityTotals::Histogram h = t.read(QualityTotals::kMos);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(4.1 * 4.1 + 3.5 * 3.5, h.sum_squares, 1e-9);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(7.6, h.sum, 1e-9);
	}

	void cdr_line_names_termination_and_parties()
	{
		std::string line = cdr_line(call(), "timeout (no media for 60 s)", 1'061'500);
		CPPUNIT_ASSERT_EQUAL(std::string("CDR: callid=cdr-1, created=1000.000, "
		                                 "duration=61.500, termination=timeout, "
		                                 "ml0_tag=alice, ml0_packets=90, ml0_bytes=15480, "
		                                 "ml0_errors=0, ml0_mos_min=3.4, ml0_mos_avg=3.4, "
		                                 "ml0_mos_max=3.4, ml0_packet_loss=10, "
		                                 "ml0_jitter=20, ml0_rtt=0, ml1_tag=bob, "
		                                 "ml1_packets=0, ml1_bytes=0, ml1_errors=0"),
		                     line);
		CPPUNIT_ASSERT(
		        cdr_line(call(), "deleted", 1'000'000).find("termination=deleted,") !=
		        std::string::npos);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(QualityTotalsTest);
