// SPDX-License-Identifier: GPL-3.0-or-later
// list numsessions, list sessions all|own|foreign|<callid>: the calls, from their snapshots.
// Every call of a relay without Redis is its own, so `foreign` lists none.
#include <algorithm>

#include "cli/command.h"
#include "cli/gather.h"
#include "cli/session_text.h"
#include "util/clock.h"
#include "util/strings.h"

namespace rtprelay::cli {
namespace {

struct Families {
	size_t v4_only = 0, v6_only = 0, mixed = 0;
};

// Which address families a call's relay sockets use, counted as rtpengine does.
Families count_families(const Snapshots& snaps)
{
	Families f;
	for (const auto& c : snaps) {
		bool v4 = false, v6 = false;
		for (const auto& m : c.monologues)
			for (const auto& media : m.medias)
				for (const auto& s : media.streams)
					(s.local.ip().is_v6() ? v6 : v4) = true;
		if (v4 && v6)
			f.mixed++;
		else if (v6)
			f.v6_only++;
		else if (v4)
			f.v4_only++;
	}
	return f;
}

void list_all(call::Registry& reg, const Reply& done)
{
	gather_all(reg, [done](Snapshots snaps) {
		if (snaps.empty()) {
			done("No sessions on this media relay.\n");
			return;
		}
		std::sort(snaps.begin(), snaps.end(),
		          [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
		std::string out;
		for (const auto& s : snaps)
			out += session_line(s);
		done(std::move(out));
	});
}

} // namespace

void cmd_numsessions(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	gather_all(ctx.calls, [done](const Snapshots& snaps) {
		Families f = count_families(snaps);
		done(strprintf("Current sessions own: %zu\n"
		               "Current sessions foreign: 0\n"
		               "Current sessions total: %zu\n"
		               "Current transcoded media: 0\n"
		               "Current sessions ipv4 only media: %zu\n"
		               "Current sessions ipv6 only media: %zu\n"
		               "Current sessions ip mixed  media: %zu\n",
		               snaps.size(), snaps.size(), f.v4_only, f.v6_only, f.mixed));
	});
}

void cmd_sessions(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	if (args.empty()) {
		done(std::string(kMoreParameters));
		return;
	}
	std::string_view which = args[0];
	if (which == "all" || which == "own") {
		list_all(ctx.calls, done);
		return;
	}
	if (which == "foreign") {
		done("No foreign sessions on this media relay.\n");
		return;
	}
	call::Registry::Handle* h = ctx.calls.find(which);
	if (!h) {
		done("\nCall ID not found (" + printable(which, 256) + ").\n\n");
		return;
	}
	int tos = ctx.calls.config().tos;
	ctx.calls.run<call::CallSnapshot>(*h, take_snapshot,
	                                  [done, tos](const call::CallSnapshot& snap) {
		                                  done(session_details(snap, tos, util::now_ms()));
	                                  });
}

} // namespace rtprelay::cli
