// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/call_stats.h"

#include <algorithm>
#include <cmath>
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
	v.set("family", Value::string(ep.ip().is_v6() ? "IPv6" : "IPv4"));
	v.set("address", str(arena, ep.ip().to_string()));
	v.set("port", Value::integer(ep.port()));
	return v;
}

Value counters(Arena& arena, uint64_t packets, uint64_t bytes, uint64_t errors)
{
	Value v = Value::dict(arena);
	v.set("packets", Value::integer(static_cast<int64_t>(packets)));
	v.set("bytes", Value::integer(static_cast<int64_t>(bytes)));
	v.set("errors", Value::integer(static_cast<int64_t>(errors)));
	return v;
}

Value stream_value(Arena& arena, const call::StreamSnapshot& s)
{
	Value v = Value::dict(arena);
	v.set("local port", Value::integer(s.local.port()));
	v.set("local address", str(arena, s.local.ip().to_string()));
	v.set("family", Value::string(s.local.ip().is_v6() ? "IPv6" : "IPv4"));
	if (s.endpoint)
		v.set("endpoint", endpoint_value(arena, *s.endpoint));
	if (s.advertised)
		v.set("advertised endpoint", endpoint_value(arena, *s.advertised));
	v.set("last packet", Value::integer(s.last_packet_ms / 1000));
	v.set("last kernel packet", Value::integer(s.last_kernel_packet_ms / 1000));
	Value flags = Value::list(arena);
	flags.push(Value::string(s.rtcp ? "RTCP" : "RTP"));
	if (s.endpoint)
		flags.push(Value::string("filled"));
	if (s.confirmed)
		flags.push(Value::string("confirmed"));
	if (s.kernelized)
		flags.push(Value::string("kernelized"));
	v.set("flags", flags);
	if (s.userspace_only)
		v.set("userspace only", Value::string(s.userspace_only));
	// rtpengine's key: the suite of what the relay sends this party.
	if (!s.encrypt_suite.empty())
		v.set("crypto suite", Value::string(s.encrypt_suite));
	Value srtp = Value::dict(arena);
	srtp.set("decrypt",
	         s.decrypt_suite.empty() ? Value::string("none") : Value::string(s.decrypt_suite));
	srtp.set("encrypt",
	         s.encrypt_suite.empty() ? Value::string("none") : Value::string(s.encrypt_suite));
	v.set("SRTP", srtp);
	if (!s.ssrcs.empty())
		v.set("SSRC", Value::integer(s.ssrcs.front().ssrc));
	Value stats = counters(arena, s.packets, s.bytes, s.errors);
	stats.set("forwarded", Value::integer(static_cast<int64_t>(s.forwarded)));
	v.set("stats", stats);
	v.set("kernel stats", counters(arena, s.kernel_packets, s.kernel_bytes, s.kernel_errors));
	Value drops = Value::dict(arena);
	for (size_t i = 0; i < s.drops.size(); i++)
		drops.set(media::kDropReasonNames[i],
		          Value::integer(static_cast<int64_t>(s.drops[i])));
	v.set("drops", drops);
	// Someone else sent to this port while the party's address was being learned.
	v.set("learning contested", Value::integer(static_cast<int64_t>(s.learning_contested)));
	return v;
}

Value media_value(Arena& arena, const call::MediaSnapshot& m)
{
	Value v = Value::dict(arena);
	v.set("index", Value::integer(m.index));
	v.set("type", str(arena, m.type));
	v.set("protocol", str(arena, m.protocol));
	Value streams = Value::list(arena);
	for (const auto& s : m.streams)
		streams.push(stream_value(arena, s));
	v.set("streams", streams);
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
	v.set("flags", flags);
	return v;
}

