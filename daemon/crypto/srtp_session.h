// SPDX-License-Identifier: GPL-3.0-or-later
// One direction of SRTP for one stream: protects what the relay sends or unprotects what it
// receives, RTP and RTCP, for one SDES suite and master key (with its MKI and lifetime). Made
// when signalling completes (never on the packet path); protect/unprotect work in place,
// without allocating, and return a verdict the forwarder counts. The cryptography is
// SrtpTransform's; this keeps the per-SSRC state of RFC 3711 3.3: the rollover counter,
// estimated from the highest index seen (3.3.1), and a 128-packet replay window (3.3.2) for
// SRTP and one for SRTCP. An outbound index already used is refused like a replay: a relay
// only forwards, and a party that reuses one with another payload would otherwise make the
// relay reuse keystream.
//
// An SSRC gets its state on the first packet that authenticates (inbound) or that is sent
// (outbound). A plain-RTP party can send any number of SSRCs, so the session tracks at most
// SrtpState::kMaxSsrcs of them and, past that, drops the one that matters least: not one
// whose sequence numbers wrapped (its rollover counter would be lost), else the one with the
// fewest packets, so a stranger spraying SSRCs evicts only its own. Memory stays bounded
// whatever arrives. The tracking also gives each SSRC's highest sequence number for state(),
// the hand-over to and from the kernel.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "crypto/replay_window.h"
#include "crypto/srtp_state.h"
#include "crypto/srtp_transform.h"
#include "sdp/crypto.h"
#include "util/result.h"

namespace rtprelay::crypto {

class SrtpSession {
public:
	enum class Direction { kInbound, kOutbound };
	enum class Verdict { kOk, kAuthFailed, kReplay, kMalformed, kKeyExpired };

	// Room protect() may add after a packet: the SRTCP index, the longest authentication tag
	// (GCM's) and the longest MKI.
	static constexpr size_t kMaxTrailer = 4 + 16 + 128;

	static Result<SrtpSession> create(const SrtpKeying& keying, Direction direction);
	// `key_salt`: the master key followed by the master salt, of the suite's lengths.
	static Result<SrtpSession> create(const sdp::SrtpSuite& suite,
	                                  std::span<const uint8_t> key_salt, Direction direction);

	SrtpSession(SrtpSession&&) noexcept;
	SrtpSession& operator=(SrtpSession&&) noexcept;
	~SrtpSession();

	// In place: `len` bytes at `packet`, of which the buffer holds `capacity`; `len` becomes
	// the new length.
	Verdict protect(uint8_t* packet, size_t& len, size_t capacity, bool rtcp);
	Verdict unprotect(uint8_t* packet, size_t& len, bool rtcp);

	const sdp::SrtpSuite& suite() const { return keying_.srtp_suite(); }
	const SrtpKeying& keying() const { return keying_; }

	// The rollover counter (RFC 3711 3.3.1) this session has reached for `ssrc`, or nullopt
	// before its first packet.
	std::optional<uint32_t> roc(uint32_t ssrc) const;
	// Continues an SSRC where another session (the kernel's, this stream's before a re-key,
	// or the relay's count while it passed SRTP through) left it: the first packet's
	// rollover counter is estimated from that highest index (RFC 3711 3.3.1), and estimated
	// again for each packet until one goes through. Before the SSRC's first packet here.
	Result<void> resume(const SrtpSsrcState& from);
	Result<void> resume(uint32_t ssrc, uint32_t roc) { return resume({ssrc, roc, 0}); }
	// Moves an SSRC up to where another session carried it on (the kernel's, while it had
	// the stream): its highest SRTP and SRTCP indices become this session's, as seen, where
	// they are higher. An SSRC not tracked yet is tracked from there.
	void advance(const SrtpSsrcState& to);
	// The keying and every tracked SSRC's rollover counter and highest sequence number.
	SrtpState state() const;
	// A number that grows when what a restarted relay needs to continue this session grows
	// past what a copy of state() taken earlier would give it: a rollover counter, or an
	// SRTCP index by kSrtcpStep. Cheap enough to ask every call once a second (ha/).
	static constexpr uint32_t kSrtcpStep = 1u << 12;
	uint64_t progress() const;

private:
	struct Tracked {
		uint32_t ssrc;
		uint16_t highest_seq;
		uint64_t last_use;
		uint64_t packets;
		bool have_seq;     // highest_seq is known (RTCP carries none)
		bool resumed;      // no packet through yet: its ROC comes from roc_from
		uint32_t roc_from; // the rollover counter of highest_seq, while resumed
		ReplayWindow rtp;  // SRTP packet indices (ROC * 2^16 + SEQ)
		ReplayWindow rtcp; // SRTCP indices
	};

	SrtpSession(const SrtpKeying& keying, SrtpTransform&& xform)
	    : keying_(keying), xform_(std::move(xform))
	{
	}
	Verdict admit(const uint8_t* packet, size_t len, bool rtcp, uint32_t& ssrc) const;
	Tracked* find(uint32_t ssrc);
	Tracked& make_room(uint32_t ssrc);
	static uint64_t estimate_index(const Tracked* t, uint16_t seq);
	static Verdict check_rtp(const Tracked* t, uint64_t index);
	Tracked& track(uint32_t ssrc, Tracked* t);
	Verdict pass_rtp(uint8_t* packet, size_t& len, uint32_t ssrc, bool outbound);
	Verdict protect_rtcp(uint8_t* packet, size_t& len, uint32_t ssrc);
	Verdict unprotect_rtcp(uint8_t* packet, size_t& len, uint32_t ssrc);

	SrtpKeying keying_; // for state()
	SrtpTransform xform_;
	std::array<Tracked, SrtpState::kMaxSsrcs> tracked_{};
	size_t tracked_count_ = 0;
	uint64_t uses_ = 0; // packets protected or unprotected, against the key's lifetime
};

} // namespace rtprelay::crypto
