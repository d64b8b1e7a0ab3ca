// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/bundle_demux.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

using namespace rtprelay::media;

namespace {

using Bytes = std::vector<uint8_t>;

void put32(Bytes& b, uint32_t v)
{
	for (int s = 24; s >= 0; s -= 8)
		b.push_back(static_cast<uint8_t>(v >> s));
}

// An RTP packet with payload type `pt` and `ssrc`; with `mid`, a header extension carrying it
// under id `id` in the one-byte (RFC 8285 4.2) or two-byte (4.3) form, after a padding byte
// and another element, as browsers pack several extensions.
Bytes rtp(uint8_t pt, uint32_t ssrc, const std::string& mid = "", uint8_t id = 4,
          bool two_byte = false)
{
	Bytes b = {static_cast<uint8_t>(mid.empty() ? 0x80 : 0x90), pt, 0, 1};
	put32(b, 1000);
	put32(b, ssrc);
	if (!mid.empty()) {
		Bytes ext;
		if (two_byte) {
			ext = {0, 2, 2, 0xaa, 0xbb, id, static_cast<uint8_t>(mid.size())};
		} else {
			ext = {0, 0x21, 0xaa, 0xbb,
			       static_cast<uint8_t>(id << 4 | (mid.size() - 1))};
		}
		ext.insert(ext.end(), mid.begin(), mid.end());
		while (ext.size() % 4)
			ext.push_back(0);
		b.push_back(two_byte ? 0x10 : 0xBE);
		b.push_back(two_byte ? 0x00 : 0xDE);
		b.push_back(0);
		b.push_back(static_cast<uint8_t>(ext.size() / 4));
		b.insert(b.end(), ext.begin(), ext.end());
	}
	b.insert(b.end(), 20, 0x55);
	return b;
}

std::optional<size_t> route(BundleDemux& d, const Bytes& p)
{
	auto h = parse_rtp(p);
	CPPUNIT_ASSERT(h);
	return d.rtp(p, *h);
}

// An RTCP packet of `type` from `sender`, naming `named` where that type names a source (the
// media source of feedback, the first report block of a report).
Bytes rtcp(uint8_t type, uint32_t sender, uint32_t named = 0)
{
	bool report = type == 200 || type == 201;
	Bytes b = {static_cast<uint8_t>(0x80 | (report && named ? 1 : 0)), type, 0, 0};
	put32(b, sender);
	if (type == 200)
		b.insert(b.end(), 20, 0); // NTP, RTP timestamp, counts
	if (report && !named) {
		// no report block
	} else {
		put32(b, named);
		if (report)
			b.insert(b.end(), 20, 0);
	}
	b[3] = static_cast<uint8_t>(b.size() / 4 - 1);
	return b;
}

// Chrome's max-bundle audio and video: Opus and PCMU on mid 0, VP8 and its RTX on mid 1.
BundleDemux audio_video(uint8_t mid_extension = 4, std::vector<uint32_t> video_ssrcs = {})
{
	BundleDemux d;
	std::vector<BundleDemux::Line> lines = {{"0", {111, 0}, {}},
	                                        {"1", {96, 97}, std::move(video_ssrcs)}};
	d.configure(lines, mid_extension);
	return d;
}

} // namespace

class BundleDemuxTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(BundleDemuxTest);
	CPPUNIT_TEST(mid_extension_names_the_line_in_either_form);
	CPPUNIT_TEST(an_ssrc_learned_from_the_mid_keeps_its_line);
	CPPUNIT_TEST(unique_payload_types_route_without_a_mid);
	CPPUNIT_TEST(a_shared_payload_type_needs_the_mid_or_ssrc);
	CPPUNIT_TEST(sdp_ssrcs_route_and_are_not_overridden_by_a_guess);
	CPPUNIT_TEST(unknown_mid_and_payload_type_name_no_line);
	CPPUNIT_TEST(malformed_extensions_are_ignored);
	CPPUNIT_TEST(rtcp_goes_by_sender_then_by_named_source);
	CPPUNIT_TEST(rtcp_compound_is_walked_and_truncation_is_safe);
	CPPUNIT_TEST(a_spray_of_ssrcs_evicts_only_learned_entries);
	CPPUNIT_TEST(configure_forgets_what_was_learned);
	CPPUNIT_TEST_SUITE_END();

