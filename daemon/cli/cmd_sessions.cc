// SPDX-License-Identifier: GPL-3.0-or-later
// list numsessions, list sessions all|own|foreign|<callid>: the calls, from their snapshots.
// Foreign calls are those a standby follows for the active relay of its group (ha/); a relay
// without Redis has none.
#include <algorithm>
#include <limits>

#include "call/registry.h"
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

std::vector<call::CallStore::Foreign> foreign_calls(const call::Registry& reg)
{
	const call::CallStore* store = reg.store();
	return store ? store->foreign(std::numeric_limits<size_t>::max())
	             : std::vector<call::CallStore::Foreign>();
}

std::string foreign_lines(std::vector<call::CallStore::Foreign> calls)
{
	std::sort(calls.begin(), calls.end(),
	          [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
	std::string out;
	for (const auto& c : calls)
		out += foreign_line(c);
	return out;
}

// Own calls, oldest first, then (with `foreign`) the foreign ones.
void list_all(call::Registry& reg, bool foreign, const Reply& done)
{
	std::string others = foreign ? foreign_lines(foreign_calls(reg)) : std::string();
	gather_all(reg, [done, others](Snapshots snaps) {
		if (snaps.empty() && others.empty()) {
			done("No sessions on this media relay.\n");
			return;
		}
		std::sort(snaps.begin(), snaps.end(),
		          [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
		std::string out;
		for (const auto& s : snaps)
			out += session_line(s);
		done(out + others);
	});
}

} // namespace

void cmd_numsessions(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	const call::CallStore* store = ctx.calls.store();
	size_t foreign = store ? store->foreign_count() : 0;
	gather_all(ctx.calls, [done, foreign](const Snapshots& snaps) {
		Families f = count_families(snaps);
		done(strprintf("Current sessions own: %zu\n"
		               "Current sessions foreign: %zu\n"
		               "Current sessions total: %zu\n"
		               "Current transcoded media: 0\n"
		               "Current sessions ipv4 only media: %zu\n"
		               "Current sessions ipv6 only media: %zu\n"
		               "Current sessions ip mixed  media: %zu\n",
		               snaps.size(), foreign, snaps.size() + foreign, f.v4_only, f.v6_only,
		               f.mixed));
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
		list_all(ctx.calls, which == "all", done);
		return;
	}
	if (which == "foreign") {
		std::string out = foreign_lines(foreign_calls(ctx.calls));
		done(out.empty() ? "No foreign sessions on this media relay.\n" : out);
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
