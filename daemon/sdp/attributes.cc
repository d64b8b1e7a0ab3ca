// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/attributes.h"

#include <algorithm>

#include "sdp/text.h"

namespace rtprelay::sdp {

namespace {

constexpr std::array<std::string_view, 4> kDirectionNames = {"sendrecv", "sendonly", "recvonly",
                                                             "inactive"};

} // namespace

AttributeView split_attribute(std::string_view line_value)
{
	size_t colon = line_value.find(':');
	if (colon == std::string_view::npos)
		return {line_value, {}, false};
	return {line_value.substr(0, colon), line_value.substr(colon + 1), true};
}

std::string_view direction_name(Direction d)
{
	return kDirectionNames[static_cast<size_t>(d)];
}

std::optional<Direction> direction_from_name(std::string_view name)
{
	for (size_t i = 0; i < kDirectionNames.size(); i++)
		if (kDirectionNames[i] == name)
			return static_cast<Direction>(i);
	return std::nullopt;
}

Direction without_receive(Direction d)
{
	switch (d) {
	case Direction::kSendRecv: return Direction::kSendOnly;
	case Direction::kRecvOnly: return Direction::kInactive;
	default: return d;
	}
}

std::optional<RtcpAttr> RtcpAttr::parse(std::string_view value)
{
	auto fields = split_fields(value);
	if (fields.size() != 1 && fields.size() != 4)
		return std::nullopt;
	auto port = parse_port(fields[0]);
	if (!port || *port == 0)
		return std::nullopt;
	RtcpAttr r;
	r.port = *port;
	if (fields.size() == 4) {
		// The three address fields, from the start of the second field to the end.
		size_t start = static_cast<size_t>(fields[1].data() - value.data());
		auto c = Connection::parse(value.substr(start));
		if (!c)
			return std::nullopt;
		r.connection = std::move(*c);
	}
	return r;
}

std::string RtcpAttr::to_string() const
{
	std::string out = std::to_string(port);
	if (connection)
		out += " " + connection->to_string();
	return out;
}

bool is_ice_attribute(std::string_view name)
{
	return std::find(kIceAttributes.begin(), kIceAttributes.end(), name) !=
	       kIceAttributes.end();
}

} // namespace rtprelay::sdp
