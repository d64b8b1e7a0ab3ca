// kernel-module/rtp.h's RFC 3550 statistics (A.1 sequence tracking with probation, A.3 loss,
// A.8 jitter) with the cases of kernel-module/rtp_check.h: the same table the module's
// selftest runs inside the kernel under QEMU (t/kernel/guest.sh).
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "kernel_c.h"

class RtpStatsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(RtpStatsTest);
	CPPUNIT_TEST(sequence_cases);
	CPPUNIT_TEST(jitter_cases);
	CPPUNIT_TEST(random_walks_keep_the_invariants);
	CPPUNIT_TEST(fraction_lost_moves_by_interval);
	CPPUNIT_TEST(invariants_catch_a_broken_state);
	CPPUNIT_TEST_SUITE_END();

	static std::string failure(const char* name, const char* why)
	{
		return std::string(name) + ": " + (why ? why : "");
	}

public:
	void sequence_cases()
	{
		for (const rp_seq_case& c : rp_seq_cases) {
			const char* why = rp_seq_case_run(&c);
			CPPUNIT_ASSERT_MESSAGE(failure(c.name, why), !why);
		}
	}

	void jitter_cases()
	{
		for (const rp_jitter_case& c : rp_jitter_cases) {
			const char* why = rp_jitter_case_run(&c);
			CPPUNIT_ASSERT_MESSAGE(failure(c.name, why), !why);
		}
	}

	// The selftest's walks (seeds i * 7919 + 1), and a few more.
	void random_walks_keep_the_invariants()
	{
		for (uint32_t i = 0; i < 32; i++) {
			const char* why = rp_random_walk(i * 7919 + 1, 20000);
			CPPUNIT_ASSERT_MESSAGE(failure("random walk", why), !why);
		}
	}

	void fraction_lost_moves_by_interval()
	{
		rp_seq_state s{};
		for (uint16_t seq = 0; seq < 100; seq++)
			if (seq % 4 != 3) // every fourth lost
				rp_seq_update(&s, seq);
		rp_seq_update(&s, 100);
		// 101 expected, 76 received: 25 * 256 / 101 = 63.4
		CPPUNIT_ASSERT_EQUAL(63, int{rp_seq_fraction_lost(&s)});
		for (uint16_t seq = 101; seq < 111; seq++)
			rp_seq_update(&s, seq);
		CPPUNIT_ASSERT_EQUAL(0, int{rp_seq_fraction_lost(&s)});
		CPPUNIT_ASSERT_EQUAL(int64_t{25}, rp_seq_lost(&s)); // cumulative stays
	}

	void invariants_catch_a_broken_state()
	{
		rp_seq_state s{};
		rp_seq_update(&s, 1);
		rp_seq_update(&s, 2);
		CPPUNIT_ASSERT(!rp_seq_invariants(&s, 2, 0));
		CPPUNIT_ASSERT(rp_seq_invariants(&s, 1, 0)); // more received than fed
		s.jitter_q4 = 16 * 10 + 9;
		CPPUNIT_ASSERT(rp_seq_invariants(&s, 2, 10));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RtpStatsTest);
