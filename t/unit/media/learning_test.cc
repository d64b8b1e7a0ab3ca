// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/learning.h"

#include <cppunit/extensions/HelperMacros.h>

#include "../net/endpoint_literal.h"

using namespace rtprelay;
using namespace rtprelay::media;
using rtprelay::test::ep;
using V = EndpointLearning::Verdict;
using L = EndpointLearning;

namespace {

L::Packet rtp(uint16_t seq, uint32_t ssrc = 0x1234)
{
	return {true, ssrc, seq};
}

const L::Packet kNotRtp{};

} // namespace

class LearningTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(LearningTest);
	CPPUNIT_TEST(starts_at_sdp_address);
	CPPUNIT_TEST(sdp_address_confirms_at_once_even_before_the_answer);
	CPPUNIT_TEST(nothing_else_is_learned_before_the_answer);
	CPPUNIT_TEST(delayed_confirms_nat_address_after_a_persistent_run);
	CPPUNIT_TEST(media_never_goes_to_a_candidate_on_trial);
	CPPUNIT_TEST(a_broken_sequence_starts_the_run_over);
	CPPUNIT_TEST(a_competing_source_blocks_confirmation_until_quiet);
	CPPUNIT_TEST(stranger_bursts_during_a_real_stream_never_win);
	CPPUNIT_TEST(a_silent_candidate_gives_way);
	CPPUNIT_TEST(confirmed_stream_is_not_hijacked);
	CPPUNIT_TEST(strict_source_drops_others_after_confirmation);
	CPPUNIT_TEST(immediate_needs_a_short_run);
	CPPUNIT_TEST(a_contest_before_the_answer_carries_over);
	CPPUNIT_TEST(off_and_asymmetric_never_learn);
	CPPUNIT_TEST(heuristic_prefers_the_sdp_host);
	CPPUNIT_TEST(rtcp_follows_the_confirmed_rtp_host);
	CPPUNIT_TEST(reset_starts_over);
	CPPUNIT_TEST(confirmations_only_grow_and_restore_confirms);
	CPPUNIT_TEST_SUITE_END();

	EndpointLearning l_;

	// `count` packets in sequence from `source`, one every 20 ms from `start_ms`; returns
	// the time after the last.
	int64_t stream(const char* source, int count, int64_t start_ms, uint16_t first_seq = 0,
	               uint32_t ssrc = 0x1234)
	{
		int64_t t = start_ms;
		for (int i = 0; i < count; i++, t += 20)
			l_.on_packet(ep(source), rtp(static_cast<uint16_t>(first_seq + i), ssrc),
			             t);
		return t;
	}

