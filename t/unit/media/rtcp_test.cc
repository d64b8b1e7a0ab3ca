// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/rtcp.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdint>
#include <vector>

using namespace rtprelay::media;

namespace {

using Bytes = std::vector<uint8_t>;

void put32(Bytes& b, uint32_t v)
{
	for (int shift = 24; shift >= 0; shift -= 8)
		b.push_back(static_cast<uint8_t>(v >> shift));
}

// A header for `words` 32-bit words after it.
void header(Bytes& b, uint8_t count, uint8_t type, uint16_t words, bool padding = false)
{
	b.push_back(static_cast<uint8_t>(0x80 | (padding ? 0x20 : 0) | count));
	b.push_back(type);
	b.push_back(static_cast<uint8_t>(words >> 8));
	b.push_back(static_cast<uint8_t>(words));
}

void block(Bytes& b, uint32_t source, uint8_t fraction, uint32_t cumulative, uint32_t jitter,
           uint32_t lsr, uint32_t dlsr)
{
	put32(b, source);
	put32(b, uint32_t{fraction} << 24 | (cumulative & 0xffffff));
	put32(b, 70000); // highest sequence
	put32(b, jitter);
	put32(b, lsr);
	put32(b, dlsr);
}

Bytes sender_report()
{
	Bytes b;
	header(b, 1, 200, 12);
	put32(b, 0x1111);
	put32(b, 0xe0000001); // NTP seconds
	put32(b, 0x80000000); // NTP fraction: .5 s
	put32(b, 16000);      // RTP timestamp
	put32(b, 100);        // packets
	put32(b, 16000);      // octets
	block(b, 0x2222, 25, 0xfffffe, 80, 0x0001abcd, 6553);
	return b;
}

} // namespace

class RtcpTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(RtcpTest);
	CPPUNIT_TEST(reads_sender_report_and_block);
	CPPUNIT_TEST(reads_compound_with_sdes_and_receiver_report);
	CPPUNIT_TEST(reads_xr_voip_metrics_rrtr_and_dlrr);
	CPPUNIT_TEST(refuses_truncated_and_malformed);
	CPPUNIT_TEST(refuses_srtcp_trailer);
	CPPUNIT_TEST(padding_only_on_the_last_packet);
	CPPUNIT_TEST(too_many_blocks_are_counted_not_read);
	CPPUNIT_TEST_SUITE_END();

