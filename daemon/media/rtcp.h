// SPDX-License-Identifier: GPL-3.0-or-later
// What a compound RTCP packet says about reception quality: sender reports and report blocks
// (RFC 3550 6.4), and the extended reports of RFC 3611 that carry quality (VoIP metrics, block
// type 7) or time receiver-only round trips (RRTR, type 4, and DLRR, type 5). A bounds-checked
// read of the packet into fixed arrays: the packet path calls it per RTCP datagram, so it never
// allocates. SDES, BYE, APP and feedback packets are walked over, not read.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace rtprelay::media {

struct RtcpSenderInfo {
	uint32_t ssrc = 0;
	uint64_t ntp = 0; // NTP timestamp, 32.32 fixed point
	uint32_t rtp_timestamp = 0, packets = 0, octets = 0;

	// The middle 32 bits, which a report block's LSR echoes (RFC 3550 6.4.1).
	uint32_t ntp_middle() const { return static_cast<uint32_t>(ntp >> 16); }
};

// One report block: what `reporter` received of `source` (RFC 3550 6.4.1).
struct RtcpReportBlock {
	uint32_t reporter = 0, source = 0;
	uint8_t fraction_lost = 0;   // since the reporter's last report, /256
	int32_t cumulative_lost = 0; // 24-bit signed
	uint32_t highest_seq = 0;    // extended
	uint32_t jitter = 0;         // timestamp units of the source's clock
	uint32_t lsr = 0;            // middle 32 bits of the source's last SR, 0 if none yet
	uint32_t dlsr = 0;           // 1/65536 s between that SR's arrival and this report
};

// RFC 3611 4.7: `reporter`'s view of `source`. Rates are /256; 127 in the MOS fields and the R
// factor means "unavailable".
struct RtcpVoipMetrics {
	uint32_t reporter = 0, source = 0;
	uint8_t loss_rate = 0, discard_rate = 0;
	uint16_t round_trip_delay_ms = 0, end_system_delay_ms = 0;
	uint8_t r_factor = 127, mos_lq = 127, mos_cq = 127; // MOS x10
};

// RFC 3611 4.4: a receiver's clock (so receivers that send no SR can have an RTT).
struct RtcpRrtr {
	uint32_t reporter = 0;
	uint64_t ntp = 0;

	uint32_t ntp_middle() const { return static_cast<uint32_t>(ntp >> 16); }
};

// RFC 3611 4.5: `reporter` answers `receiver`'s RRTR: LRR and DLRR work as LSR and DLSR.
struct RtcpDlrr {
	uint32_t reporter = 0, receiver = 0, lrr = 0, dlrr = 0;
};

struct RtcpCompound {
	// More than these in one datagram is not what endpoints send; the rest are skipped and
	// counted.
	static constexpr size_t kMaxSenders = 4, kMaxBlocks = 16, kMaxXr = 4;

	std::array<RtcpSenderInfo, kMaxSenders> senders;
	std::array<RtcpReportBlock, kMaxBlocks> blocks;
	std::array<RtcpVoipMetrics, kMaxXr> voip;
	std::array<RtcpRrtr, kMaxXr> rrtr;
	std::array<RtcpDlrr, kMaxXr> dlrr;
	size_t sender_count = 0, block_count = 0, voip_count = 0, rrtr_count = 0, dlrr_count = 0;
	size_t skipped = 0; // items beyond the arrays
};

// Reads `p` as a compound RTCP packet into `out`; false, with `out` unspecified, unless every
// packet in it is version 2 and their lengths add up to exactly the datagram (RFC 3550 A.2,
// padding only on the last). So SRTCP passed through still encrypted, whose trailer breaks the
// sum, is refused rather than read as figures.
bool parse_rtcp(std::span<const uint8_t> p, RtcpCompound& out);

} // namespace rtprelay::media
