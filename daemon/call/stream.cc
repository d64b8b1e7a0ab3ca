// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/stream.h"

#include "call/kernelizer.h"
#include "call/media.h"
#include "call/media_dtls.h"

namespace rtprelay::call {

Stream::Stream(Media& owner, Component c) : media::Stream(c, owner.clock_rates), media(owner) {}

media::Stream* Stream::sink(bool rtcp, size_t line)
{
	const Media& from = line && line < media.bundled.size() ? *media.bundled[line] : media;
	Media* peer = from.peer;
	if (!peer || !peer->allocated() || peer->rejected)
		return nullptr;
	Media& to = peer->carrier();
	return rtcp && !to.rtcp_mux ? &to.rtcp : &to.rtp;
}

void Stream::after_packets(media::MediaLoop& reader)
{
	// `dtls` is set wherever the m= line can have an association (dtls_after_signalling):
	// without it, packets need not touch the m= line's cache lines.
	if (dtls)
		dtls_after_packets(media);
	kernel_sync_after_packets(*this, reader);
}

bool Stream::take_dtls(const net::Endpoint& source, size_t local, std::span<const uint8_t> datagram)
{
	return dtls_datagram(media, *this, source, local, datagram);
}

} // namespace rtprelay::call
