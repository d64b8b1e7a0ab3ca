// SPDX-License-Identifier: GPL-3.0-or-later
// Mean opinion score of a stream and its history over a call. The formula is the one Sipwise
// rtpengine 10.5 uses (its "legacy" MOS, the simplified E-model published by PingPlotter):
// effective latency = RTT/2 + 2 x jitter + 10 ms; R = 93.2 - latency/40 (or
// 93.2 - (latency - 120)/10 from 160 ms on) - 2.5 x loss%; MOS = 1 + 0.035 R +
// 7e-6 R (R - 60)(100 - R). Like rtpengine it takes whole milliseconds of jitter, whole
// percent of loss, and reports MOS x10 cut to an integer, so both relays print the same
// figure for the same report. Allocation-free: samples live in fixed storage.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace rtprelay::media {

// MOS x10 (10-45) for loss in whole percent, jitter in ms and round-trip time in ms.
unsigned mos_x10(unsigned loss_percent, unsigned jitter_ms, double rtt_ms);

// One reading of a stream's quality, in the units of rtpengine's replies.
struct QualitySample {
	unsigned mos = 0;        // x10
	uint32_t rtt_us = 0;     // both legs, as far as known
	uint32_t rtt_leg_us = 0; // between the relay and the reporting party
	uint32_t jitter_ms = 0;
	uint32_t loss_percent = 0;
	int64_t at_ms = 0; // CLOCK_REALTIME
};

// The samples of one stream: the lowest, highest and running sums for the average, and the
// latest kProgression readings in order.
class MosHistory {
public:
	static constexpr size_t kProgression = 16;

	void add(const QualitySample& s);

	uint64_t samples() const { return samples_; }
	const QualitySample& lowest() const { return lowest_; }
	const QualitySample& highest() const { return highest_; }
	// Field by field mean of every sample (at_ms: the latest).
	QualitySample average() const;
	// The i-th oldest of the kept readings, i < progression_size().
	const QualitySample& progression(size_t i) const;
	size_t progression_size() const
	{
		return samples_ < kProgression ? samples_ : kProgression;
	}

private:
	uint64_t samples_ = 0;
	QualitySample lowest_, highest_, latest_;
	uint64_t sum_mos_ = 0, sum_rtt_ = 0, sum_leg_ = 0, sum_jitter_ = 0, sum_loss_ = 0;
	std::array<QualitySample, kProgression> ring_{};
};

} // namespace rtprelay::media
