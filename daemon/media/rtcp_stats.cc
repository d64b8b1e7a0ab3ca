// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/rtcp_stats.h"

namespace rtprelay::media {
namespace {

// A leg longer than this is a stale or foreign LSR, not a round trip.
constexpr int64_t kMaxLegUs = 10'000'000;

} // namespace

void RtcpStats::remember_clock(uint32_t ssrc, uint32_t middle, int64_t arrival_us)
{
	clocks_[next_clock_] = {ssrc, middle, arrival_us};
	next_clock_ = (next_clock_ + 1) % kClocks;
}

uint32_t RtcpStats::answered_leg(const RtcpStats* peer, uint32_t source, uint32_t lsr,
                                 uint32_t dlsr, int64_t arrival_us)
{
	if (!peer || !lsr)
		return 0; // LSR 0: the reporter has had no clock from that source yet
	for (const Clock& c : peer->clocks_) {
		if (c.ssrc != source || c.middle != lsr || !c.arrival_us)
			continue;
		// DLSR is in 1/65536 s.
		int64_t leg = arrival_us - c.arrival_us - (int64_t{dlsr} * 1000000 >> 16);
		return leg > 0 && leg < kMaxLegUs ? static_cast<uint32_t>(leg) : 0;
	}
	return 0;
}

RtcpSource& RtcpStats::source_slot(uint32_t ssrc)
{
	for (size_t i = 0; i < source_count_; i++)
		if (sources_[i].ssrc == ssrc)
			return sources_[i];
	size_t i = source_count_ < kSources ? source_count_++ : next_replace_++ % kSources;
	sources_[i] = RtcpSource{};
	sources_[i].ssrc = ssrc;
	return sources_[i];
}

const RtcpSource* RtcpStats::source(uint32_t ssrc) const
{
	for (size_t i = 0; i < source_count_; i++)
		if (sources_[i].ssrc == ssrc)
			return &sources_[i];
	return nullptr;
}

void RtcpStats::sample(RtcpSource& src, uint32_t loss_percent, uint32_t rtt_us, int64_t arrival_us)
{
	QualitySample s;
	s.rtt_leg_us = rtt_leg_us_;
	// Both legs as far as known; a reporter's own end-to-end figure (XR) wins.
	s.rtt_us = rtt_us ? rtt_us : this->rtt_us();
	s.jitter_ms = src.jitter_ms;
	s.loss_percent = loss_percent;
	s.mos = mos_x10(loss_percent, s.jitter_ms, s.rtt_us / 1000.0);
	s.at_ms = arrival_us / 1000;
	src.history.add(s);
}

void RtcpStats::on_packet(const RtcpCompound& c, int64_t arrival_us, const RtcpStats* peer,
                          uint32_t clock_rate)
{
	packets_++;
	if (peer && peer->rtt_leg_us_)
		peer_leg_us_ = peer->rtt_leg_us_;
	uint64_t rate = clock_rate ? clock_rate : 8000;
	for (size_t i = 0; i < c.sender_count; i++)
		remember_clock(c.senders[i].ssrc, c.senders[i].ntp_middle(), arrival_us);
	for (size_t i = 0; i < c.rrtr_count; i++)
		remember_clock(c.rrtr[i].reporter, c.rrtr[i].ntp_middle(), arrival_us);
	for (size_t i = 0; i < c.dlrr_count; i++) {
		const RtcpDlrr& d = c.dlrr[i];
		if (uint32_t leg = answered_leg(peer, d.receiver, d.lrr, d.dlrr, arrival_us))
			rtt_leg_us_ = leg;
	}
	for (size_t i = 0; i < c.block_count; i++) {
		const RtcpReportBlock& b = c.blocks[i];
		if (uint32_t leg = answered_leg(peer, b.source, b.lsr, b.dlsr, arrival_us))
			rtt_leg_us_ = leg;
		RtcpSource& src = source_slot(b.source);
		src.reporter = b.reporter;
		src.fraction_lost = b.fraction_lost;
		src.cumulative_lost = b.cumulative_lost;
		src.jitter_ms = static_cast<uint32_t>(uint64_t{b.jitter} * 1000 / rate);
		src.reports++;
		sample(src, b.fraction_lost * 100u / 256, 0, arrival_us);
	}
	for (size_t i = 0; i < c.voip_count; i++) {
		const RtcpVoipMetrics& v = c.voip[i];
		RtcpSource& src = source_slot(v.source);
		src.reporter = v.reporter;
		src.reports++;
		// Lost plus discarded by the jitter buffer: both are gaps the listener hears.
		unsigned gone = v.loss_rate + v.discard_rate;
		sample(src, (gone > 255 ? 255 : gone) * 100u / 256, v.round_trip_delay_ms * 1000u,
		       arrival_us);
	}
}

} // namespace rtprelay::media
