// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/ssrc_stats.h"

namespace rtprelay::media {

void SsrcStats::on_packet(uint16_t seq, uint32_t rtp_timestamp, uint64_t arrival)
{
	packets_++;
	rp_seq_update(&seq_, seq);
	// A.8 works modulo 2^32 like the timestamps it is compared with.
	if (arrival)
		rp_jitter_update(&seq_, rtp_timestamp, static_cast<uint32_t>(arrival));
}

void SsrcStats::sample(int64_t now_ms, uint32_t clock_rate, uint32_t rtt_us, uint32_t rtt_leg_us)
{
	uint64_t expected = this->expected();
	int64_t lost = this->lost();
	uint64_t interval = expected - sampled_expected_;
	int64_t gone = lost - sampled_lost_; // below zero: late copies of earlier losses
	sampled_expected_ = expected;
	sampled_lost_ = lost;
	if (!interval)
		return; // still on probation: nothing counted yet
	QualitySample q;
	q.loss_percent = gone > 0 ? static_cast<uint32_t>(uint64_t(gone) * 100 / interval) : 0;
	q.jitter_ms =
	        clock_rate ? static_cast<uint32_t>(uint64_t{jitter()} * 1000 / clock_rate) : 0;
	q.rtt_us = rtt_us;
	q.rtt_leg_us = rtt_leg_us;
	q.mos = mos_x10(q.loss_percent, q.jitter_ms, rtt_us / 1000.0);
	q.at_ms = now_ms;
	estimated_.add(q);
}

} // namespace rtprelay::media
