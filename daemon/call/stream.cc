// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/stream.h"

#include "call/kernelizer.h"
#include "call/media.h"

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
	kernel_sync_after_packets(*this);
}

} // namespace rtprelay::call
