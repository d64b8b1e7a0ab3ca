// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/help.h"

#include "config/option_table.h"
#include "version.h"

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

// Text for roff: backslashes escaped, and a '-' that starts a word or follows another '-'
// (option names such as --table) written as a minus sign, so that it can be copied and
// searched for; hyphens inside words stay hyphens.
std::string roff(std::string_view text)
{
	std::string out;
	for (size_t i = 0; i < text.size(); i++) {
		char c = text[i];
		if (c == '\\')
			out += "\\e";
		else if (c == '-' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '-' ||
		                      text[i - 1] == '(' || text[i - 1] == '\''))
			out += "\\-";
		else
			out += c;
	}
	// A line starting with '.' or '\'' would be read as a request.
	if (!out.empty() && (out[0] == '.' || out[0] == '\''))
		out.insert(0, "\\&");
	return out;
}

// Options that are actions rather than settings: in a config file they would turn every
// start into a one-shot, so the shipped file does not offer them.
bool is_action(const OptionSpec& o)
{
	return o.kind == OptionKind::kLoader || o.name == "nftables-start" ||
	       o.name == "nftables-stop";
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

std::string options_manpage()
{
	std::string out =
	        ".TH RTPRELAYD 8 \"\" \"rtprelay " RTPRELAY_VERSION "\" \"System Administration\"\n"
	        ".SH NAME\n"
	        "rtprelayd \\- kernel-assisted RTP media relay driven by the ng control protocol\n"
	        ".SH SYNOPSIS\n"
	        ".B rtprelayd\n"
	        "[\\fIOPTION\\fR]...\n"
	        ".SH DESCRIPTION\n"
	        ".B rtprelayd\n"
	        "relays RTP and RTCP for a SIP proxy (Kamailio or OpenSIPS with its rtpengine "
	        "module), which drives it over Sipwise rtpengine's ng protocol. Established "
	        "streams are forwarded by the xt_RTPRELAY kernel module when it is loaded, "
	        "everything else in userspace.\n"
	        ".PP\n"
	        "Every option below is also a key of the config file's [rtprelay] (or "
	        "[rtpengine]) section, without the dashes; options that can be repeated take "
	        "values separated by ';' there. The command line overrides the file.\n"
	        ".SH OPTIONS\n";
	for (const auto& o : option_table()) {
		out += ".TP\n";
		if (o.short_name)
			out += std::string("\\fB\\-") + o.short_name + "\\fR, ";
		out += "\\fB\\-\\-" + roff(o.name) + "\\fR";
		if (!o.arg.empty())
			out += "=\\fI" + roff(o.arg) + "\\fR";
		out += "\n" + roff(o.help);
		if (!o.def.empty())
			out += " Default: " + roff(o.def) + ".";
		out += "\n";
	}
	out += ".SH SIGNALS\n"
	       ".TP\n\\fBSIGUSR1\\fR\nStart draining: refuse new calls, keep the running ones.\n"
	       ".TP\n\\fBSIGUSR2\\fR\nStop draining.\n"
	       ".TP\n\\fBSIGTERM\\fR, \\fBSIGINT\\fR\nEnd the calls, remove the nftables rule "
	       "and exit.\n"
	       ".SH FILES\n"
	       ".TP\n/etc/rtprelay/rtprelay.conf\nThe config file read by default.\n"
	       ".TP\n/proc/rtprelay/\nThe kernel module's control files.\n"
	       ".SH SEE ALSO\n"
	       ".BR rtprelay\\-ctl (1),\n"
	       ".BR nft (8)\n";
	return out;
}

std::string options_ini()
{
	std::string out =
	        "# rtprelayd configuration (man rtprelayd). Every key is shown commented out "
	        "at its\n"
	        "# default; uncomment and change the ones you need. Lists take values "
	        "separated by ';'.\n"
	        "# The command line overrides this file. The defaults serve loopback only: "
	        "set interface\n"
	        "# and listen-ng (where the SIP proxy reaches the relay) for this host.\n\n"
	        "[rtprelay]\n";
	for (const auto& o : option_table()) {
		if (is_action(o))
			continue;
		std::string text = wrap(o.help, 0, 94);
		for (size_t nl = text.find('\n'); nl != std::string::npos;
		     nl = text.find('\n', nl + 3))
			text.replace(nl, 1, "\n# ");
		out += "\n# " + text + "\n";
		// "none" and "" mean "not set": written as such, they would be read as values.
		bool unset = o.def.empty() || o.def == "none";
		out += "#" + std::string(o.name) + (unset ? " =" : " = " + std::string(o.def)) +
		       "\n";
	}
	return out;
}

} // namespace rtprelay::config
