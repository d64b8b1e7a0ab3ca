// SPDX-License-Identifier: GPL-3.0-or-later
// The replay list of RFC 3711 3.3.2 as a sliding window, and the packet index estimate of
// 3.3.1: a thin C++ face of kernel-module/srtp_index.h, the one implementation the kernel
// module runs too, so a stream handed between the two keeps one idea of its rollover counter
// and of what is a replay. One window per SSRC for the SRTP packet index (48 bits) and one for
// the SRTCP index (31 bits): the highest index seen and, for the 128 indices below and
// including it, whether each was seen. A plain value, no heap.
#pragma once

#include <cstdint>

// C in kernel style: its casts are C casts.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wuseless-cast"
#endif
#include "../../kernel-module/srtp_index.h"
#pragma GCC diagnostic pop

namespace rtprelay::crypto {

class ReplayWindow {
public:
	static constexpr uint64_t kSize = RP_REPLAY_WINDOW;
	enum class Check { kNew, kSeen, kTooOld };

	bool empty() const { return w_.started == 0; }
	uint64_t highest() const { return w_.highest; } // meaningful unless empty()

	Check check(uint64_t index) const
	{
		switch (rp_replay_check(&w_, index)) {
		case RP_REPLAY_NEW: return Check::kNew;
		case RP_REPLAY_SEEN: return Check::kSeen;
		default: return Check::kTooOld;
		}
	}

	// After the packet of `index` went through (check() said kNew).
	void add(uint64_t index) { rp_replay_add(&w_, index); }

private:
	rp_replay w_{};
};

// The index of sequence number `seq` given the highest index reached (RFC 3711 3.3.1).
inline uint64_t estimate_index(uint64_t highest, uint16_t seq)
{
	return rp_srtp_index_estimate(highest, seq);
}

} // namespace rtprelay::crypto
