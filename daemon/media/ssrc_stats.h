// SPDX-License-Identifier: GPL-3.0-or-later
// Per-SSRC reception statistics of RFC 3550 (sequence tracking with probation, A.1; loss,
// A.3; interarrival jitter, A.8), computed by kernel-module/rtp.h, the code the kernel module
// runs for its targets: the daemon's figures and the kernel's mean the same. Allocation-free;
// owned by a stream and touched only on its media loop.
#pragma once

#include <array>
#include <cstdint>

#include "media/mos.h"
#include "media/rtp.h"

namespace rtprelay::media {

class SsrcStats {
public:
	explicit SsrcStats(uint32_t ssrc = 0) : ssrc_(ssrc) {}

	// arrival is in RTP timestamp units of the payload's clock (0: no clock rate, no jitter).
	void on_packet(uint16_t seq, uint32_t rtp_timestamp, uint64_t arrival_ts_units);

	uint32_t ssrc() const { return ssrc_; }

	// The clock rate of payload type `pt` in `by_type`, remembered with the last payload type
	// it was read for: the table sits with the call's m= line, on cache lines the packet path
	// touches for nothing else. Signalling that changes the table calls forget_clock_rate.
	uint32_t clock_rate(uint8_t pt, const std::array<uint32_t, 128>& by_type)
	{
		if (pt != rate_type_) {
			rate_type_ = pt;
			rate_ = by_type[pt & 0x7f];
		}
		return rate_;
	}
	void forget_clock_rate() { rate_type_ = kNoType; }
	uint64_t packets() const { return packets_; } // every packet, probation and copies too
	uint32_t extended_highest() const { return rp_seq_ext_max(&seq_); }
	uint64_t expected() const { return rp_seq_expected(&seq_); } // 0 until valid
	// Expected minus received: below zero only when late copies arrived (A.3).
	int64_t lost() const { return rp_seq_lost(&seq_); }
	uint64_t duplicates() const { return seq_.duplicates; }
	// Interarrival jitter in timestamp units (RFC 3550 A.8, the /16 smoothed value).
	uint32_t jitter() const { return rp_jitter(&seq_); }

	// The relay's own MOS estimate, for calls without RTCP: every kSamplePackets packets (5 s
	// of 20 ms audio) one sample from the loss of that interval (A.3's expected and lost
	// since the previous sample), the current jitter, and the round trip RTCP timed, if any.
	static constexpr uint64_t kSamplePackets = 250;
	bool sample_due() const { return packets_ % kSamplePackets == 0; } // after on_packet
	void sample(int64_t now_ms, uint32_t clock_rate, uint32_t rtt_us, uint32_t rtt_leg_us);
	const MosHistory& estimated() const { return estimated_; }

private:
	static constexpr uint16_t kNoType = 0xffff; // no payload type is this
	// What each packet reads first, 80 bytes; the rest is touched every 250.
	uint32_t ssrc_;
	uint16_t rate_type_ = kNoType;
	uint32_t rate_ = 0;
	uint64_t packets_ = 0;
	rp_seq_state seq_{};
	uint64_t sampled_expected_ = 0;
	int64_t sampled_lost_ = 0;
	MosHistory estimated_;
};

} // namespace rtprelay::media
