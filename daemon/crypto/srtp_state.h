// SPDX-License-Identifier: GPL-3.0-or-later
// One direction of SRTP for one stream as plain, fixed-width data: the keying signalling
// settled on, and how far each SSRC has come (rollover counter and highest sequence number,
// RFC 3711 3.3.1). No pointers and no heap, so that it can be handed to the kernel module and
// read back from it (issue 16) as it is handed to SrtpSession now. Key material is wiped when a
// value goes.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "sdp/crypto.h"

namespace rtprelay::crypto {

struct SrtpKeying {
	uint8_t suite = 0;  // index into sdp::srtp_suites()
	uint8_t length = 0; // bytes of master key || master salt in `master`
	std::array<uint8_t, sdp::CryptoKey::kMaxMaterial> master{};
	uint8_t mki_length = 0; // 0: packets carry no MKI
	uint32_t mki = 0;
	uint64_t lifetime = 0; // packets this key may protect or unprotect; 0: the suite's limit
	// RFC 4568 6.3 session parameters of the line.
	bool unencrypted_srtp = false;
	bool unencrypted_srtcp = false;
	bool unauthenticated_srtp = false;

	SrtpKeying() = default;
	SrtpKeying(const SrtpKeying&) = default;
	SrtpKeying& operator=(const SrtpKeying&) = default;
	~SrtpKeying();
	bool operator==(const SrtpKeying&) const = default;

	const sdp::SrtpSuite& srtp_suite() const { return sdp::srtp_suites()[suite]; }
	std::span<const uint8_t> key_salt() const { return {master.data(), length}; }
	// The first key of an a=crypto line of a suite the relay knows (`line.suite` set).
	static SrtpKeying from(const sdp::CryptoAttr& line);
};

struct SrtpSsrcState {
	uint32_t ssrc = 0;
	uint32_t roc = 0;         // rollover counter of the highest index seen
	uint16_t highest_seq = 0; // sequence number of that index
	bool has_rtp = false;     // roc and highest_seq come from a packet (or a hand-over)
	bool has_srtcp = false;   // srtcp_index is the highest SRTCP index seen or sent
	uint32_t srtcp_index = 0;
};

struct SrtpState {
	static constexpr size_t kMaxSsrcs = 8;

	SrtpKeying keying;
	std::array<SrtpSsrcState, kMaxSsrcs> ssrcs{};
	uint8_t ssrc_count = 0;
};

} // namespace rtprelay::crypto
