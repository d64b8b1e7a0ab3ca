// Per-stream receive accounting.
#include "rx_stream.h"

#include <algorithm>

namespace rtpload {
namespace {

constexpr uint32_t kMaxTrackedIndex = 1u << 28; // 32 MiB of bitmap per stream at most

} // namespace

void RxCounters::add(const RxCounters& o)
{
	unique += o.unique;
	duplicates += o.duplicates;
	reordered += o.reordered;
	header_changed += o.header_changed;
	foreign += o.foreign;
	wrong_source += o.wrong_source;
	srtp_errors += o.srtp_errors;
	srtp_replays += o.srtp_replays;
}

void RxStream::expect(const TxStream& sender, size_t payload_len)
{
	expected_ = sender;
	payload_len_ = payload_len;
}

void RxStream::set_epoch(uint8_t epoch)
{
	epoch_ = epoch;
	window_ = {};
}

bool RxStream::first_copy(uint32_t index)
{
	if (index >= kMaxTrackedIndex)
		return true;
	size_t word = index / 64;
	if (word >= seen_.size())
		seen_.resize(std::max(word + 1, seen_.size() * 2), 0);
	uint64_t bit = uint64_t{1} << (index % 64);
	bool first = !(seen_[word] & bit);
	seen_[word] |= bit;
	return first;
}

void RxStream::on_packet(const RxPacket& pkt, int64_t now_ns, Histogram& latency)
{
	const Probe& p = pkt.probe;
	if (p.stream_id != expected_.stream_id) {
		window_.foreign++;
		return;
	}
	total_++;
	bool first = first_copy(p.index);
	bool late = static_cast<int64_t>(p.index) < highest_;
	if (static_cast<int64_t>(p.index) > highest_)
		highest_ = p.index;
	if (p.epoch != epoch_)
		return;
	if (!first) {
		window_.duplicates++;
		return;
	}
	window_.unique++;
	if (late)
		window_.reordered++;
	uint16_t seq = static_cast<uint16_t>(expected_.seq_base + p.index);
	uint32_t ts = expected_.ts_base + p.index * kSamplesPerPacket;
	if (pkt.seq != seq || pkt.ts != ts || pkt.ssrc != expected_.ssrc || pkt.pt != 0 ||
	    pkt.payload_len != payload_len_)
		window_.header_changed++;
	latency.add(now_ns - p.sent_ns);
}

} // namespace rtpload
