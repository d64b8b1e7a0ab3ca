#include "media/ssrc_stats.h"

namespace rtprelay::media {

namespace {
constexpr uint32_t kMaxDropout = 3000;
constexpr uint32_t kMaxMisorder = 100;
constexpr uint32_t kSeqMod = 1 << 16;
constexpr uint32_t kMinSequential = 2;
} // namespace

void SsrcStats::init_sequence(uint16_t seq)
{
	base_seq_ = seq;
	max_seq_ = seq;
	bad_seq_ = kSeqMod + 1;
	cycles_ = 0;
	received_ = 0;
}

void SsrcStats::on_packet(uint16_t seq, uint32_t rtp_timestamp, uint64_t arrival)
{
	packets_++;
	// RFC 3550 A.1 update_seq.
	uint16_t udelta = static_cast<uint16_t>(seq - max_seq_);
	if (!probation_ && udelta == 0) {
		duplicates_++; // a copy of the newest packet: neither new nor lost
	} else if (probation_) {
		if (packets_ > 1 && seq == static_cast<uint16_t>(max_seq_ + 1)) {
			probation_--;
			max_seq_ = seq;
			if (probation_ == 0) {
				init_sequence(seq);
				received_ = kMinSequential;
				base_seq_ = static_cast<uint16_t>(seq - (kMinSequential - 1));
			}
		} else {
			probation_ = kMinSequential - 1;
			max_seq_ = seq;
		}
	} else if (udelta < kMaxDropout) {
		if (seq < max_seq_)
			cycles_ += kSeqMod;
		max_seq_ = seq;
		received_++;
	} else if (udelta <= kSeqMod - kMaxMisorder) {
		if (seq == bad_seq_) {
			// Two sequential packets after a big jump: the source restarted.
			init_sequence(seq);
			received_ = 1;
		} else {
			bad_seq_ = (seq + 1u) & (kSeqMod - 1);
		}
	} else {
		received_++; // reordered (or an older duplicate) from the recent past
	}

	// RFC 3550 A.8: J += (|D| - J) / 16, kept scaled by 16.
	if (arrival == 0)
		return;
	int64_t transit = static_cast<int64_t>(arrival) - static_cast<int64_t>(rtp_timestamp);
	if (have_transit_) {
		int64_t d = transit - last_transit_;
		if (d < 0)
			d = -d;
		jitter_ += static_cast<uint64_t>(d) - ((jitter_ + 8) >> 4);
	}
	last_transit_ = transit;
	have_transit_ = true;
}

uint64_t SsrcStats::expected() const
{
	if (probation_)
		return 0;
	return static_cast<uint64_t>(extended_highest()) - base_seq_ + 1;
}

uint64_t SsrcStats::lost() const
{
	uint64_t exp = expected();
	return exp > received_ ? exp - received_ : 0;
}

} // namespace rtprelay::media
