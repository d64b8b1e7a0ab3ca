// SPDX-License-Identifier: GPL-3.0-or-later
// list totals: the running calls (with the path their streams take) and the totals since start,
// from the same reading as `statistics`, in rtpengine's " name<padding>:value" lines under its
// section headings.
#include "call/registry.h"
#include "call/relay_totals.h"
#include "cli/command.h"
#include "util/strings.h"

namespace rtprelay::cli {
namespace {

void line(std::string& out, const char* name, uint64_t value, const char* unit = "")
{
	out += strprintf(" %-48s:%llu%s\n", name, static_cast<unsigned long long>(value), unit);
}

// The media streams by path are `statistics`' media_userspace, media_kernel and media_mixed.
std::string current(const call::RelayTotals& totals)
{
	std::string out = "\nStatistics over currently running sessions:\n\n";
	line(out, "Owned sessions", totals.sessions);
	line(out, "Foreign sessions", 0);
	line(out, "Total sessions", totals.sessions);
	line(out, "Transcoded media", 0);
	line(out, "Userspace-only media streams", totals.media_paths.userspace);
	line(out, "Kernel-only media streams", totals.media_paths.kernel);
	line(out, "Mixed kernel/userspace media streams", totals.media_paths.mixed);
	return out;
}

std::string since_start(const call::RelayTotals& totals)
{
	const media::TrafficCount relayed = totals.user + totals.kernel;
	const auto& t = totals.calls;
	std::string out = "\nTotal statistics (does not include current running sessions):\n\n";
	line(out, "Uptime of rtpengine", static_cast<uint64_t>(totals.uptime_s), " seconds");
	// Ended calls, as rtpengine counts them (and statistics' managedsessions).
	line(out, "Total managed sessions", t.ended);
	line(out, "Total rejected sessions", t.rejected);
	line(out, "Total timed-out sessions via TIMEOUT", t.timeouts);
	line(out, "Total timed-out sessions via SILENT_TIMEOUT", t.silent_timeouts);
	line(out, "Total timed-out sessions via FINAL_TIMEOUT", t.final_timeouts);
	line(out, "Total timed-out sessions via OFFER_TIMEOUT", t.offer_timeouts);
	line(out, "Total regular terminated sessions", t.deleted);
	line(out, "Total forced terminated sessions", t.forced);
	line(out, "Total relayed packets", relayed.packets);
	line(out, "Total relayed packet errors", relayed.errors);
	line(out, "Total relayed bytes", relayed.bytes);
	line(out, "Total number of streams with no relayed packets", totals.zero_way_streams);
	line(out, "Total number of 1-way streams", totals.one_way_streams);
	out += strprintf(" %-48s:%s\n", "Forwarding",
	                 totals.kernel_forwarding ? "kernel" : "userspace");
	return out;
}

} // namespace

void cmd_totals(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	const call::RelayTotals totals = call::relay_totals(ctx.calls);
	done(current(totals) + since_start(totals) + "\n");
}

} // namespace rtprelay::cli
