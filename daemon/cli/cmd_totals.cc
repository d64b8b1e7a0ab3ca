// SPDX-License-Identifier: GPL-3.0-or-later
// list totals: the running calls (with how their streams are forwarded) and the totals since
// start, in rtpengine's " name<padding>:value" lines under its section headings.
#include "call/registry.h"
#include "cli/command.h"
#include "cli/gather.h"
#include "util/clock.h"
#include "util/strings.h"

namespace rtprelay::cli {
namespace {

struct Forwarding {
	size_t userspace = 0, kernel = 0, mixed = 0; // media by where their streams run
};

Forwarding count_forwarding(const Snapshots& snaps)
{
	Forwarding f;
	for (const auto& c : snaps)
		for (const auto& m : c.monologues)
			for (const auto& media : m.medias) {
				size_t kernel = 0;
				for (const auto& s : media.streams)
					kernel += s.kernelized ? 1 : 0;
				if (media.streams.empty() || kernel == 0)
					f.userspace++;
				else if (kernel == media.streams.size())
					f.kernel++;
				else
					f.mixed++;
			}
	return f;
}

void line(std::string& out, const char* name, uint64_t value, const char* unit = "")
{
	out += strprintf(" %-48s:%llu%s\n", name, static_cast<unsigned long long>(value), unit);
}

std::string current(const Snapshots& snaps)
{
	Forwarding f = count_forwarding(snaps);
	std::string out = "\nStatistics over currently running sessions:\n\n";
	line(out, "Owned sessions", snaps.size());
	line(out, "Foreign sessions", 0);
	line(out, "Total sessions", snaps.size());
	line(out, "Transcoded media", 0);
	line(out, "Userspace-only media streams", f.userspace);
	line(out, "Kernel-only media streams", f.kernel);
	line(out, "Mixed kernel/userspace media streams", f.mixed);
	return out;
}

std::string since_start(call::Registry& reg)
{
	uint64_t packets = 0, bytes = 0, errors = 0;
	for (size_t i = 0; i < reg.loops().size(); i++) {
		const auto& c = reg.loops().at(i).counters();
		packets += c.packets.load(std::memory_order_relaxed);
		bytes += c.bytes.load(std::memory_order_relaxed);
		errors += c.errors.load(std::memory_order_relaxed);
	}
	const auto& t = reg.totals();
	std::string out = "\nTotal statistics (does not include current running sessions):\n\n";
	line(out, "Uptime of rtpengine",
	     static_cast<uint64_t>((util::now_ms() - reg.started_ms()) / 1000), " seconds");
	line(out, "Total managed sessions", t.managed);
	line(out, "Total rejected sessions", t.rejected);
	line(out, "Total timed-out sessions via TIMEOUT", t.timeouts);
	line(out, "Total timed-out sessions via SILENT_TIMEOUT", t.silent_timeouts);
	line(out, "Total timed-out sessions via FINAL_TIMEOUT", t.final_timeouts);
	line(out, "Total timed-out sessions via OFFER_TIMEOUT", t.offer_timeouts);
	line(out, "Total regular terminated sessions", t.deleted);
	line(out, "Total forced terminated sessions", t.forced);
	line(out, "Total relayed packets", packets);
	line(out, "Total relayed packet errors", errors);
	line(out, "Total relayed bytes", bytes);
	out += strprintf(" %-48s:%s\n", "Forwarding", reg.kernel() ? "kernel" : "userspace");
	return out;
}

} // namespace

void cmd_totals(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	call::Registry* reg = &ctx.calls;
	gather_all(*reg, [reg, done](const Snapshots& snaps) {
		done(current(snaps) + since_start(*reg) + "\n");
	});
}

} // namespace rtprelay::cli
