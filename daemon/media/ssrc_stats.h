// Per-SSRC reception statistics of RFC 3550: extended sequence tracking with the probation
// and wrap rules of appendix A.1, and interarrival jitter (A.8). Pure and allocation-free;
// owned by a stream and touched only on its media loop.
#pragma once

#include <cstdint>

namespace rtprelay::media {

class SsrcStats {
public:
	explicit SsrcStats(uint32_t ssrc = 0) : ssrc_(ssrc) {}

	// arrival is in RTP timestamp units of the payload's clock (0 clock rate: no jitter).
	void on_packet(uint16_t seq, uint32_t rtp_timestamp, uint64_t arrival_ts_units);

	uint32_t ssrc() const { return ssrc_; }
	uint64_t packets() const { return packets_; }
	uint32_t extended_highest() const { return cycles_ + max_seq_; }
	uint64_t expected() const;
	// Expected minus received; negative with duplicates, reported as 0 then.
	uint64_t lost() const;
	uint64_t duplicates() const { return duplicates_; }
	// Interarrival jitter in timestamp units (RFC 3550 A.8, the /16 smoothed value).
	uint32_t jitter() const { return static_cast<uint32_t>(jitter_ >> 4); }

private:
	void init_sequence(uint16_t seq);

	uint32_t ssrc_;
	uint64_t packets_ = 0;
	uint64_t duplicates_ = 0;
	uint16_t max_seq_ = 0;
	uint32_t cycles_ = 0;
	uint32_t base_seq_ = 0;
	uint32_t bad_seq_ = 0x10001;
	uint32_t probation_ = 2; // packets in sequence before the source counts as valid
	uint64_t received_ = 0;  // counted once valid
	int64_t last_transit_ = 0;
	bool have_transit_ = false;
	uint64_t jitter_ = 0; // scaled by 16
};

} // namespace rtprelay::media
