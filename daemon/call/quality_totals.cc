// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/quality_totals.h"

#include <cmath>
#include <limits>

namespace rtprelay::call {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
using Bounds = std::array<double, QualityTotals::kBuckets>;
// MOS in its own scale (1-4.5); the rest in base units as Prometheus wants them.
constexpr std::array<Bounds, QualityTotals::kKinds> kBounds = {{
        {2.0, 2.5, 3.0, 3.5, 3.8, 4.0, 4.2, kInf},
        {0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, kInf},
        {0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, kInf},
        {0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, kInf},
}};

} // namespace

void QualityTotals::add(Kind k, double value)
{
	Counts& c = counts_[k];
	size_t i = 0;
	while (value > kBounds[k][i])
		i++; // the last bound is +Inf
	c.buckets[i].fetch_add(1, std::memory_order_relaxed);
	c.count.fetch_add(1, std::memory_order_relaxed);
	c.sum_micro.fetch_add(static_cast<uint64_t>(std::llround(value * 1e6)),
	                      std::memory_order_relaxed);
	c.squares_micro.fetch_add(static_cast<uint64_t>(std::llround(value * value * 1e6)),
	                          std::memory_order_relaxed);
}

void QualityTotals::add_call(const CallSnapshot& snap, int64_t now_ms)
{
	for (const auto& ml : snap.monologues)
		for (const auto& m : ml.medias)
			for (const auto& s : m.streams)
				for (const auto& ss : s.ssrcs) {
					media::QualitySample avg = ss.mos(now_ms).average();
					add(kMos, avg.mos / 10.0);
					add(kJitterSeconds, avg.jitter_ms / 1e3);
					add(kLossRatio, avg.loss_percent / 100.0);
					// Round trips are only known from RTCP: no zero
					// observations.
					if (avg.rtt_us)
						add(kRttSeconds, avg.rtt_us / 1e6);
				}
}

QualityTotals::Histogram QualityTotals::read(Kind k) const
{
	const Counts& c = counts_[k];
	Histogram h{kBounds[k]};
	uint64_t running = 0;
	for (size_t i = 0; i < kBuckets; i++)
		h.cumulative[i] = running += c.buckets[i].load(std::memory_order_relaxed);
	h.count = c.count.load(std::memory_order_relaxed);
	h.sum = static_cast<double>(c.sum_micro.load(std::memory_order_relaxed)) / 1e6;
	h.sum_squares = static_cast<double>(c.squares_micro.load(std::memory_order_relaxed)) / 1e6;
	return h;
}

} // namespace rtprelay::call
