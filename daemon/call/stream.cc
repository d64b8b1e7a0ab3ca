// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/stream.h"

#include "call/kernelizer.h"
#include "call/media.h"
#include "call/media_dtls.h"

namespace rtprelay::call {

Stream::Stream(Media& owner, Component c) : media::Stream(c, owner.clock_rates), media(owner) {}

media::Stream* Stream::sink(bool rtcp)
{
	Media* peer = media.peer;
	if (!peer || !peer->allocated() || peer->rejected)
		return nullptr;
	return rtcp && !peer->rtcp_mux ? &peer->rtcp : &peer->rtp;
}

void Stream::after_packets()
{
	dtls_after_packets(media);
	kernel_sync_after_packets(*this);
}

bool Stream::take_dtls(const net::Endpoint& source, std::span<const uint8_t> datagram)
{
	return dtls_datagram(media, *this, source, datagram);
}

} // namespace rtprelay::call
