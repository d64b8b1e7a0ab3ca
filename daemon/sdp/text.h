// SPDX-License-Identifier: GPL-3.0-or-later
// Field-level text helpers shared by the SDP units: splitting a line's value into its
// space-separated fields, strict port numbers, and cleaning values that mutators write so a
// rewrite can never break a line apart or leave an empty field behind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtprelay::sdp {

// Fields separated by one or more spaces; leading and trailing spaces are ignored.
std::vector<std::string_view> split_fields(std::string_view s);

// Non-empty and nothing but decimal digits.
bool is_decimal(std::string_view s);

// Decimal digits only (no sign, no spaces), at most max.
std::optional<uint32_t> parse_decimal(std::string_view s, uint32_t max);

// 0..65535, decimal digits only.
inline std::optional<uint16_t> parse_port(std::string_view s)
{
	auto v = parse_decimal(s, 65535);
	if (!v)
		return std::nullopt;
	return static_cast<uint16_t>(*v);
}

// A single field: drops spaces, CR, LF and NUL (what would split the field or the line);
// an empty result becomes "-". A field split_fields returned comes back unchanged.
std::string clean_field(std::string_view s);

// Free text for the rest of a line: drops CR, LF and NUL.
std::string clean_text(std::string_view s);

} // namespace rtprelay::sdp
