#include "call/snapshot.h"

namespace rtprelay::call {
namespace {

StreamSnapshot stream_snapshot(const Stream& s, const Media& m)
{
	StreamSnapshot out;
	out.rtcp = s.component == Stream::Component::kRtcp;
	if (s.socket)
		out.local = s.socket->local;
	out.endpoint = s.learning.destination();
	out.advertised = out.rtcp ? m.sdp_rtcp : m.sdp_rtp;
	out.learned = s.learning.learned();
	out.confirmed = s.learning.confirmed();
	out.packets = s.stats.packets;
	out.bytes = s.stats.bytes;
	out.errors = s.stats.errors;
	out.forwarded = s.stats.forwarded;
	out.drops = s.stats.drops;
	out.last_packet_ms = s.stats.last_packet_ms;
	for (size_t i = 0; i < s.stats.ssrc_count; i++) {
		const media::SsrcStats& st = s.stats.ssrcs[i];
		// Jitter is kept in timestamp units; report ms at the dominant clock rate (audio 8
		// kHz unless the media says otherwise for its first static/dynamic payload type).
		uint32_t rate = 8000;
		for (uint32_t r : m.clock_rates)
			if (r) {
				rate = r;
				break;
			}
		out.ssrcs.push_back({st.ssrc(), st.packets(), st.lost(), st.expected(),
		                     static_cast<uint32_t>(uint64_t{st.jitter()} * 1000 / rate)});
	}
	return out;
}

} // namespace

CallSnapshot snapshot(const Call& call)
{
	CallSnapshot c;
	c.call_id = call.id();
	c.created_ms = call.created_ms();
	c.last_signal_ms = call.last_signal_ms;
	for (const auto& ml : call.monologues()) {
		MonologueSnapshot m;
		m.tag = ml->tag;
		m.label = ml->label;
		m.peer_tag = ml->peer ? ml->peer->tag : "";
		m.created_ms = ml->created_ms;
		for (const auto& media : ml->medias) {
			MediaSnapshot ms;
			ms.index = media->index;
			ms.type = media->type;
			ms.protocol = media->protocol;
			ms.rejected = media->rejected;
			ms.rtcp_mux = media->rtcp_mux;
			ms.sends = media->sends;
			ms.hold = media->hold;
			if (media->allocated()) {
				ms.streams.push_back(stream_snapshot(media->rtp, *media));
				ms.streams.push_back(stream_snapshot(media->rtcp, *media));
			}
			m.medias.push_back(std::move(ms));
		}
		c.monologues.push_back(std::move(m));
	}
	return c;
}

} // namespace rtprelay::call
