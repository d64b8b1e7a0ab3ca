// SPDX-License-Identifier: GPL-3.0-or-later
// Small string helpers for the control plane: printf-style formatting (g++ 12 has no
// <format>), trimming, and strict number/boolean parsing for configuration values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtprelay {

std::string strprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

std::string_view trim(std::string_view s);

// Whole-string decimal integer; nullopt on any junk, sign misuse or overflow.
std::optional<int64_t> parse_int(std::string_view s);

// true/false, yes/no, on/off, 1/0 (case-insensitive).
std::optional<bool> parse_bool(std::string_view s);

bool iequals(std::string_view a, std::string_view b);

// Printable form of untrusted bytes for log lines and error reasons: non-printable bytes,
// backslash and double quote are shown as \xNN; the result is cut at max_len with "...".
std::string printable(std::string_view s, size_t max_len = 64);

} // namespace rtprelay
