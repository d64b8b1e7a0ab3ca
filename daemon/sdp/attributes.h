// SPDX-License-Identifier: GPL-3.0-or-later
// a= lines: splitting "name:value" and the typed attributes the relay reads and rewrites:
// stream direction, a=rtcp (RFC 3605) and the set of ICE attributes (RFC 8839) it strips when
// it terminates ICE itself. Plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sdp/connection.h"

namespace rtprelay::sdp {

// "a=name:value" or the flag "a=name". Names match case-sensitively (RFC 8866 5.13).
struct AttributeView {
	std::string_view name;
	std::string_view value; // "" for a flag
	bool has_value = false; // false for a flag
};
AttributeView split_attribute(std::string_view line_value);

enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };
std::string_view direction_name(Direction d);
std::optional<Direction> direction_from_name(std::string_view name);
inline bool sends(Direction d)
{
	return d == Direction::kSendRecv || d == Direction::kSendOnly;
}
inline bool receives(Direction d)
{
	return d == Direction::kSendRecv || d == Direction::kRecvOnly;
}
// The same direction without its receiving half: sendrecv -> sendonly, recvonly -> inactive.
Direction without_receive(Direction d);

// a=rtcp:<port> [IN IP4|IP6 <address>]
struct RtcpAttr {
	uint16_t port = 0;
	std::optional<Connection> connection;

	// nullopt unless the port is 1..65535 and any address part is a valid Connection.
	static std::optional<RtcpAttr> parse(std::string_view value);
	std::string to_string() const;

	bool operator==(const RtcpAttr&) const = default;
};

// Removed together when the relay terminates ICE on a leg.
inline constexpr std::array<std::string_view, 9> kIceAttributes = {
        "ice-ufrag",  "ice-pwd",   "ice-options",       "ice-lite",          "ice-mismatch",
        "ice-pacing", "candidate", "remote-candidates", "end-of-candidates",
};
bool is_ice_attribute(std::string_view name);

} // namespace rtprelay::sdp
