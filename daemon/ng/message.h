// SPDX-License-Identifier: GPL-3.0-or-later
// ng datagram framing: "<cookie> <dictionary>", the dictionary in bencode (starts with 'd')
// or JSON (starts with '{'); replies go back with the same cookie in the same encoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ng/value.h"
#include "util/arena.h"
#include "util/result.h"

namespace rtprelay::ng {

inline constexpr size_t kMaxCookieLength = 256;
inline constexpr size_t kMaxMessageSize = 65535;

enum class Encoding { kBencode, kJson };

struct Framing {
	std::string_view cookie;
	std::string_view body; // may be empty or malformed; decode_body says
	Encoding encoding = Encoding::kBencode;
};

// The cookie is 1..kMaxCookieLength printable non-space ASCII bytes followed by a space.
// nullopt means there is no cookie to reply to: such datagrams are counted and dropped.
std::optional<Framing> split_message(std::string_view datagram);

// Decodes the body; the top level must be a dictionary.
Result<Value> decode_body(const Framing& framing, Arena& arena);

std::string encode_reply(std::string_view cookie, const Value& reply, Encoding encoding);
// The dictionary alone, for transports without a cookie (HTTP POST /ng-plain).
std::string encode_body(const Value& reply, Encoding encoding);

} // namespace rtprelay::ng
