// The RTP packets rtpload sends: a 12-byte header (PT 0, PCMU) and a payload whose first
// 24 bytes carry a probe (magic, stream id, packet index, epoch, send time); the rest is
// µ-law silence. Packet path: no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace rtpload {

constexpr size_t kRtpHeaderLen = 12;
constexpr size_t kProbeLen = 24;
constexpr uint32_t kProbeMagic = 0x52544c44; // "RTLD"
constexpr uint32_t kSamplesPerPacket = 160;  // 20 ms of 8 kHz audio

struct TxStream {
	uint32_t ssrc = 0;
	uint16_t seq_base = 0;
	uint32_t ts_base = 0;
	uint32_t stream_id = 0;
	uint32_t next_index = 0; // index of the next packet = packets sent so far
};

struct Probe {
	uint32_t stream_id = 0;
	uint32_t index = 0;
	uint8_t epoch = 0;
	int64_t sent_ns = 0;
};

// A received packet as far as rtpload checks it.
struct RxPacket {
	uint16_t seq = 0;
	uint32_t ts = 0;
	uint32_t ssrc = 0;
	uint8_t pt = 0;
	size_t payload_len = 0;
	Probe probe;
};

// Fills the constant parts (version, PT, silence); `buf` must hold kRtpHeaderLen + payload_len.
void init_packet(std::span<uint8_t> buf);
// Writes header fields and probe for packet `index` of stream `s`.
void stamp_packet(std::span<uint8_t> buf, const TxStream& s, uint32_t index, uint8_t epoch,
                  int64_t now_ns);
// False for anything that is not RTP v2 carrying a probe.
bool parse_packet(std::span<const uint8_t> buf, RxPacket& out);

} // namespace rtpload
