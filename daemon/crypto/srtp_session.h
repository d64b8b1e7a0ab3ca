// SPDX-License-Identifier: GPL-3.0-or-later
// One direction of SRTP for one stream: a libsrtp2 session that protects what the relay sends
// or unprotects what it receives, RTP and RTCP, for one SDES suite and master key. Made when
// signalling completes (never on the packet path); protect/unprotect work in place, without
// allocating, and return a verdict the forwarder counts.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "sdp/crypto.h"
#include "util/result.h"

struct srtp_ctx_t_;

namespace rtprelay::crypto {

class SrtpSession {
public:
	enum class Direction { kInbound, kOutbound };
	enum class Verdict { kOk, kAuthFailed, kReplay, kMalformed };

	// Room protect() may add after a packet (authentication tag and MKI).
	static constexpr size_t kMaxTrailer = 16 + 128;

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

	const sdp::SrtpSuite& suite() const { return *suite_; }

	// The rollover counter (RFC 3711 3.3.1) this session has reached for `ssrc`, or nullopt
	// before its first packet.
	std::optional<uint32_t> roc(uint32_t ssrc) const;
	// Continues `ssrc` at rollover counter `roc`: where another session (the kernel's, or
	// this stream's before a re-INVITE that kept the key) left it. Before its first packet.
	Result<void> resume(uint32_t ssrc, uint32_t roc);

private:
	SrtpSession(const sdp::SrtpSuite& suite, std::span<const uint8_t> key_salt);

	const sdp::SrtpSuite* suite_;
	srtp_ctx_t_* ctx_;
	// libsrtp2 needs the master key again for each stream resume() adds; wiped when the
	// session goes.
	std::array<uint8_t, sdp::CryptoKey::kMaxMaterial> key_{};
};

} // namespace rtprelay::crypto