public:
	void mid_extension_names_the_line_in_either_form()
	{
		BundleDemux d = audio_video();
		CPPUNIT_ASSERT_EQUAL(size_t(2), d.lines());
		CPPUNIT_ASSERT(route(d, rtp(111, 1, "1")) == size_t(1)); // the MID wins over the PT
		CPPUNIT_ASSERT(route(d, rtp(96, 2, "0", 4, true)) == size_t(0));
		// The extension under another id is not the MID.
		CPPUNIT_ASSERT(route(d, rtp(96, 3, "0", 5)) == size_t(1));
	}

	void an_ssrc_learned_from_the_mid_keeps_its_line()
	{
		BundleDemux d = audio_video();
		CPPUNIT_ASSERT(route(d, rtp(111, 7, "1")) == size_t(1));
		// Later packets of the SSRC without the extension follow it, whatever their PT.
		CPPUNIT_ASSERT(route(d, rtp(111, 7)) == size_t(1));
		CPPUNIT_ASSERT(route(d, rtp(0, 7)) == size_t(1));
	}

	void unique_payload_types_route_without_a_mid()
	{
		BundleDemux d = audio_video(0);
		CPPUNIT_ASSERT(route(d, rtp(111, 10)) == size_t(0));
		CPPUNIT_ASSERT(route(d, rtp(97, 11)) == size_t(1));
		CPPUNIT_ASSERT(route(d, rtp(0, 10)) == size_t(0));
	}

	void a_shared_payload_type_needs_the_mid_or_ssrc()
	{
		BundleDemux d;
		std::vector<BundleDemux::Line> lines = {{"a", {96}, {}}, {"b", {96}, {}}};
		d.configure(lines, 3);
		CPPUNIT_ASSERT(!route(d, rtp(96, 20)));
		CPPUNIT_ASSERT(route(d, rtp(96, 20, "b", 3)) == size_t(1));
		CPPUNIT_ASSERT(route(d, rtp(96, 20)) == size_t(1));
		CPPUNIT_ASSERT(!route(d, rtp(96, 21)));
	}

	void sdp_ssrcs_route_and_are_not_overridden_by_a_guess()
	{
		BundleDemux d = audio_video(4, {0xabc});
		CPPUNIT_ASSERT(route(d, rtp(111, 0xabc)) == size_t(1));
		// A MID is the party's own word: it moves even a pinned SSRC.
		CPPUNIT_ASSERT(route(d, rtp(111, 0xabc, "0")) == size_t(0));
		CPPUNIT_ASSERT(route(d, rtp(111, 0xabc)) == size_t(1));
	}

	void unknown_mid_and_payload_type_name_no_line()
	{
		BundleDemux d = audio_video();
		CPPUNIT_ASSERT(!route(d, rtp(50, 30)));
		CPPUNIT_ASSERT(!route(d, rtp(50, 30, "9")));
		CPPUNIT_ASSERT(!route(d, rtp(50, 30)));
	}

	void malformed_extensions_are_ignored()
	{
		BundleDemux d = audio_video();
		// An element running past the extension: no MID, so the PT decides.
		Bytes p = rtp(96, 40, "0");
		p[20] = 0x4f; // the MID element claims 16 bytes
		CPPUNIT_ASSERT(route(d, p) == size_t(1));
		// A profile that is neither form.
		Bytes q = rtp(96, 41, "0");
		q[12] = 0x12;
		CPPUNIT_ASSERT(route(d, q) == size_t(1));
		// One-byte id 15 stops the walk before the MID.
		Bytes r = rtp(96, 42, "0");
		r[16] = 0xf0;
		CPPUNIT_ASSERT(route(d, r) == size_t(1));
	}

	void rtcp_goes_by_sender_then_by_named_source()
	{
		BundleDemux d = audio_video(4, {0xbeef});
		d.sent(0x5000, 1); // the relay sends the party video as 0x5000
		d.sent(0x4000, 0);
		CPPUNIT_ASSERT_EQUAL(size_t(1), d.rtcp(rtcp(200, 0xbeef)));
		// A PLI from a receive-only SSRC names the video it wants a key frame of.
		CPPUNIT_ASSERT_EQUAL(size_t(1), d.rtcp(rtcp(206, 1, 0x5000)));
		CPPUNIT_ASSERT_EQUAL(size_t(0), d.rtcp(rtcp(205, 1, 0x4000)));
		CPPUNIT_ASSERT_EQUAL(size_t(1), d.rtcp(rtcp(201, 1, 0x5000)));
		CPPUNIT_ASSERT_EQUAL(size_t(0), d.rtcp(rtcp(200, 1, 0x4000)));
		CPPUNIT_ASSERT_EQUAL(size_t(0), d.rtcp(rtcp(201, 1)));
		// The sender comes first.
		CPPUNIT_ASSERT_EQUAL(size_t(1), d.rtcp(rtcp(206, 0xbeef, 0x4000)));
	}

	void rtcp_compound_is_walked_and_truncation_is_safe()
	{
		BundleDemux d = audio_video();
		d.sent(0x5000, 1);
		Bytes c = rtcp(201, 1);
		Bytes pli = rtcp(206, 1, 0x5000);
		c.insert(c.end(), pli.begin(), pli.end());
		CPPUNIT_ASSERT_EQUAL(size_t(1), d.rtcp(c));
		for (size_t n = 0; n < c.size(); n++) // every cut stops within the packet
			CPPUNIT_ASSERT(d.rtcp({c.data(), n}) <= 1);
		Bytes lying = rtcp(206, 1, 0x5000);
		lying[3] = 200; // a length past the end
		CPPUNIT_ASSERT_EQUAL(size_t(0), d.rtcp(lying));
	}

	void a_spray_of_ssrcs_evicts_only_learned_entries()
	{
		BundleDemux d = audio_video(4, {0xbeef});
		for (uint32_t s = 100; s < 100 + 5 * BundleDemux::kMaxSsrcs; s++)
			CPPUNIT_ASSERT(route(d, rtp(111, s)) == size_t(0));
		CPPUNIT_ASSERT(route(d, rtp(111, 0xbeef)) == size_t(1));
		CPPUNIT_ASSERT_EQUAL(size_t(1), d.rtcp(rtcp(200, 0xbeef)));
	}

	void configure_forgets_what_was_learned()
	{
		BundleDemux d = audio_video();
		CPPUNIT_ASSERT(route(d, rtp(111, 9, "1")) == size_t(1));
		d.sent(0x5000, 1);
		std::vector<BundleDemux::Line> lines = {{"0", {111}, {}}, {"1", {96}, {}}};
		d.configure(lines, 4);
		CPPUNIT_ASSERT(route(d, rtp(111, 9)) == size_t(0));
		CPPUNIT_ASSERT_EQUAL(size_t(0), d.rtcp(rtcp(206, 1, 0x5000)));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(BundleDemuxTest);
