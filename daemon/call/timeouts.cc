// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/timeouts.h"

#include <algorithm>

#include "util/strings.h"

namespace rtprelay::call {

int64_t last_packet_ms(const Call& call)
{
	int64_t last = 0;
	for (const auto& m : call.monologues())
		for (const auto& media : m->medias)
			last = std::max({last, media->rtp.stats.last_packet_ms,
			                 media->rtcp.stats.last_packet_ms});
	return last;
}

bool is_held(const Call& call)
{
	for (const auto& m : call.monologues())
		for (const auto& media : m->medias)
			if (!media->rejected && (media->hold || !media->sends))
				return true;
	return false;
}

std::optional<std::string> timeout_reason(const Call& call, const RuntimeLimits& limits,
                                          int64_t now)
{
	auto r = std::memory_order_relaxed;
	int final_timeout = limits.final_timeout.load(r);
	int offer_timeout = limits.offer_timeout.load(r);
	if (call.delete_at_ms > 0)
		return now >= call.delete_at_ms
		               ? std::optional<std::string>("deleted (delay expired)")
		               : std::nullopt;
	if (final_timeout > 0 && now - call.created_ms() >= final_timeout * 1000LL)
		return strprintf("final timeout (%d s since the call started)", final_timeout);
	if (call.answered_ms == 0) {
		if (now - call.created_ms() >= offer_timeout * 1000LL)
			return strprintf("offer timeout (not answered within %d s)", offer_timeout);
		return std::nullopt;
	}
	bool held = is_held(call);
	int limit = held ? limits.silent_timeout.load(r) : limits.timeout.load(r);
	int64_t since = std::max(call.answered_ms, last_packet_ms(call));
	if (now - since >= limit * 1000LL)
		return strprintf("%s (no media for %d s)", held ? "silent timeout" : "timeout",
		                 limit);
	return std::nullopt;
}

} // namespace rtprelay::call
