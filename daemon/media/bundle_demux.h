// SPDX-License-Identifier: GPL-3.0-or-later
// BUNDLE demultiplexing (RFC 9143 9.2): several m= lines of one party share one transport,
// and each packet the party sends there belongs to one of them, its "line" (0 is the m= line
// whose transport it is; the call layer numbers the others).
//
// RTP goes by the MID header extension where the packet carries one (RFC 9143 15.2; browsers
// send it until the SSRC is established), else by its SSRC once known (from the party's
// a=ssrc lines, or learned from an earlier packet), else by a payload type that only one line
// lists. RTCP goes by the SSRCs it names: the sender's when it is one the party sends, else
// the media source of feedback (a PLI for video) or of the first report block, which is an
// SSRC the relay sends the party on some line (sent()); else line 0.
//
// Fixed-size tables and no allocation per packet. SSRCs from the SDP stay; learned ones take
// the remaining slots round robin, so a stranger spraying SSRCs evicts only learned entries,
// which the next packet with a MID or a unique payload type learns again. Media loop thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "media/rtp.h"

namespace rtprelay::media {

class BundleDemux {
public:
	static constexpr size_t kMaxLines = 8;
	static constexpr size_t kMaxSsrcs = 32; // each way: the party's, and the relay's to it

	struct Line {
		std::string mid;
		std::vector<uint8_t> payload_types;
		std::vector<uint32_t> ssrcs; // the party's a=ssrc of this m= line
	};

	// From signalling: the lines in order (at most kMaxLines are used) and the party's
	// extmap id of urn:ietf:params:rtp-hdrext:sdes:mid (0: none). Forgets what was learned.
	void configure(std::span<const Line> lines, uint8_t mid_extension);
	size_t lines() const { return line_count_; }

	// The line of an RTP packet from the party (learning its SSRC), or nullopt when nothing
	// names one (RFC 9143: discarded).
	std::optional<size_t> rtp(std::span<const uint8_t> packet, const RtpHeader& h);
	// The line of an RTCP packet from the party.
	size_t rtcp(std::span<const uint8_t> packet) const;
	// The relay sends the party `ssrc` on `line`: RTCP about it goes back to that line.
	void sent(uint32_t ssrc, size_t line);
	// The line the party sends `ssrc` on, as its SDP or its packets told; nullopt: unknown.
	std::optional<size_t> line_of(uint32_t ssrc) const { return from_party_.find(ssrc); }

private:
	struct Entry {
		uint32_t ssrc = 0;
		uint8_t line = 0;
	};
	struct Table {
		std::array<Entry, kMaxSsrcs> entries{};
		size_t count = 0;  // used entries, from the front
		size_t pinned = 0; // the first `pinned` came from the SDP
		size_t next = 0;   // the learned slot to take next once full

		std::optional<size_t> find(uint32_t ssrc) const;
		void put(uint32_t ssrc, size_t line, bool pin);
	};
	static constexpr int8_t kNoLine = -1, kSeveralLines = -2;

	std::optional<size_t> mid_line(std::span<const uint8_t> packet, const RtpHeader& h) const;

	std::array<std::string, kMaxLines> mids_{};
	std::array<int8_t, 128> pt_line_{};
	size_t line_count_ = 0;
	uint8_t mid_extension_ = 0;
	Table from_party_, to_party_;
};

} // namespace rtprelay::media
