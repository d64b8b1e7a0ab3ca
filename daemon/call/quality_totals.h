// SPDX-License-Identifier: GPL-3.0-or-later
// Histograms of the quality of ended streams, for /metrics: one observation per SSRC of a call
// when it ends (its average MOS, jitter, loss and round-trip time). Fixed buckets and relaxed
// atomics: written on the call's media loop as the call is torn down, read on the control
// thread without a lock (a scrape may see one observation half added; the next is whole).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "call/snapshot.h"

namespace rtprelay::call {

class QualityTotals {
public:
	enum Kind : size_t { kMos, kJitterSeconds, kLossRatio, kRttSeconds, kKinds };
	static constexpr size_t kBuckets = 8;

	// What a scrape reads: upper bounds (the last is +Inf), cumulative counts per bucket
	// (Prometheus' `le`), the number of observations, their sum and the sum of their squares
	// (for `statistics`' MOS standard deviation), in base units.
	struct Histogram {
		std::span<const double, kBuckets> bounds;
		std::array<uint64_t, kBuckets> cumulative{};
		uint64_t count = 0;
		double sum = 0;
		double sum_squares = 0;
	};

	// Every listed SSRC of an ending call (`now_ms`: when it ended).
	void add_call(const CallSnapshot& snap, int64_t now_ms);
	void add(Kind k, double value);
	Histogram read(Kind k) const;

private:
	struct Counts {
		std::array<std::atomic<uint64_t>, kBuckets> buckets{};
		std::atomic<uint64_t> count{0};
		std::atomic<uint64_t> sum_micro{0}; // sum x 1e6: atomics hold no doubles portably
		// Squares x 1e6: exact for MOS (one decimal); smaller figures lose their tail.
		std::atomic<uint64_t> squares_micro{0};
	};
	std::array<Counts, kKinds> counts_;
};

} // namespace rtprelay::call
