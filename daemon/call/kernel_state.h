// SPDX-License-Identifier: GPL-3.0-or-later
// What the kernel does for one stream: the target its socket has in xt_RTPRELAY (if any), the
// decision it was built from, and the kernel's counters. Owned by a stream on its call's media
// loop; destruction removes the target before the stream's port can go to another call.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "kernel/abi.h"
#include "kernel/target_builder.h"
#include "media/media_path.h"
#include "net/address.h"

namespace rtprelay::kernel {
class Channel;
}

namespace rtprelay::call {

// One SSRC as the kernel counted it (RFC 3550 A.1/A.3/A.8 by kernel-module/rtp.h, as userspace
// counts), summed over the stream's targets: each target tracks sequence numbers from its start.
struct KernelSsrc {
	uint32_t ssrc = 0;
	uint64_t packets = 0;
	uint64_t expected = 0;
	int64_t lost = 0;    // below zero only by late copies (A.3)
	uint32_t jitter = 0; // timestamp units, from the newest target
	bool live = false;   // the live target has seen it: its jitter is the current one
};

// The SSRCs a stream's kernel targets can have counted: the live target's and the retired
// ones' totals, RTPRELAY_MAX_SSRCS each.
inline constexpr size_t kMaxKernelSsrcs = size_t{RTPRELAY_MAX_SSRCS} * 2;
using KernelSsrcs = std::array<KernelSsrc, kMaxKernelSsrcs>;

class KernelState {
public:
	KernelState() = default;
	~KernelState() { remove(); }
	KernelState(const KernelState&) = delete;
	KernelState& operator=(const KernelState&) = delete;

	bool active() const { return channel_ != nullptr; }
	kernel::Channel* channel() const { return channel_; }
	const net::Endpoint& local() const { return local_; }

	// The target now installed for `local` on `channel` (its counters start at zero).
	void installed(kernel::Channel& channel, const net::Endpoint& local);
	// Where the installed target's traffic is counted (BoundSocket::address of its input
	// and output sockets when it was installed: under ICE a stream's socket may move before
	// the target's last counters are read).
	uint32_t in_address = 0;
	uint32_t out_address = 0;
	// Deletes the installed target, if any.
	void remove();
	// The live target's counters, read after `last`: per-SSRC figures replace the live part.
	void set_live(const rtprelay_target_stats& now) { live_ = now; }
	const rtprelay_target_stats& live() const { return live_; }
	// Moves the live target's counters into the totals (before it is replaced).
	void retire_live();
	// Totals of earlier targets plus the live one, into `out`; returns how many.
	size_t ssrcs(KernelSsrcs& out) const;
	// Packets the kernel handed to userspace, by RTPRELAY_UP_* reason, all targets.
	std::array<uint64_t, RTPRELAY_UP_COUNT> to_userspace() const;

	// Once a second, on the stream's loop: the path its packets took since the last call.
	// Judged per interval rather than since the last hand-over, because packets already
	// queued on the socket when the kernel takes a stream still reach userspace after it:
	// counted from the hand-over they would keep a kernel stream "mixed" for the rest of
	// the call. A second without packets keeps the last path (an idle stream still counts,
	// as in rtpengine). `stream_packets`: all the stream received, the kernel's included.
	media::MediaPath tick_path(uint64_t stream_packets)
	{
		uint64_t user = stream_packets >= packets ? stream_packets - packets : 0;
		uint64_t user_new = user >= user_seen_ ? user - user_seen_ : 0;
		uint64_t kernel_new = packets >= kernel_seen_ ? packets - kernel_seen_ : 0;
		user_seen_ = user;
		kernel_seen_ = packets;
		media::MediaPath now = media::media_path(user_new, kernel_new);
		if (now != media::MediaPath::kIdle)
			last_path_ = now;
		return last_path_;
	}

	// The decision last tried (installed or refused); not tried again while unchanged.
	std::optional<kernel::TargetInput> attempted;
	uint64_t packets = 0, bytes = 0, errors = 0; // forwarded by the kernel, all targets
	int64_t last_packet_ms = 0;                  // wall clock of the last kernel packet

private:
	kernel::Channel* channel_ = nullptr;
	net::Endpoint local_;
	rtprelay_target_stats live_{};
	std::array<KernelSsrc, RTPRELAY_MAX_SSRCS> retired_{};
	size_t retired_count_ = 0;
	uint64_t user_seen_ = 0, kernel_seen_ = 0; // packets by path at the last tick_path()
	media::MediaPath last_path_ = media::MediaPath::kIdle;
	std::array<uint64_t, RTPRELAY_UP_COUNT> retired_up_{};
};

} // namespace rtprelay::call
