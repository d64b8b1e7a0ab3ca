// Receive-side checks for one direction of one call: which packets of the measured epoch
// arrived (loss is derived from the sender's count), duplicates, reordering, and whether the
// relay kept the RTP header intact. Packet path: no allocation except growing the seen-bitmap.
#pragma once

#include <cstdint>
#include <vector>

#include "histogram.h"
#include "rtp_packet.h"

namespace rtpload {

struct RxCounters {
	uint64_t unique = 0;         // first copies of packets sent in the measured epoch
	uint64_t duplicates = 0;     // further copies of those
	uint64_t reordered = 0;      // arrived after a packet sent later
	uint64_t header_changed = 0; // seq, timestamp, SSRC, PT or length differ from what was sent
	uint64_t foreign = 0;        // not rtpload's RTP, or another stream's (crossed calls)
	uint64_t wrong_source = 0;   // from another address than the one this endpoint sends to
	// SRTP endpoints: packets that failed srtp_unprotect and so were not received at all;
	// `srtp_replays` the replay window refused (a duplicate, or older than the window),
	// `srtp_errors` everything else (authentication: wrong key, corrupted packet).
	uint64_t srtp_errors = 0;
	uint64_t srtp_replays = 0;

	void add(const RxCounters& o);
};

class RxStream {
public:
	// The stream this socket should receive: the peer endpoint's transmit stream.
	void expect(const TxStream& sender, size_t payload_len);
	// Starts counting packets stamped with `epoch` from zero; other epochs are only checked.
	void set_epoch(uint8_t epoch);

	void on_packet(const RxPacket& pkt, int64_t now_ns, Histogram& latency);
	void on_foreign() { window_.foreign++; }
	void on_wrong_source() { window_.wrong_source++; }
	void on_srtp_failure(bool replay)
	{
		(replay ? window_.srtp_replays : window_.srtp_errors)++;
	}

	bool flowing() const { return total_ > 0; }
	const RxCounters& window() const { return window_; }

private:
	bool first_copy(uint32_t index);

	TxStream expected_;
	size_t payload_len_ = 0;
	uint8_t epoch_ = 0;
	uint64_t total_ = 0;
	int64_t highest_ = -1;
	std::vector<uint64_t> seen_; // bit per packet index
	RxCounters window_;
};

} // namespace rtpload
