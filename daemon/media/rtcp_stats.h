// SPDX-License-Identifier: GPL-3.0-or-later
// What the RTCP one party sends says about quality, kept on the stream that receives it: the
// reports about each media source (loss and jitter as the party, a receiver, measured them,
// with a MOS sampled on every report), the arrival times of the party's own clocks (SR, and
// XR RRTR for parties that only receive), and the round-trip time between the relay and the
// party.
//
// Round-trip time, as the relay sees it (RFC 3550 6.4.1 and RFC 3611 4.4/4.5 from the middle):
// party A's SR (NTP middle bits M) passes the relay at t1 on A's stream and reaches party B;
// B's report block about A carries LSR = M and DLSR = how long B held it, and passes the relay
// at t2 on B's stream. t2 - t1 - DLSR is the round trip relay -> B -> relay: B's leg. B's
// stream finds t1 in the clocks of its RTCP sink, the stream facing A, where the SR arrived.
// B's leg plus A's leg (timed the same way from B's SRs) is the round trip between the parties
// through the relay. Both times are the relay's clock: the parties' clocks never enter.
// Allocation-free; touched only on the stream's media loop.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "media/mos.h"
#include "media/rtcp.h"

namespace rtprelay::media {

// The latest report about one media source received here, and the MOS history made of them.
struct RtcpSource {
	uint32_t ssrc = 0;     // the source reported on
	uint32_t reporter = 0; // the SSRC of the party that reported
	uint8_t fraction_lost = 0;
	int32_t cumulative_lost = 0;
	uint32_t jitter_ms = 0;
	uint64_t reports = 0;
	MosHistory history;
};

class RtcpStats {
public:
	static constexpr size_t kClocks = 8, kSources = 4;

	// One compound packet that arrived here at `arrival_us` (CLOCK_REALTIME). `peer`: the
	// RTCP stats of the stream facing the other party (where the clocks these reports answer
	// passed), or null. `clock_rate`: of the reported media, for jitter in ms (0: 8000).
	void on_packet(const RtcpCompound& c, int64_t arrival_us, const RtcpStats* peer,
	               uint32_t clock_rate);

	// This party's leg (relay -> party -> relay) in us from its latest answered clock; 0
	// until one is answered.
	uint32_t rtt_leg_us() const { return rtt_leg_us_; }
	// Both legs: this party's and, as of this stream's latest report, the other party's.
	uint32_t rtt_us() const { return rtt_leg_us_ + peer_leg_us_; }
	const RtcpSource* source(uint32_t ssrc) const;
	uint64_t packets() const { return packets_; }

private:
	struct Clock {
		uint32_t ssrc = 0, middle = 0;
		int64_t arrival_us = 0;
	};

	void remember_clock(uint32_t ssrc, uint32_t middle, int64_t arrival_us);
	// The leg timed by an answer (LSR/DLSR or LRR/DLRR) to a clock `peer` saw; 0 if unknown.
	static uint32_t answered_leg(const RtcpStats* peer, uint32_t source, uint32_t lsr,
	                             uint32_t dlsr, int64_t arrival_us);
	RtcpSource& source_slot(uint32_t ssrc);
	void sample(RtcpSource& src, uint32_t loss_percent, uint32_t rtt_us, int64_t arrival_us);

	std::array<Clock, kClocks> clocks_{};
	size_t next_clock_ = 0;
	std::array<RtcpSource, kSources> sources_{};
	size_t source_count_ = 0, next_replace_ = 0;
	uint32_t rtt_leg_us_ = 0, peer_leg_us_ = 0;
	uint64_t packets_ = 0;
};

} // namespace rtprelay::media
