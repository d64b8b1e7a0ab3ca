// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/session_text.h"

#include <cinttypes>

#include "util/strings.h"

namespace rtprelay::cli {
namespace {

std::string endpoint_text(const call::StreamSnapshot& s)
{
	if (s.endpoint)
		return s.endpoint->to_string();
	if (s.advertised)
		return s.advertised->to_string();
	return "none"; // the party's SDP named no address for this stream yet
}

// rtpengine's port line, then what an operator of a kernel relay asks first: who forwards.
std::string stream_line(const call::StreamSnapshot& s)
{
	uint32_t ssrc = s.ssrcs.empty() ? 0 : s.ssrcs.front().ssrc;
	std::string local = s.local.to_string();
	std::string peer = endpoint_text(s);
	return strprintf("-------- Port %21s <> %21s%s, SSRC %" PRIx32 ", %" PRIu64 " p, %" PRIu64
	                 " b, %" PRIu64 " e, %" PRId64 " ts, %s\n",
	                 local.c_str(), peer.c_str(), s.rtcp ? " (RTCP)" : "", ssrc, s.packets,
	                 s.bytes, s.errors, s.last_packet_ms / 1000,
	                 s.kernelized ? "kernel" : "userspace");
}

std::string monologue_text(const call::MonologueSnapshot& m, bool first, int64_t now_ms)
{
	std::string out = strprintf(
	        "--- Tag '%s', type: %s, label '%s', branch '', callduration %.6f\n",
	        printable(m.tag, 256).c_str(), first ? "FROM_TAG" : "TO_TAG",
	        printable(m.label, 256).c_str(), static_cast<double>(now_ms - m.created_ms) / 1000);
	if (!m.peer_tag.empty())
		out += "---     subscribed to '" + printable(m.peer_tag, 256) + "'\n";
	for (const auto& media : m.medias) {
		out += strprintf("------ Media #%d (%s over %s)%s\n", media.index,
		                 media.type.c_str(), media.protocol.c_str(),
		                 media.rejected ? " rejected" : "");
		for (const auto& s : media.streams)
			out += stream_line(s);
	}
	return out;
}

} // namespace

std::string session_line(const call::CallSnapshot& call)
{
	return strprintf("callid: %60s | deletionmark:%4s | created:%12" PRId64
	                 " | proxy:- | redis_keyspace:0 | foreign:no\n",
	                 printable(call.call_id, 256).c_str(), "no", call.created_ms / 1000);
}

std::string foreign_line(const call::CallStore::Foreign& call)
{
	return strprintf("callid: %60s | deletionmark:%4s | created:%12" PRId64
	                 " | proxy:- | redis_keyspace:0 | foreign:yes\n",
	                 printable(call.call_id, 256).c_str(), "no", call.created_ms / 1000);
}

std::string session_details(const call::CallSnapshot& call, int tos, int64_t now_ms)
{
	std::string out =
	        strprintf("\ncallid: %s\ndeletionmark: no\ncreated: %" PRId64
	                  "\ntos: %d\nlast_signal: %" PRId64 "\nredis_keyspace: 0\nforeign: no\n\n",
	                  printable(call.call_id, 256).c_str(), call.created_ms / 1000, tos,
	                  call.last_signal_ms / 1000);
	for (size_t i = 0; i < call.monologues.size(); i++)
		out += monologue_text(call.monologues[i], i == 0, now_ms);
	out += "\n";
	return out;
}

} // namespace rtprelay::cli