public:
	// What HA relies on (call/call.h take_change, ha/restore.cc): every confirmation counts,
	// a reset does not take the count back, and a restored endpoint is confirmed at once.
	void confirmations_only_grow_and_restore_confirms()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, true);
		CPPUNIT_ASSERT_EQUAL(uint64_t{0}, l_.confirmations());
		l_.arm();
		stream("203.0.113.9:61000", L::kPersistMs / 20 + 2, 0);
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, l_.confirmations());
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, true);
		CPPUNIT_ASSERT_EQUAL(uint64_t{1}, l_.confirmations());
		CPPUNIT_ASSERT(!l_.confirmed());
		l_.restore(ep("203.0.113.9:61000"));
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(l_.learned());
		CPPUNIT_ASSERT(*l_.destination() == ep("203.0.113.9:61000"));
		CPPUNIT_ASSERT_EQUAL(uint64_t{2}, l_.confirmations());
		// Strict: a stranger gets nothing by sending first after the restart.
		CPPUNIT_ASSERT(l_.on_packet(ep("198.51.100.66:666"), rtp(1), 5000) ==
		               EndpointLearning::Verdict::kDrop);
		CPPUNIT_ASSERT(*l_.destination() == ep("203.0.113.9:61000"));
	}

	void starts_at_sdp_address()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kDelayed, false, false);
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:4000"));
		CPPUNIT_ASSERT(!l_.confirmed());
		l_.reset(std::nullopt, LearningMode::kDelayed, false, false);
		CPPUNIT_ASSERT(!l_.destination());
	}

	void sdp_address_confirms_at_once_even_before_the_answer()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kDelayed, false, false);
		l_.on_packet(ep("192.0.2.1:4000"), kNotRtp, 0);
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(l_.learned());
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:4000"));
	}

	// The RTP Bleed of a ringing call: a stranger aims at the freshly handed-out port while
	// the callee rings, pauses, aims again.
	void nothing_else_is_learned_before_the_answer()
	{
		for (auto mode :
		     {LearningMode::kDelayed, LearningMode::kImmediate, LearningMode::kHeuristic}) {
			l_.reset(ep("10.0.0.5:4000"), mode, false, true);
			int64_t t = stream("198.51.100.66:666", 2, 0);
			t = stream("198.51.100.66:666", 200, t + 3000, 2);
			CPPUNIT_ASSERT(!l_.confirmed());
			CPPUNIT_ASSERT(*l_.destination() == ep("10.0.0.5:4000"));
			l_.arm();
			stream("198.51.100.66:666", 1, t, 202);
			CPPUNIT_ASSERT(!l_.confirmed()); // the pre-answer run does not count
		}
	}

	void delayed_confirms_nat_address_after_a_persistent_run()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, false);
		l_.arm();
		int64_t t = stream("203.0.113.9:61000", L::kMinRun, 0);
		CPPUNIT_ASSERT(!l_.confirmed()); // in sequence, but not for long yet
		t = stream("203.0.113.9:61000", L::kPersistMs / 20 - L::kMinRun, t, L::kMinRun);
		CPPUNIT_ASSERT(!l_.confirmed());
		l_.on_packet(ep("203.0.113.9:61000"), rtp(L::kPersistMs / 20), t);
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(*l_.destination() == ep("203.0.113.9:61000"));
	}

	void media_never_goes_to_a_candidate_on_trial()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, false);
		l_.arm();
		for (int i = 0; i < 20; i++) {
			l_.on_packet(ep("203.0.113.9:61000"), rtp(static_cast<uint16_t>(i)),
			             i * 20);
			if (!l_.confirmed())
				CPPUNIT_ASSERT(*l_.destination() == ep("10.0.0.5:4000"));
		}
	}

	void a_broken_sequence_starts_the_run_over()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, false);
		l_.arm();
		// Random sequence numbers, as a blind flood sends them: never a run.
		for (int i = 0; i < 100; i++)
			l_.on_packet(ep("198.51.100.66:666"), rtp(static_cast<uint16_t>(i * 7919)),
			             i * 20);
		CPPUNIT_ASSERT(!l_.confirmed());
		// A new SSRC in the middle starts over too.
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, false);
		l_.arm();
		int64_t t = stream("198.51.100.66:666", 40, 0, 0, 1);
		CPPUNIT_ASSERT(l_.confirmed());
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, false);
		l_.arm();
		for (int i = 0; i < 40; i++, t += 20)
			l_.on_packet(ep("198.51.100.66:666"), rtp(static_cast<uint16_t>(i), i % 2),
			             t);
		CPPUNIT_ASSERT(!l_.confirmed());
	}

	void a_competing_source_blocks_confirmation_until_quiet()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, false);
		l_.arm();
		int64_t t = 0;
		for (int i = 0; i < 100; i++, t += 20) { // two steady streams: neither wins
			l_.on_packet(ep("203.0.113.9:61000"), rtp(static_cast<uint16_t>(i)), t);
			l_.on_packet(ep("198.51.100.66:666"), rtp(static_cast<uint16_t>(i), 9), t);
		}
		CPPUNIT_ASSERT(!l_.confirmed());
		CPPUNIT_ASSERT(*l_.destination() == ep("10.0.0.5:4000"));
		CPPUNIT_ASSERT(l_.contested() > 0);
		// The second goes quiet: the first is confirmed once kQuietMs have passed.
		int64_t quiet_from = t;
		t = stream("203.0.113.9:61000", 200, t, 100);
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(*l_.destination() == ep("203.0.113.9:61000"));
		CPPUNIT_ASSERT(t - quiet_from >= L::kQuietMs);
	}

	// The racing attack: the party talks from behind a NAT, a stranger sends bursts.
	void stranger_bursts_during_a_real_stream_never_win()
	{
		for (auto mode :
		     {LearningMode::kDelayed, LearningMode::kImmediate, LearningMode::kHeuristic}) {
			l_.reset(ep("10.0.0.5:4000"), mode, false, false);
			l_.arm();
			// The stranger is first, with a burst in sequence.
			for (uint16_t i = 0; i < 2; i++)
				l_.on_packet(ep("198.51.100.66:666"), rtp(i, 7), 0);
			int64_t t = 10;
			for (int i = 0; i < 200; i++, t += 20) {
				l_.on_packet(ep("203.0.113.9:61000"), rtp(static_cast<uint16_t>(i)),
				             t);
				if (i % 50 == 0) // and again, every second
					for (uint16_t k = 0; k < 2; k++)
						l_.on_packet(
						        ep("198.51.100.66:666"),
						        rtp(static_cast<uint16_t>(2 + i + k), 7),
						        t);
			}
			CPPUNIT_ASSERT(!l_.destination() ||
			               *l_.destination() != ep("198.51.100.66:666"));
		}
	}

	void a_silent_candidate_gives_way()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, false);
		l_.arm();
		stream("198.51.100.66:666", 2, 0); // a burst, then silence
		int64_t t = stream("203.0.113.9:61000", 200, 1000);
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(*l_.destination() == ep("203.0.113.9:61000"));
		CPPUNIT_ASSERT(t > 1000);
	}

	void confirmed_stream_is_not_hijacked()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kDelayed, false, false);
		l_.on_packet(ep("192.0.2.1:4000"), rtp(0), 0);
		CPPUNIT_ASSERT(l_.confirmed());
		l_.arm();
		stream("198.51.100.66:666", 500, 100);
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:4000"));
	}

	void strict_source_drops_others_after_confirmation()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kDelayed, false, true);
		l_.arm();
		CPPUNIT_ASSERT(l_.on_packet(ep("198.51.100.66:666"), rtp(0), 0) ==
		               V::kAccept); // still learning
		l_.on_packet(ep("192.0.2.1:4000"), rtp(0), 10);
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(l_.on_packet(ep("198.51.100.66:666"), rtp(1), 4100) == V::kDrop);
		CPPUNIT_ASSERT(l_.on_packet(ep("192.0.2.1:4001"), rtp(1), 4100) == V::kDrop);
		CPPUNIT_ASSERT(l_.on_packet(ep("192.0.2.1:4000"), rtp(1), 4100) == V::kAccept);
	}

	void immediate_needs_a_short_run()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kImmediate, false, true);
		l_.arm();
		// A burst, however long, is not a stream.
		for (uint16_t i = 0; i < 50; i++)
			l_.on_packet(ep("203.0.113.9:61000"), rtp(i), 0);
		CPPUNIT_ASSERT(!l_.confirmed());
		l_.on_packet(ep("203.0.113.9:61000"), rtp(50), L::kImmediatePersistMs);
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(*l_.destination() == ep("203.0.113.9:61000"));
		CPPUNIT_ASSERT(l_.on_packet(ep("203.0.113.9:61001"), rtp(9), 100) == V::kDrop);
	}

	// A flood that started while the callee rang, next to the party's own early media:
	// the contest seen before the answer holds after it, so the flood's first packets after
	// the answer do not win.
	void a_contest_before_the_answer_carries_over()
	{
		for (auto mode : {LearningMode::kDelayed, LearningMode::kImmediate}) {
			l_.reset(ep("10.0.0.5:4000"), mode, false, false);
			int64_t t = 0;
			for (int i = 0; i < 20; i++, t += 20) {
				l_.on_packet(ep("203.0.113.9:61000"), rtp(static_cast<uint16_t>(i)),
				             t);
				l_.on_packet(ep("198.51.100.66:666"),
				             rtp(static_cast<uint16_t>(i), 7), t + 5);
			}
			l_.arm();
			// The party pauses; the stranger goes on in sequence for 0.9 s.
			for (int i = 0; i < 90; i++)
				l_.on_packet(ep("198.51.100.66:666"),
				             rtp(static_cast<uint16_t>(20 + i), 7), t + i * 10);
			CPPUNIT_ASSERT(!l_.confirmed());
		}
	}

	void off_and_asymmetric_never_learn()
	{
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kOff, false, true);
		CPPUNIT_ASSERT(l_.confirmed());
		l_.arm();
		stream("203.0.113.9:61000", 100, 0);
		CPPUNIT_ASSERT(*l_.destination() == ep("10.0.0.5:4000"));
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, true, false);
		l_.arm();
		stream("203.0.113.9:61000", 100, 0);
		CPPUNIT_ASSERT(*l_.destination() == ep("10.0.0.5:4000"));
		CPPUNIT_ASSERT(!l_.learned());
	}

	void heuristic_prefers_the_sdp_host()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kHeuristic, false, false);
		l_.arm();
		l_.on_packet(ep("198.51.100.7:4000"), rtp(0, 7), 0); // another host first
		stream("192.0.2.1:5000", L::kMinRun, 10, 100);       // the SDP's host, other port
		CPPUNIT_ASSERT(l_.confirmed());
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:5000"));
		// And the exact SDP address beats a same-host candidate before confirmation.
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kHeuristic, false, false);
		l_.arm();
		l_.on_packet(ep("192.0.2.1:5000"), rtp(0), 0);
		l_.on_packet(ep("192.0.2.1:4000"), rtp(0, 9), 10);
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.1:4000"));
	}

	void rtcp_follows_the_confirmed_rtp_host()
	{
		EndpointLearning rtcp;
		l_.reset(ep("10.0.0.5:4000"), LearningMode::kDelayed, false, false);
		rtcp.reset(ep("10.0.0.5:4001"), LearningMode::kDelayed, false, false, &l_);
		l_.arm();
		rtcp.arm();
		rtcp.on_packet(ep("198.51.100.66:667"), kNotRtp, 0); // a stranger: never
		rtcp.on_packet(ep("203.0.113.9:61001"), kNotRtp, 0); // RTP not confirmed yet
		CPPUNIT_ASSERT(!rtcp.confirmed());
		stream("203.0.113.9:61000", 100, 0);
		CPPUNIT_ASSERT(l_.confirmed());
		rtcp.on_packet(ep("198.51.100.66:667"), kNotRtp, 3000);
		CPPUNIT_ASSERT(!rtcp.confirmed());
		rtcp.on_packet(ep("203.0.113.9:61001"), kNotRtp, 3000); // the same NAT
		CPPUNIT_ASSERT(rtcp.confirmed());
		CPPUNIT_ASSERT(*rtcp.destination() == ep("203.0.113.9:61001"));
	}

	void reset_starts_over()
	{
		l_.reset(ep("192.0.2.1:4000"), LearningMode::kImmediate, false, false);
		l_.on_packet(ep("192.0.2.1:4000"), rtp(0), 0);
		CPPUNIT_ASSERT(l_.confirmed());
		l_.reset(ep("192.0.2.2:4000"), LearningMode::kImmediate, false, false);
		CPPUNIT_ASSERT(!l_.confirmed());
		CPPUNIT_ASSERT(!l_.armed());
		CPPUNIT_ASSERT(*l_.destination() == ep("192.0.2.2:4000"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(LearningTest);
