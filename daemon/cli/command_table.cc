// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/command.h"

namespace rtprelay::cli {

void CommandTable::add(std::string_view words, Handler handler)
{
	entries_.push_back({split_words(words), handler});
}

CommandTable::Match CommandTable::find(std::span<const std::string_view> line) const
{
	Match best;
	for (const auto& e : entries_) {
		if (e.words.size() > line.size() || e.words.size() <= best.words)
			continue;
		bool same = true;
		for (size_t i = 0; i < e.words.size() && same; i++) {
			std::string_view w = line[i];
			if (i == 0 && w == "get")
				w = "list";
			same = w == e.words[i];
		}
		if (same)
			best = {e.handler, e.words.size()};
	}
	return best;
}

std::vector<std::string_view> split_words(std::string_view line)
{
	std::vector<std::string_view> words;
	size_t i = 0;
	while (i < line.size()) {
		size_t start = line.find_first_not_of(" \t", i);
		if (start == std::string_view::npos)
			break;
		size_t end = line.find_first_of(" \t", start);
		if (end == std::string_view::npos)
			end = line.size();
		words.push_back(line.substr(start, end - start));
		i = end;
	}
	return words;
}

std::string unknown_command(std::string_view line)
{
	return "Unknown or incomplete command::" + std::string(line) + "\n";
}

CommandTable builtin_commands()
{
	CommandTable t;
	t.add("active", cmd_active);
	t.add("list numsessions", cmd_numsessions);
	t.add("list sessions", cmd_sessions);
	t.add("list totals", cmd_totals);
	t.add("list jsonstats", cmd_jsonstats);
	t.add("list maxsessions", cmd_list_maxsessions);
	t.add("set maxsessions", cmd_set_maxsessions);
	t.add("list maxload", cmd_list_maxload);
	t.add("list maxcpu", cmd_list_maxcpu);
	t.add("list maxbw", cmd_list_maxbw);
	t.add("set maxload", cmd_set_maxload);
	t.add("set maxcpu", cmd_set_maxcpu);
	t.add("set maxbw", cmd_set_maxbw);
	t.add("set drain", cmd_set_drain);
	t.add("list drain", cmd_list_drain);
	t.add("list maxopenfiles", cmd_maxopenfiles);
	t.add("list timeout", cmd_list_timeout);
	t.add("list silenttimeout", cmd_list_silenttimeout);
	t.add("list finaltimeout", cmd_list_finaltimeout);
	t.add("list offertimeout", cmd_list_offertimeout);
	t.add("set timeout", cmd_set_timeout);
	t.add("set silenttimeout", cmd_set_silenttimeout);
	t.add("set finaltimeout", cmd_set_finaltimeout);
	t.add("set offertimeout", cmd_set_offertimeout);
	t.add("list deletedelay", cmd_deletedelay);
	t.add("list controltos", cmd_controltos);
	t.add("list loglevel", cmd_get_loglevel);
	t.add("list loglevels", cmd_list_loglevels);
	t.add("set loglevel", cmd_set_loglevel);
	t.add("terminate", cmd_terminate);
	t.add("list interfaces", cmd_interfaces);
	return t;
}

} // namespace rtprelay::cli
