// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the RTCP reader (media/rtcp.h) and what the packet path does with its
// result (media/rtcp_stats.h): any datagram must parse within its bounds or be refused, never
// fill more than the fixed arrays, and the per-stream state it feeds must stay consistent.
// Input: the datagram itself; the first byte also picks the arrival time step.
#include <cstdint>
#include <span>

#include "media/rtcp.h"
#include "media/rtcp_stats.h"

using namespace rtprelay::media;

namespace {

void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	RtcpCompound c;
	std::span<const uint8_t> p(data, size);
	if (!parse_rtcp(p, c))
		return 0;
	check(c.sender_count <= RtcpCompound::kMaxSenders);
	check(c.block_count <= RtcpCompound::kMaxBlocks);
	check(c.voip_count <= RtcpCompound::kMaxXr && c.rrtr_count <= RtcpCompound::kMaxXr &&
	      c.dlrr_count <= RtcpCompound::kMaxXr);
	// Twice across two streams, so LSRs and LRRs can meet the clocks they answer.
	RtcpStats a, b;
	int64_t t = 1'000'000 + int64_t{size ? data[0] : 0} * 1000;
	a.on_packet(c, t, &b, size ? data[size - 1] * 1000u : 0);
	b.on_packet(c, t + 5000, &a, 8000);
	for (size_t i = 0; i < c.block_count; i++)
		if (const RtcpSource* s = b.source(c.blocks[i].source)) {
			check(s->history.samples() >= 1);
			check(s->history.lowest().mos <= s->history.highest().mos);
			// The cubic dips just below 1 for R of 1-7 (0.989 at worst): 9 after the
			// cut.
			check(s->history.highest().mos <= 44 && s->history.lowest().mos >= 9);
		}
	check(b.rtt_leg_us() < 10'000'000);
	return 0;
}
