// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/cdr.h"

#include <algorithm>

#include "util/strings.h"

namespace rtprelay::call {
namespace {

// What one party sent (its streams receive it) and how it arrived, over all its SSRCs.
struct Party {
	uint64_t packets = 0, bytes = 0, errors = 0, ssrcs = 0;
	unsigned mos_min = 0, mos_max = 0;
	uint64_t mos_sum = 0, loss_sum = 0, jitter_sum = 0, rtt_max = 0;
};

Party party(const MonologueSnapshot& ml, int64_t now_ms)
{
	Party p;
	for (const auto& m : ml.medias)
		for (const auto& s : m.streams) {
			p.packets += s.packets;
			p.bytes += s.bytes;
			p.errors += s.errors;
			for (const auto& ss : s.ssrcs) {
				media::MosHistory h = ss.mos(now_ms);
				media::QualitySample avg = h.average();
				p.mos_min = p.ssrcs ? std::min(p.mos_min, h.lowest().mos)
				                    : h.lowest().mos;
				p.mos_max = std::max(p.mos_max, h.highest().mos);
				p.mos_sum += avg.mos;
				p.loss_sum += avg.loss_percent;
				p.jitter_sum += avg.jitter_ms;
				p.rtt_max = std::max<uint64_t>(p.rtt_max, avg.rtt_us);
				p.ssrcs++;
			}
		}
	return p;
}

std::string mos(unsigned x10)
{
	return strprintf("%u.%u", x10 / 10, x10 % 10);
}

} // namespace

std::string cdr_line(const CallSnapshot& snap, std::string_view reason, int64_t now_ms)
{
	std::string_view termination = reason.substr(0, reason.find_first_of(":("));
	while (!termination.empty() && termination.back() == ' ')
		termination.remove_suffix(1);
	int64_t duration = now_ms - snap.created_ms;
	std::string line = strprintf(
	        "CDR: callid=%s, created=%lld.%03lld, duration=%lld.%03lld, termination=%.*s",
	        snap.call_id.c_str(), static_cast<long long>(snap.created_ms / 1000),
	        static_cast<long long>(snap.created_ms % 1000),
	        static_cast<long long>(duration / 1000), static_cast<long long>(duration % 1000),
	        static_cast<int>(termination.size()), termination.data());
	for (size_t i = 0; i < snap.monologues.size(); i++) {
		const MonologueSnapshot& ml = snap.monologues[i];
		Party p = party(ml, now_ms);
		line += strprintf(", ml%zu_tag=%s, ml%zu_packets=%llu, ml%zu_bytes=%llu, "
		                  "ml%zu_errors=%llu",
		                  i, ml.tag.c_str(), i, static_cast<unsigned long long>(p.packets),
		                  i, static_cast<unsigned long long>(p.bytes), i,
		                  static_cast<unsigned long long>(p.errors));
		if (!p.ssrcs)
			continue; // no media arrived from this party: no quality to speak of
		line += strprintf(", ml%zu_mos_min=%s, ml%zu_mos_avg=%s, ml%zu_mos_max=%s, "
		                  "ml%zu_packet_loss=%llu, ml%zu_jitter=%llu, ml%zu_rtt=%llu",
		                  i, mos(p.mos_min).c_str(), i,
		                  mos(static_cast<unsigned>(p.mos_sum / p.ssrcs)).c_str(), i,
		                  mos(p.mos_max).c_str(), i,
		                  static_cast<unsigned long long>(p.loss_sum / p.ssrcs), i,
		                  static_cast<unsigned long long>(p.jitter_sum / p.ssrcs), i,
		                  static_cast<unsigned long long>(p.rtt_max));
	}
	return line;
}

} // namespace rtprelay::call
