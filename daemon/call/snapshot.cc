// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/snapshot.h"

#include <algorithm>

#include "call/kernelizer.h"

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
	out.learning_contested = s.learning.contested();
	out.packets = s.stats.packets;
	out.bytes = s.stats.bytes;
	out.errors = s.stats.errors;
	out.forwarded = s.stats.forwarded;
	out.drops = s.stats.drops;
	out.last_packet_ms = s.stats.last_packet_ms;
	out.kernelized = s.kernel.active();
	out.userspace_only = userspace_only(s);
	if (s.decrypt)
		out.decrypt_suite = s.decrypt->suite().name;
	if (s.encrypt)
		out.encrypt_suite = s.encrypt->suite().name;
	out.kernel_packets = s.kernel.packets;
	out.kernel_bytes = s.kernel.bytes;
	out.kernel_errors = s.kernel.errors;
	out.last_kernel_packet_ms = s.kernel.last_packet_ms;

	// Jitter is kept in timestamp units; report ms at the media's first clock rate (audio 8
	// kHz unless its payload types say otherwise).
	uint32_t rate = m.clock_rates.first ? m.clock_rates.first : 8000;
	auto ms = [rate](uint32_t units) {
		return static_cast<uint32_t>(uint64_t{units} * 1000 / rate);
	};
	// Userspace and the kernel count with the same code (kernel-module/rtp.h), each from its
	// own start: packets, expected and lost add up (a late copy can make one side's loss
	// negative, so the sum is clamped, not each part); the current jitter is the live target's
	// when it carries the SSRC, else userspace's.
	std::vector<int64_t> lost;
	for (size_t i = 0; i < s.stats.ssrc_count; i++) {
		const media::SsrcStats& st = s.stats.ssrcs[i];
		out.ssrcs.push_back({st.ssrc(), st.packets(), 0, st.expected(), ms(st.jitter())});
		out.ssrcs.back().history = st.estimated();
		lost.push_back(st.lost());
	}
	KernelSsrcs kernel_ssrcs;
	size_t n = s.kernel.ssrcs(kernel_ssrcs);
	for (size_t i = 0; i < n; i++) {
		const KernelSsrc& k = kernel_ssrcs[i];
		auto it = std::find_if(out.ssrcs.begin(), out.ssrcs.end(),
		                       [&](const SsrcSnapshot& x) { return x.ssrc == k.ssrc; });
		bool known = it != out.ssrcs.end();
		if (!known) {
			it = out.ssrcs.insert(out.ssrcs.end(), SsrcSnapshot{k.ssrc});
			lost.push_back(0);
		}
		it->packets += k.packets;
		it->expected += k.expected;
		lost[static_cast<size_t>(it - out.ssrcs.begin())] += k.lost;
		if (k.live || !known)
			it->jitter_ms = ms(k.jitter);
	}
	for (size_t i = 0; i < out.ssrcs.size(); i++) {
		out.ssrcs[i].lost = static_cast<uint64_t>(std::max<int64_t>(lost[i], 0));
		out.ssrcs[i].cumulative_lost = static_cast<int64_t>(out.ssrcs[i].lost);
	}
	out.kernel_to_userspace = s.kernel.to_userspace();
	return out;
}

// The receiver's reports about `ssrc`: they arrive on the stream facing the receiver, any
// stream of the call; the most reported source wins.
const media::RtcpSource* reported(const Call& call, uint32_t ssrc)
{
	const media::RtcpSource* best = nullptr;
	for (const auto& ml : call.monologues())
		for (const auto& media : ml->medias)
			for (const Stream* s : {&media->rtp, &media->rtcp}) {
				const media::RtcpSource* r = s->stats.rtcp.source(ssrc);
				if (r && r->history.samples() &&
				    (!best || r->reports > best->reports))
					best = r;
			}
	return best;
}

void add_reports(const Call& call, CallSnapshot& c)
{
	for (auto& ml : c.monologues)
		for (auto& m : ml.medias)
			for (auto& s : m.streams)
				for (auto& ss : s.ssrcs)
					if (const media::RtcpSource* r = reported(call, ss.ssrc)) {
						ss.reported = true;
						ss.cumulative_lost = r->cumulative_lost;
						ss.jitter_ms = r->jitter_ms;
						ss.history = r->history;
					}
}

} // namespace

media::MosHistory SsrcSnapshot::mos(int64_t now_ms) const
{
	if (history.samples())
		return history;
	media::QualitySample q;
	q.loss_percent = expected ? static_cast<uint32_t>(lost * 100 / expected) : 0;
	q.jitter_ms = jitter_ms;
	q.mos = media::mos_x10(q.loss_percent, q.jitter_ms, 0);
	q.at_ms = now_ms;
	media::MosHistory h;
	h.add(q);
	return h;
}

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
			ms.receives = media->receives;
			ms.sdes = !media->crypto_out.empty();
			ms.hold = media->hold;
			if (media->allocated()) {
				ms.streams.push_back(stream_snapshot(media->rtp, *media));
				ms.streams.push_back(stream_snapshot(media->rtcp, *media));
			}
			m.medias.push_back(std::move(ms));
		}
		c.monologues.push_back(std::move(m));
	}
	add_reports(call, c);
	return c;
}

} // namespace rtprelay::call
