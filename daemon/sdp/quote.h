// SPDX-License-Identifier: GPL-3.0-or-later
// How parse errors quote SDP text. Errors go into ng replies and the log, and a bad line may
// carry key material (a=crypto's inline:, k=, a=key-mgmt, a=ice-pwd), or be the second half of
// a key that a stray line break split. So a quote is a short prefix that ends before anything
// that could be a secret: enough to find the line, never enough to leak one. Any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rtprelay::sdp {

inline constexpr size_t kMaxQuote = 20; // bytes of SDP text an error may show

// Printable form of at most kMaxQuote bytes of `text`, cut after the first word that
// introduces a secret ("inline:", "crypto", "key", "pwd", "k="); "..." marks a cut.
std::string quote(std::string_view text);

// Whether `line` names or holds key material, so that the line after it may be the rest of a
// key split by a line break and must not be quoted at all.
bool may_carry_secret(std::string_view line);

} // namespace rtprelay::sdp
