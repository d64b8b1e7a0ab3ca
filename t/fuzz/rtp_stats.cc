// libFuzzer target for the RTP/RTCP views and RFC 3550 statistics that the daemon and the
// kernel module share (kernel-module/rtp.h): arbitrary packets must classify and parse the same
// way through both faces, within their bounds; arbitrary sequences of sequence numbers,
// timestamps and arrival times must keep kernel-module/rtp_check.h's invariants (no negative
// loss beyond what late copies explain, jitter bounded by the largest transit difference), and
// SsrcStats must report exactly what rtp.h computes. UBSan catches overflow and bad shifts.
//
// Input: records. A tag byte below 0x80 is a compact record of 6 more bytes (sequence number,
// timestamp step, arrival step; 16 bits each) fed to the statistics directly; a tag of 0x80 or
// more is a packet of (tag & 0x7f) bytes after a 16-bit arrival step.
#include <cstdint>
#include <span>

#include "media/ssrc_stats.h"
#include "media/stream_stats.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include "../../kernel-module/rtp_check.h"
#pragma GCC diagnostic pop

using namespace rtprelay::media;

namespace {

void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

// One tracker through SsrcStats, and the same packets through rtp.h directly.
struct Tracker {
	SsrcStats stats{1};
	rp_seq_state mirror{};
	uint64_t fed = 0;
	uint32_t max_d = 0;

	void feed(uint16_t seq, uint32_t ts, uint32_t arrival)
	{
		stats.on_packet(seq, ts, arrival);
		rp_seq_update(&mirror, seq);
		if (arrival) {
			if (mirror.have_transit) {
				uint32_t d = rp_transit_delta(mirror.transit, ts, arrival);
				max_d = d > max_d ? d : max_d;
			}
			rp_jitter_update(&mirror, ts, arrival);
		}
		fed++;
		check(rp_seq_invariants(&mirror, fed, max_d) == nullptr);
		check(stats.packets() == fed);
		check(stats.expected() == rp_seq_expected(&mirror));
		check(stats.lost() == rp_seq_lost(&mirror));
		check(stats.extended_highest() == rp_seq_ext_max(&mirror));
		check(stats.duplicates() == mirror.duplicates);
		check(stats.jitter() == rp_jitter(&mirror));
		rp_seq_fraction_lost(&mirror); // any interval, for UBSan
	}
};

uint16_t be16(const uint8_t* p)
{
	return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

void packet(std::span<const uint8_t> p, uint32_t arrival, Tracker& t, StreamStats& streams)
{
	int cls = rp_classify(p.data(), p.size());
	int kind = rp_kind(p.data(), p.size());
	PacketKind k = classify(p);
	check((kind == RP_KIND_RTP) == (k == PacketKind::kRtp));
	check((kind == RP_KIND_RTCP) == (k == PacketKind::kRtcp));
	check(kind == RP_KIND_OTHER || cls == RP_CLASS_RTP);
	check(rtcp_sender_ssrc(p).has_value() == (kind == RP_KIND_RTCP));

	auto h = parse_rtp(p);
	check(!h || kind != RP_KIND_OTHER); // a parsed header is at least RTP-sized
	if (!h)
		return;
	check(h->header_length >= RP_RTP_HDR_LEN);
	check(h->header_length + h->payload_length <= p.size());
	if (kind != RP_KIND_RTP)
		return; // RTCP parses as RTP too; only RTP is counted
	t.feed(h->sequence, h->timestamp, arrival);
	streams.ssrc(h->ssrc).on_packet(h->sequence, h->timestamp, arrival);
	check(streams.ssrc_count <= StreamStats::kMaxSsrcs);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	Tracker t;
	StreamStats streams;
	uint32_t ts = 0, arrival = 1; // arrival 0 means "no clock rate"
	size_t at = 0;
	while (at < size) {
		uint8_t tag = data[at++];
		if (tag < 0x80) {
			if (size - at < 6)
				break;
			uint16_t seq = be16(data + at);
			ts += be16(data + at + 2);
			arrival += be16(data + at + 4);
			at += 6;
			t.feed(seq, ts, arrival ? arrival : 1);
			continue;
		}
		if (size - at < 2)
			break;
		arrival += be16(data + at);
		at += 2;
		size_t len = tag & 0x7f;
		if (len > size - at)
			len = size - at;
		packet({data + at, len}, arrival ? arrival : 1, t, streams);
		at += len;
	}
	return 0;
}
