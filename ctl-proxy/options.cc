// SPDX-License-Identifier: GPL-3.0-or-later
#include "options.h"

#include <cmath>
#include <string_view>

#include "util/strings.h"

namespace rtprelay::ctl {
namespace {

Result<net::Endpoint> endpoint_option(std::string_view value, std::string_view name)
{
	auto ep = net::Endpoint::parse(value, net::IpAddress::loopback_v4());
	if (!ep)
		return Error{strprintf("--%.*s: %s", static_cast<int>(name.size()), name.data(),
		                       ep.error().reason.c_str())};
	return ep;
}

Result<int> timeout_option(std::string_view value)
{
	std::string text(value);
	char* end = nullptr;
	double seconds = std::strtod(text.c_str(), &end);
	// Up to a day: beyond that the operator meant something else, and the milliseconds fit.
	if (text.empty() || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 ||
	    seconds > 86400)
		return Error{strprintf("--timeout: '%s' is not a number of seconds above 0",
		                       printable(value).c_str())};
	return static_cast<int>(std::ceil(seconds * 1000));
}

// One "--name=value" or "--flag".
Result<void> apply_option(std::string_view arg, Options& opts)
{
	size_t eq = arg.find('=');
	std::string_view name = arg.substr(2, eq == std::string_view::npos ? eq : eq - 2);
	std::string_view value = eq == std::string_view::npos ? "" : arg.substr(eq + 1);
	bool has_value = eq != std::string_view::npos;
	if (!has_value && (name == "json" || name == "help")) {
		(name == "json" ? opts.json : opts.help) = true;
		return {};
	}
	if (has_value && (name == "cli" || name == "ng")) {
		auto ep = endpoint_option(value, name);
		if (!ep)
			return ep.error();
		(name == "cli" ? opts.cli : opts.ng) = *ep;
		return {};
	}
	if (has_value && name == "timeout") {
		auto ms = timeout_option(value);
		if (!ms)
			return ms.error();
		opts.timeout_ms = *ms;
		return {};
	}
	return Error{strprintf("unknown option '%s' (see --help)", printable(arg).c_str())};
}

} // namespace

Result<Options> parse_options(int argc, char** argv)
{
	Options opts;
	int i = 1;
	for (; i < argc; i++) {
		std::string_view arg = argv[i];
		if (arg == "--") {
			i++;
			break;
		}
		if (arg == "-h") {
			opts.help = true;
			continue;
		}
		if (arg.size() < 3 || arg.substr(0, 2) != "--")
			break;
		auto applied = apply_option(arg, opts);
		if (!applied)
			return applied.error();
	}
	for (; i < argc; i++)
		opts.words.emplace_back(argv[i]);
	return opts;
}

} // namespace rtprelay::ctl
