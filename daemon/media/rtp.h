// In-place views of RTP and RTCP headers (RFC 3550) and the RTP/RTCP demultiplexing rule of
// RFC 5761. Pure functions over a byte span: no allocation, usable on the packet path and in
// unit tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace rtprelay::media {

inline uint16_t read_be16(const uint8_t* p)
{
	return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

inline uint32_t read_be32(const uint8_t* p)
{
	return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
	       static_cast<uint32_t>(p[2]) << 8 | p[3];
}

struct RtpHeader {
	uint8_t payload_type;
	bool marker;
	uint16_t sequence;
	uint32_t timestamp;
	uint32_t ssrc;
	size_t header_length; // including CSRCs and the extension
};

enum class PacketKind { kRtp, kRtcp, kOther };

// RFC 5761 4: version 2 and a second byte of 192-223 (RTCP packet types 200-204 and the range
// kept free of RTP payload types) is RTCP; other version-2 packets are RTP; STUN, DTLS and
// anything else is kOther.
inline PacketKind classify(std::span<const uint8_t> p)
{
	if (p.size() < 4 || (p[0] >> 6) != 2)
		return PacketKind::kOther;
	return p[1] >= 192 && p[1] <= 223 ? PacketKind::kRtcp : PacketKind::kRtp;
}

// nullopt if the packet is too short for its header, CSRC list or extension, or not version 2.
inline std::optional<RtpHeader> parse_rtp(std::span<const uint8_t> p)
{
	if (p.size() < 12 || (p[0] >> 6) != 2)
		return std::nullopt;
	size_t len = 12 + 4 * static_cast<size_t>(p[0] & 0x0f);
	if (p[0] & 0x10) { // extension: 4-byte header, then length in 32-bit words
		if (p.size() < len + 4)
			return std::nullopt;
		len += 4 + 4 * static_cast<size_t>(read_be16(&p[len + 2]));
	}
	if (p.size() < len)
		return std::nullopt;
	return RtpHeader{static_cast<uint8_t>(p[1] & 0x7f),
	                 (p[1] & 0x80) != 0,
	                 read_be16(&p[2]),
	                 read_be32(&p[4]),
	                 read_be32(&p[8]),
	                 len};
}

// The sender SSRC of an RTCP compound packet's first packet; nullopt if too short.
inline std::optional<uint32_t> rtcp_sender_ssrc(std::span<const uint8_t> p)
{
	if (p.size() < 8 || (p[0] >> 6) != 2)
		return std::nullopt;
	return read_be32(&p[4]);
}

} // namespace rtprelay::media
