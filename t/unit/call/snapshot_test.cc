// A stream's snapshot adds userspace's and the kernel's RFC 3550 figures: both count with
// kernel-module/rtp.h, so packets, expected and lost add up and jitter comes from the side
// that carries the SSRC now.
#include "call/snapshot.h"

#include <cppunit/extensions/HelperMacros.h>

#include "../net/endpoint_literal.h"
#include "call/party.h"
#include "media/interfaces.h"
#include "media/media_loop.h"

using namespace rtprelay;
using namespace rtprelay::call;
using rtprelay::test::ep;

class SnapshotTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SnapshotTest);
	CPPUNIT_TEST(userspace_and_kernel_figures_add_up);
	CPPUNIT_TEST(negative_loss_of_one_side_offsets_the_other);
	CPPUNIT_TEST(kernel_reasons_sum_over_targets);
	CPPUNIT_TEST_SUITE_END();

	Config config_;
	RuntimeLimits limits_{config_};
	std::unique_ptr<media::MediaLoop> loop_;
	std::unique_ptr<Call> call_;
	media::LocalAddress address_;
	Media* media_ = nullptr;

	static rtprelay_ssrc_stats kernel_ssrc(uint32_t ssrc, uint64_t packets, uint32_t expected,
	                                       int32_t lost, uint32_t jitter)
	{
		rtprelay_ssrc_stats s{};
		s.ssrc = ssrc;
		s.valid = 1;
		s.packets = packets;
		s.expected = expected;
		s.received = static_cast<uint32_t>(static_cast<int64_t>(expected) - lost);
		s.lost = lost;
		s.jitter = jitter;
		return s;
	}

	const SsrcSnapshot* ssrc(uint32_t id)
	{
		static CallSnapshot c;
		c = snapshot(*call_);
		for (const auto& s : c.monologues[0].medias[0].streams[0].ssrcs)
			if (s.ssrc == id)
				return &s;
		return nullptr;
	}

public:
	void setUp() override
	{
		loop_ = std::move(media::MediaLoop::create(0, config_, [](auto&, auto&) {
		        })).value();
		call_ = std::make_unique<Call>("c", *loop_, limits_, 0);
		media_ = &call_->get_or_create("a", 0).media_at(1);
		media_->allocation.address = &address_;
		media_->allocation.lease.rtp.local = ep("10.0.0.1:30000");
		media_->allocation.lease.rtcp.local = ep("10.0.0.1:30001");
		media_->payload_types = {0};
		media_->clock_rates.by_type[0] = 8000;
		clock_rates_changed(*media_);
	}

	void tearDown() override
	{
		call_.reset();
		loop_.reset();
	}

	void userspace_and_kernel_figures_add_up()
	{
		// Userspace: 0..49 of SSRC 10 with 10 and 11 lost; jitter 0 (steady arrival).
		media::SsrcStats& u = media_->rtp.stats.ssrc(10);
		for (uint16_t seq = 0; seq < 50; seq++)
			if (seq != 10 && seq != 11)
				u.on_packet(seq, seq * 160u, 1000 + seq * 160u);
		// A retired target counted 100 with 3 lost; the live one 40, none lost, jitter 80
		// units (10 ms at 8 kHz).
		KernelState& k = media_->rtp.kernel;
		rtprelay_target_stats st{};
		st.ssrc[0] = kernel_ssrc(10, 100, 103, 3, 8);
		k.set_live(st);
		k.retire_live();
		st.ssrc[0] = kernel_ssrc(10, 40, 40, 0, 80);
		k.set_live(st);

		const SsrcSnapshot* s = ssrc(10);
		CPPUNIT_ASSERT(s);
		CPPUNIT_ASSERT_EQUAL(uint64_t(48 + 100 + 40), s->packets);
		CPPUNIT_ASSERT_EQUAL(uint64_t(50 + 103 + 40), s->expected);
		CPPUNIT_ASSERT_EQUAL(uint64_t(2 + 3), s->lost);
		CPPUNIT_ASSERT_EQUAL(uint32_t(10), s->jitter_ms); // the live target's

		// Taken back: userspace's jitter is the current one again.
		k.retire_live();
		CPPUNIT_ASSERT_EQUAL(uint32_t(0), ssrc(10)->jitter_ms);
		CPPUNIT_ASSERT_EQUAL(uint64_t(5), ssrc(10)->lost);
	}

	void negative_loss_of_one_side_offsets_the_other()
	{
		media::SsrcStats& u = media_->rtp.stats.ssrc(20);
		for (uint16_t seq : {0, 1, 2, 3, 3, 2}) // a copy of the newest, and a late copy
			u.on_packet(seq, 0, 0);
		CPPUNIT_ASSERT_EQUAL(int64_t(-1), u.lost());
		rtprelay_target_stats st{};
		st.ssrc[0] = kernel_ssrc(20, 10, 12, 2, 0);
		media_->rtp.kernel.set_live(st);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), ssrc(20)->lost); // -1 + 2, not 0 + 2

		st.ssrc[0] = kernel_ssrc(20, 10, 10, 0, 0);
		media_->rtp.kernel.set_live(st);
		CPPUNIT_ASSERT_EQUAL(uint64_t(0), ssrc(20)->lost); // -1 + 0 reads as none lost
	}

	void kernel_reasons_sum_over_targets()
	{
		rtprelay_target_stats st{};
		st.to_userspace[RTPRELAY_UP_STUN] = 3;
		st.to_userspace[RTPRELAY_UP_SOURCE] = 1;
		media_->rtp.kernel.set_live(st);
		media_->rtp.kernel.retire_live();
		st.to_userspace[RTPRELAY_UP_STUN] = 2;
		st.to_userspace[RTPRELAY_UP_SOURCE] = 0;
		media_->rtp.kernel.set_live(st);
		CallSnapshot c = snapshot(*call_);
		const StreamSnapshot& s = c.monologues[0].medias[0].streams[0];
		CPPUNIT_ASSERT_EQUAL(uint64_t(5), s.kernel_to_userspace[RTPRELAY_UP_STUN]);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), s.kernel_to_userspace[RTPRELAY_UP_SOURCE]);
		CPPUNIT_ASSERT_EQUAL(uint64_t(0), s.kernel_to_userspace[RTPRELAY_UP_DTLS]);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SnapshotTest);
