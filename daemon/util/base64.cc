// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/base64.h"

#include <array>

namespace rtprelay::util {
namespace {

constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_values()
{
	std::array<int8_t, 256> v{};
	for (auto& x : v)
		x = -1;
	for (size_t i = 0; i < kAlphabet.size(); i++)
		v[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
	return v;
}
constexpr std::array<int8_t, 256> kValues = make_values();

} // namespace

void base64_encode(std::span<const uint8_t> data, std::string& out, bool pad)
{
	size_t i = 0;
	for (; i + 3 <= data.size(); i += 3) {
		uint32_t n = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8 | data[i + 2];
		for (int shift = 18; shift >= 0; shift -= 6)
			out += kAlphabet[(n >> shift) & 63];
	}
	size_t rest = data.size() - i;
	if (rest == 0)
		return;
	uint32_t n = uint32_t{data[i]} << 16 | (rest == 2 ? uint32_t{data[i + 1]} << 8 : 0);
	out += kAlphabet[(n >> 18) & 63];
	out += kAlphabet[(n >> 12) & 63];
	if (rest == 2)
		out += kAlphabet[(n >> 6) & 63];
	if (pad)
		out.append(3 - rest, '=');
}

std::optional<size_t> base64_decode(std::string_view text, std::span<uint8_t> out)
{
	size_t pad = 0;
	while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=')
		pad++;
	size_t sextets = text.size() - pad;
	// Padded, the text is whole quads; unpadded, a last quad of 2 or 3 sextets.
	if (pad ? text.size() % 4 != 0 : sextets % 4 == 1)
		return std::nullopt;
	size_t tail = sextets % 4;
	size_t bytes = sextets / 4 * 3 + (tail ? tail - 1 : 0);
	if (bytes > out.size())
		return std::nullopt;
	uint32_t acc = 0;
	size_t written = 0;
	for (size_t i = 0; i < sextets; i++) {
		int8_t v = kValues[static_cast<uint8_t>(text[i])];
		if (v < 0)
			return std::nullopt;
		acc = acc << 6 | static_cast<uint32_t>(v);
		if (i % 4 == 3) {
			out[written++] = static_cast<uint8_t>(acc >> 16);
			out[written++] = static_cast<uint8_t>(acc >> 8);
			out[written++] = static_cast<uint8_t>(acc);
			acc = 0;
		}
	}
	// A short last quad: 2 sextets carry one byte (4 stray bits), 3 carry two (2 stray
	// bits), and canonical base64 leaves the stray bits zero.
	if (tail == 2) {
		if (acc & 0xf)
			return std::nullopt;
		out[written++] = static_cast<uint8_t>(acc >> 4);
	} else if (tail == 3) {
		if (acc & 0x3)
			return std::nullopt;
		out[written++] = static_cast<uint8_t>(acc >> 10);
		out[written++] = static_cast<uint8_t>(acc >> 2);
	}
	return written;
}

} // namespace rtprelay::util
