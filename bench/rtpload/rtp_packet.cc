// Building and parsing rtpload's RTP packets, big-endian on the wire.
#include "rtp_packet.h"

#include <cstring>

namespace rtpload {
namespace {

void put16(uint8_t* p, uint16_t v)
{
	p[0] = static_cast<uint8_t>(v >> 8);
	p[1] = static_cast<uint8_t>(v);
}

void put32(uint8_t* p, uint32_t v)
{
	put16(p, static_cast<uint16_t>(v >> 16));
	put16(p + 2, static_cast<uint16_t>(v));
}

uint16_t get16(const uint8_t* p)
{
	return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

uint32_t get32(const uint8_t* p)
{
	return uint32_t{get16(p)} << 16 | get16(p + 2);
}

} // namespace

void init_packet(std::span<uint8_t> buf)
{
	std::memset(buf.data(), 0xff, buf.size()); // µ-law silence
	buf[0] = 0x80;                             // V=2, no padding, extension or CSRC
	buf[1] = 0;                                // M=0, PT=0 (PCMU)
}

void stamp_packet(std::span<uint8_t> buf, const TxStream& s, uint32_t index, uint8_t epoch,
                  int64_t now_ns)
{
	uint8_t* h = buf.data();
	put16(h + 2, static_cast<uint16_t>(s.seq_base + index));
	put32(h + 4, s.ts_base + index * kSamplesPerPacket);
	put32(h + 8, s.ssrc);
	uint8_t* p = h + kRtpHeaderLen;
	put32(p, kProbeMagic);
	put32(p + 4, s.stream_id);
	put32(p + 8, index);
	p[12] = epoch;
	std::memset(p + 13, 0, 3);
	uint64_t t = static_cast<uint64_t>(now_ns);
	put32(p + 16, static_cast<uint32_t>(t >> 32));
	put32(p + 20, static_cast<uint32_t>(t));
}

bool parse_packet(std::span<const uint8_t> buf, RxPacket& out)
{
	if (buf.size() < kRtpHeaderLen || (buf[0] >> 6) != 2)
		return false;
	size_t off = kRtpHeaderLen + size_t{4} * (buf[0] & 0x0f);
	if (buf[0] & 0x10) { // header extension
		if (buf.size() < off + 4)
			return false;
		off += 4 + size_t{4} * get16(&buf[off + 2]);
	}
	if (buf.size() < off + kProbeLen)
		return false;
	const uint8_t* p = &buf[off];
	if (get32(p) != kProbeMagic)
		return false;
	out.pt = buf[1] & 0x7f;
	out.seq = get16(&buf[2]);
	out.ts = get32(&buf[4]);
	out.ssrc = get32(&buf[8]);
	out.payload_len = buf.size() - off;
	out.probe.stream_id = get32(p + 4);
	out.probe.index = get32(p + 8);
	out.probe.epoch = p[12];
	out.probe.sent_ns = static_cast<int64_t>(uint64_t{get32(p + 16)} << 32 | get32(p + 20));
	return true;
}

} // namespace rtpload
