// SPDX-License-Identifier: GPL-3.0-or-later
// SRTP key derivation (RFC 3711 4.3) with a key derivation rate of 0, the only one SDES
// negotiates here: each session key is PRF_n(k_master, x), the AES-CM keystream keyed by the
// master key from the counter block x * 2^16, where x is the master salt with the label in its
// 8th byte. The PRF's AES is the master key's size (RFC 6188 for AES-192 and AES-256), and a
// 96-bit GCM master salt takes part as the leftmost 96 of the 112 bits (RFC 7714 11). Runs
// when a session is made, never per packet.
#pragma once

#include <cstdint>
#include <span>

namespace rtprelay::crypto {

// The RFC 3711 4.3.2 labels.
enum class KdfLabel : uint8_t {
	kSrtpCipher = 0,
	kSrtpAuth = 1,
	kSrtpSalt = 2,
	kSrtcpCipher = 3,
	kSrtcpAuth = 4,
	kSrtcpSalt = 5,
};

// Fills `out` (at most 64 bytes). False if the master key is not 16, 24 or 32 bytes, the salt
// longer than 14, or OpenSSL fails.
bool srtp_kdf(std::span<const uint8_t> master_key, std::span<const uint8_t> master_salt,
              KdfLabel label, std::span<uint8_t> out);

} // namespace rtprelay::crypto
