// SPDX-License-Identifier: GPL-3.0-or-later
// Receive and send buffers for one batch of datagrams (recvmmsg/sendmmsg), reused for every
// readable socket of a media loop so the packet path never allocates.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>

#include "media/bundle_demux.h"

namespace rtprelay::media {

struct PacketBatch {
	static constexpr size_t kSize = 32;
	// Room for any datagram of a 1,500-byte MTU path, with slack for tunnels and SRTP. A
	// larger datagram arrives cut (truncated()) and is dropped whole as oversize; buffers
	// for 64 KiB datagrams would take 2 MiB per media loop (docs/architecture.md).
	static constexpr size_t kBufferSize = 2048;

	std::array<std::array<uint8_t, kBufferSize>, kSize> buffers;
	std::array<sockaddr_storage, kSize> sources;
	// Per datagram: its kernel receive time (SO_TIMESTAMPNS) and the socket's running count
	// of datagrams the kernel dropped because the queue was full (SO_RXQ_OVFL).
	static constexpr size_t kControlSize = 64;
	std::array<std::array<uint8_t, kControlSize>, kSize> control;
	std::array<iovec, kSize> iov;
	std::array<mmsghdr, kSize> recv;

	// Outgoing: at most two destinations per batch (RTP, and RTCP when it is not muxed) for
	// each m= line a BUNDLE transport carries.
	static constexpr size_t kPaths = 2 * BundleDemux::kMaxLines;
	std::array<std::array<mmsghdr, kSize>, kPaths> send;
	std::array<std::array<iovec, kSize>, kPaths> send_iov;

	PacketBatch();
	void prepare_receive();

	// Whether received datagram i was larger than its buffer, so the kernel cut it.
	bool truncated(size_t i) const { return (recv[i].msg_hdr.msg_flags & MSG_TRUNC) != 0; }
};

} // namespace rtprelay::media
