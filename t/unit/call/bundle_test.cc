// SPDX-License-Identifier: GPL-3.0-or-later
// BUNDLE in the call model (call/bundle.h): which m= lines ride on which transport after a
// party's SDP, where packets go both ways, and the groups the relay writes in offers and
// answers. (t/webrtc runs the same with Chromium's and Firefox's max-bundle.)
#include "call/bundle.h"

#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <string>

#include "call/media.h"
#include "call/party.h"
#include "sdp/parser.h"
#include "sdp/writer.h"

using namespace rtprelay;
using namespace rtprelay::call;

namespace {

sdp::Session parse(const std::string& text)
{
	auto s = sdp::parse(text);
	CPPUNIT_ASSERT_MESSAGE(s ? "" : s.error().reason, s);
	return std::move(s).value();
}

// A browser's max-bundle offer: audio (mid a) and video (mid v), the MID extension as id 3.
const char* const kBrowser = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
                             "a=group:BUNDLE a v\r\n"
                             "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
                             "a=mid:a\r\na=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                             "a=rtpmap:111 opus/48000/2\r\na=ssrc:1111 cname:x\r\n"
                             "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n"
                             "a=mid:v\r\na=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                             "a=rtpmap:96 VP8/90000\r\na=ssrc:2222 cname:x\r\n"
                             "a=ssrc:2222 msid:y z\r\n";

// A SIP phone's SDP of two m= lines, without mids or group.
const char* const kPhone = "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\n"
                           "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 96\r\n";

std::vector<uint8_t> rtp_packet(uint8_t pt, uint32_t ssrc)
{
	std::vector<uint8_t> p = {0x80, pt, 0, 1, 0, 0, 0, 1};
	for (int s = 24; s >= 0; s -= 8)
		p.push_back(static_cast<uint8_t>(ssrc >> s));
	p.resize(40, 0);
	return p;
}

} // namespace

class BundleTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(BundleTest);
	CPPUNIT_TEST(reads_mids_ssrcs_and_the_mid_extension);
	CPPUNIT_TEST(the_first_mid_carries_the_others);
	CPPUNIT_TEST(packets_go_to_each_lines_peer_and_back_through_the_transport);
	CPPUNIT_TEST(rejected_unallocated_and_unknown_lines_stay_out);
	CPPUNIT_TEST(a_group_of_one_or_none_bundles_nothing);
	CPPUNIT_TEST(offers_to_a_webrtc_party_group_every_line);
	CPPUNIT_TEST(answers_accept_the_group_without_rejected_lines);
	CPPUNIT_TEST_SUITE_END();

	media::LocalAddress address_;
	media::LogicalInterface facing_;
	Journal journal_; // outlives the parties
	std::unique_ptr<Monologue> browser_, phone_;

	Media& b(int i) { return browser_->media_at(i); }
	Media& p(int i) { return phone_->media_at(i); }

	// The browser's SDP read as signalling reads it: each m= line by call/party, then the
	// bundle.
	void browser_sends(const std::string& text)
	{
		sdp::Session s = parse(text);
		read_bundle(*browser_, s);
		int i = 0;
		std::vector<std::string> warnings;
		for (const sdp::Media& section : s.media())
			read_party(b(++i), s, section, SignalOptions{},
			           {nullptr, facing_, warnings});
		apply_bundle(*browser_);
	}

