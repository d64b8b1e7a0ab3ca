// SPDX-License-Identifier: GPL-3.0-or-later
// The "IN IP4 addr" connection data of c= lines (RFC 8866 5.7), also used by a=rtcp
// (RFC 3605): parsing with the checks the relay needs, formatting, and the two special forms it
// must recognise: multicast (kept verbatim and reported, the relay does not serve it) and the
// RFC 2543 hold address 0.0.0.0.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/address.h"
#include "util/result.h"

namespace rtprelay::sdp {

struct Connection {
	std::string nettype = "IN";
	std::string addrtype; // "IP4" or "IP6"
	std::string address;  // IP literal or host name, without a multicast suffix
	// "/ttl" or "/ttl/count" (IP4), "/count" (IP6), verbatim; empty for unicast.
	std::string multicast_suffix;

	// "IN IP4 192.0.2.1", "IN IP6 2001:db8::1", "IN IP4 host.example.com",
	// "IN IP4 233.252.0.1/127/2". Anything else is an Error saying what is wrong.
	static Result<Connection> parse(std::string_view value);
	static Connection from_ip(const net::IpAddress& ip);
	std::string to_string() const;

	bool is_ip6() const { return addrtype == "IP6"; }
	// The address as an IP, or nullopt for a host name.
	std::optional<net::IpAddress> ip() const;
	// A multicast suffix or a multicast address (224.0.0.0/4, ff00::/8).
	bool is_multicast() const;
	// The old-style hold address: 0.0.0.0 (RFC 2543), or :: for IPv6.
	bool is_hold() const;

	bool operator==(const Connection&) const = default;
};

} // namespace rtprelay::sdp
