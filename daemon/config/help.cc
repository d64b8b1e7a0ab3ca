// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/help.h"

#include "config/option_table.h"

namespace rtprelay::config {
namespace {

std::string synopsis(const OptionSpec& o)
{
	std::string s;
	if (o.short_name)
		s += std::string("-") + o.short_name + ", ";
	s += "--";
	s += o.name;
	if (!o.arg.empty()) {
		s += "=";
		s += o.arg;
	}
	return s;
}

// Word-wraps text into lines of at most `width` columns, each after `indent` spaces.
std::string wrap(std::string_view text, size_t indent, size_t width)
{
	std::string out;
	size_t col = indent;
	while (!text.empty()) {
		size_t sp = text.find(' ');
		std::string_view word = text.substr(0, sp);
		text.remove_prefix(sp == std::string_view::npos ? text.size() : sp + 1);
		if (col > indent && col + 1 + word.size() > width) {
			out += "\n" + std::string(indent, ' ');
			col = indent;
		} else if (col > indent) {
			out += ' ';
			col++;
		}
		out += word;
		col += word.size();
	}
	return out;
}

} // namespace

std::string help_text()
{
	std::string out = "Usage: rtprelayd [OPTION]...\n"
	                  "Kernel-assisted RTP media relay driven by the ng control protocol.\n\n";
	for (const auto& o : option_table()) {
		std::string syn = "  " + synopsis(o);
		out += syn;
		out += syn.size() < 34 ? std::string(34 - syn.size(), ' ')
		                       : "\n" + std::string(34, ' ');
		std::string text(o.help);
		if (!o.def.empty())
			text += " [default: " + std::string(o.def) + "]";
		out += wrap(text, 34, 100) + "\n";
	}
	out += "\nThe same long names, without dashes, are keys in the [rtprelay] (or "
	       "[rtpengine])\n"
	       "section of the config file; list options separate values with ';' there.\n";
	return out;
}

std::string options_markdown()
{
	std::string out =
	        "# rtprelayd configuration\n\n"
	        "<!-- Generated from daemon/config/option_table.cc by `make docs`; do not edit. "
	        "-->\n\n"
	        "Every option can be given on the command line (`--name=value`, `--name value`, "
	        "or\n"
	        "its short form) or as `name = value` in the config file's `[rtprelay]` section\n"
	        "(`[rtpengine]` is read when there is no `[rtprelay]` section, so an rtpengine "
	        "config\n"
	        "keeps working). The command line overrides the file. Options that can be "
	        "repeated\n"
	        "are written once in the file with values separated by `;`. An unknown option or "
	        "an\n"
	        "invalid value stops start-up with a message naming it.\n\n"
	        "| option | short | value | default | meaning |\n"
	        "|---|---|---|---|---|\n";
	for (const auto& o : option_table()) {
		out += "| `--";
		out += o.name;
		out += "` | ";
		if (o.short_name)
			out += std::string("`-") + o.short_name + "`";
		out += " | ";
		if (!o.arg.empty())
			out += "`" + std::string(o.arg) + "`";
		else if (o.kind == OptionKind::kFlag)
			out += "flag";
		if (o.kind == OptionKind::kList)
			out += " (repeatable)";
		out += " | ";
		out += o.def;
		out += " | ";
		out += o.help;
		out += " |\n";
	}
	return out;
}

} // namespace rtprelay::config
