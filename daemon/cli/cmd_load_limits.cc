// SPDX-License-Identifier: GPL-3.0-or-later
// list/set maxload, maxcpu, maxbw: the load limits call::Admission enforces on new calls,
// changed for the running relay (the config file's max-load, max-cpu, max-bandwidth), in
// rtpengine's wording.
#include <charconv>
#include <cmath>
#include <optional>

#include "call/registry.h"
#include "cli/command.h"
#include "util/strings.h"

namespace rtprelay::cli {
namespace {

// A finite decimal number from 0 up, nothing around it.
std::optional<double> parse_limit(std::string_view text)
{
	double v = 0;
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
	if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0)
		return std::nullopt;
	return v;
}

// The argument of `set <name> X`, or nullopt after answering why there is none.
std::optional<double> limit_argument(const char* name, std::span<const std::string_view> args,
                                     const Reply& done)
{
	if (args.empty()) {
		done(std::string(kMoreParameters));
		return std::nullopt;
	}
	auto v = parse_limit(args[0]);
	if (!v)
		done(strprintf("Fail setting %s to %s; expected a number from 0 (no limit) up\n",
		               name, printable(args[0]).c_str()));
	return v;
}

} // namespace

void cmd_list_maxload(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	done(strprintf("Maximum load average configured on rtpengine: %.2f\n",
	               ctx.calls.admission().max_load()));
}

void cmd_list_maxcpu(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	done(strprintf("Maximum CPU usage configured on rtpengine: %.1f\n",
	               ctx.calls.admission().max_cpu()));
}

void cmd_list_maxbw(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	done(strprintf("Maximum bandwidth configured on rtpengine: %llu\n",
	               static_cast<unsigned long long>(ctx.calls.admission().max_bandwidth())));
}

void cmd_set_maxload(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	if (auto v = limit_argument("maxload", args, done)) {
		ctx.calls.admission().set_max_load(*v);
		done(strprintf("Success setting maxload to %.2f\n", *v));
	}
}

void cmd_set_maxcpu(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	if (auto v = limit_argument("maxcpu", args, done)) {
		ctx.calls.admission().set_max_cpu(*v);
		done(strprintf("Success setting maxcpu to %.1f\n", *v));
	}
}

// Whole bytes per second; a fraction is cut off. Bounded like the config's max-bandwidth.
void cmd_set_maxbw(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	auto v = limit_argument("maxbw", args, done);
	if (!v)
		return;
	constexpr double kMax = static_cast<double>(uint64_t{1} << 40);
	if (*v > kMax) {
		done(strprintf("Fail setting maxbw to %s; at most %.0f bytes per second\n",
		               printable(args[0]).c_str(), kMax));
		return;
	}
	auto bw = static_cast<uint64_t>(*v);
	ctx.calls.admission().set_max_bandwidth(bw);
	done(strprintf("Success setting maxbw to %llu\n", static_cast<unsigned long long>(bw)));
}

} // namespace rtprelay::cli
