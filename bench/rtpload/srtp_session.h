// One libsrtp2 session (srtp_t) for one direction of one call's caller: the key the caller
// offered protects what it sends (ssrc_any_outbound), the key in the relay's answer unprotects
// what it receives (ssrc_any_inbound). Both work in place on the generator's packet buffers;
// nothing here allocates per packet (libsrtp clones a stream once, for the first packet).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "result.h"
#include "sdes.h"

struct srtp_ctx_t_; // libsrtp2's srtp_t points to one; its header stays out of rtpload's

namespace rtpload {

// Room a packet buffer needs after the RTP packet for srtp_protect (libsrtp's
// SRTP_MAX_TRAILER_LEN: the longest tag plus the longest MKI).
constexpr size_t kSrtpTrailerRoom = 144;

// srtp_init(), once; call before the first SrtpSession::create().
Result<void> srtp_library_init();

enum class Unprotect { ok, replay, failed };

class SrtpSession {
public:
	enum class Direction { outbound, inbound };

	// Outbound sessions accept re-protecting a sequence number (allow_repeat_tx): a packet
	// the kernel refused is sent again under the same index, as with plain RTP.
	static Result<SrtpSession> create(const SdesKey& key, Direction dir);

	SrtpSession() = default;
	explicit operator bool() const { return ctx_ != nullptr; }

	// `len` is the RTP packet's length before and the SRTP packet's after; the buffer must
	// hold len + kSrtpTrailerRoom bytes.
	bool protect(uint8_t* pkt, size_t& len);
	// `len` is the SRTP packet's length before and the RTP packet's after. `replay`: the
	// replay window refused it (a duplicate, or too old); `failed`: authentication or
	// anything else.
	Unprotect unprotect(uint8_t* pkt, size_t& len);

private:
	struct Free {
		void operator()(srtp_ctx_t_* ctx) const;
	};
	std::unique_ptr<srtp_ctx_t_, Free> ctx_;
};

} // namespace rtpload
