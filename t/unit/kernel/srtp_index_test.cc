// kernel-module/srtp_index.h, the SRTP index estimate (RFC 3711 3.3.1) and replay window
// (3.3.2) that the daemon's SrtpSession and the module share, with the cases of
// kernel-module/srtp_check.h: the same table the module's selftest runs inside the kernel
// under QEMU. Then the window against a plain model of the replay list over random indices.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>

#include "kernel_c.h"

class SrtpIndexTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(SrtpIndexTest);
	CPPUNIT_TEST(index_cases);
	CPPUNIT_TEST(replay_cases);
	CPPUNIT_TEST(replay_walk);
	CPPUNIT_TEST(window_agrees_with_a_list_of_every_index_seen);
	CPPUNIT_TEST(estimate_is_the_nearest_rollover);
	CPPUNIT_TEST_SUITE_END();

	static std::string failure(const char* name, const char* why)
	{
		return std::string(name) + ": " + (why ? why : "");
	}

public:
	void index_cases()
	{
		for (const rp_index_case& c : rp_index_cases) {
			const char* why = rp_index_case_run(&c);
			CPPUNIT_ASSERT_MESSAGE(failure(c.name, why), !why);
		}
	}

	void replay_cases()
	{
		for (const rp_replay_case& c : rp_replay_cases) {
			const char* why = rp_replay_case_run(&c);
			CPPUNIT_ASSERT_MESSAGE(failure(c.name, why), !why);
		}
	}

	void replay_walk()
	{
		const char* why = rp_replay_walk(1000);
		CPPUNIT_ASSERT_MESSAGE(failure("walk", why), !why);
	}

	// The model: every index ever added, and the highest. An index is too old when it is 128
	// or more below the highest, a replay when it was added, else new.
	void window_agrees_with_a_list_of_every_index_seen()
	{
		std::mt19937_64 rng(20261202);
		for (int round = 0; round < 50; round++) {
			rp_replay w{};
			std::set<uint64_t> seen;
			uint64_t highest = 0;
			uint64_t base = rng() % 100000;
			for (int i = 0; i < 2000; i++) {
				// Mostly near the top, sometimes a jump ahead or far behind.
				uint64_t index = 0;
				switch (rng() % 8) {
				case 0: index = highest + 1 + rng() % 300; break;
				case 1:
					index = highest > 200 ? highest - 100 - rng() % 100 : base;
					break;
				default:
					index = highest + 4 > 140 ? highest + 4 - rng() % 140
					                          : base + rng() % 8;
				}
				int want = RP_REPLAY_NEW;
				if (!seen.empty() && index <= highest &&
				    highest - index >= RP_REPLAY_WINDOW)
					want = RP_REPLAY_TOO_OLD;
				else if (seen.contains(index))
					want = RP_REPLAY_SEEN;
				CPPUNIT_ASSERT_EQUAL(want, rp_replay_check(&w, index));
				if (want == RP_REPLAY_NEW) {
					rp_replay_add(&w, index);
					seen.insert(index);
					highest = std::max(highest, index);
				}
			}
		}
	}

	// Brute force over every rollover near the highest index's: the estimate is the index
	// closest to the highest, a tie going to the highest index's own rollover, never below
	// rollover 0.
	void estimate_is_the_nearest_rollover()
	{
		std::mt19937_64 rng(3711);
		for (int i = 0; i < 20000; i++) {
			uint64_t highest = (rng() % 4) << 16 | (rng() & 0xffff);
			auto seq = static_cast<uint16_t>(rng());
			uint64_t best = 0;
			uint64_t best_d = UINT64_MAX;
			for (uint64_t roc = 0; roc <= (highest >> 16) + 1; roc++) {
				uint64_t cand = roc << 16 | seq;
				uint64_t d = cand > highest ? cand - highest : highest - cand;
				if (d < best_d || (d == best_d && roc == highest >> 16)) {
					best = cand;
					best_d = d;
				}
			}
			CPPUNIT_ASSERT_EQUAL(best, rp_srtp_index_estimate(highest, seq));
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SrtpIndexTest);
