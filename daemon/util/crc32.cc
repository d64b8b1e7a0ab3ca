// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/crc32.h"

#include <array>

namespace rtprelay::util {
namespace {

// The reflected polynomial 0x04C11DB7.
constexpr std::array<uint32_t, 256> make_table()
{
	std::array<uint32_t, 256> t{};
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		t[i] = c;
	}
	return t;
}

constexpr std::array<uint32_t, 256> kTable = make_table();

} // namespace

uint32_t crc32(std::span<const uint8_t> data)
{
	uint32_t c = 0xFFFFFFFFu;
	for (uint8_t b : data)
		c = kTable[(c ^ b) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

} // namespace rtprelay::util
