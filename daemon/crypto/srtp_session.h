// SPDX-License-Identifier: GPL-3.0-or-later
// One direction of SRTP for one stream: a libsrtp2 session that protects what the relay sends
// or unprotects what it receives, RTP and RTCP, for one SDES suite and master key (with its MKI
// and lifetime). Made when signalling completes (never on the packet path); protect/unprotect
// work in place, without allocating, and return a verdict the forwarder counts.
//
// libsrtp2 keeps a stream per SSRC, made on the first packet that authenticates (inbound) or
// that is sent (outbound). A plain-RTP party can send any number of SSRCs, so the session
// tracks at most SrtpState::kMaxSsrcs of them and drops the least recently used past that:
// memory stays bounded whatever arrives. The tracking also gives each SSRC's highest sequence
// number for state(), the hand-over to the kernel.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "crypto/srtp_state.h"
#include "sdp/crypto.h"
#include "util/result.h"

struct srtp_ctx_t_;

namespace rtprelay::crypto {

class SrtpSession {
public:
	enum class Direction { kInbound, kOutbound };
	enum class Verdict { kOk, kAuthFailed, kReplay, kMalformed, kKeyExpired };

	// Room protect() may add after a packet (authentication tag and MKI).
	static constexpr size_t kMaxTrailer = 16 + 128;

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

	// The rollover counter (RFC 3711 3.3.1) this session has reached for `ssrc` (the one
	// resume() gave it, before its first packet), or nullopt for an SSRC it does not track.
	std::optional<uint32_t> roc(uint32_t ssrc) const;
	// Continues `ssrc` at rollover counter `roc`: where another session (the kernel's, or
	// this stream's before a re-key) left it. Before its first packet.
	Result<void> resume(uint32_t ssrc, uint32_t roc);
	// The keying and every tracked SSRC's rollover counter and highest sequence number.
	SrtpState state() const;

private:
	struct Tracked {
		uint32_t ssrc;
		uint16_t highest_seq;
		uint64_t last_use;
		// resume()'s rollover counter until the SSRC's first RTP packet: libsrtp2 holds it
		// back until then and reports 0.
		std::optional<uint32_t> resumed_roc;
	};

	explicit SrtpSession(const SrtpKeying& keying) : keying_(keying) {}
	Verdict admit(const uint8_t* packet, size_t len, bool rtcp, uint32_t& ssrc) const;
	Tracked& slot(uint32_t ssrc, bool& made);
	void track(uint32_t ssrc, const uint8_t* packet, bool rtcp);

	SrtpKeying keying_; // libsrtp2 needs the master key again for each stream resume() adds
	srtp_ctx_t_* ctx_ = nullptr;
	std::array<uint8_t, 128> mki_{}; // the MKI as it goes on the wire
	std::array<Tracked, SrtpState::kMaxSsrcs> tracked_{};
	size_t tracked_count_ = 0;
	uint64_t uses_ = 0; // packets protected or unprotected, against the key's lifetime
};

} // namespace rtprelay::crypto
