// SPDX-License-Identifier: GPL-3.0-or-later
// The limits and timeouts: read from call::RuntimeLimits (where `set` changes them for the
// running relay) or from the immutable Config, in rtpengine's wording.
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <optional>

#include "call/registry.h"
#include "cli/command.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::cli {
namespace {

// A whole decimal number, nothing around it.
std::optional<long long> parse_number(std::string_view text)
{
	long long v = 0;
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
	if (ec != std::errc() || end != text.data() + text.size())
		return std::nullopt;
	return v;
}

constexpr long long kMaxSeconds = 86400LL * 365; // keeps seconds * 1000 far inside int64

void list_value(std::atomic<int>& value, const char* label, const Reply& done)
{
	done(strprintf("%s=%d\n", label, value.load(std::memory_order_relaxed)));
}

// `set <name> N` for a timeout: seconds, 0 or more (0 switches final-timeout off).
void set_seconds(std::atomic<int>& value, const char* name, std::span<const std::string_view> args,
                 const Reply& done)
{
	if (args.empty()) {
		done(std::string(kMoreParameters));
		return;
	}
	auto v = parse_number(args[0]);
	if (!v || *v < 0 || *v > kMaxSeconds) {
		done(strprintf("Fail setting %s to %s; expected seconds from 0 to %lld\n", name,
		               printable(args[0]).c_str(), kMaxSeconds));
		return;
	}
	value.store(static_cast<int>(*v), std::memory_order_relaxed);
	done(strprintf("Success setting %s to %lld\n", name, *v));
}

} // namespace

void cmd_list_maxsessions(Context& ctx, std::span<const std::string_view> /*args*/,
                          const Reply& done)
{
	done(strprintf("Maximum sessions configured on rtpengine: %d\n",
	               ctx.calls.admission().max_sessions()));
}

void cmd_set_maxsessions(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	if (args.empty()) {
		done(std::string(kMoreParameters));
		return;
	}
	auto v = parse_number(args[0]);
	constexpr int kUnlimited = -1; // rtpengine's "no limit"
	if (!v || *v < kUnlimited || *v > INT32_MAX) {
		done(strprintf("Fail setting maxsessions to %s; either positive or -1 values "
		               "allowed\n",
		               printable(args[0]).c_str()));
		return;
	}
	ctx.calls.admission().set_max_sessions(static_cast<int>(*v));
	done(strprintf("Success setting maxsessions to %lld%s\n", *v,
	               *v == kUnlimited ? "; disable feature" : ""));
}

// Not in rtpengine: new calls are refused (as at the session limit) while existing ones run to
// their end; the same switch as SIGUSR1/SIGUSR2 (call/admission).
void cmd_set_drain(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	if (args.empty()) {
		done(std::string(kMoreParameters));
		return;
	}
	if (args[0] != "on" && args[0] != "off") {
		done(strprintf("Fail setting drain to %s; either 'on' or 'off' allowed\n",
		               printable(args[0]).c_str()));
		return;
	}
	bool on = args[0] == "on";
	ctx.calls.admission().set_draining(on);
	log::notice(log::Subsystem::kControl, "CLI: %s",
	            on ? "draining, new calls are refused" : "drain ended, serving");
	done(strprintf("Success setting drain to %s\n", on ? "on" : "off"));
}

void cmd_list_drain(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	done(strprintf("Draining: %s\n", ctx.calls.admission().draining() ? "on" : "off"));
}

void cmd_maxopenfiles(Context& /*ctx*/, std::span<const std::string_view> /*args*/,
                      const Reply& done)
{
	rlimit rl{};
	getrlimit(RLIMIT_NOFILE, &rl);
	done(strprintf("Maximum open-files configured on rtpengine: %llu; cat /proc/%ld/limits\n",
	               static_cast<unsigned long long>(rl.rlim_cur), static_cast<long>(getpid())));
}

void cmd_list_timeout(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	list_value(ctx.calls.limits().timeout, "TIMEOUT", done);
}

void cmd_list_silenttimeout(Context& ctx, std::span<const std::string_view> /*args*/,
                            const Reply& done)
{
	list_value(ctx.calls.limits().silent_timeout, "SILENT_TIMEOUT", done);
}

void cmd_list_finaltimeout(Context& ctx, std::span<const std::string_view> /*args*/,
                           const Reply& done)
{
	list_value(ctx.calls.limits().final_timeout, "FINAL_TIMEOUT", done);
}

void cmd_list_offertimeout(Context& ctx, std::span<const std::string_view> /*args*/,
                           const Reply& done)
{
	list_value(ctx.calls.limits().offer_timeout, "OFFER_TIMEOUT", done);
}

void cmd_set_timeout(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	set_seconds(ctx.calls.limits().timeout, "timeout", args, done);
}

void cmd_set_silenttimeout(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	set_seconds(ctx.calls.limits().silent_timeout, "silent-timeout", args, done);
}

void cmd_set_finaltimeout(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	set_seconds(ctx.calls.limits().final_timeout, "final-timeout", args, done);
}

void cmd_set_offertimeout(Context& ctx, std::span<const std::string_view> args, const Reply& done)
{
	set_seconds(ctx.calls.limits().offer_timeout, "offer-timeout", args, done);
}

void cmd_deletedelay(Context& ctx, std::span<const std::string_view> /*args*/, const Reply& done)
{
	done(strprintf("%d\n", ctx.calls.config().delete_delay));
}

// rtprelayd sets no TOS on its control sockets (rtpengine's --control-tos is not an option
// here), which is what rtpengine reports as 0.
void cmd_controltos(Context& /*ctx*/, std::span<const std::string_view> /*args*/, const Reply& done)
{
	done("0\n");
}

} // namespace rtprelay::cli
