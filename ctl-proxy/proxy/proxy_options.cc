// SPDX-License-Identifier: GPL-3.0-or-later
#include "proxy_options.h"

#include <sys/stat.h>

#include <algorithm>
#include <span>
#include <string_view>

#include "config/ini_file.h"
#include "util/strings.h"

namespace rtprelay::proxy {

namespace {

struct Option {
	std::string_view name;
	bool list;
	std::string_view arg; // empty: a flag
	std::string_view def;
	std::string_view help;
	Result<void> (*apply)(ProxyOptions& o, std::string_view value);
};

Result<int> int_in(std::string_view value, int lo, int hi)
{
	auto v = parse_int(value);
	if (!v || *v < lo || *v > hi)
		return Error{strprintf("'%s' is not a number in %d..%d", printable(value).c_str(),
		                       lo, hi)};
	return static_cast<int>(*v);
}

template <int ProxyOptions::*Field, int Lo, int Hi>
Result<void> set_int(ProxyOptions& o, std::string_view value)
{
	auto v = int_in(value, Lo, Hi);
	if (!v)
		return v.error();
	o.*Field = *v;
	return {};
}

Result<void> set_flag(bool& field, std::string_view value)
{
	auto v = parse_bool(value);
	if (!v)
		return Error{strprintf("'%s' is not true or false", printable(value).c_str())};
	field = *v;
	return {};
}

Result<void> add_endpoint(std::vector<net::Endpoint>& to, std::string_view value)
{
	auto ep = net::Endpoint::parse(value, net::IpAddress::loopback_v4());
	if (!ep)
		return ep.error();
	to.push_back(*ep);
	return {};
}

const Option kOptions[] = {
        {"config-file", false, "FILE", kDefaultProxyConfig,
         "INI file to read ([rtprelay-ctl-proxy] section); 'none' reads none", nullptr},
        {"listen-ng", true, "[ADDR:]PORT", "127.0.0.1:2224",
         "ng over UDP for the SIP proxies (repeatable)",
         [](ProxyOptions& o, std::string_view v) { return add_endpoint(o.listen_ng, v); }},
        {"listen-tcp-ng", true, "[ADDR:]PORT", "", "ng over TCP (repeatable)",
         [](ProxyOptions& o, std::string_view v) { return add_endpoint(o.listen_tcp_ng, v); }},
        {"node", true, "[NAME/]ADDR:PORT[/WEIGHT]", "",
         "a relay node's ng address (repeatable, at least one); weight 1 unless given",
         [](ProxyOptions& o, std::string_view v) -> Result<void> {
	         auto spec = parse_node_spec(v);
	         if (!spec)
		         return spec.error();
	         for (const auto& n : o.nodes)
		         if (n.name == spec->name)
			         return Error{"node name '" + spec->name + "' is given twice"};
	         o.nodes.push_back(*spec);
	         return {};
         }},
        {"listen-cli", false, "[ADDR:]PORT", "",
         "the proxy's CLI (rtpengine-ctl's protocol): sessions and counts of every node",
         [](ProxyOptions& o, std::string_view v) -> Result<void> {
	         auto ep = net::Endpoint::parse(v, net::IpAddress::loopback_v4());
	         if (!ep)
		         return ep.error();
	         o.listen_cli = *ep;
	         return {};
         }},
        {"node-cli", true, "NAME/ADDR:PORT", "",
         "the CLI address of node NAME, which the proxy's CLI asks (repeatable)",
         [](ProxyOptions& o, std::string_view v) -> Result<void> {
	         size_t slash = v.find('/');
	         if (slash == std::string_view::npos || slash == 0)
		         return Error{"expected NAME/ADDR:PORT"};
	         auto ep = net::Endpoint::parse(v.substr(slash + 1), net::IpAddress::loopback_v4());
	         if (!ep)
		         return ep.error();
	         o.node_cli[std::string(v.substr(0, slash))] = *ep;
	         return {};
         }},
        {"redis", false, "[PASSWORD@]HOST:PORT[/DB]", "",
         "keep the call-to-node map in Redis, shared by every proxy using the same database",
         [](ProxyOptions& o, std::string_view v) -> Result<void> {
	         auto t = ha::parse_redis_target(v);
	         if (!t)
		         return t.error();
	         o.redis = *t;
	         return {};
         }},
        {"redis-connect-timeout", false, "MS", "1000", "Redis connect and handshake limit",
         set_int<&ProxyOptions::redis_connect_timeout_ms, 10, 60000>},
        {"redis-cmd-timeout", false, "MS", "1000", "Redis command reply limit",
         set_int<&ProxyOptions::redis_cmd_timeout_ms, 10, 60000>},
        {"call-expires", false, "SECONDS", "86400",
         "a call with no command for this long leaves the map",
         set_int<&ProxyOptions::call_expires_s, 10, 30 * 86400>},
        {"forget-after", false, "SECONDS", "40",
         "after a delete, ask the node this much later whether the call is gone (longer than "
         "the nodes' --delete-delay)",
         set_int<&ProxyOptions::forget_after_s, 1, 86400>},
        {"node-timeout", false, "MS", "1000",
         "a command a node has not answered by then fails (a new call moves to another node)",
         set_int<&ProxyOptions::node_timeout_ms, 50, 60000>},
        {"node-misses", false, "N", "2", "unanswered pings in a row that take a node down",
         set_int<&ProxyOptions::node_misses, 1, 100>},
        {"refusal-hold", false, "SECONDS", "10",
         "a node that refused a new call (load limit) gets no new calls for this long",
         set_int<&ProxyOptions::refusal_hold_s, 0, 3600>},
        {"log-level", false, "0-7", "6", "syslog level", set_int<&ProxyOptions::log_level, 0, 7>},
        {"log-stderr", false, "", "", "log to stderr instead of syslog",
         [](ProxyOptions& o, std::string_view v) { return set_flag(o.log_stderr, v); }},
        {"help", false, "", "", "print this help",
         [](ProxyOptions& o, std::string_view v) { return set_flag(o.help, v); }},
        {"version", false, "", "", "print the version",
         [](ProxyOptions& o, std::string_view v) { return set_flag(o.version, v); }},
};

const Option* find(std::string_view name)
{
	for (const Option& o : kOptions)
		if (o.name == name)
			return &o;
	return nullptr;
}

struct Given {
	const Option* option;
	std::string value;
	std::string origin;
};

Result<std::vector<Given>> parse_argv(int argc, const char* const* argv)
{
	std::vector<Given> out;
	for (int i = 1; i < argc; i++) {
		std::string_view a = argv[i];
		if (!a.starts_with("--"))
			return Error{strprintf("unexpected argument '%s' (see --help)",
			                       printable(a).c_str())};
		std::string_view body = a.substr(2);
		size_t eq = body.find('=');
		std::string_view name = body.substr(0, eq);
		const Option* o = find(name);
		if (!o)
			return Error{strprintf("unknown option '--%s' (see --help)",
			                       printable(name).c_str())};
		std::string value = "true";
		if (eq != std::string_view::npos)
			value = std::string(body.substr(eq + 1));
		else if (!o->arg.empty()) {
			if (i + 1 >= argc)
				return Error{strprintf("option --%s needs a value (%.*s)",
				                       std::string(name).c_str(),
				                       static_cast<int>(o->arg.size()),
				                       o->arg.data())};
			value = argv[++i];
		}
		out.push_back({o, std::move(value), "--" + std::string(name)});
	}
	return out;
}

Result<std::vector<Given>> read_file(const std::string& path)
{
	auto entries = config::read_ini_file(path);
	if (!entries)
		return entries.error();
	std::vector<Given> out;
	for (const auto& e : *entries) {
		if (e.section != kProxySection)
			continue;
		std::string origin = strprintf("%s:%d: %s", path.c_str(), e.line, e.key.c_str());
		const Option* o = find(e.key);
		if (!o || !o->apply || o->name == "help" || o->name == "version")
			return Error{origin + ": unknown option"};
		if (!o->list) {
			out.push_back({o, e.value, origin});
			continue;
		}
		std::string_view rest = e.value;
		while (!rest.empty()) {
			size_t semi = rest.find(';');
			std::string_view item = trim(rest.substr(0, semi));
			if (!item.empty())
				out.push_back({o, std::string(item), origin});
			rest = semi == std::string_view::npos ? "" : rest.substr(semi + 1);
		}
	}
	return out;
}

Result<void> apply_all(ProxyOptions& o, std::span<const Given> given)
{
	for (const Given& g : given) {
		if (!g.option->apply)
			continue;
		if (auto r = g.option->apply(o, g.value); !r)
			return Error{g.origin + ": " + r.error().reason};
	}
	return {};
}

// The file's settings that the command line does not override, then the command line's.
Result<std::vector<Given>> merge_sources(const std::vector<Given>& cli,
                                         const std::string& default_file, std::string* file_read)
{
	std::string file = default_file;
	bool file_given = false;
	for (const Given& g : cli) {
		if (g.option->name == "config-file") {
			file = g.value;
			file_given = true;
		}
	}
	struct stat st {};
	if (file == "none" || (!file_given && stat(file.c_str(), &st) != 0))
		return cli;
	auto from_file = read_file(file);
	if (!from_file)
		return from_file.error();
	*file_read = file;
	std::vector<Given> merged;
	for (Given& g : *from_file) {
		bool overridden = std::any_of(cli.begin(), cli.end(),
		                              [&](const Given& c) { return c.option == g.option; });
		if (!overridden)
			merged.push_back(std::move(g));
	}
	merged.insert(merged.end(), cli.begin(), cli.end());
	return merged;
}

} // namespace

Result<ProxyOptions> load_proxy_options(int argc, const char* const* argv,
                                        const std::string& default_file)
{
	auto cli = parse_argv(argc, argv);
	if (!cli)
		return cli.error();
	ProxyOptions o;
	auto merged = merge_sources(*cli, default_file, &o.config_file);
	if (!merged)
		return merged.error();
	if (auto r = apply_all(o, *merged); !r)
		return r.error();
	if (o.help || o.version)
		return o;
	if (o.listen_ng.empty() && o.listen_tcp_ng.empty())
		o.listen_ng.push_back(net::Endpoint(net::IpAddress::loopback_v4(), 2224));
	if (o.nodes.empty())
		return Error{"no --node given: the proxy needs at least one relay node"};
	for (const auto& node_cli : o.node_cli) {
		const std::string& name = node_cli.first;
		if (std::none_of(o.nodes.begin(), o.nodes.end(),
		                 [&](const NodeSpec& n) { return n.name == name; }))
			return Error{"--node-cli names '" + name + "', which no --node is"};
	}
	return o;
}

std::string proxy_usage()
{
	std::string s = "Usage: rtprelay-ctl-proxy [OPTION]...\n"
	                "One ng endpoint in front of several rtprelayd nodes.\n\n";
	for (const Option& o : kOptions) {
		std::string left = "  --" + std::string(o.name);
		if (!o.arg.empty())
			left += "=" + std::string(o.arg);
		s += strprintf("%-44s %.*s", left.c_str(), static_cast<int>(o.help.size()),
		               o.help.data());
		if (!o.def.empty())
			s += strprintf(" [%.*s]", static_cast<int>(o.def.size()), o.def.data());
		s += "\n";
	}
	return s;
}

} // namespace rtprelay::proxy
