// SPDX-License-Identifier: GPL-3.0-or-later
// Counters of one stream (one socket of one party): what arrived, what was forwarded, and
// every drop by its reason. Plain integers: only the stream's media loop touches them.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "media/rtcp_stats.h"
#include "media/ssrc_stats.h"

namespace rtprelay::media {

enum class DropReason : unsigned {
	kStrictSource,  // not from the confirmed endpoint (strict-source)
	kNoDestination, // the other party's address is not known yet
	kMalformed,     // not RTP/RTCP where that is required, or a truncated header
	kSendError,     // sendmmsg failed (kernel buffer full, unreachable)
	kOverload,      // shed because the socket queue overflowed
	kOversize,      // larger than the receive buffer: dropped whole, never forwarded cut
	kRelayLoop,     // sent by one of the relay's own media sockets: a forwarding loop
	kSrtpAuth,      // SRTP/SRTCP that failed authentication (wrong key, tampered, a stranger)
	kSrtpReplay,    // SRTP/SRTCP index seen before, or too old for the replay window
	kSrtpError, // could not be (un)protected: not RTP/RTCP, too short, key past its lifetime
	kStunMalformed,   // STUN to an ICE stream that is no well-formed Binding request
	kIceUnauthorized, // a check without the party's credentials
	kIceUnchecked,    // media from an address that passed no check
	kIceNoConsent,    // for a party that has not renewed consent (or nominated) lately
	kDtlsPending,     // from or for a DTLS-SRTP party before its association has keys
	kBundleUnmatched, // RTP on a BUNDLE transport that names none of its m= lines
	kCount,
};

inline constexpr std::array<std::string_view, static_cast<size_t>(DropReason::kCount)>
        kDropReasonNames = {
                "strict source", "no destination", "malformed",      "send error",
                "overload",      "oversize",       "relay loop",     "srtp auth failed",
                "srtp replay",   "srtp error",     "stun malformed", "ice unauthorized",
                "ice unchecked", "ice no consent", "dtls pending",   "bundle unmatched"};

struct StreamStats {
	static constexpr size_t kMaxSsrcs = 4;

	// What a packet touches first: with the first SSRC's counts, two cache lines where the
	// owner aligns the object to one. What is rare after.
	uint64_t packets = 0; // received
	uint64_t bytes = 0;
	uint64_t errors = 0; // malformed + send errors
	uint64_t forwarded = 0;
	int64_t last_packet_ms = 0; // CLOCK_REALTIME ms of the last packet received
	size_t ssrc_count = 0;
	std::array<SsrcStats, kMaxSsrcs> ssrcs;
	std::array<uint64_t, static_cast<size_t>(DropReason::kCount)> drops{};
	RtcpStats rtcp; // what the party's RTCP reported, received on this socket

	// The tracker for ssrc; a new SSRC takes a free slot or replaces the least active one.
	SsrcStats& ssrc(uint32_t ssrc);
	// After signalling changed the clock rates: no SSRC keeps one it read before.
	void forget_clock_rates()
	{
		for (SsrcStats& s : ssrcs)
			s.forget_clock_rate();
	}
};

} // namespace rtprelay::media
