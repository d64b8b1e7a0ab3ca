// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/statistics_control.h"

#include <array>
#include <string>
#include <string_view>

#include "util/strings.h"

namespace rtprelay::ng {

namespace {

// rtpengine 10.5's commands in its order: the ng name (intervalstatistics spells keys with it)
// and the short name controlstatistics uses. rtprelayd serves some of them; the rest count 0.
struct CommandNames {
	std::string_view ng;
	std::string_view abbreviation;
};
constexpr std::array<CommandNames, 24> kCommands = {{
        {"ping", "ping"},
        {"offer", "offer"},
        {"answer", "answer"},
        {"delete", "delete"},
        {"query", "query"},
        {"list", "list"},
        {"start recording", "startrec"},
        {"stop recording", "stoprec"},
        {"start forwarding", "startfwd"},
        {"stop forwarding", "stopfwd"},
        {"block DTMF", "blkdtmf"},
        {"unblock DTMF", "unblkdtmf"},
        {"block media", "blkmedia"},
        {"unblock media", "unblkmedia"},
        {"play media", "playmedia"},
        {"stop media", "stopmedia"},
        {"play DTMF", "playdtmf"},
        {"statistics", "stats"},
        {"silence media", "slnmedia"},
        {"unsilence media", "unslnmedia"},
        {"publish", "pub"},
        {"subscribe request", "subreq"},
        {"subscribe answer", "subans"},
        {"unsubscribe", "unsub"},
}};

Value num(uint64_t v)
{
	return Value::integer(static_cast<int64_t>(v));
}

// rtpengine sends durations as decimal strings with six places.
Value seconds(Arena& a, double s)
{
	return Value::string(a.copy(strprintf("%.6f", s)));
}

void set_key(Arena& a, Value& dict, std::string_view prefix, std::string_view name,
             std::string_view suffix, Value v)
{
	std::string key;
	key.append(prefix).append(name).append(suffix);
	dict.set(a.copy(key), v);
}

CommandStats::Counts counts_in(const std::vector<CommandStats::Command>& list,
                               std::string_view command)
{
	for (const auto& c : list)
		if (c.name == command)
			return c.counts;
	return {};
}

Value proxy_entry(Arena& a, const CommandStats::Proxy& p)
{
	Value d = Value::dict(a);
	d.set("proxy", Value::string(a.copy(p.address)));
	for (const auto& c : kCommands) {
		CommandStats::Counts n = counts_in(p.commands, c.ng);
		set_key(a, d, "", c.abbreviation, "count", num(n.requests));
		set_key(a, d, "", c.abbreviation, "duration", seconds(a, n.seconds));
	}
	d.set("errorcount", num(p.errors));
	return d;
}

} // namespace

Value control_statistics(Arena& arena, const CommandStats* stats)
{
	Value proxies = Value::list(arena);
	if (stats)
		for (const auto& p : stats->proxies())
			proxies.push(proxy_entry(arena, p));
	Value control = Value::dict(arena);
	control.set("proxies", proxies);
	for (const auto& c : kCommands) {
		uint64_t n = stats ? stats->find(c.ng).requests : 0;
		set_key(arena, control, "total", c.abbreviation, "count", num(n));
	}
	return control;
}

Value interval_statistics(Arena& arena)
{
	Value d = Value::dict(arena);
	d.set("totalcallsduration", seconds(arena, 0));
	d.set("minmanagedsessions", num(0));
	d.set("maxmanagedsessions", num(0));
	for (const char* suffix : {"delay", "requestrate"}) {
		bool rate = std::string_view(suffix) == "requestrate";
		for (const auto& c : kCommands)
			for (const char* prefix : {"min", "max", "avg"})
				set_key(arena, d, prefix, c.ng, suffix,
				        rate ? Value::string("0") : seconds(arena, 0));
	}
	return d;
}

} // namespace rtprelay::ng
