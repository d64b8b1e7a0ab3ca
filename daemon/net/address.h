// SPDX-License-Identifier: GPL-3.0-or-later
// IP addresses and socket endpoints: parsing from configuration/ng text and formatting for
// logs and SDP. Plain values, usable from any thread.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace rtprelay::net {

class IpAddress {
public:
	IpAddress() = default;
	static Result<IpAddress> parse(std::string_view text); // IPv4 or IPv6 literal, no brackets
	static IpAddress loopback_v4();
	static IpAddress from_v4(const in_addr& a);
	static IpAddress from_v6(const in6_addr& a);

	int family() const { return family_; }
	bool is_v6() const { return family_ == AF_INET6; }
	const in_addr& v4() const { return v4_; }
	const in6_addr& v6() const { return v6_; }
	std::string to_string() const;
	bool operator==(const IpAddress& other) const;

private:
	int family_ = AF_UNSPEC;
	in_addr v4_{};
	in6_addr v6_{};
};

class Endpoint {
public:
	Endpoint() = default;
	Endpoint(const IpAddress& ip, uint16_t port);
	// "ADDR:PORT", "[V6ADDR]:PORT", or "PORT" (which means default_ip:PORT).
	static Result<Endpoint> parse(std::string_view text, const IpAddress& default_ip);
	static Endpoint from_sockaddr(const sockaddr* sa, socklen_t len);

	const IpAddress& ip() const { return ip_; }
	uint16_t port() const { return port_; }
	// Fills storage; returns the length to pass to bind/sendto.
	socklen_t to_sockaddr(sockaddr_storage& storage) const;
	std::string to_string() const; // "1.2.3.4:5" or "[::1]:5"
	bool operator==(const Endpoint& other) const;

private:
	IpAddress ip_;
	uint16_t port_ = 0;
};

} // namespace rtprelay::net
