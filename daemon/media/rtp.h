// SPDX-License-Identifier: GPL-3.0-or-later
// In-place views of RTP and RTCP headers (RFC 3550) and the RTP/RTCP demultiplexing rule of
// RFC 5761, for the packet path: thin C++ faces of kernel-module/rtp.h, the one implementation
// the kernel module runs too, so both sides classify and count packets the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

// C in kernel style: its casts are C casts.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wuseless-cast"
#endif
#include "../../kernel-module/rtp.h"
#pragma GCC diagnostic pop

namespace rtprelay::media {

struct RtpHeader {
	uint8_t payload_type;
	bool marker;
	uint16_t sequence;
	uint32_t timestamp;
	uint32_t ssrc;
	size_t header_length;  // including CSRCs and the extension
	size_t payload_length; // without padding
};

enum class PacketKind { kRtp, kRtcp, kOther };

// rp_kind(): a version-2 packet with a second byte of 192-223 and at least 8 bytes is RTCP
// (RFC 5761 4; rtp.h says why 8), one with a whole 12-byte RTP header is RTP; STUN, DTLS,
// anything shorter and anything else is kOther.
inline PacketKind classify(std::span<const uint8_t> p)
{
	switch (rp_kind(p.data(), p.size())) {
	case RP_KIND_RTP: return PacketKind::kRtp;
	case RP_KIND_RTCP: return PacketKind::kRtcp;
	default: return PacketKind::kOther;
	}
}

// nullopt if not version 2, or too short for its header, CSRC list, extension or padding.
inline std::optional<RtpHeader> parse_rtp(std::span<const uint8_t> p)
{
	rp_rtp_info info;
	if (rp_rtp_parse(p.data(), p.size(), &info))
		return std::nullopt;
	return RtpHeader{info.pt,   info.marker != 0, info.seq,        info.ts,
	                 info.ssrc, info.hdr_len,     info.payload_len};
}

// The sender SSRC of an RTCP compound packet's first packet; nullopt unless RTCP.
inline std::optional<uint32_t> rtcp_sender_ssrc(std::span<const uint8_t> p)
{
	if (!rp_is_rtcp(p.data(), p.size()))
		return std::nullopt;
	return rp_be32(&p[4]);
}

} // namespace rtprelay::media
