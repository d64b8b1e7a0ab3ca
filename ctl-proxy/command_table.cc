// SPDX-License-Identifier: GPL-3.0-or-later
#include "command_table.h"

#include <algorithm>
#include <array>

namespace rtprelay::ctl {
namespace {

using enum Channel;
using enum CliFormat;

constexpr std::array kCommands = {
        CommandSpec{"list numsessions", "", kCli, kKeyValues, "", "number of sessions"},
        CommandSpec{"list sessions", "all|own|foreign|CALLID", kCli, kSessionList, "",
                    "one line per session, or one session in detail"},
        CommandSpec{"list totals", "", kCli, kKeyValues, "", "totals since start"},
        CommandSpec{"list jsonstats", "", kCli, kJson, "", "totals as JSON"},
        CommandSpec{"list maxsessions", "", kCli, kKeyValues, "", "the session limit"},
        CommandSpec{"list maxload", "", kCli, kKeyValues, "", "the load-average limit"},
        CommandSpec{"list maxcpu", "", kCli, kKeyValues, "", "the CPU usage limit (%)"},
        CommandSpec{"list maxbw", "", kCli, kKeyValues, "", "the bandwidth limit (bytes/s)"},
        CommandSpec{"list maxopenfiles", "", kCli, kKeyValues, "", "the open-files limit"},
        CommandSpec{"list timeout", "", kCli, kKeyValues, "", "the media timeout (s)"},
        CommandSpec{"list interfaces", "", kCli, kInterfaces, "",
                    "ports used and free per local address"},
        CommandSpec{"list controltos", "", kCli, kLines, "", "TOS of control packets"},
        CommandSpec{"list drain", "", kCli, kKeyValues, "", "whether new calls are refused"},
        CommandSpec{"get loglevel", "", kCli, kKeyValues, "", "the log level"},
        CommandSpec{"list loglevels", "", kCli, kLines, "", "the log subsystems"},
        CommandSpec{"set maxsessions", "N", kCli, kLines, "", "change the session limit"},
        CommandSpec{"set maxload", "LOAD", kCli, kLines, "",
                    "change the load-average limit (0: none)"},
        CommandSpec{"set maxcpu", "PERCENT", kCli, kLines, "",
                    "change the CPU usage limit (0: none)"},
        CommandSpec{"set maxbw", "BYTES", kCli, kLines, "",
                    "change the bandwidth limit, bytes per second (0: none)"},
        CommandSpec{"set timeout", "SECONDS", kCli, kLines, "", "change the media timeout"},
        CommandSpec{"set loglevel", "LEVEL", kCli, kLines, "", "change the log level (1-7)"},
        CommandSpec{"set drain", "on|off", kCli, kLines, "",
                    "refuse new calls (on) and let existing ones end, or serve again (off)"},
        CommandSpec{"drain", "", kCli, kLines, "set drain on", "the same as 'set drain on'"},
        CommandSpec{"terminate", "CALLID|all", kCli, kLines, "",
                    "end one call, or every call, now"},
        CommandSpec{"active", "", kCli, kLines, "",
                    "take over as the active relay of the HA group now (a standby)"},
        CommandSpec{"ping", "", kNg, kLines, "", "ng ping: is the daemon answering"},
        CommandSpec{"query", "CALLID", kNg, kLines, "", "ng query: a call's streams and quality"},
        CommandSpec{"statistics", "", kNg, kLines, "", "ng statistics: relay-wide counters"},
        CommandSpec{"top", "", kTop, kLines, "",
                    "live view of the busiest calls; q or Ctrl-C quits"},
};

std::vector<std::string> split_words(std::string_view text)
{
	std::vector<std::string> words;
	while (!text.empty()) {
		size_t space = text.find(' ');
		words.emplace_back(text.substr(0, space));
		text = space == std::string_view::npos ? std::string_view{}
		                                       : text.substr(space + 1);
	}
	return words;
}

} // namespace

std::span<const CommandSpec> command_table()
{
	return kCommands;
}

std::optional<Command> find_command(const std::vector<std::string>& words)
{
	for (const auto& spec : kCommands) {
		auto fixed = split_words(spec.words);
		size_t want = fixed.size() + (spec.argument.empty() ? 0 : 1);
		if (words.size() != want || !std::equal(fixed.begin(), fixed.end(), words.begin()))
			continue;
		Command cmd{&spec, spec.argument.empty() ? "" : words.back(), spec.format, {}};
		// "list sessions CALLID" answers with one session's "key: value" lines and its
		// tags, not with the one-line-per-session list that all/own/foreign get.
		if (cmd.format == kSessionList && cmd.argument != "all" && cmd.argument != "own" &&
		    cmd.argument != "foreign")
			cmd.format = kKeyValues;
		cmd.wire_words = spec.sends.empty() ? words : split_words(spec.sends);
		return cmd;
	}
	return std::nullopt;
}

std::string usage_text()
{
	std::string out =
	        "Usage: rtprelay-ctl [OPTIONS] COMMAND [ARGUMENT]\n"
	        "\n"
	        "Talks to rtprelayd (or rtpengine): CLI commands over TCP to --cli, ng commands\n"
	        "over UDP to --ng. Exit status 0 on success, 1 when the daemon reports an error "
	        "or\n"
	        "cannot be reached, 2 on a usage error.\n"
	        "\n"
	        "Options:\n"
	        "  --cli=ADDR:PORT    the daemon's --listen-cli (default 127.0.0.1:9900)\n"
	        "  --ng=ADDR:PORT     the daemon's --listen-ng (default 127.0.0.1:2223)\n"
	        "  --timeout=SECONDS  how long to wait for an answer (default 3)\n"
	        "  --json             machine-readable output\n"
	        "  --help             this text\n"
	        "\n"
	        "Commands:\n";
	for (const auto& spec : kCommands) {
		std::string line = "  " + std::string(spec.words);
		if (!spec.argument.empty())
			line += " " + std::string(spec.argument);
		line.resize(std::max<size_t>(line.size() + 1, 40), ' ');
		out += line + std::string(spec.help) + "\n";
	}
	return out;
}

} // namespace rtprelay::ctl
