// SPDX-License-Identifier: GPL-3.0-or-later
#include "net/address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "util/strings.h"

namespace rtprelay::net {

Result<IpAddress> IpAddress::parse(std::string_view text)
{
	if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
		return Error{strprintf("'%s' is not an IP address", printable(text).c_str())};
	std::string s(text);
	IpAddress ip;
	if (inet_pton(AF_INET, s.c_str(), &ip.v4_) == 1) {
		ip.family_ = AF_INET;
		return ip;
	}
	if (inet_pton(AF_INET6, s.c_str(), &ip.v6_) == 1) {
		ip.family_ = AF_INET6;
		return ip;
	}
	return Error{strprintf("'%s' is not an IP address", printable(text).c_str())};
}

IpAddress IpAddress::loopback_v4()
{
	in_addr a;
	a.s_addr = htonl(INADDR_LOOPBACK);
	return from_v4(a);
}

IpAddress IpAddress::from_v4(const in_addr& a)
{
	IpAddress ip;
	ip.family_ = AF_INET;
	ip.v4_ = a;
	return ip;
}

IpAddress IpAddress::from_v6(const in6_addr& a)
{
	IpAddress ip;
	ip.family_ = AF_INET6;
	ip.v6_ = a;
	return ip;
}

std::string IpAddress::to_string() const
{
	char buf[INET6_ADDRSTRLEN] = "";
	if (family_ == AF_INET) {
		// What inet_ntop writes, without its sprintf: every reply and SDP names a few
		// addresses, and glibc's formatting took 2% of the relay's time at call setup.
		uint32_t a = ntohl(v4_.s_addr);
		char* p = buf;
		for (int shift = 24; shift >= 0; shift -= 8) {
			p = std::to_chars(p, buf + sizeof buf, (a >> shift) & 0xff).ptr;
			if (shift)
				*p++ = '.';
		}
		return {buf, p};
	}
	if (family_ == AF_INET6)
		inet_ntop(AF_INET6, &v6_, buf, sizeof buf);
	return buf;
}

bool IpAddress::operator==(const IpAddress& other) const
{
	if (family_ != other.family_)
		return false;
	if (family_ == AF_INET)
		return v4_.s_addr == other.v4_.s_addr;
	if (family_ == AF_INET6)
		return memcmp(&v6_, &other.v6_, sizeof v6_) == 0;
	return true;
}

Endpoint::Endpoint(const IpAddress& ip, uint16_t port) : ip_(ip), port_(port) {}

static Result<uint16_t> parse_port(std::string_view text, std::string_view whole)
{
	auto port = parse_int(text);
	if (!port || *port < 1 || *port > 65535)
		return Error{
		        strprintf("'%s' has no valid port (1-65535)", printable(whole).c_str())};
	return static_cast<uint16_t>(*port);
}

Result<Endpoint> Endpoint::parse(std::string_view text, const IpAddress& default_ip)
{
	std::string_view host;
	std::string_view port_text = text;
	if (!text.empty() && text.front() == '[') {
		size_t close = text.find(']');
		if (close == std::string_view::npos || close + 1 >= text.size() ||
		    text[close + 1] != ':')
			return Error{strprintf("'%s' is not [IPv6]:PORT", printable(text).c_str())};
		host = text.substr(1, close - 1);
		port_text = text.substr(close + 2);
	} else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
		host = text.substr(0, colon);
		port_text = text.substr(colon + 1);
		if (host.find(':') != std::string_view::npos)
			return Error{strprintf("'%s': write IPv6 addresses as [ADDR]:PORT",
			                       printable(text).c_str())};
	}
	auto port = parse_port(port_text, text);
	if (!port)
		return port.error();
	if (host.empty())
		return Endpoint(default_ip, *port);
	auto ip = IpAddress::parse(host);
	if (!ip)
		return ip.error();
	return Endpoint(*ip, *port);
}

Endpoint Endpoint::from_sockaddr(const sockaddr* sa, socklen_t len)
{
	Endpoint ep;
	if (sa->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
		auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
		ep.ip_ = IpAddress::from_v4(sin->sin_addr);
		ep.port_ = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
		auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
		ep.ip_ = IpAddress::from_v6(sin6->sin6_addr);
		ep.port_ = ntohs(sin6->sin6_port);
	}
	return ep;
}

socklen_t Endpoint::to_sockaddr(sockaddr_storage& storage) const
{
	memset(&storage, 0, sizeof storage);
	if (ip_.is_v6()) {
		auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = ip_.v6();
		sin6->sin6_port = htons(port_);
		return sizeof(sockaddr_in6);
	}
	auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
	sin->sin_family = AF_INET;
	sin->sin_addr = ip_.v4();
	sin->sin_port = htons(port_);
	return sizeof(sockaddr_in);
}

std::string Endpoint::to_string() const
{
	std::string s;
	s.reserve(INET6_ADDRSTRLEN + 8); // "[", "]:" and the port: one allocation
	if (ip_.is_v6())
		s.append("[").append(ip_.to_string()).append("]");
	else
		s.append(ip_.to_string());
	char port[6];
	s.append(":").append(port, std::to_chars(port, port + sizeof port, port_).ptr);
	return s;
}

bool Endpoint::operator==(const Endpoint& other) const
{
	return port_ == other.port_ && ip_ == other.ip_;
}

} // namespace rtprelay::net
