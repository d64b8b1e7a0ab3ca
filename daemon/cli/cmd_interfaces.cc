// SPDX-License-Identifier: GPL-3.0-or-later
// list interfaces: every local address of every logical interface with its port pool, in
// rtpengine's layout, plus the free ports (what runs out first under load).
#include "call/registry.h"
#include "cli/command.h"
#include "util/strings.h"

namespace rtprelay::cli {

void cmd_interfaces(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	const Config& config = ctx.calls.config();
	std::string out;
	for (const auto& iface : ctx.calls.interfaces().all())
		for (const auto& a : iface.addresses) {
			// Ports come in RTP/RTCP pairs; a pair is leased whole.
			size_t total = a.pool->total_pairs() * 2;
			size_t free = a.pool->free_pairs() * 2;
			size_t used = total - free;
			double percent = total ? 100.0 * static_cast<double>(used) /
			                                 static_cast<double>(total)
			                       : 0.0;
			out += strprintf("Interface '%s' address '%s' (%s)\n"
			                 " Port range: %u - %u\n"
			                 " Ports used: %5zu / %5zu (%5.1f%%)\n"
			                 " Ports free: %5zu\n",
			                 iface.name.c_str(), a.spec.address.to_string().c_str(),
			                 a.spec.address.is_v6() ? "IPv6" : "IPv4", config.port_min,
			                 config.port_max, used, total, percent, free);
		}
	done(std::move(out));
}

} // namespace rtprelay::cli