public:
	void reads_sender_report_and_block()
	{
		RtcpCompound c;
		CPPUNIT_ASSERT(parse_rtcp(sender_report(), c));
		CPPUNIT_ASSERT_EQUAL(size_t{1}, c.sender_count);
		CPPUNIT_ASSERT_EQUAL(0x1111U, c.senders[0].ssrc);
		CPPUNIT_ASSERT_EQUAL(0x00018000U, c.senders[0].ntp_middle());
		CPPUNIT_ASSERT_EQUAL(100U, c.senders[0].packets);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, c.block_count);
		const RtcpReportBlock& b = c.blocks[0];
		CPPUNIT_ASSERT_EQUAL(0x1111U, b.reporter);
		CPPUNIT_ASSERT_EQUAL(0x2222U, b.source);
		CPPUNIT_ASSERT_EQUAL(uint8_t{25}, b.fraction_lost);
		CPPUNIT_ASSERT_EQUAL(-2, b.cumulative_lost); // 24-bit two's complement
		CPPUNIT_ASSERT_EQUAL(80U, b.jitter);
		CPPUNIT_ASSERT_EQUAL(0x0001abcdU, b.lsr);
		CPPUNIT_ASSERT_EQUAL(6553U, b.dlsr);
	}

	void reads_compound_with_sdes_and_receiver_report()
	{
		Bytes b;
		header(b, 2, 201, 13);
		put32(b, 0x3333);
		block(b, 0x1, 0, 5, 1, 0, 0);
		block(b, 0x2, 255, 7, 2, 0, 0);
		header(b, 1, 202, 2); // SDES, walked over
		put32(b, 0x3333);
		put32(b, 0);
		header(b, 1, 203, 1); // BYE
		put32(b, 0x3333);
		RtcpCompound c;
		CPPUNIT_ASSERT(parse_rtcp(b, c));
		CPPUNIT_ASSERT_EQUAL(size_t{0}, c.sender_count);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, c.block_count);
		CPPUNIT_ASSERT_EQUAL(0x3333U, c.blocks[1].reporter);
		CPPUNIT_ASSERT_EQUAL(uint8_t{255}, c.blocks[1].fraction_lost);
		CPPUNIT_ASSERT_EQUAL(7, c.blocks[1].cumulative_lost);
	}

	void reads_xr_voip_metrics_rrtr_and_dlrr()
	{
		Bytes b;
		header(b, 0, 207, 1 + 3 + 4 + 9);
		put32(b, 0x4444);
		put32(b, 4U << 24 | 2); // RRTR
		put32(b, 0xe0000002);
		put32(b, 0x40000000);
		put32(b, 5U << 24 | 3); // DLRR, one sub-block
		put32(b, 0x1111);
		put32(b, 0x00024000);
		put32(b, 655);
		put32(b, 7U << 24 | 8); // VoIP metrics
		put32(b, 0x1111);
		put32(b, 26U << 24 | 3U << 16); // loss 26/256, discard 3/256
		put32(b, 0);
		put32(b, 120U << 16 | 40); // round trip 120 ms, end system 40 ms
		put32(b, 0);
		put32(b, 80U << 24 | 127U << 16 | 41U << 8 | 42); // R 80, ext R n/a, LQ, CQ
		put32(b, 0);
		put32(b, 0);
		RtcpCompound c;
		CPPUNIT_ASSERT(parse_rtcp(b, c));
		CPPUNIT_ASSERT_EQUAL(size_t{1}, c.rrtr_count);
		CPPUNIT_ASSERT_EQUAL(0x00024000U, c.rrtr[0].ntp_middle());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, c.dlrr_count);
		CPPUNIT_ASSERT_EQUAL(0x1111U, c.dlrr[0].receiver);
		CPPUNIT_ASSERT_EQUAL(655U, c.dlrr[0].dlrr);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, c.voip_count);
		const RtcpVoipMetrics& v = c.voip[0];
		CPPUNIT_ASSERT_EQUAL(0x4444U, v.reporter);
		CPPUNIT_ASSERT_EQUAL(uint8_t{26}, v.loss_rate);
		CPPUNIT_ASSERT_EQUAL(uint8_t{3}, v.discard_rate);
		CPPUNIT_ASSERT_EQUAL(uint16_t{120}, v.round_trip_delay_ms);
		CPPUNIT_ASSERT_EQUAL(uint8_t{80}, v.r_factor);
		CPPUNIT_ASSERT_EQUAL(uint8_t{42}, v.mos_cq);
	}

	void refuses_truncated_and_malformed()
	{
		RtcpCompound c;
		Bytes sr = sender_report();
		for (size_t len = 0; len < sr.size(); len++)
			CPPUNIT_ASSERT(!parse_rtcp({sr.data(), len}, c));
		Bytes bad = sr;
		bad[0] = 0x41; // version 1
		CPPUNIT_ASSERT(!parse_rtcp(bad, c));
		bad = sr;
		bad[0] = 0x82; // two blocks claimed, one there
		CPPUNIT_ASSERT(!parse_rtcp(bad, c));
		bad = sr;
		bad[3] = 13; // longer than the datagram
		CPPUNIT_ASSERT(!parse_rtcp(bad, c));
		Bytes xr;
		header(xr, 0, 207, 3);
		put32(xr, 0x4444);
		put32(xr, 7U << 24 | 1); // VoIP metrics of the wrong length
		put32(xr, 0);
		CPPUNIT_ASSERT(!parse_rtcp(xr, c));
	}

	// SRTCP passed through encrypted carries an index and a tag after the packet.
	void refuses_srtcp_trailer()
	{
		Bytes b = sender_report();
		b.insert(b.end(), 14, 0xab);
		RtcpCompound c;
		CPPUNIT_ASSERT(!parse_rtcp(b, c));
	}

	void padding_only_on_the_last_packet()
	{
		Bytes rr;
		header(rr, 0, 201, 2, true);
		put32(rr, 0x5555);
		put32(rr, 4); // 4 bytes of padding, count in the last byte
		RtcpCompound c;
		CPPUNIT_ASSERT(parse_rtcp(rr, c));
		Bytes both = rr;
		both.insert(both.end(), rr.begin(), rr.end());
		CPPUNIT_ASSERT(!parse_rtcp(both, c));
		rr.back() = 9; // more padding than body
		CPPUNIT_ASSERT(!parse_rtcp(rr, c));
	}

	void too_many_blocks_are_counted_not_read()
	{
		Bytes b;
		header(b, 31, 201, 1 + 31 * 6);
		put32(b, 0x6666);
		for (uint32_t i = 0; i < 31; i++)
			block(b, i, 0, 0, 0, 0, 0);
		RtcpCompound c;
		CPPUNIT_ASSERT(parse_rtcp(b, c));
		CPPUNIT_ASSERT_EQUAL(RtcpCompound::kMaxBlocks, c.block_count);
		CPPUNIT_ASSERT_EQUAL(31 - RtcpCompound::kMaxBlocks, c.skipped);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RtcpTest);
