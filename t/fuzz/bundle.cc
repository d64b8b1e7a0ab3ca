// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for BUNDLE demultiplexing (media/bundle_demux.h), which reads what any
// stranger sends to a BUNDLE transport: RTP header extensions and RTCP compounds must be read
// within their bounds, and every answer must name one of the configured m= lines.
// Input: byte 0 picks the MID extension id, byte 1 the payload type of line 1 (line 0 has 111,
// line 2 shares line 1's); the rest is a run of datagrams, each a length byte then its bytes,
// taken as RTP where it parses as RTP and as RTCP in any case; each one's SSRC is also taken
// as one the relay sent on a line.
#include <cstdint>
#include <span>
#include <vector>

#include "media/bundle_demux.h"

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
	if (size < 2)
		return 0;
	uint8_t pt = data[1] & 0x7f;
	std::vector<BundleDemux::Line> lines = {
	        {"0", {111}, {0x11111111}}, {"1", {pt}, {}}, {"video2", {pt, 97}, {0x22222222}}};
	BundleDemux d;
	d.configure(lines, data[0]);
	check(d.lines() == lines.size());
	for (size_t at = 2; at < size;) {
		size_t len = data[at++];
		if (len > size - at)
			len = size - at;
		std::span<const uint8_t> p(data + at, len);
		at += len;
		if (auto h = parse_rtp(p)) {
			if (auto line = d.rtp(p, *h))
				check(*line < lines.size());
			d.sent(h->ssrc, h->ssrc % lines.size());
		}
		check(d.rtcp(p) < lines.size());
	}
	return 0;
}