public:
	void setUp() override
	{
		browser_ = std::make_unique<Monologue>("browser", journal_);
		phone_ = std::make_unique<Monologue>("phone", journal_);
		browser_->peer = phone_.get();
		phone_->peer = browser_.get();
		for (int i = 1; i <= 3; i++) {
			b(i).peer = &p(i);
			p(i).peer = &b(i);
			b(i).allocation.address = &address_;
			p(i).allocation.address = &address_;
			b(i).rtcp_mux = true;
		}
	}

	void reads_mids_ssrcs_and_the_mid_extension()
	{
		browser_sends(kBrowser);
		CPPUNIT_ASSERT_EQUAL(std::string("a"), b(1).mid);
		CPPUNIT_ASSERT_EQUAL(std::string("v"), b(2).mid);
		CPPUNIT_ASSERT(browser_->bundle == (std::vector<std::string>{"a", "v"}));
		CPPUNIT_ASSERT(b(1).ssrcs == std::vector<uint32_t>{1111});
		CPPUNIT_ASSERT(b(2).ssrcs == std::vector<uint32_t>{2222}); // each SSRC once
		CPPUNIT_ASSERT_EQUAL(uint8_t(3), b(1).mid_extension);
	}

	void the_first_mid_carries_the_others()
	{
		browser_sends(kBrowser);
		CPPUNIT_ASSERT(!b(1).transport);
		CPPUNIT_ASSERT(b(2).transport == &b(1));
		CPPUNIT_ASSERT(&b(2).carrier() == &b(1));
		CPPUNIT_ASSERT(b(1).bundled == (std::vector<Media*>{&b(1), &b(2)}));
		CPPUNIT_ASSERT(b(1).demux && b(1).rtp.bundle == b(1).demux.get());
		CPPUNIT_ASSERT(!b(2).demux && !b(2).rtp.bundle);
		CPPUNIT_ASSERT_EQUAL(size_t(2), b(1).demux->lines());
		// The transport's streams time video too.
		CPPUNIT_ASSERT_EQUAL(90000u, b(1).rtp.clock_rates.by_type[96]);
		// The phone's video feeds line 1 of the browser's bundle.
		CPPUNIT_ASSERT_EQUAL(size_t(1), p(2).rtp.line_in_sink);
		CPPUNIT_ASSERT_EQUAL(size_t(0), p(1).rtp.line_in_sink);
	}

	void packets_go_to_each_lines_peer_and_back_through_the_transport()
	{
		browser_sends(kBrowser);
		// From the browser, on the transport's socket: each line to its own phone stream.
		CPPUNIT_ASSERT(b(1).rtp.sink(false, 0) == &p(1).rtp);
		CPPUNIT_ASSERT(b(1).rtp.sink(false, 1) == &p(2).rtp);
		CPPUNIT_ASSERT(b(1).rtp.sink(true, 1) == &p(2).rtcp);
		auto video = rtp_packet(96, 0x999);
		auto h = media::parse_rtp(video);
		CPPUNIT_ASSERT(h && b(1).rtp.bundle->rtp(video, *h) == size_t(1));
		auto audio = rtp_packet(111, 1111);
		h = media::parse_rtp(audio);
		CPPUNIT_ASSERT(h && b(1).rtp.bundle->rtp(audio, *h) == size_t(0));
		// To the browser: both of the phone's lines leave from the transport's socket.
		CPPUNIT_ASSERT(p(1).rtp.sink(false, 0) == &b(1).rtp);
		CPPUNIT_ASSERT(p(2).rtp.sink(false, 0) == &b(1).rtp);
		CPPUNIT_ASSERT(p(2).rtcp.sink(true, 0) == &b(1).rtp); // muxed
	}

	void rejected_unallocated_and_unknown_lines_stay_out()
	{
		std::string three =
		        std::string(kBrowser) + "m=video 9 UDP/TLS/RTP/SAVPF 97\r\na=mid:w\r\n";
		std::string text = three;
		text.replace(text.find("BUNDLE a v"), 10, "BUNDLE a v w zz");
		b(3).allocation.address = nullptr; // no sockets: not carried
		browser_sends(text);
		CPPUNIT_ASSERT(b(1).bundled == (std::vector<Media*>{&b(1), &b(2)}));
		CPPUNIT_ASSERT(!b(3).transport);
		b(3).allocation.address = &address_;
		browser_sends(text);
		CPPUNIT_ASSERT_EQUAL(size_t(3), b(1).bundled.size());
		// Port 0 rejects, unless the line is bundle-only.
		text.replace(text.find("m=video 9 UDP/TLS/RTP/SAVPF 97"), 30,
		             "m=video 0 UDP/TLS/RTP/SAVPF 97");
		browser_sends(text);
		CPPUNIT_ASSERT_EQUAL(size_t(2), b(1).bundled.size());
		CPPUNIT_ASSERT(!b(3).transport);
		browser_sends(text + "a=bundle-only\r\n");
		CPPUNIT_ASSERT_EQUAL(size_t(3), b(1).bundled.size());
		CPPUNIT_ASSERT(b(3).transport == &b(1));
	}

	void a_group_of_one_or_none_bundles_nothing()
	{
		browser_sends(kBrowser);
		std::string text = kBrowser;
		text.replace(text.find("BUNDLE a v"), 10, "BUNDLE v");
		browser_sends(text);
		CPPUNIT_ASSERT(!b(2).transport && !b(1).demux && !b(2).demux);
		CPPUNIT_ASSERT(!b(1).rtp.bundle && b(1).bundled.empty());
		CPPUNIT_ASSERT_EQUAL(size_t(0), p(2).rtp.line_in_sink);
		CPPUNIT_ASSERT(p(2).rtp.sink(false, 0) == &b(2).rtp);
		text.replace(text.find("a=group:BUNDLE v\r\n"), 18, "");
		browser_sends(text);
		CPPUNIT_ASSERT(browser_->bundle.empty() && !b(2).transport);
	}

	void offers_to_a_webrtc_party_group_every_line()
	{
		// To a plain party: nothing added.
		sdp::Session plain = parse(kPhone);
		write_bundle(plain, *browser_, false, false);
		CPPUNIT_ASSERT(!plain.has_attr("group") && !plain.media()[0].mid());
		// generate-mid: mids, still no group.
		write_bundle(plain, *browser_, false, true);
		CPPUNIT_ASSERT(!plain.has_attr("group"));
		CPPUNIT_ASSERT_EQUAL(std::string("0"), std::string(*plain.media()[0].mid()));
		CPPUNIT_ASSERT_EQUAL(std::string("1"), std::string(*plain.media()[1].mid()));
		// To a DTLS party: mids where there are none, and a group of the lines offered.
		b(1).protocol = b(2).protocol = "UDP/TLS/RTP/SAVPF";
		std::string three = std::string(kPhone) + "m=image 0 udptl t38\r\n";
		sdp::Session s = parse(three);
		s.media()[1].set_mid("0"); // taken: the first line gets another
		write_bundle(s, *browser_, false, false);
		CPPUNIT_ASSERT_EQUAL(std::string("0x"), std::string(*s.media()[0].mid()));
		CPPUNIT_ASSERT_EQUAL(std::string("0"), std::string(*s.media()[1].mid()));
		CPPUNIT_ASSERT(!s.media()[2].mid());
		CPPUNIT_ASSERT_EQUAL(std::string("BUNDLE 0x 0"), std::string(*s.attr("group")));
		// A re-offer to a party that named the m= lines itself keeps its names.
		browser_sends(kBrowser);
		sdp::Session again = parse(kPhone);
		write_bundle(again, *browser_, false, false);
		CPPUNIT_ASSERT_EQUAL(std::string("a"), std::string(*again.media()[0].mid()));
		CPPUNIT_ASSERT_EQUAL(std::string("v"), std::string(*again.media()[1].mid()));
		CPPUNIT_ASSERT_EQUAL(std::string("BUNDLE a v"), std::string(*again.attr("group")));
		// An SDP with a group keeps it.
		sdp::Session grouped = parse(kBrowser);
		write_bundle(grouped, *browser_, false, false);
		CPPUNIT_ASSERT_EQUAL(size_t(1), grouped.attrs("group").size());
		CPPUNIT_ASSERT_EQUAL(std::string("BUNDLE a v"),
		                     std::string(*grouped.attr("group")));
	}

	void answers_accept_the_group_without_rejected_lines()
	{
		browser_sends(kBrowser);
		sdp::Session answer = parse(kPhone);
		write_bundle(answer, *browser_, true, false);
		CPPUNIT_ASSERT_EQUAL(std::string("BUNDLE a v"), std::string(*answer.attr("group")));
		CPPUNIT_ASSERT_EQUAL(std::string("a"), std::string(*answer.media()[0].mid()));
		CPPUNIT_ASSERT_EQUAL(std::string("v"), std::string(*answer.media()[1].mid()));
		answer = parse(kPhone);
		answer.media()[1].set_port(0); // the phone has no video
		write_bundle(answer, *browser_, true, false);
		CPPUNIT_ASSERT_EQUAL(std::string("BUNDLE a"), std::string(*answer.attr("group")));
		// The phone's answer to the phone's own offer: its mids, none, and no group.
		sdp::Session to_phone = parse(kBrowser);
		write_bundle(to_phone, *phone_, true, false);
		CPPUNIT_ASSERT(!to_phone.has_attr("group") && !to_phone.media()[0].mid());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(BundleTest);
