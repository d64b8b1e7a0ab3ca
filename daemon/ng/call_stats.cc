// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/call_stats.h"

#include <algorithm>
#include <string>
#include <vector>

namespace rtprelay::ng {
namespace {

Value str(Arena& arena, std::string_view s)
{
	return Value::string(arena.copy(s));
}

Value endpoint_value(Arena& arena, const net::Endpoint& ep)
{
	Value v = Value::dict(arena);
	v.append("family", Value::string(ep.ip().is_v6() ? "IPv6" : "IPv4"));
	v.append("address", str(arena, ep.ip().to_string()));
	v.append("port", Value::integer(ep.port()));
	return v;
}

Value counters(Arena& arena, uint64_t packets, uint64_t bytes, uint64_t errors)
{
	Value v = Value::dict(arena);
	v.append("packets", Value::integer(static_cast<int64_t>(packets)));
	v.append("bytes", Value::integer(static_cast<int64_t>(bytes)));
	v.append("errors", Value::integer(static_cast<int64_t>(errors)));
	return v;
}

Value stream_value(Arena& arena, const call::StreamSnapshot& s)
{
	Value v = Value::dict(arena, 16); // the most keys it gets below
	v.append("local port", Value::integer(s.local.port()));
	v.append("local address", str(arena, s.local.ip().to_string()));
	v.append("family", Value::string(s.local.ip().is_v6() ? "IPv6" : "IPv4"));
	if (s.endpoint)
		v.append("endpoint", endpoint_value(arena, *s.endpoint));
	if (s.advertised)
		v.append("advertised endpoint", endpoint_value(arena, *s.advertised));
	v.append("last packet", Value::integer(s.last_packet_ms / 1000));
	v.append("last kernel packet", Value::integer(s.last_kernel_packet_ms / 1000));
	Value flags = Value::list(arena);
	flags.push(Value::string(s.rtcp ? "RTCP" : "RTP"));
	if (s.endpoint)
		flags.push(Value::string("filled"));
	if (s.confirmed)
		flags.push(Value::string("confirmed"));
	if (s.kernelized)
		flags.push(Value::string("kernelized"));
	v.append("flags", flags);
	if (s.userspace_only)
		v.append("userspace only", Value::string(s.userspace_only));
	// rtpengine's key: the suite of what the relay sends this party.
	if (!s.encrypt_suite.empty())
		v.append("crypto suite", Value::string(s.encrypt_suite));
	Value srtp = Value::dict(arena);
	srtp.append("decrypt", s.decrypt_suite.empty() ? Value::string("none")
	                                               : Value::string(s.decrypt_suite));
	srtp.append("encrypt", s.encrypt_suite.empty() ? Value::string("none")
	                                               : Value::string(s.encrypt_suite));
	v.append("SRTP", srtp);
	if (!s.ssrcs.empty())
		v.append("SSRC", Value::integer(s.ssrcs.front().ssrc));
	Value stats = counters(arena, s.packets, s.bytes, s.errors);
	stats.append("forwarded", Value::integer(static_cast<int64_t>(s.forwarded)));
	v.append("stats", stats);
	v.append("kernel stats",
	         counters(arena, s.kernel_packets, s.kernel_bytes, s.kernel_errors));
	Value drops = Value::dict(arena, s.drops.size());
	for (size_t i = 0; i < s.drops.size(); i++)
		drops.append(media::kDropReasonNames[i],
		             Value::integer(static_cast<int64_t>(s.drops[i])));
	v.append("drops", drops);
	// Someone else sent to this port while the party's address was being learned.
	v.append("learning contested", Value::integer(static_cast<int64_t>(s.learning_contested)));
	return v;
}

Value media_value(Arena& arena, const call::MediaSnapshot& m)
{
	Value v = Value::dict(arena);
	v.append("index", Value::integer(m.index));
	v.append("type", str(arena, m.type));
	v.append("protocol", str(arena, m.protocol));
	Value streams = Value::list(arena);
	for (const auto& s : m.streams)
		streams.push(stream_value(arena, s));
	v.append("streams", streams);
	Value flags = Value::list(arena);
	flags.push(Value::string("initialized"));
	if (m.sends)
		flags.push(Value::string("send"));
	if (m.receives)
		flags.push(Value::string("recv"));
	if (m.rtcp_mux)
		flags.push(Value::string("rtcp-mux"));
	if (m.rejected)
		flags.push(Value::string("rejected"));
	if (m.hold)
		flags.push(Value::string("hold"));
	if (m.sdes)
		flags.push(Value::string("SDES"));
	v.append("flags", flags);
	return v;
}

// One MOS reading as rtpengine prints it: MOS x10, round-trip times in us, jitter in ms,
// loss in percent; then `samples` (the average) or `reported at` (a single reading, seconds).
Value sample_value(Arena& arena, const media::QualitySample& q, const char* last, int64_t value)
{
	Value v = Value::dict(arena);
	v.append("MOS", Value::integer(q.mos));
	v.append("round-trip time", Value::integer(q.rtt_us));
	v.append("round-trip time leg", Value::integer(q.rtt_leg_us));
	v.append("jitter", Value::integer(q.jitter_ms));
	v.append("packet loss", Value::integer(q.loss_percent));
	v.append(last, Value::integer(value));
	return v;
}

Value ssrc_value(Arena& arena, const call::SsrcSnapshot& ss, int64_t now, bool progress)
{
	media::MosHistory h = ss.mos(now);
	Value entry = Value::dict(arena);
	entry.append("cumulative loss", Value::integer(ss.cumulative_lost));
	entry.append("average MOS", sample_value(arena, h.average(), "samples",
	                                         static_cast<int64_t>(h.samples())));
	entry.append("lowest MOS",
	             sample_value(arena, h.lowest(), "reported at", h.lowest().at_ms / 1000));
	entry.append("highest MOS",
	             sample_value(arena, h.highest(), "reported at", h.highest().at_ms / 1000));
	if (!progress)
		return entry;
	Value progression = Value::dict(arena);
	// rtpengine 10.5 prints 0 when it samples per RTCP report, as this relay does (or per
	// SsrcStats::kSamplePackets packets): there is no fixed interval.
	progression.append("interval", Value::integer(0));
	Value entries = Value::list(arena);
	for (size_t i = 0; i < h.progression_size(); i++) {
		const media::QualitySample& q = h.progression(i);
		entries.push(sample_value(arena, q, "reported at", q.at_ms / 1000));
	}
	progression.append("entries", entries);
	entry.append("MOS progression", progression);
	// Ours: what the relay itself received of this SSRC, and where the figures come from.
	entry.append("packets", Value::integer(static_cast<int64_t>(ss.packets)));
	entry.append("lost", Value::integer(static_cast<int64_t>(ss.lost)));
	entry.append("source", Value::string(ss.reported ? "RTCP" : "estimated"));
	return entry;
}

// How many m= lines of each party the reply lists: m= line 1 of every party, then line 2 of
// every party, and so on while the streams fit in kMaxListedStreams. Both ends of a call keep
// their first (usually audio) m= lines, which is what Kamailio's mos_* AVPs read.
std::vector<size_t> listed_medias(const call::CallSnapshot& snap)
{
	std::vector<size_t> listed(snap.monologues.size(), 0);
	size_t budget = kMaxListedStreams;
	for (size_t index = 0;; index++) {
		bool any = false;
		for (size_t i = 0; i < snap.monologues.size(); i++) {
			const auto& medias = snap.monologues[i].medias;
			if (index >= medias.size())
				continue;
			if (medias[index].streams.size() > budget)
				return listed;
			budget -= medias[index].streams.size();
			listed[i] = index + 1;
			any = true;
		}
		if (!any)
			return listed;
	}
}

// The SSRC dictionary for the listed streams: first the SSRC each stream names (its `SSRC`
// key, which Kamailio looks up here), then the others, up to kMaxListedSsrcs.
Value listed_ssrcs(const call::CallSnapshot& snap, const std::vector<size_t>& listed, int64_t now,
                   Arena& arena)
{
	std::vector<const call::StreamSnapshot*> streams;
	for (size_t i = 0; i < snap.monologues.size(); i++)
		for (size_t j = 0; j < listed[i]; j++)
			for (const auto& s : snap.monologues[i].medias[j].streams)
				streams.push_back(&s);
	size_t total = 0;
	for (const auto* s : streams)
		total += s->ssrcs.size();
	// Each MOS progression takes up to 2 KB: only a reply of few SSRCs has room for them.
	bool progress = total <= kMaxProgressionSsrcs;
	Value ssrcs = Value::dict(arena);
	for (bool named : {true, false})
		for (const auto* s : streams) {
			size_t end = named ? std::min<size_t>(1, s->ssrcs.size()) : s->ssrcs.size();
			for (size_t k = named ? 0 : 1; k < end; k++) {
				if (ssrcs.as_dict().size() >= kMaxListedSsrcs)
					return ssrcs;
				const auto& ss = s->ssrcs[k];
				ssrcs.set(arena.copy(std::to_string(ss.ssrc)),
				          ssrc_value(arena, ss, now, progress));
			}
		}
	return ssrcs;
}

} // namespace

void add_call_stats(Value& reply, const call::CallSnapshot& snap, Arena& arena)
{
	reply.set("created", Value::integer(snap.created_ms / 1000));
	reply.set("created_us", Value::integer(snap.created_ms % 1000 * 1000));
	reply.set("last signal", Value::integer(snap.last_signal_ms / 1000));

	uint64_t totals[2][3] = {}; // [RTP, RTCP][packets, bytes, errors]
	int64_t now = snap.last_signal_ms;
	std::vector<uint32_t> all_ssrcs;
	for (const auto& ml : snap.monologues)
		for (const auto& m : ml.medias)
			for (const auto& s : m.streams) {
				auto& t = totals[s.rtcp ? 1 : 0];
				t[0] += s.packets;
				t[1] += s.bytes;
				t[2] += s.errors;
				now = std::max(now, s.last_packet_ms);
				for (const auto& ss : s.ssrcs)
					all_ssrcs.push_back(ss.ssrc);
			}

	std::vector<size_t> listed = listed_medias(snap);
	size_t omitted_medias = 0;
	Value tags = Value::dict(arena);
	for (size_t i = 0; i < snap.monologues.size(); i++) {
		const auto& ml = snap.monologues[i];
		Value tag = Value::dict(arena);
		tag.append("tag", str(arena, ml.tag));
		if (!ml.label.empty())
			tag.append("label", str(arena, ml.label));
		tag.append("created", Value::integer(ml.created_ms / 1000));
		if (!ml.peer_tag.empty())
			tag.append("in dialogue with", str(arena, ml.peer_tag));
		Value medias = Value::list(arena);
		for (size_t j = 0; j < listed[i]; j++)
			medias.push(media_value(arena, ml.medias[j]));
		omitted_medias += ml.medias.size() - listed[i];
		tag.append("medias", medias);
		tags.set(arena.copy(ml.tag), tag);
	}
	Value ssrcs = listed_ssrcs(snap, listed, now, arena);
	reply.set("SSRC", ssrcs);
	reply.set("tags", tags);
	Value total = Value::dict(arena);
	total.append("RTP", counters(arena, totals[0][0], totals[0][1], totals[0][2]));
	total.append("RTCP", counters(arena, totals[1][0], totals[1][1], totals[1][2]));
	reply.set("totals", total);

	std::sort(all_ssrcs.begin(), all_ssrcs.end());
	size_t distinct = static_cast<size_t>(std::unique(all_ssrcs.begin(), all_ssrcs.end()) -
	                                      all_ssrcs.begin());
	size_t omitted_ssrcs = distinct - ssrcs.as_dict().size();
	if (omitted_medias || omitted_ssrcs) {
		Value truncated = Value::dict(arena);
		truncated.append("medias", Value::integer(static_cast<int64_t>(omitted_medias)));
		truncated.append("SSRC", Value::integer(static_cast<int64_t>(omitted_ssrcs)));
		reply.set("truncated", truncated);
	}
}

} // namespace rtprelay::ng
