// The SDP a PCMU phone would send, and what rtpload needs from the relay's rewritten SDP: the
// audio address and port, its transport protocol and its a=crypto attributes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace rtpload {

struct MediaEndpoint {
	std::string addr;
	uint16_t port = 0;
	std::string proto;               // "RTP/AVP", "RTP/SAVP", ...
	std::vector<std::string> crypto; // a=crypto values (after "a=crypto:"), in order
	std::string fingerprint;         // a=fingerprint (media or session level), if any
	std::string setup;               // a=setup, likewise
};

// `crypto`, if not empty, makes the offer RTP/SAVP with that one a=crypto attribute;
// `fingerprint` (a=fingerprint's value), UDP/TLS/RTP/SAVP with a=setup:active.
std::string make_pcmu_sdp(std::string_view addr, uint16_t port, uint64_t session_id,
                          std::string_view crypto = {}, std::string_view fingerprint = {});

// The first m=audio line's port and protocol, the connection address that applies to it
// (media-level c= over session-level c=), its a=crypto attributes, a=fingerprint and a=setup.
Result<MediaEndpoint> parse_audio_endpoint(std::string_view sdp);

} // namespace rtpload
