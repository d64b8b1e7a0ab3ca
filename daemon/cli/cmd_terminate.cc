// SPDX-License-Identifier: GPL-3.0-or-later
// terminate <callid>|all|own|foreign: ends calls at once, as a delete without delay does, and
// counts them as forced terminations (rtpengine's forcedterminatedsessions).
#include "call/registry.h"
#include "cli/command.h"
#include "util/strings.h"

namespace rtprelay::cli {
namespace {

constexpr std::string_view kReason = "terminated by operator";

void terminate_all(call::Registry& reg)
{
	for (const auto& id : reg.ids(reg.size())) {
		reg.count_forced();
		reg.destroy(id, kReason);
	}
}

} // namespace

void cmd_terminate(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	if (args.empty()) {
		done(std::string(kMoreParameters));
		return;
	}
	std::string_view which = args[0];
	if (which == "all" || which == "own") {
		terminate_all(ctx.calls);
		done(which == "all" ? "All calls terminated by operator.\n"
		                    : "All own calls terminated by operator.\n");
		return;
	}
	if (which == "foreign") {
		done("All foreign calls terminated by operator.\n"); // there are none without Redis
		return;
	}
	std::string id = printable(which, 256);
	if (!ctx.calls.find(which)) {
		done("\nCall Id not found (" + id + ").\n\n");
		return;
	}
	ctx.calls.count_forced();
	ctx.calls.destroy(which, kReason);
	done("\nCall Id (" + id + ") successfully terminated by operator.\n\n");
}

} // namespace rtprelay::cli
