// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/origin.h"

#include "sdp/text.h"
#include "util/strings.h"

namespace rtprelay::sdp {

Result<Origin> Origin::parse(std::string_view value)
{
	auto f = split_fields(value);
	if (f.size() != 6)
		return Error{
		        strprintf("o= has %zu fields instead of 6 (username sess-id sess-version "
		                  "nettype addrtype address)",
		                  f.size())};
	return Origin{std::string(f[0]), std::string(f[1]), std::string(f[2]),
	              std::string(f[3]), std::string(f[4]), std::string(f[5])};
}

std::string Origin::to_string() const
{
	std::string out;
	for (const std::string* f :
	     {&username, &session_id, &session_version, &nettype, &addrtype, &address}) {
		if (!out.empty())
			out += ' ';
		out += clean_field(*f);
	}
	return out;
}

void Origin::set_address(const net::IpAddress& ip)
{
	nettype = "IN";
	addrtype = ip.is_v6() ? "IP6" : "IP4";
	address = ip.to_string();
}

} // namespace rtprelay::sdp
