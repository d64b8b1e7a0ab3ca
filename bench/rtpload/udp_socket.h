// Non-blocking UDP sockets bound to concrete loopback ports inside the generator's port range,
// and IPv4 address helpers. Used at setup time only.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"
#include "unique_fd.h"

namespace rtpload {

struct BoundSocket {
	UniqueFd fd;
	uint16_t port = 0;
};

// Walks `next_port` upwards by `step` until a bind succeeds or `last_port` is passed; leaves
// `next_port` after the port it used. `rcvbuf`/`sndbuf` of 0 keep the system default.
Result<BoundSocket> bind_udp_in_range(const in_addr& addr, uint32_t& next_port, uint32_t last_port,
                                      uint32_t step, int rcvbuf, int sndbuf);

Result<in_addr> parse_ipv4(std::string_view text);
// "ADDR:PORT" → sockaddr_in.
Result<sockaddr_in> parse_ipv4_endpoint(std::string_view text);
sockaddr_in make_sockaddr(const in_addr& addr, uint16_t port);
std::string to_string(const sockaddr_in& sa);
std::string to_string(const in_addr& addr);

} // namespace rtpload
