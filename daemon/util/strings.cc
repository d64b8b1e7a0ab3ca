// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/strings.h"

#include <cctype>
#include <charconv>
#include <cstdarg>
#include <cstdio>

namespace rtprelay {

std::string strprintf(const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(nullptr, 0, fmt, ap);
	va_end(ap);
	std::string out;
	if (n > 0) {
		out.resize(static_cast<size_t>(n) + 1);
		vsnprintf(out.data(), out.size(), fmt, ap2);
		out.resize(static_cast<size_t>(n));
	}
	va_end(ap2);
	return out;
}

std::string_view trim(std::string_view s)
{
	while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
		s.remove_prefix(1);
	while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
		s.remove_suffix(1);
	return s;
}

std::optional<int64_t> parse_int(std::string_view s)
{
	if (s.empty())
		return std::nullopt;
	int64_t v = 0;
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (ec != std::errc() || end != s.data() + s.size())
		return std::nullopt;
	return v;
}

bool iequals(std::string_view a, std::string_view b)
{
	if (a.size() != b.size())
		return false;
	for (size_t i = 0; i < a.size(); i++) {
		if (std::tolower(static_cast<unsigned char>(a[i])) !=
		    std::tolower(static_cast<unsigned char>(b[i])))
			return false;
	}
	return true;
}

std::optional<bool> parse_bool(std::string_view s)
{
	for (auto t : {"true", "yes", "on", "1"})
		if (iequals(s, t))
			return true;
	for (auto f : {"false", "no", "off", "0"})
		if (iequals(s, f))
			return false;
	return std::nullopt;
}

std::string printable(std::string_view s, size_t max_len)
{
	std::string out;
	for (unsigned char c : s) {
		if (out.size() >= max_len) {
			out += "...";
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			out += static_cast<char>(c);
		else
			out += strprintf("\\x%02x", c);
	}
	return out;
}

} // namespace rtprelay
