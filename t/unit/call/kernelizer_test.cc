#include "call/kernelizer.h"

#include <cppunit/extensions/HelperMacros.h>

#include <utility>

#include "../ice/browser_check.h"
#include "../net/endpoint_literal.h"
#include "call/party.h"
#include "media/interfaces.h"

using namespace rtprelay;
using namespace rtprelay::call;
using rtprelay::test::ep;

// What the kernel is told for a stream, from the stream's learning state, its media and the
// peer's. No kernel and no sockets: the decision is pure.
class KernelizerTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(KernelizerTest);
	CPPUNIT_TEST(unconfirmed_stays_in_userspace);
	CPPUNIT_TEST(confirmed_stream_forwards_to_peer_endpoint);
	CPPUNIT_TEST(strict_source_drops_others);
	CPPUNIT_TEST(needs_peer_endpoint);
	CPPUNIT_TEST(rtcp_socket_goes_to_peer_rtcp);
	CPPUNIT_TEST(mux_to_demux_sends_rtcp_up);
	CPPUNIT_TEST(demux_to_mux_goes_to_peer_rtp);
	CPPUNIT_TEST(payload_types_from_both_sides);
	CPPUNIT_TEST(ssrcs_seen_are_expected);
	CPPUNIT_TEST(learning_off_accepts_any_source);
	CPPUNIT_TEST(rejected_media_stays_in_userspace);
	CPPUNIT_TEST(dtls_before_its_keys_stays_in_userspace);
	CPPUNIT_TEST(ice_party_while_it_grants_consent);
	CPPUNIT_TEST(ice_pair_on_another_candidate);
	CPPUNIT_TEST(towards_a_bundle_the_transport_with_its_keys);
	CPPUNIT_TEST(a_bundle_transport_is_taken_apart_by_ssrc);
	CPPUNIT_TEST_SUITE_END();

	media::LocalAddress address_;
	Journal journal_; // outlives the parties
	std::unique_ptr<Monologue> a_party_, b_party_;
	Media* a_ = nullptr; // caller's side: the relay's sockets facing the caller
	Media* b_ = nullptr;

	static void bind(Media& m, const char* rtp, const char* rtcp, const media::LocalAddress& la)
	{
		m.allocation.address = &la;
		m.allocation.lease.rtp.local = ep(rtp);
		m.allocation.lease.rtcp.local = ep(rtcp);
		m.rtp.attach(0, &m.allocation.lease.rtp);
		m.rtcp.attach(0, &m.allocation.lease.rtcp);
	}

	// After the answer, RTP in sequence from `from` for as long as delayed learning wants:
	// confirmed.
	static void confirm(Stream& s, const char* from, bool strict = false)
	{
		s.learning.reset(std::nullopt, LearningMode::kDelayed, false, strict);
		s.learning.arm();
		using L = media::EndpointLearning;
		for (uint16_t i = 0; i <= L::kPersistMs / 20; i++)
			s.learning.on_packet(ep(from), L::Packet{true, 1, i}, i * 20);
	}

	// A (the caller) is a browser: muxed, ICE with the relay's agent, not checked yet.
	void browser_a()
	{
		a_->rtcp_mux = true;
		a_->ice.emplace();
		CPPUNIT_ASSERT(a_->ice->set_local({"LOCALUFR", "localpasswordlocalpassw0"}));
		a_->ice->set_remote("remote", "remotepasswordremotepass");
		a_->rtp.ice = &*a_->ice;
		a_->rtp.learning.reset_for_ice();
	}

	// The browser's check (USE-CANDIDATE if `nominate`) from `from` to the relay's candidate
	// `local` at `now`, answered; A's RTP stream follows as the packet path does after one.
	void browser_check(size_t local, const char* from, int64_t now, bool nominate)
	{
		test::BrowserCheck c;
		c.use_candidate = nominate;
		auto b = c.bytes();
		std::vector<uint8_t> reply(1500);
		size_t n = 0;
		CPPUNIT_ASSERT(a_->ice->on_stun(1, local, ep(from), b, now, reply, n) ==
		               ice::Agent::Verdict::kReply);
		a_->rtp.follow_ice_if_moved();
	}

