// SPDX-License-Identifier: GPL-3.0-or-later
// Every command rtprelay-ctl accepts: its words, its argument, where it goes (the CLI port,
// the ng port, or the live view) and how the answer is printed. --help and the man page list
// the same table (t/integration/test_rtprelay_ctl.py checks the man page against --help).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli_output.h"

namespace rtprelay::ctl {

enum class Channel { kCli, kNg, kTop };

struct CommandSpec {
	std::string_view words;    // the fixed words, "list sessions"
	std::string_view argument; // "" for none, else its name for the usage line
	Channel channel;
	CliFormat format;       // kCli only
	std::string_view sends; // kCli: what goes on the wire, if not the words themselves
	std::string_view help;
};

std::span<const CommandSpec> command_table();

struct Command {
	const CommandSpec* spec;
	std::string argument;
	CliFormat format;                    // the spec's, except for one session in detail
	std::vector<std::string> wire_words; // kCli: the words sent to the CLI server
};

// The command the words name, or nullopt when none does (or its argument is missing or extra).
std::optional<Command> find_command(const std::vector<std::string>& words);

std::string usage_text();

} // namespace rtprelay::ctl