// rtpengine's MOS block: MOS x10, round-trip time in us, jitter in ms, loss in percent.
Value mos_value(Arena& arena, const call::SsrcSnapshot& s, int64_t at_ms)
{
	double loss =
	        s.expected ? 100.0 * static_cast<double>(s.lost) / static_cast<double>(s.expected)
	                   : 0;
	double mos = estimate_mos(loss, s.jitter_ms, 0);
	Value v = Value::dict(arena);
	v.set("MOS", Value::integer(stat_integer(mos * 10)));
	v.set("round-trip time", Value::integer(0));
	v.set("jitter", Value::integer(s.jitter_ms));
	v.set("packet loss", Value::integer(stat_integer(loss)));
	v.set("reported at", Value::integer(at_ms / 1000));
	return v;
}

Value ssrc_value(Arena& arena, const call::SsrcSnapshot& ss, int64_t now)
{
	Value entry = Value::dict(arena);
	Value mos = mos_value(arena, ss, now);
	entry.set("average MOS", mos);
	entry.set("lowest MOS", mos);
	entry.set("highest MOS", mos);
	entry.set("packets", Value::integer(static_cast<int64_t>(ss.packets)));
	entry.set("lost", Value::integer(static_cast<int64_t>(ss.lost)));
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
	Value ssrcs = Value::dict(arena);
	for (bool named : {true, false})
		for (const auto* s : streams) {
			size_t end = named ? std::min<size_t>(1, s->ssrcs.size()) : s->ssrcs.size();
			for (size_t k = named ? 0 : 1; k < end; k++) {
				if (ssrcs.as_dict().size() >= kMaxListedSsrcs)
					return ssrcs;
				const auto& ss = s->ssrcs[k];
				ssrcs.set(arena.copy(std::to_string(ss.ssrc)),
				          ssrc_value(arena, ss, now));
			}
		}
	return ssrcs;
}

} // namespace

int64_t stat_integer(double x)
{
	return std::llround(x);
}

double estimate_mos(double loss_percent, double jitter_ms, double rtt_ms)
{
	double latency = rtt_ms / 2 + jitter_ms * 2 + 10;
	double r = latency < 160 ? 93.2 - latency / 40 : 93.2 - (latency - 120) / 10;
	r -= loss_percent * 2.5;
	r = std::clamp(r, 0.0, 100.0);
	double mos = 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
	return std::clamp(mos, 1.0, 4.5);
}

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
		tag.set("tag", str(arena, ml.tag));
		if (!ml.label.empty())
			tag.set("label", str(arena, ml.label));
		tag.set("created", Value::integer(ml.created_ms / 1000));
		if (!ml.peer_tag.empty())
			tag.set("in dialogue with", str(arena, ml.peer_tag));
		Value medias = Value::list(arena);
		for (size_t j = 0; j < listed[i]; j++)
			medias.push(media_value(arena, ml.medias[j]));
		omitted_medias += ml.medias.size() - listed[i];
		tag.set("medias", medias);
		tags.set(arena.copy(ml.tag), tag);
	}
	Value ssrcs = listed_ssrcs(snap, listed, now, arena);
	reply.set("SSRC", ssrcs);
	reply.set("tags", tags);
	Value total = Value::dict(arena);
	total.set("RTP", counters(arena, totals[0][0], totals[0][1], totals[0][2]));
	total.set("RTCP", counters(arena, totals[1][0], totals[1][1], totals[1][2]));
	reply.set("totals", total);

	std::sort(all_ssrcs.begin(), all_ssrcs.end());
	size_t distinct = static_cast<size_t>(std::unique(all_ssrcs.begin(), all_ssrcs.end()) -
	                                      all_ssrcs.begin());
	size_t omitted_ssrcs = distinct - ssrcs.as_dict().size();
	if (omitted_medias || omitted_ssrcs) {
		Value truncated = Value::dict(arena);
		truncated.set("medias", Value::integer(static_cast<int64_t>(omitted_medias)));
		truncated.set("SSRC", Value::integer(static_cast<int64_t>(omitted_ssrcs)));
		reply.set("truncated", truncated);
	}
}

} // namespace rtprelay::ng
