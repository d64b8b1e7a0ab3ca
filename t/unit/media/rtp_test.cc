#include "media/rtp.h"

#include <cppunit/extensions/HelperMacros.h>

#include <array>
#include <vector>

#include "media/ssrc_stats.h"

using namespace rtprelay::media;

class RtpTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(RtpTest);
	CPPUNIT_TEST(parses_header);
	CPPUNIT_TEST(csrc_and_extension_lengths);
	CPPUNIT_TEST(rejects_short_and_wrong_version);
	CPPUNIT_TEST(classifies_rtp_rtcp_and_other);
	CPPUNIT_TEST(sequence_loss_and_wrap);
	CPPUNIT_TEST(duplicates_are_not_received_twice);
	CPPUNIT_TEST(jitter_of_steady_stream_is_zero_and_grows_with_variance);
	CPPUNIT_TEST(no_clock_rate_no_jitter);
	CPPUNIT_TEST(clock_rate_is_read_again_for_another_type_or_after_forgetting);
	CPPUNIT_TEST(padding_is_checked);
	CPPUNIT_TEST_SUITE_END();

public:
	void parses_header()
	{
		// V=2, M=1 PT=0, seq 0x1234, ts 0xdeadbeef, ssrc 0x01020304
		std::vector<uint8_t> p = {0x80, 0x80, 0x12, 0x34, 0xde, 0xad, 0xbe,
		                          0xef, 0x01, 0x02, 0x03, 0x04, 0xff};
		auto h = parse_rtp(p);
		CPPUNIT_ASSERT(h);
		CPPUNIT_ASSERT_EQUAL(uint8_t(0), h->payload_type);
		CPPUNIT_ASSERT(h->marker);
		CPPUNIT_ASSERT_EQUAL(uint16_t(0x1234), h->sequence);
		CPPUNIT_ASSERT_EQUAL(uint32_t(0xdeadbeef), h->timestamp);
		CPPUNIT_ASSERT_EQUAL(uint32_t(0x01020304), h->ssrc);
		CPPUNIT_ASSERT_EQUAL(size_t(12), h->header_length);
	}

	void csrc_and_extension_lengths()
	{
		std::vector<uint8_t> p(12 + 8 + 4 + 8, 0);
		p[0] = 0x80 | 0x10 | 2; // X, 2 CSRCs
		p[12 + 8 + 3] = 2;      // extension of 2 words
		auto h = parse_rtp(p);
		CPPUNIT_ASSERT(h);
		CPPUNIT_ASSERT_EQUAL(size_t(32), h->header_length);
		p.pop_back();
		CPPUNIT_ASSERT(!parse_rtp(p));
	}

	void rejects_short_and_wrong_version()
	{
		std::vector<uint8_t> p(11, 0x80);
		CPPUNIT_ASSERT(!parse_rtp(p));
		std::vector<uint8_t> v1(12, 0);
		v1[0] = 0x40;
		CPPUNIT_ASSERT(!parse_rtp(v1));
	}

	void classifies_rtp_rtcp_and_other()
	{
		std::vector<uint8_t> rtcp_sr = {0x80, 200, 0, 6, 1, 2, 3, 4};
		CPPUNIT_ASSERT(classify(rtcp_sr) == PacketKind::kRtcp);
		CPPUNIT_ASSERT_EQUAL(uint32_t(0x01020304), *rtcp_sender_ssrc(rtcp_sr));
		rtcp_sr.pop_back(); // 7 bytes: no sender SSRC, not RTCP (kernel-module/rtp.h says
		                    // why)
		CPPUNIT_ASSERT(classify(rtcp_sr) == PacketKind::kOther);
		CPPUNIT_ASSERT(!rtcp_sender_ssrc(rtcp_sr));
		std::vector<uint8_t> rtp = {0x80, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
		CPPUNIT_ASSERT(classify(rtp) == PacketKind::kRtp);
		std::vector<uint8_t> rtp_marker_pt96 = {0x80, 0x80 | 96, 0, 1, 0, 0,
		                                        0,    0,         0, 0, 0, 0};
		CPPUNIT_ASSERT(classify(rtp_marker_pt96) == PacketKind::kRtp);
		rtp.pop_back(); // shorter than the RTP fixed header
		CPPUNIT_ASSERT(classify(rtp) == PacketKind::kOther);
		std::vector<uint8_t> stun = {0x00, 0x01, 0x00, 0x00};
		CPPUNIT_ASSERT(classify(stun) == PacketKind::kOther);
		std::vector<uint8_t> dtls = {22, 0xfe, 0xfd, 0};
		CPPUNIT_ASSERT(classify(dtls) == PacketKind::kOther);
	}

	void sequence_loss_and_wrap()
	{
		SsrcStats s(7);
		uint16_t seq = 65530;
		for (int i = 0; i < 20; i++, seq++) {
			if (i == 10 || i == 11)
				continue; // two lost, across the wrap
			s.on_packet(seq, 0, 0);
		}
		CPPUNIT_ASSERT_EQUAL(uint64_t(18), s.packets());
		CPPUNIT_ASSERT_EQUAL(uint64_t(20), s.expected());
		CPPUNIT_ASSERT_EQUAL(int64_t(2), s.lost());
		CPPUNIT_ASSERT_EQUAL(uint32_t(65536 + 13), s.extended_highest());
	}

	void duplicates_are_not_received_twice()
	{
		SsrcStats s(7);
		for (uint16_t seq = 100; seq < 110; seq++) {
			s.on_packet(seq, 0, 0);
			s.on_packet(seq, 0, 0);
		}
		CPPUNIT_ASSERT_EQUAL(int64_t(0), s.lost());
		CPPUNIT_ASSERT_EQUAL(uint64_t(20), s.packets());
		CPPUNIT_ASSERT_EQUAL(uint64_t(10), s.expected());
		// The first copy falls in probation; the other nine are duplicates.
		CPPUNIT_ASSERT_EQUAL(uint64_t(9), s.duplicates());
	}

	void jitter_of_steady_stream_is_zero_and_grows_with_variance()
	{
		SsrcStats steady(1);
		for (uint32_t i = 0; i < 100; i++)
			steady.on_packet(static_cast<uint16_t>(i), i * 160, 1000 + i * 160);
		CPPUNIT_ASSERT_EQUAL(uint32_t(0), steady.jitter());
		SsrcStats bumpy(2);
		for (uint32_t i = 0; i < 100; i++)
			bumpy.on_packet(static_cast<uint16_t>(i), i * 160,
			                1000 + i * 160 + (i % 2) * 80);
		// |D| is 80 every packet: J converges towards 80.
		CPPUNIT_ASSERT(bumpy.jitter() > 60 && bumpy.jitter() <= 80);
	}

	void no_clock_rate_no_jitter()
	{
		SsrcStats s(3);
		for (uint32_t i = 0; i < 10; i++)
			s.on_packet(static_cast<uint16_t>(i), i * 160, 0);
		CPPUNIT_ASSERT_EQUAL(uint32_t(0), s.jitter());
		CPPUNIT_ASSERT_EQUAL(uint64_t(10), s.expected());
	}

	void clock_rate_is_read_again_for_another_type_or_after_forgetting()
	{
		std::array<uint32_t, 128> rates{};
		rates[0] = 8000;
		rates[96] = 48000;
		SsrcStats s(4);
		CPPUNIT_ASSERT_EQUAL(8000u, s.clock_rate(0, rates));
		CPPUNIT_ASSERT_EQUAL(48000u, s.clock_rate(96, rates));
		rates[96] = 16000; // a re-INVITE maps 96 to another codec
		CPPUNIT_ASSERT_EQUAL(48000u, s.clock_rate(96, rates)); // remembered ...
		s.forget_clock_rate();                                 // ... until signalling says
		CPPUNIT_ASSERT_EQUAL(16000u, s.clock_rate(96, rates));
		CPPUNIT_ASSERT_EQUAL(8000u, s.clock_rate(0, rates));
	}

	void padding_is_checked()
	{
		// P=1, 2 payload bytes, the last says 2 bytes of padding: a payload of 0 bytes.
		std::vector<uint8_t> p = {0xa0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9, 2};
		auto h = parse_rtp(p);
		CPPUNIT_ASSERT(h);
		CPPUNIT_ASSERT_EQUAL(size_t(0), h->payload_length);
		p.back() = 3; // more padding than the packet has after its header
		CPPUNIT_ASSERT(!parse_rtp(p));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RtpTest);
