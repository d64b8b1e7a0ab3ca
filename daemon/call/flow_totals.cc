// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/flow_totals.h"

#include <utility>

namespace rtprelay::call {
namespace {

const StreamSnapshot* rtp_stream(const MediaSnapshot& m)
{
	for (const auto& s : m.streams)
		if (!s.rtcp)
			return &s;
	return nullptr;
}

const MonologueSnapshot* peer_of(const CallSnapshot& snap, const MonologueSnapshot& ml)
{
	for (const auto& other : snap.monologues)
		if (&other != &ml && other.tag == ml.peer_tag)
			return &other;
	return nullptr;
}

// The party's first m= line that has an RTP stream, and the peer's RTP stream of that line.
std::pair<const StreamSnapshot*, const StreamSnapshot*> first_pair(const CallSnapshot& snap,
                                                                   const MonologueSnapshot& ml)
{
	const MonologueSnapshot* peer = peer_of(snap, ml);
	for (const auto& m : ml.medias) {
		const StreamSnapshot* own = rtp_stream(m);
		if (!own)
			continue;
		if (peer)
			for (const auto& pm : peer->medias)
				if (pm.index == m.index)
					return {own, rtp_stream(pm)};
		return {own, nullptr};
	}
	return {nullptr, nullptr};
}

} // namespace

CallFlow call_flow(const CallSnapshot& snap)
{
	CallFlow f;
	for (const auto& ml : snap.monologues) {
		auto [own, sink] = first_pair(snap, ml);
		if (!own || !sink || sink->packets)
			continue;
		if (own->packets)
			f.one_way++;
		else
			f.zero_way = true;
	}
	return f;
}

void FlowTotals::add_call(const CallSnapshot& snap)
{
	CallFlow f = call_flow(snap);
	one_way_.fetch_add(f.one_way, std::memory_order_relaxed);
	if (f.zero_way)
		zero_way_.fetch_add(1, std::memory_order_relaxed);
}

} // namespace rtprelay::call
