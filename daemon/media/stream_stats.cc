// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/stream_stats.h"

namespace rtprelay::media {

SsrcStats& StreamStats::ssrc(uint32_t id)
{
	for (size_t i = 0; i < ssrc_count; i++)
		if (ssrcs[i].ssrc() == id)
			return ssrcs[i];
	if (ssrc_count < kMaxSsrcs) {
		ssrcs[ssrc_count] = SsrcStats(id);
		return ssrcs[ssrc_count++];
	}
	size_t least = 0;
	for (size_t i = 1; i < kMaxSsrcs; i++)
		if (ssrcs[i].packets() < ssrcs[least].packets())
			least = i;
	ssrcs[least] = SsrcStats(id);
	return ssrcs[least];
}

} // namespace rtprelay::media
