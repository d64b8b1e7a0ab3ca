// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/connection.h"

#include <cctype>

#include "sdp/quote.h"
#include "sdp/text.h"
#include "util/strings.h"

namespace rtprelay::sdp {

namespace {

// RFC 8866 FQDN, loosely: letters, digits, '-' and '.', with at least one letter so that a
// mistyped IPv4 literal ("1.2.3.256") is not taken for a name.
bool is_host_name(std::string_view s)
{
	if (s.empty() || s.size() > 253)
		return false;
	bool letter = false;
	for (unsigned char c : s) {
		if (std::isalpha(c))
			letter = true;
		else if (!std::isdigit(c) && c != '-' && c != '.')
			return false;
	}
	return letter;
}

bool valid_suffix(std::string_view suffix, bool ip6)
{
	// suffix starts after the first '/'
	size_t slash = suffix.find('/');
	std::string_view first = suffix.substr(0, slash);
	if (ip6)
		return slash == std::string_view::npos && parse_decimal(first, 65535).has_value();
	if (!parse_decimal(first, 255))
		return false;
	if (slash == std::string_view::npos)
		return true;
	auto count = parse_decimal(suffix.substr(slash + 1), 65535);
	return count && *count > 0;
}

} // namespace

Result<Connection> Connection::parse(std::string_view value)
{
	auto fields = split_fields(value);
	if (fields.size() != 3)
		return Error{strprintf("'%s' is not of the form 'IN IP4|IP6 address'",
		                       quote(value).c_str())};
	Connection c;
	if (fields[0] != "IN")
		return Error{strprintf("network type '%s' is not IN", quote(fields[0]).c_str())};
	if (fields[1] != "IP4" && fields[1] != "IP6")
		return Error{
		        strprintf("address type '%s' is not IP4 or IP6", quote(fields[1]).c_str())};
	c.addrtype = std::string(fields[1]);
	bool ip6 = c.is_ip6();
	std::string_view addr = fields[2];
	size_t slash = addr.find('/');
	if (slash != std::string_view::npos) {
		if (!valid_suffix(addr.substr(slash + 1), ip6))
			return Error{strprintf("multicast suffix '%s' is malformed",
			                       quote(addr.substr(slash)).c_str())};
		c.multicast_suffix = std::string(addr.substr(slash));
		addr = addr.substr(0, slash);
	}
	auto ip = net::IpAddress::parse(addr);
	if (ip ? ip->is_v6() != ip6 : !is_host_name(addr))
		return Error{strprintf("address '%s' is not an %s address or host name",
		                       quote(addr).c_str(), ip6 ? "IPv6" : "IPv4")};
	c.address = std::string(addr);
	return c;
}

Connection Connection::from_ip(const net::IpAddress& ip)
{
	Connection c;
	c.addrtype = ip.is_v6() ? "IP6" : "IP4";
	c.address = ip.to_string();
	return c;
}

std::string Connection::to_string() const
{
	return clean_field(nettype) + " " + clean_field(addrtype) + " " +
	       clean_field(address + multicast_suffix);
}

std::optional<net::IpAddress> Connection::ip() const
{
	auto ip = net::IpAddress::parse(address);
	if (!ip)
		return std::nullopt;
	return *ip;
}

bool Connection::is_multicast() const
{
	if (!multicast_suffix.empty())
		return true;
	auto a = ip();
	if (!a)
		return false;
	if (a->is_v6())
		return a->v6().s6_addr[0] == 0xff;
	return (ntohl(a->v4().s_addr) >> 28) == 0xe;
}

bool Connection::is_hold() const
{
	auto a = ip();
	if (!a)
		return false;
	if (a->is_v6())
		return IN6_IS_ADDR_UNSPECIFIED(&a->v6());
	return a->v4().s_addr == 0;
}

} // namespace rtprelay::sdp
