// SPDX-License-Identifier: GPL-3.0-or-later
// A copy of a call's state and counters, taken on its media loop and handed to the control
// thread, which turns it into query/delete replies. Plain values only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/call.h"
#include "kernel/abi.h"
#include "media/stream_stats.h"
#include "net/address.h"

namespace rtprelay::call {

// RFC 3550 figures of one SSRC, userspace's and the kernel's added up.
struct SsrcSnapshot {
	uint32_t ssrc = 0;
	uint64_t packets = 0;
	uint64_t lost = 0;     // A.3 cumulative loss, 0 when late copies outnumber losses
	uint64_t expected = 0; // A.3, counted from the end of probation
	uint32_t jitter_ms = 0;
	// Quality. From the RTCP the receiving party sent about this SSRC when there is any (it
	// saw the whole path, relay included), else the relay's own estimate of what arrived.
	bool reported = false;       // the figures below come from RTCP
	int64_t cumulative_lost = 0; // the receiver's count (RTCP), else `lost`
	media::MosHistory history{}; // MOS samples over the call

	// The samples, or before the first (a call younger than a sampling interval, without
	// RTCP) one reading of the figures so far, taken at now_ms.
	media::MosHistory mos(int64_t now_ms) const;
};

struct StreamSnapshot {
	bool rtcp = false;
	net::Endpoint local;
	std::optional<net::Endpoint> endpoint;   // where media for the party goes
	std::optional<net::Endpoint> advertised; // what its SDP said
	bool learned = false;
	bool confirmed = false;
	uint64_t learning_contested = 0; // packets of a second unknown source while learning
	uint64_t packets = 0, bytes = 0, errors = 0, forwarded = 0;
	std::array<uint64_t, static_cast<size_t>(media::DropReason::kCount)> drops{};
	int64_t last_packet_ms = 0;
	bool kernelized = false;              // a kernel target forwards this stream now
	const char* userspace_only = nullptr; // why the kernel may not (static text), if so
	// SRTP suites: what the party's packets are unprotected with, and what the relay's to it
	// are protected with; empty for plain (or SRTP passed through untouched).
	std::string_view decrypt_suite, encrypt_suite;
	uint64_t kernel_packets = 0, kernel_bytes = 0, kernel_errors = 0; // part of the above
	int64_t last_kernel_packet_ms = 0;
	// What the kernel handed to userspace (and so counted in packets), by RTPRELAY_UP_*.
	std::array<uint64_t, RTPRELAY_UP_COUNT> kernel_to_userspace{};
	std::vector<SsrcSnapshot> ssrcs; // userspace and kernel counts together
};

struct MediaSnapshot {
	int index = 0;
	std::string type, protocol;
	bool rejected = false, rtcp_mux = false, sends = true, receives = true, hold = false;
	bool sdes = false; // the relay keys SRTP with this party (rtpengine's media flag SDES)
	std::vector<StreamSnapshot> streams;
};

struct MonologueSnapshot {
	std::string tag, label, peer_tag;
	int64_t created_ms = 0;
	std::vector<MediaSnapshot> medias;
};

struct CallSnapshot {
	std::string call_id;
	int64_t created_ms = 0;
	int64_t last_signal_ms = 0;
	std::vector<MonologueSnapshot> monologues;
};

CallSnapshot snapshot(const Call& call);

} // namespace rtprelay::call
