// kernel-module/rtp.h is the packet logic the kernel module runs; it compiles in userspace too,
// so it is tested here with the daemon's unit tests.
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>

#include "kernel_c.h"

class KernelRtpTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(KernelRtpTest);
	CPPUNIT_TEST(classifies);
	CPPUNIT_TEST(parses_header_with_csrc_extension_and_padding);
	CPPUNIT_TEST(rejects_truncated_and_bad_padding);
	CPPUNIT_TEST(payload_type_filter);
	CPPUNIT_TEST(rtcp_needs_eight_bytes);
	CPPUNIT_TEST_SUITE_END();

	// V=2, X=1, CC=1, PT=96 M=1, seq 0x1234, ts 1, ssrc 0xdeadbeef, 1 CSRC, an extension of
	// one word, 3 payload bytes, 1 padding byte.
	static constexpr uint8_t kRtp[] = {
	        0xb1, 0xe0, 0x12, 0x34, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 1,    2,
	        3,    4,    0xbe, 0xde, 0, 1, 9, 9, 9,    9,    0xaa, 0xbb, 0xcc, 0x01,
	};

public:
	void classifies()
	{
		static const uint8_t rr[8] = {0x80, 201, 0, 1, 1, 2, 3, 4};
		static const uint8_t stun[20] = {0x00, 0x01};
		static const uint8_t dtls[13] = {22, 0xfe, 0xfd};
		CPPUNIT_ASSERT(rp_classify(stun, sizeof stun) == RP_CLASS_STUN);
		CPPUNIT_ASSERT(rp_classify(dtls, sizeof dtls) == RP_CLASS_DTLS);
		CPPUNIT_ASSERT(rp_classify(kRtp, sizeof kRtp) == RP_CLASS_RTP);
		CPPUNIT_ASSERT(rp_classify(kRtp, 0) == RP_CLASS_OTHER);
		CPPUNIT_ASSERT(rp_is_rtcp(rr, sizeof rr));
		CPPUNIT_ASSERT(!rp_is_rtcp(kRtp, sizeof kRtp)); // 0xe0 = marker + PT 96
	}

	void parses_header_with_csrc_extension_and_padding()
	{
		rp_rtp_info info;
		CPPUNIT_ASSERT_EQUAL(0, rp_rtp_parse(kRtp, sizeof kRtp, &info));
		CPPUNIT_ASSERT(info.pt == 96 && info.marker == 1);
		CPPUNIT_ASSERT(info.seq == 0x1234 && info.ts == 1 && info.ssrc == 0xdeadbeef);
		CPPUNIT_ASSERT(info.hdr_len == 24 && info.payload_len == 3);
	}

	void rejects_truncated_and_bad_padding()
	{
		rp_rtp_info info;
		uint8_t bad[sizeof kRtp];
		CPPUNIT_ASSERT(rp_rtp_parse(kRtp, 11, &info) < 0);
		memcpy(bad, kRtp, sizeof bad);
		bad[19] = 50; // extension runs past the end
		CPPUNIT_ASSERT(rp_rtp_parse(bad, sizeof bad, &info) < 0);
		memcpy(bad, kRtp, sizeof bad);
		bad[sizeof bad - 1] = 0; // zero padding count
		CPPUNIT_ASSERT(rp_rtp_parse(bad, sizeof bad, &info) < 0);
	}

	void payload_type_filter()
	{
		uint8_t pts[2] = {0, 8};
		CPPUNIT_ASSERT(rp_pt_allowed(pts, 2, 8) && !rp_pt_allowed(pts, 2, 96));
		CPPUNIT_ASSERT(rp_pt_allowed(pts, 0, 96)); // no list: anything goes
	}

	void rtcp_needs_eight_bytes()
	{
		static const uint8_t rr[8] = {0x80, 201, 0, 1, 1, 2, 3, 4};
		CPPUNIT_ASSERT(rp_kind(rr, 8) == RP_KIND_RTCP);
		CPPUNIT_ASSERT(rp_kind(rr, 7) == RP_KIND_OTHER); // no sender SSRC
		CPPUNIT_ASSERT(rp_kind(rr, 4) == RP_KIND_OTHER); // the common header alone
		CPPUNIT_ASSERT(rp_kind(kRtp, 12) == RP_KIND_RTP);
		CPPUNIT_ASSERT(rp_kind(kRtp, 11) == RP_KIND_OTHER);
		static const uint8_t v1[12] = {0x40, 201};
		CPPUNIT_ASSERT(rp_kind(v1, sizeof v1) == RP_KIND_OTHER);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(KernelRtpTest);
