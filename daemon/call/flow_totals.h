// SPDX-License-Identifier: GPL-3.0-or-later
// Ended calls whose media went one way only or nowhere (rtpengine's onewaystreams and
// zerowaystreams), judged from the call's last snapshot. Relaxed atomics: added on the call's
// media loop as it is torn down, read on the control thread without a lock.
#pragma once

#include <atomic>
#include <cstdint>

#include "call/snapshot.h"

namespace rtprelay::call {

// As rtpengine judges a call: each party's first RTP stream against the stream it forwards to
// (the peer's RTP stream of the same m= line). A party that sent RTP to a peer that sent none
// back is one one-way stream; a call in which some such pair received nothing either way counts
// once as zero-way. A call without any such pair (no offer got through) counts in neither.
struct CallFlow {
	uint64_t one_way = 0;
	bool zero_way = false;
};
CallFlow call_flow(const CallSnapshot& snap);

class FlowTotals {
public:
	void add_call(const CallSnapshot& snap);
	uint64_t one_way() const { return one_way_.load(std::memory_order_relaxed); }
	uint64_t zero_way() const { return zero_way_.load(std::memory_order_relaxed); }

private:
	std::atomic<uint64_t> one_way_{0};
	std::atomic<uint64_t> zero_way_{0};
};

} // namespace rtprelay::call
