// SPDX-License-Identifier: GPL-3.0-or-later
// get/list loglevel [SUBSYSTEM], list loglevels, set loglevel [SUBSYSTEM] N: the log levels of
// util/log, which every thread reads, changed at once for the whole relay.
#include <array>
#include <optional>

#include "cli/command.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::cli {
namespace {

std::optional<log::Subsystem> subsystem(std::string_view name)
{
	for (size_t i = 0; i < log::kSubsystemNames.size(); i++)
		if (log::kSubsystemNames[i] == name)
			return static_cast<log::Subsystem>(i);
	return std::nullopt;
}

// What each subsystem logs, in log::kSubsystemNames' order, for `list loglevels`.
constexpr std::array<std::string_view, log::kSubsystemNames.size()> kSubsystemTopics = {
        "Media, kernel forwarding and everything outside the control protocols",
        "Control protocols: ng commands and SDP, the CLI, HTTP"};

std::optional<int> parse_level(std::string_view text)
{
	if (text.size() != 1 || text[0] < '0' || text[0] > '7')
		return std::nullopt;
	return text[0] - '0';
}

} // namespace

void cmd_get_loglevel(Context& /*ctx*/, std::span<const std::string_view> args, const Reply& done)
{
	if (!args.empty()) {
		auto sub = subsystem(args[0]);
		done(sub ? strprintf("%d\n", log::level(*sub))
		         : "Subsystem not found: " + printable(args[0]) + "\n");
		return;
	}
	std::string out;
	for (size_t i = 0; i < log::kSubsystemNames.size(); i++)
		out += strprintf("%s = %d\n", std::string(log::kSubsystemNames[i]).c_str(),
		                 log::level(static_cast<log::Subsystem>(i)));
	done(std::move(out));
}

void cmd_list_loglevels(Context& /*ctx*/, std::span<const std::string_view> /*args*/,
                        const Reply& done)
{
	std::string out;
	for (size_t i = 0; i < log::kSubsystemNames.size(); i++)
		out += std::string(log::kSubsystemNames[i]) + " - " +
		       std::string(kSubsystemTopics[i]) + "\n";
	done(std::move(out));
}

void cmd_set_loglevel(Context& /*ctx*/, std::span<const std::string_view> args, const Reply& done)
{
	if (args.empty()) {
		done(std::string(kMoreParameters));
		return;
	}
	std::optional<log::Subsystem> only;
	if (args.size() >= 2) {
		only = subsystem(args[0]);
		if (!only) {
			done("Subsystem not found: " + printable(args[0]) + "\n");
			return;
		}
	}
	std::string_view value = args.size() >= 2 ? args[1] : args[0];
	auto level = parse_level(value);
	if (!level) {
		done("Fail setting loglevel to " + printable(value) +
		     "; expected a level from 0 (emerg) to 7 (debug)\n");
		return;
	}
	for (size_t i = 0; i < log::kSubsystemNames.size(); i++)
		if (!only || *only == static_cast<log::Subsystem>(i))
			log::set_level(static_cast<log::Subsystem>(i), *level);
	done(strprintf("Success setting loglevel to %d\n", *level));
}

} // namespace rtprelay::cli
