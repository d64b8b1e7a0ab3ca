// The SDP a PCMU phone would send, and extraction of the audio address/port from the relay's
// rewritten SDP (the only thing rtpload needs from it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"

namespace rtpload {

struct MediaEndpoint {
	std::string addr;
	uint16_t port = 0;
};

std::string make_pcmu_sdp(std::string_view addr, uint16_t port, uint64_t session_id);

// The first m=audio line's port and the connection address that applies to it (media-level
// c= over session-level c=).
Result<MediaEndpoint> parse_audio_endpoint(std::string_view sdp);

} // namespace rtpload
