// SPDX-License-Identifier: GPL-3.0-or-later
#include "node_spec.h"

#include <vector>

#include "util/strings.h"

namespace rtprelay::proxy {

namespace {

bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ':';
}

std::vector<std::string_view> split_slashes(std::string_view s)
{
	std::vector<std::string_view> parts;
	size_t start = 0;
	for (size_t i = 0; i <= s.size(); i++) {
		if (i == s.size() || s[i] == '/') {
			parts.push_back(s.substr(start, i - start));
			start = i + 1;
		}
	}
	return parts;
}

} // namespace

Result<NodeSpec> parse_node_spec(std::string_view text)
{
	auto fail = [&](const std::string& why) -> Result<NodeSpec> {
		return Error{strprintf("node '%s': %s (expected [NAME/]ADDR:PORT[/WEIGHT])",
		                       printable(text).c_str(), why.c_str())};
	};
	auto parts = split_slashes(text);
	if (parts.size() > 3)
		return fail("too many '/'");
	NodeSpec spec;
	std::string_view name;
	std::string_view address;
	std::string_view weight;
	if (parts.size() == 1) {
		address = parts[0];
	} else if (parts.size() == 3) {
		name = parts[0];
		address = parts[1];
		weight = parts[2];
	} else if (parse_int(parts[1])) { // ADDR:PORT/WEIGHT
		address = parts[0];
		weight = parts[1];
	} else {
		name = parts[0];
		address = parts[1];
	}
	auto ep = net::Endpoint::parse(address, net::IpAddress::loopback_v4());
	if (!ep)
		return fail(ep.error().reason);
	if (ep->port() == 0)
		return fail("the port is missing or 0");
	spec.ng = *ep;
	if (parts.size() == 3 && weight.empty())
		return fail("the weight is empty");
	if (!weight.empty()) {
		auto w = parse_int(weight);
		if (!w || *w < 0 || *w > kMaxWeight)
			return fail(strprintf("the weight must be 0..%d", kMaxWeight));
		spec.weight = static_cast<int>(*w);
	}
	if (parts.size() >= 2 && name.empty() && !parse_int(parts[1]))
		return fail("the name is empty");
	for (char c : name)
		if (!is_name_char(c))
			return fail("a name holds letters, digits and - _ . : only");
	spec.name = name.empty() ? spec.ng.to_string() : std::string(name);
	return spec;
}

} // namespace rtprelay::proxy
