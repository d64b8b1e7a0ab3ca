// SPDX-License-Identifier: GPL-3.0-or-later
// active: the operator's takeover (docs/ha.md): a standby claims its group's lease, rebuilds
// the calls it follows and serves them; the relay that was active stands down when it next
// renews. Only with --redis.
#include "call/registry.h"
#include "cli/command.h"

namespace rtprelay::cli {

void cmd_active(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	call::CallStore* store = ctx.calls.store();
	if (!store) {
		done("No Redis: this relay has no HA group (--redis).\n");
		return;
	}
	auto r = store->activate();
	done(r ? "Taking over: claiming the lease; `list sessions all` shows the calls once "
	         "rebuilt.\n"
	       : "Not taking over: " + r.error().reason + ".\n");
}

} // namespace rtprelay::cli