public:
	void setUp() override
	{
		a_party_ = std::make_unique<Monologue>("a", journal_);
		b_party_ = std::make_unique<Monologue>("b", journal_);
		a_ = &a_party_->media_at(1);
		b_ = &b_party_->media_at(1);
		a_->peer = b_;
		b_->peer = a_;
		bind(*a_, "10.0.0.1:30000", "10.0.0.1:30001", address_);
		bind(*b_, "10.0.0.1:30002", "10.0.0.1:30003", address_);
		a_->payload_types = {0, 101};
		b_->payload_types = {0, 101};
		a_->clock_rates.by_type[0] = 8000;
		a_->clock_rates.by_type[101] = 8000;
		clock_rates_changed(*a_);
		clock_rates_changed(*b_);
	}

	void unconfirmed_stays_in_userspace()
	{
		confirm(b_->rtp, "192.0.2.20:6000");
		a_->rtp.learning.reset(ep("192.0.2.10:5000"), LearningMode::kDelayed, false, false);
		a_->rtp.learning.arm();
		a_->rtp.learning.on_packet(ep("203.0.113.10:5000"), {true, 1, 0}, 0);
		CPPUNIT_ASSERT(!a_->rtp.learning.confirmed());
		CPPUNIT_ASSERT(!kernel_decision(a_->rtp, 184, 0));
	}

	void confirmed_stream_forwards_to_peer_endpoint()
	{
		confirm(a_->rtp, "192.0.2.10:5000");
		confirm(b_->rtp, "192.0.2.20:6000");
		auto d = kernel_decision(a_->rtp, 184, 0);
		CPPUNIT_ASSERT(d);
		CPPUNIT_ASSERT(d->local == ep("10.0.0.1:30000"));
		CPPUNIT_ASSERT(d->expected_src == ep("192.0.2.10:5000"));
		CPPUNIT_ASSERT(!d->strict);
		CPPUNIT_ASSERT(d->output().src == ep("10.0.0.1:30002"));
		CPPUNIT_ASSERT(d->output().dst == ep("192.0.2.20:6000"));
		CPPUNIT_ASSERT_EQUAL(uint8_t{184}, d->tos);
		CPPUNIT_ASSERT_EQUAL(uint32_t{8000}, d->clock_rate);
		CPPUNIT_ASSERT(!d->rtcp_mux);
		// RTCP on this RTP port belongs on B's RTCP port: userspace sends it there.
		CPPUNIT_ASSERT(d->rtcp_to_userspace);
	}

	// A plain phone's confirmed stream towards a DTLS party whose handshake has not keyed the
	// sessions yet, and the DTLS party's own: the kernel would carry plain media.
	void dtls_before_its_keys_stays_in_userspace()
	{
		confirm(a_->rtp, "192.0.2.10:5000");
		confirm(b_->rtp, "192.0.2.20:6000");
		CPPUNIT_ASSERT(kernel_decision(a_->rtp, 0, 0));
		b_->rtp.dtls = true; // B speaks DTLS-SRTP, no keys yet
		CPPUNIT_ASSERT(!kernel_decision(a_->rtp, 0, 0));
		CPPUNIT_ASSERT(!kernel_decision(b_->rtp, 0, 0));
		b_->rtp.dtls = false;
		CPPUNIT_ASSERT(kernel_decision(a_->rtp, 0, 0) && kernel_decision(b_->rtp, 0, 0));
	}

	// A browser (A, muxed, ICE) nominated 198.51.100.7:50000 at 1 s. Its media comes through
	// the kernel from there, other checked addresses go up to userspace; the phone's media
	// goes to it through the kernel until shortly before its consent lapses (30 s after the
	// last check), and again once a check renews it.
	void ice_party_while_it_grants_consent()
	{
		browser_a();
		auto check = [&](int64_t now) {
			browser_check(0, "198.51.100.7:50000", now, true);
		};
		check(1000);
		confirm(b_->rtp, "192.0.2.20:6000");

		auto in = kernel_decision(a_->rtp, 0, 2000);
		CPPUNIT_ASSERT(in && in->expected_src == ep("198.51.100.7:50000"));
		CPPUNIT_ASSERT(!in->strict && in->rtcp_to_userspace);
		auto out = kernel_decision(b_->rtp, 0, 2000);
		CPPUNIT_ASSERT(out && out->output().dst == ep("198.51.100.7:50000"));
		// Back to userspace a margin before the lapse: the recheck runs once a second.
		int64_t lapse = 1000 + ice::Agent::kConsentMs - kIceConsentMarginMs;
		CPPUNIT_ASSERT(kernel_decision(b_->rtp, 0, lapse));
		CPPUNIT_ASSERT(!kernel_decision(b_->rtp, 0, lapse + 1));
		CPPUNIT_ASSERT(kernel_decision(a_->rtp, 0, 1001 + ice::Agent::kConsentMs));
		check(40000);
		CPPUNIT_ASSERT(kernel_decision(b_->rtp, 0, 40000) == out);
	}

	// The browser (A) checks two of the relay's candidates and nominates the second (another
	// address of the interface): A's target is that socket's, and the phone's media leaves
	// from it; a new nomination back to the first moves both. A pair on an IPv6 candidate
	// towards the IPv4 phone stays in userspace: the module keeps a packet in its family.
	void ice_pair_on_another_candidate()
	{
		media::BoundSocket second, v6;
		second.local = ep("10.0.1.1:31000");
		v6.local = ep("[2001:db8::1]:31000");
		a_->rtp.attach(1, &second);
		a_->rtp.attach(2, &v6);
		browser_a();
		auto check = [&](size_t local, const char* from, bool nominate) {
			browser_check(local, from, 1000, nominate);
		};
		check(0, "198.51.100.7:50000", false);
		check(1, "198.51.100.7:50000", true);
		confirm(b_->rtp, "192.0.2.20:6000");
		auto in = kernel_decision(a_->rtp, 0, 2000);
		CPPUNIT_ASSERT(in && in->local == ep("10.0.1.1:31000"));
		CPPUNIT_ASSERT(in->expected_src == ep("198.51.100.7:50000"));
		auto out = kernel_decision(b_->rtp, 0, 2000);
		CPPUNIT_ASSERT(out && out->output().src == ep("10.0.1.1:31000"));
		CPPUNIT_ASSERT(out->output().dst == ep("198.51.100.7:50000"));
		check(0, "198.51.100.7:50000", true);
		CPPUNIT_ASSERT(kernel_decision(a_->rtp, 0, 2000)->local == ep("10.0.0.1:30000"));
		CPPUNIT_ASSERT(kernel_decision(b_->rtp, 0, 2000)->output().src ==
		               ep("10.0.0.1:30000"));
		check(2, "[2001:db8::7]:50000", true);
		CPPUNIT_ASSERT(a_->rtp.socket == &v6);
		CPPUNIT_ASSERT(!kernel_decision(a_->rtp, 0, 2000) &&
		               !kernel_decision(b_->rtp, 0, 2000));
		// ICE ended with the party: its candidates go, media leaves from the first socket.
		a_->rtp.detach(2);
		CPPUNIT_ASSERT(a_->rtp.socket == &a_->allocation.lease.rtp);
		// ICE again, the candidate leased anew at the same place: the agent's selection has
		// not moved, yet the next check puts media on the new socket.
		media::BoundSocket v6_again;
		v6_again.local = ep("[2001:db8::1]:31002");
		a_->rtp.attach(2, &v6_again);
		check(2, "[2001:db8::7]:50000", false);
		CPPUNIT_ASSERT(a_->rtp.socket == &v6_again);
	}

	// A second m= line, video, on both sides: A (a browser) bundles it on its audio line's
	// transport (muxed), B's has its own sockets.
	std::pair<Media&, Media&> bundle_video()
	{
		Media& av = a_party_->media_at(2);
		Media& bv = b_party_->media_at(2);
		av.peer = &bv;
		bv.peer = &av;
		bind(bv, "10.0.0.1:30006", "10.0.0.1:30007", address_);
		av.transport = a_;
		a_->bundled = {a_, &av};
		a_->rtcp_mux = true;
		return {av, bv};
	}

	// A browser (A) bundles audio and video on its audio line's transport, keyed by DTLS; the
	// phone's (B's) video goes to that transport's socket and address, with its keys, and
	// RTCP arriving on the phone's video RTP port stays there (the transport muxes).
	void towards_a_bundle_the_transport_with_its_keys()
	{
		auto [av, bv] = bundle_video();
		bind(av, "10.0.0.1:30004", "10.0.0.1:30005", address_);
		std::vector<uint8_t> key(30, 7);
		auto enc = crypto::SrtpSession::create(
		        *sdp::find_srtp_suite("AES_CM_128_HMAC_SHA1_80"), key,
		        crypto::SrtpSession::Direction::kOutbound);
		CPPUNIT_ASSERT(enc);
		a_->encrypt = std::move(*enc);
		confirm(a_->rtp, "198.51.100.7:50000");
		confirm(bv.rtp, "192.0.2.20:6002");
		confirm(bv.rtcp, "192.0.2.20:6003");
		bv.rtcp_mux = false;

		auto video = kernel_decision(bv.rtp, 0, 2000);
		CPPUNIT_ASSERT(video);
		CPPUNIT_ASSERT(video->output().src ==
		               ep("10.0.0.1:30000")); // the transport's socket
		CPPUNIT_ASSERT(video->output().dst == ep("198.51.100.7:50000"));
		CPPUNIT_ASSERT(video->output().encrypt &&
		               *video->output().encrypt == a_->encrypt->keying());
		CPPUNIT_ASSERT(!video->rtcp_to_userspace);
		auto rtcp = kernel_decision(bv.rtcp, 0, 2000);
		CPPUNIT_ASSERT(rtcp && rtcp->output().src == ep("10.0.0.1:30000"));
		CPPUNIT_ASSERT(rtcp->output().encrypt &&
		               *rtcp->output().encrypt == a_->encrypt->keying());
	}

	// The browser's (A's) transport carries audio (line 0) and video (line 1): its target has
	// an output per line, each taking the SSRCs the demultiplexer puts on its line; an SSRC
	// of no line is not listed (it goes up to userspace, which drops it), and a line none of
	// whose SSRCs was seen has no output yet (without a mask it would take every packet).
	void a_bundle_transport_is_taken_apart_by_ssrc()
	{
		auto [av, bv] = bundle_video();
		bv.payload_types = {96};
		bv.clock_rates.by_type[96] = 90000;
		clock_rates_changed(bv);
		av.payload_types = {96};
		av.clock_rates.by_type[96] = 90000;
		clock_rates_changed(av);
		media::BundleDemux demux;
		std::vector<media::BundleDemux::Line> lines{{"0", {0, 101}, {0xA0}},
		                                            {"1", {96}, {0xB0}}};
		demux.configure(lines, 0);
		a_->rtp.bundle = &demux;
		confirm(a_->rtp, "198.51.100.7:50000");
		confirm(b_->rtp, "192.0.2.20:6000");
		confirm(bv.rtp, "192.0.2.20:6002");

		a_->rtp.stats.ssrc(0xA0);
		a_->rtp.stats.ssrc(0xEE); // of no line
		auto audio_only = kernel_decision(a_->rtp, 0, 2000);
		CPPUNIT_ASSERT(audio_only);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, audio_only->num_outputs);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, audio_only->num_ssrcs);
		CPPUNIT_ASSERT_EQUAL(uint32_t{0xA0}, audio_only->ssrcs[0]);
		CPPUNIT_ASSERT_EQUAL(uint8_t{1}, audio_only->output().ssrc_mask);
		CPPUNIT_ASSERT(audio_only->output().dst == ep("192.0.2.20:6000"));
		CPPUNIT_ASSERT_EQUAL(uint32_t{8000}, audio_only->clock_rate);

		a_->rtp.stats.ssrc(0xB0);
		auto both = kernel_decision(a_->rtp, 0, 2000);
		CPPUNIT_ASSERT(both && both->num_outputs == 2 && both->num_ssrcs == 2);
		CPPUNIT_ASSERT(both->ssrcs[1] == 0xB0 && both->outputs[1].ssrc_mask == 2);
		CPPUNIT_ASSERT(both->outputs[1].src == ep("10.0.0.1:30006"));
		CPPUNIT_ASSERT(both->outputs[1].dst == ep("192.0.2.20:6002"));
		CPPUNIT_ASSERT_EQUAL(size_t{1}, both->outputs[1].tag);
		CPPUNIT_ASSERT_EQUAL(uint32_t{0},
		                     both->clock_rate); // audio and video clocks differ
		CPPUNIT_ASSERT_EQUAL(size_t{3}, both->num_payload_types);
		// The phone does not mux: RTCP goes up, to be sent to its RTCP ports.
		CPPUNIT_ASSERT(both->rtcp_mux && both->rtcp_to_userspace);
		CPPUNIT_ASSERT(kernel::build_add_target(*both));
		// More payload types on audio than the kernel lists: any, which video's do not
		// narrow again.
		a_->payload_types = {0, 8, 9, 18, 101, 102, 103, 104, 105};
		auto any = kernel_decision(a_->rtp, 0, 2000);
		CPPUNIT_ASSERT(any && any->num_outputs == 2);
		CPPUNIT_ASSERT_EQUAL(size_t{0}, any->num_payload_types);
		a_->payload_types = {0, 101};

		// The phone rejects video: its SSRC goes up again.
		bv.rejected = true;
		auto rejected = kernel_decision(a_->rtp, 0, 2000);
		CPPUNIT_ASSERT(rejected && rejected->num_outputs == 1 && rejected->num_ssrcs == 1);
		// It takes video and rejects audio, the line that carries the group: video only.
		bv.rejected = false;
		b_->rejected = true;
		auto video_only = kernel_decision(a_->rtp, 0, 2000);
		CPPUNIT_ASSERT(video_only && video_only->num_outputs == 1);
		CPPUNIT_ASSERT(video_only->ssrcs[0] == 0xB0 && video_only->output().tag == 1);
	}

	void strict_source_drops_others()
	{
		confirm(a_->rtp, "192.0.2.10:5000", true);
		confirm(b_->rtp, "192.0.2.20:6000");
		CPPUNIT_ASSERT(kernel_decision(a_->rtp, 0, 0)->strict);
	}

	void needs_peer_endpoint()
	{
		confirm(a_->rtp, "192.0.2.10:5000");
		b_->rtp.learning.reset(std::nullopt, LearningMode::kDelayed, false, false);
		CPPUNIT_ASSERT(!kernel_decision(a_->rtp, 0, 0));
		// The peer's SDP address is enough: media goes there until it sends.
		b_->rtp.learning.reset(ep("192.0.2.20:6000"), LearningMode::kDelayed, false, false);
		CPPUNIT_ASSERT(kernel_decision(a_->rtp, 0, 0)->output().dst ==
		               ep("192.0.2.20:6000"));
	}

	void rtcp_socket_goes_to_peer_rtcp()
	{
		confirm(a_->rtcp, "192.0.2.10:5001");
		confirm(b_->rtcp, "192.0.2.20:6001");
		auto d = kernel_decision(a_->rtcp, 0, 0);
		CPPUNIT_ASSERT(d);
		CPPUNIT_ASSERT(d->local == ep("10.0.0.1:30001"));
		CPPUNIT_ASSERT(d->output().src == ep("10.0.0.1:30003"));
		CPPUNIT_ASSERT(d->output().dst == ep("192.0.2.20:6001"));
		CPPUNIT_ASSERT_EQUAL(size_t{0}, d->num_payload_types); // RTCP carries none
	}

	void mux_to_demux_sends_rtcp_up()
	{
		a_->rtcp_mux = true;
		confirm(a_->rtp, "192.0.2.10:5000");
		confirm(b_->rtp, "192.0.2.20:6000");
		// RTP goes on to B's RTP port; RTCP belongs on B's RTCP port: userspace sends it.
		auto up = kernel_decision(a_->rtp, 0, 0);
		CPPUNIT_ASSERT(up && up->rtcp_mux && up->rtcp_to_userspace);
		CPPUNIT_ASSERT(up->output().dst == ep("192.0.2.20:6000"));
		CPPUNIT_ASSERT(!kernel_decision(a_->rtcp, 0, 0)); // unused while muxed
		b_->rtcp_mux = true;
		auto d = kernel_decision(a_->rtp, 0, 0);
		CPPUNIT_ASSERT(d && d->rtcp_mux);
		CPPUNIT_ASSERT(!d->rtcp_to_userspace); // both muxed: one output for everything
	}

	void demux_to_mux_goes_to_peer_rtp()
	{
		b_->rtcp_mux = true;
		confirm(a_->rtcp, "192.0.2.10:5001");
		confirm(b_->rtp, "192.0.2.20:6000");
		auto d = kernel_decision(a_->rtcp, 0, 0);
		CPPUNIT_ASSERT(d);
		CPPUNIT_ASSERT(d->output().src == ep("10.0.0.1:30002"));
		CPPUNIT_ASSERT(d->output().dst == ep("192.0.2.20:6000"));
		// A's RTP port: RTCP arriving there also goes to B's muxed port, the output.
		confirm(a_->rtp, "192.0.2.10:5000");
		auto r = kernel_decision(a_->rtp, 0, 0);
		CPPUNIT_ASSERT(r && !r->rtcp_to_userspace);
	}

	void payload_types_from_both_sides()
	{
		confirm(a_->rtp, "192.0.2.10:5000");
		confirm(b_->rtp, "192.0.2.20:6000");
		b_->payload_types = {8, 0, 96};
		auto d = kernel_decision(a_->rtp, 0, 0);
		CPPUNIT_ASSERT_EQUAL(size_t{4}, d->num_payload_types);
		CPPUNIT_ASSERT(d->payload_types[0] == 0 && d->payload_types[1] == 101 &&
		               d->payload_types[2] == 8 && d->payload_types[3] == 96);
		// More than the kernel takes: any payload type.
		b_->payload_types = {3, 4, 5, 6, 7, 8, 9};
		CPPUNIT_ASSERT_EQUAL(size_t{0}, kernel_decision(a_->rtp, 0, 0)->num_payload_types);
	}

	void ssrcs_seen_are_expected()
	{
		confirm(a_->rtp, "192.0.2.10:5000");
		confirm(b_->rtp, "192.0.2.20:6000");
		CPPUNIT_ASSERT_EQUAL(size_t{0}, kernel_decision(a_->rtp, 0, 0)->num_ssrcs);
		a_->rtp.stats.ssrc(0x1234).on_packet(1, 160, 0);
		auto first = kernel_decision(a_->rtp, 0, 0);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, first->num_ssrcs);
		CPPUNIT_ASSERT_EQUAL(uint32_t{0x1234}, first->ssrcs[0]);
		// A new SSRC changes the decision: the target is replaced.
		a_->rtp.stats.ssrc(0x5678).on_packet(1, 160, 0);
		auto second = kernel_decision(a_->rtp, 0, 0);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, second->num_ssrcs);
		CPPUNIT_ASSERT(!(first == second));
	}

	void learning_off_accepts_any_source()
	{
		a_->rtp.learning.reset(ep("192.0.2.10:5000"), LearningMode::kOff, false, false);
		confirm(b_->rtp, "192.0.2.20:6000");
		auto d = kernel_decision(a_->rtp, 0, 0);
		CPPUNIT_ASSERT(d);
		CPPUNIT_ASSERT(!d->expected_src);
	}

	void rejected_media_stays_in_userspace()
	{
		confirm(a_->rtp, "192.0.2.10:5000");
		confirm(b_->rtp, "192.0.2.20:6000");
		b_->rejected = true;
		CPPUNIT_ASSERT(!kernel_decision(a_->rtp, 0, 0));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(KernelizerTest);
