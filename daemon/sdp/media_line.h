// SPDX-License-Identifier: GPL-3.0-or-later
// The m= line (RFC 8866 5.14): media type, port with optional port count, transport
// protocol and formats, and the classification of the protocol the relay bridges between
// (plain RTP, SDES-SRTP, DTLS-SRTP, with or without feedback). Plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace rtprelay::sdp {

// m=audio 4000/2 RTP/AVP 0: at most this many consecutive port pairs.
inline constexpr uint32_t kMaxPortCount = 16;

enum class Protocol {
	kRtpAvp,         // RTP/AVP
	kRtpAvpf,        // RTP/AVPF
	kRtpSavp,        // RTP/SAVP
	kRtpSavpf,       // RTP/SAVPF
	kUdpTlsRtpSavp,  // UDP/TLS/RTP/SAVP
	kUdpTlsRtpSavpf, // UDP/TLS/RTP/SAVPF
	kOther,          // anything else, kept verbatim (udptl, TCP/MRCPv2, UDP/BFCP, ...)
};

Protocol protocol_from_name(std::string_view name);
// The canonical name; "" for kOther.
std::string_view protocol_name(Protocol p);
bool is_rtp(Protocol p);  // every value but kOther
bool is_srtp(Protocol p); // SAVP/SAVPF, with or without DTLS
bool is_dtls(Protocol p); // UDP/TLS/...
bool is_avpf(Protocol p); // ...AVPF and ...SAVPF

struct MediaLine {
	std::string type; // audio, video, application, image, ...
	uint16_t port = 0;
	uint32_t port_count = 1; // 1 when the line has no "/count"
	std::string protocol;
	std::vector<std::string> formats;

	// "<type> <port>[/<count>] <proto> [<fmt> ...]". Formats may be missing (some stacks
	// write rejected streams that way).
	static Result<MediaLine> parse(std::string_view value);
	// Fields are cleaned (see clean_field); "/count" only when port_count > 1, capped at
	// kMaxPortCount.
	std::string to_string() const;
	Protocol protocol_kind() const { return protocol_from_name(protocol); }

	bool operator==(const MediaLine&) const = default;
};

} // namespace rtprelay::sdp
