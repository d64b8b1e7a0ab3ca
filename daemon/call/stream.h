// SPDX-License-Identifier: GPL-3.0-or-later
// One component (RTP or RTCP) of one party's media, as the call layer owns it: the packet
// path's stream (media::Stream), the m= line it belongs to, and what the kernel does for it.
// Lives on its call's media loop.
#pragma once

#include "call/kernel_state.h"
#include "media/stream.h"

namespace rtprelay::call {

struct Media;

struct Stream final : media::Stream {
	Stream(Media& owner, Component c);

	// Packets go to the peer's m= line (of the m= line `line` of this party's BUNDLE): its
	// RTCP stream when RTCP is not muxed on the peer's side, else its RTP stream; where
	// the peer's party bundles that m= line, to its transport's.
	media::Stream* sink(bool rtcp, size_t line) override;
	// Sets `sinks` from signalling as it stands (Call::reroute).
	void reroute() { sinks = {sink(false, 0), sink(true, 0)}; }
	void after_packets(media::MediaLoop& reader) override;
	// To the m= line's DTLS association (call/media_dtls.h).
	bool take_dtls(const net::Endpoint& source, size_t local,
	               std::span<const uint8_t> datagram) override;

	Media& media;
	KernelState kernel; // destroyed before the base: its target goes before the socket
};

} // namespace rtprelay::call
