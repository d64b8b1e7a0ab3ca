// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/stream.h"

namespace rtprelay::media {

void Stream::attach(size_t i, BoundSocket* s)
{
	Receiver& r = receivers[i];
	if (r.socket == s)
		return;
	r.read_event.reset();
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

void Stream::follow_ice()
{
	ice_generation = ice->generation();
	unsigned c = ice_component();
	if (const auto& selected = ice->selected(c)) {
		learning.select(*selected);
		size_t local = ice->selected_local(c);
		if (local < receivers.size() && receivers[local].socket)
			socket = receivers[local].socket;
	} else {
		learning.reset_for_ice();
		socket = receivers[0].socket;
	}
}

} // namespace rtprelay::media
