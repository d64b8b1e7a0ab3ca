// SPDX-License-Identifier: GPL-3.0-or-later
// SDP text -> Session. Strict about the lines the relay has to understand (v=, o=, s=, c=,
// m=) and about the line structure; every other line is kept verbatim. CRLF and bare LF line
// ends are accepted, and so is a missing final line break. Control thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "sdp/model.h"
#include "util/result.h"

namespace rtprelay::sdp {

inline constexpr size_t kMaxSdpSize = size_t{1024} * 1024; // bytes
inline constexpr size_t kMaxMediaSections = 64;

// Errors are plain text for the ng "error-reason", with the 1-based line number where there
// is one: "SDP line 5: m= port 'abc' is not a number".
Result<Session> parse(std::string_view text);

} // namespace rtprelay::sdp
