// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/text.h"

namespace rtprelay::sdp {

std::vector<std::string_view> split_fields(std::string_view s)
{
	// Counted first, for one allocation: an m= line's many formats would otherwise grow
	// the vector several times, and signalling parses lines often.
	size_t count = 0;
	for (size_t i = 0; i < s.size(); i++)
		count += s[i] != ' ' && (i == 0 || s[i - 1] == ' ');
	std::vector<std::string_view> out;
	out.reserve(count);
	size_t i = 0;
	while (i < s.size()) {
		while (i < s.size() && s[i] == ' ')
			i++;
		size_t start = i;
		while (i < s.size() && s[i] != ' ')
			i++;
		if (i > start)
			out.push_back(s.substr(start, i - start));
	}
	return out;
}

bool is_decimal(std::string_view s)
{
	if (s.empty())
		return false;
	for (char c : s)
		if (c < '0' || c > '9')
			return false;
	return true;
}

std::optional<uint32_t> parse_decimal(std::string_view s, uint32_t max)
{
	if (!is_decimal(s))
		return std::nullopt;
	uint64_t v = 0;
	for (char c : s) {
		v = v * 10 + static_cast<uint64_t>(c - '0');
		if (v > max)
			return std::nullopt;
	}
	return static_cast<uint32_t>(v);
}

std::string clean_field(std::string_view s)
{
	std::string out;
	for (char c : s)
		if (c != ' ' && c != '\r' && c != '\n' && c != '\0')
			out += c;
	if (out.empty())
		out.push_back('-');
	return out;
}

std::string clean_text(std::string_view s)
{
	std::string out;
	for (char c : s)
		if (c != '\r' && c != '\n' && c != '\0')
			out += c;
	return out;
}

} // namespace rtprelay::sdp
