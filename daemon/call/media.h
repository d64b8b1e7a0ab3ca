// SPDX-License-Identifier: GPL-3.0-or-later
// One m= line of one party (monologue): the protocol and addresses that party announced, and
// the relay's socket pair facing it. `peer` is the same m= line of the other party, where
// packets received here are sent. Lives on its call's media loop.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "call/stream.h"
#include "media/interfaces.h"
#include "net/address.h"

namespace rtprelay::call {

struct Monologue;

struct Media {
	Media(Monologue& owner, int idx) : monologue(owner), index(idx) {}
	Media(const Media&) = delete;
	Media& operator=(const Media&) = delete;

	Monologue& monologue;
	int index;                // 1-based position of the m= line
	std::string type;         // audio, video, ...
	std::string protocol;     // what this party speaks (RTP/AVP, ...)
	bool rejected = false;    // port 0
	bool hold = false;        // c=0.0.0.0 (the old way to put a call on hold)
	bool sends = true;        // effective direction allows this party to send
	bool offered_mux = false; // this party's SDP carried a=rtcp-mux
	bool rtcp_mux = false;    // RTCP shares the RTP port with this party
	bool accept_mux = false;  // rtcp-mux=accept was asked when this party offered

	std::optional<net::Endpoint> sdp_rtp;    // where the party's SDP says it receives RTP
	std::optional<net::Endpoint> sdp_rtcp;   // ... and RTCP
	media::Stream::ClockRates clock_rates{}; // per payload type; 0 = unknown
	std::vector<uint8_t> payload_types;      // the m= line's formats, in order

	media::Allocation allocation; // sockets facing this party; empty until allocated
	Stream rtp{*this, Stream::Component::kRtp};
	Stream rtcp{*this, Stream::Component::kRtcp};
	Media* peer = nullptr;

	bool allocated() const { return allocation.address != nullptr; }
	const net::IpAddress& advertised() const { return allocation.address->advertised(); }
};

} // namespace rtprelay::call
