// Binding UDP sockets in a port range and small IPv4 helpers.
#include "udp_socket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <sys/socket.h>

namespace rtpload {
namespace {

// Root may exceed net.core.rmem_max with the *FORCE variants; fall back to the plain option.
void set_buffer(int fd, int force_opt, int opt, int bytes)
{
	if (bytes <= 0)
		return;
	if (setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof bytes) != 0)
		setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes);
}

} // namespace

Result<BoundSocket> bind_udp_in_range(const in_addr& addr, uint32_t& next_port, uint32_t last_port,
                                      uint32_t step, int rcvbuf, int sndbuf)
{
	for (; next_port <= last_port; next_port += step) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return Error{std::string("socket: ") + strerror(errno)};
		BoundSocket s{UniqueFd(fd), static_cast<uint16_t>(next_port)};
		sockaddr_in sa = make_sockaddr(addr, s.port);
		if (bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0) {
			set_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, rcvbuf);
			set_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, sndbuf);
			next_port += step;
			return s;
		}
		if (errno != EADDRINUSE && errno != EACCES)
			return Error{"bind " + to_string(sa) + ": " + strerror(errno)};
	}
	return Error{"no free UDP port left in the generator port range"};
}

Result<in_addr> parse_ipv4(std::string_view text)
{
	std::string s(text);
	in_addr a{};
	if (inet_pton(AF_INET, s.c_str(), &a) != 1)
		return Error{"not an IPv4 address: '" + s + "'"};
	return a;
}

Result<sockaddr_in> parse_ipv4_endpoint(std::string_view text)
{
	size_t colon = text.rfind(':');
	if (colon == std::string_view::npos)
		return Error{"expected ADDR:PORT, got '" + std::string(text) + "'"};
	auto addr = parse_ipv4(text.substr(0, colon));
	if (!addr)
		return addr.error();
	unsigned port = 0;
	std::string_view p = text.substr(colon + 1);
	auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
	if (ec != std::errc() || end != p.data() + p.size() || port == 0 || port > 65535)
		return Error{"bad port in '" + std::string(text) + "'"};
	return make_sockaddr(*addr, static_cast<uint16_t>(port));
}

sockaddr_in make_sockaddr(const in_addr& addr, uint16_t port)
{
	sockaddr_in sa{};
	sa.sin_family = AF_INET;
	sa.sin_addr = addr;
	sa.sin_port = htons(port);
	return sa;
}

std::string to_string(const in_addr& addr)
{
	char buf[INET_ADDRSTRLEN] = "?";
	inet_ntop(AF_INET, &addr, buf, sizeof buf);
	return buf;
}

std::string to_string(const sockaddr_in& sa)
{
	return to_string(sa.sin_addr) + ":" + std::to_string(ntohs(sa.sin_port));
}

} // namespace rtpload
