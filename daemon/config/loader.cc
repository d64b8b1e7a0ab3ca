// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/loader.h"

#include <unistd.h>

#include <vector>

#include "config/ini_file.h"
#include "config/option_table.h"
#include "util/strings.h"

namespace rtprelay::config {
namespace {

// One option occurrence, before it is applied to the Config.
struct Setting {
	const OptionSpec* spec;
	std::string value;
	std::string origin; // how to name it in an error: "--port-min" or "file:12: port-min"
};

struct CliResult {
	std::vector<Setting> settings;
	Loaded::Action action = Loaded::Action::kRun;
	std::string config_file;
	bool config_file_given = false;
	std::string section;
};

Error unknown_option(std::string_view name, std::string_view shown)
{
	if (is_unimplemented_rtpengine_option(name))
		return Error{
		        strprintf("option '%.*s' is an rtpengine option that rtprelay does not "
		                  "implement (yet)",
		                  static_cast<int>(shown.size()), shown.data())};
	return Error{strprintf("unknown option '%s' (see --help)", printable(shown).c_str())};
}

Result<void> add_cli(CliResult& out, const OptionSpec& spec, std::string value, std::string origin)
{
	if (spec.kind != OptionKind::kLoader) {
		out.settings.push_back({&spec, std::move(value), std::move(origin)});
		return {};
	}
	if (spec.name == "help")
		out.action = Loaded::Action::kHelp;
	else if (spec.name == "version")
		out.action = Loaded::Action::kVersion;
	else if (spec.name == "config-file") {
		out.config_file = std::move(value);
		out.config_file_given = true;
	} else if (spec.name == "config-section")
		out.section = std::move(value);
	return {};
}

bool takes_value(const OptionSpec& spec)
{
	return !spec.arg.empty();
}

Error needs_value(const std::string& origin, const OptionSpec& spec)
{
	return Error{strprintf("option %s needs a value (%.*s)", origin.c_str(),
	                       static_cast<int>(spec.arg.size()), spec.arg.data())};
}

// argv[i] is --name=value, --name value or --flag; i moves past a separate value.
Result<void> parse_long(CliResult& out, int argc, const char* const* argv, int& i)
{
	std::string_view a = argv[i];
	std::string_view body = a.substr(2);
	size_t eq = body.find('=');
	std::string_view name = body.substr(0, eq);
	const OptionSpec* spec = find_option(name);
	if (!spec)
		return unknown_option(
		        name, a.substr(0, eq == std::string_view::npos ? a.size() : eq + 2));
	std::string origin = "--" + std::string(name);
	std::string value;
	if (eq != std::string_view::npos)
		value = body.substr(eq + 1);
	else if (takes_value(*spec)) {
		if (i + 1 >= argc)
			return needs_value(origin, *spec);
		value = argv[++i];
	} else
		value = "true";
	return add_cli(out, *spec, std::move(value), std::move(origin));
}

// argv[i] is -x value, -xvalue or -fE (grouped flags); i moves past a separate value.
Result<void> parse_short(CliResult& out, int argc, const char* const* argv, int& i)
{
	std::string_view a = argv[i];
	for (size_t j = 1; j < a.size(); j++) {
		const OptionSpec* spec = find_short_option(a[j]);
		std::string origin = std::string("-") + a[j];
		if (!spec)
			return Error{strprintf("unknown option '%s' (see --help)",
			                       printable(origin).c_str())};
		std::string value = "true";
		if (takes_value(*spec)) {
			if (j + 1 < a.size())
				value = a.substr(j + 1);
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return needs_value(origin, *spec);
			j = a.size();
		}
		if (auto r = add_cli(out, *spec, std::move(value), std::move(origin)); !r)
			return r;
	}
	return {};
}

// The command line: options only, no other arguments.
Result<CliResult> parse_cli(int argc, const char* const* argv)
{
	CliResult out;
	for (int i = 1; i < argc; i++) {
		std::string_view a = argv[i];
		Result<void> r;
		if (a.size() > 2 && a.substr(0, 2) == "--")
			r = parse_long(out, argc, argv, i);
		else if (a.size() >= 2 && a[0] == '-')
			r = parse_short(out, argc, argv, i);
		else
			return Error{
			        strprintf("unexpected argument '%s' (options start with - or --)",
			                  printable(a).c_str())};
		if (!r)
			return r.error();
	}
	return out;
}

// Adds the items of a list option's value, separated by ';' (empty ones skipped).
void add_list_items(std::vector<Setting>& out, const OptionSpec* spec, std::string_view value,
                    const std::string& where)
{
	while (true) {
		size_t semi = value.find(';');
		std::string_view item = trim(value.substr(0, semi));
		if (!item.empty())
			out.push_back({spec, std::string(item), where});
		if (semi == std::string_view::npos)
			return;
		value.remove_prefix(semi + 1);
	}
}

// Picks the section ([rtprelay], else [rtpengine], or the one named) and maps keys to options.
Result<std::vector<Setting>> file_settings(const std::vector<IniEntry>& entries,
                                           const std::string& file, const std::string& wanted)
{
	std::string section = wanted;
	if (section.empty()) {
		section = "rtprelay";
		bool have = false;
		for (const auto& e : entries)
			have = have || e.section == section;
		if (!have)
			section = "rtpengine";
	}
	std::vector<Setting> out;
	for (const auto& e : entries) {
		if (e.section != section)
			continue;
		std::string where = strprintf("%s:%d: %s", file.c_str(), e.line, e.key.c_str());
		const OptionSpec* spec = find_option(e.key);
		if (!spec) {
			Error err = unknown_option(e.key, e.key);
			return Error{file + ":" + std::to_string(e.line) + ": " + err.reason};
		}
		if (spec->kind == OptionKind::kLoader)
			return Error{where + ": only allowed on the command line"};
		if (spec->kind == OptionKind::kList)
			add_list_items(out, spec, e.value, where);
		else
			out.push_back({spec, e.value, where});
	}
	return out;
}

Result<void> apply(Config& config, const std::vector<Setting>& settings)
{
	for (const auto& s : settings) {
		auto r = s.spec->apply(config, s.value);
		if (!r)
			return Error{strprintf("invalid value '%s' for %s: %s",
			                       printable(s.value).c_str(), s.origin.c_str(),
			                       r.error().reason.c_str())};
	}
	return {};
}

Result<void> validate(Config& config)
{
	if (config.interfaces.empty())
		config.interfaces.push_back(
		        {"default", net::IpAddress::loopback_v4(), std::nullopt});
	if (config.listen_ng.empty())
		config.listen_ng.emplace_back(net::IpAddress::loopback_v4(), 2223);
	if (config.port_min >= config.port_max)
		return Error{strprintf("port-min (%u) must be lower than port-max (%u)",
		                       config.port_min, config.port_max)};
	for (size_t i = 0; i < config.listen_ng.size(); i++)
		for (size_t j = 0; j < i; j++)
			if (config.listen_ng[i] == config.listen_ng[j])
				return Error{"listen-ng " + config.listen_ng[i].to_string() +
				             " is given twice"};
	for (size_t i = 0; i < config.listen_tcp_ng.size(); i++)
		for (size_t j = 0; j < i; j++)
			if (config.listen_tcp_ng[i] == config.listen_tcp_ng[j])
				return Error{"listen-tcp-ng " +
				             config.listen_tcp_ng[i].to_string() +
				             " is given twice"};
	if (config.nftables_start && config.nftables_stop)
		return Error{"nftables-start and nftables-stop exclude each other"};
	if (!config.nftables_chain.empty() && config.nftables_chain == config.nftables_base_chain)
		return Error{strprintf("nftables-chain and nftables-base-chain are both '%s'; the "
		                       "base chain jumps to the chain, so they must differ",
		                       config.nftables_chain.c_str())};
	return {};
}

} // namespace

Result<Loaded> load(int argc, const char* const* argv, const std::string& default_file)
{
	auto cli = parse_cli(argc, argv);
	if (!cli)
		return cli.error();
	Loaded loaded;
	loaded.action = cli->action;
	if (loaded.action != Loaded::Action::kRun)
		return loaded;

	std::vector<Setting> settings;
	std::string file = cli->config_file_given ? cli->config_file : default_file;
	bool read_file = file != "none" && !file.empty() &&
	                 (cli->config_file_given || access(file.c_str(), F_OK) == 0);
	if (read_file) {
		auto entries = read_ini_file(file);
		if (!entries)
			return entries.error();
		auto from_file = file_settings(*entries, file, cli->section);
		if (!from_file)
			return from_file.error();
		// A list option given on the command line replaces the file's values, like any
		// other option; it does not add to them.
		for (auto& s : *from_file) {
			bool overridden = false;
			for (const auto& c : cli->settings)
				overridden = overridden || (s.spec->kind == OptionKind::kList &&
				                            c.spec == s.spec);
			if (!overridden)
				settings.push_back(std::move(s));
		}
		loaded.config_file = file;
	}
	for (auto& s : cli->settings)
		settings.push_back(std::move(s));

	if (auto r = apply(loaded.config, settings); !r)
		return r.error();
	if (auto r = validate(loaded.config); !r)
		return r.error();
	return loaded;
}

} // namespace rtprelay::config
