// SPDX-License-Identifier: GPL-3.0-or-later
// Base64 (RFC 4648, standard alphabet) for SDES keys in SDP, with or without the '=' padding
// (rtpengine leaves it out unless told to pad). Decoding is strict otherwise (no whitespace,
// padding only at the end and only all of it, no stray bits), because a key that decodes two
// ways is a key two parties disagree on. Pure functions; the output goes into a caller's buffer so
// that key material never passes through a heap string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rtprelay::util {

inline constexpr size_t base64_encoded_size(size_t bytes, bool pad = true)
{
	return pad ? (bytes + 2) / 3 * 4 : (bytes * 4 + 2) / 3;
}

// Appends the encoding of `data` to `out`, with '=' padding unless `pad` is false.
void base64_encode(std::span<const uint8_t> data, std::string& out, bool pad = true);

// Decodes `text` into `out`; the number of bytes written, or nullopt when `text` is not
// canonical base64 or does not fit.
std::optional<size_t> base64_decode(std::string_view text, std::span<uint8_t> out);

} // namespace rtprelay::util
