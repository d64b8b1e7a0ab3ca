// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/stream.h"

#include "media/media_loop.h"

namespace rtprelay::media {

void Stream::drop(DropReason r, uint64_t n)
{
	stats.drops[static_cast<size_t>(r)] += n;
	if (loop) // streams of the call model's unit tests have none
		loop->traffic().drop(r, n);
}

void Stream::attach(size_t i, BoundSocket* s)
{
	Receiver& r = receivers[i];
	if (r.socket == s)
		return;
	r.watch.reset();
	r.socket = s;
	r.overflows_seen = s ? s->drops_base : 0;
	if (i == 0)
		socket = s;
}

void Stream::detach(size_t i)
{
	if (socket == receivers[i].socket)
		socket = receivers[0].socket;
	attach(i, nullptr);
}

namespace {

// The relay's socket of the stream's selected ICE pair, else its first.
BoundSocket* selected_socket(const Stream& s)
{
	unsigned c = s.ice_component();
	size_t local = s.ice->selected_local(c);
	BoundSocket* socket = local < s.receivers.size() ? s.receivers[local].socket : nullptr;
	return s.ice->selected(c) && socket ? socket : s.receivers[0].socket;
}

} // namespace

void Stream::follow_ice()
{
	ice_generation = ice->generation();
	if (const auto& selected = ice->selected(ice_component()))
		learning.select(*selected);
	else
		learning.reset_for_ice();
	socket = selected_socket(*this);
}

void Stream::follow_ice_if_moved()
{
	if (ice->generation() != ice_generation || socket != selected_socket(*this))
		follow_ice();
}

} // namespace rtprelay::media
