// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/mos.h"

#include <algorithm>

namespace rtprelay::media {

unsigned mos_x10(unsigned loss_percent, unsigned jitter_ms, double rtt_ms)
{
	double latency = rtt_ms / 2 + jitter_ms * 2.0 + 10;
	double r = latency < 160 ? 93.2 - latency / 40 : 93.2 - (latency - 120) / 10;
	r -= loss_percent * 2.5;
	r = std::clamp(r, 0.0, 100.0);
	double mos = 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
	// R of 0-100 keeps MOS within 1-4.5; the cut is rtpengine's (int) cast.
	return static_cast<unsigned>(mos * 10);
}

void MosHistory::add(const QualitySample& s)
{
	if (!samples_ || s.mos < lowest_.mos)
		lowest_ = s;
	if (!samples_ || s.mos > highest_.mos)
		highest_ = s;
	latest_ = s;
	sum_mos_ += s.mos;
	sum_rtt_ += s.rtt_us;
	sum_leg_ += s.rtt_leg_us;
	sum_jitter_ += s.jitter_ms;
	sum_loss_ += s.loss_percent;
	ring_[samples_ % kProgression] = s;
	samples_++;
}

QualitySample MosHistory::average() const
{
	if (!samples_)
		return {};
	auto mean = [this](uint64_t sum) { return static_cast<uint32_t>(sum / samples_); };
	return {mean(sum_mos_),    mean(sum_rtt_),  mean(sum_leg_),
	        mean(sum_jitter_), mean(sum_loss_), latest_.at_ms};
}

const QualitySample& MosHistory::progression(size_t i) const
{
	size_t first = samples_ < kProgression ? 0 : samples_ % kProgression;
	return ring_[(first + i) % kProgression];
}

} // namespace rtprelay::media
