// SPDX-License-Identifier: GPL-3.0-or-later
// CRC-32 of ISO 3309 / ITU-T V.42 (the one of zlib and Ethernet), which STUN's FINGERPRINT
// attribute carries (RFC 8489 14.7). Table-driven, no allocation.
#pragma once

#include <cstdint>
#include <span>

namespace rtprelay::util {

uint32_t crc32(std::span<const uint8_t> data);

} // namespace rtprelay::util
