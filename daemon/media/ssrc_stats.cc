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

} // namespace rtprelay::media
