// SPDX-License-Identifier: GPL-3.0-or-later
// One received datagram through the userspace packet path, whichever I/O engine read it
// (media/forwarder.h with epoll, media/uring_engine.h with io_uring): counted, decrypted,
// checked against learning, ICE and DTLS, classified, encrypted for its sink, and given the
// path it leaves by. Runs on the call's media loop; never allocates, never blocks.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>

#include "media/packet_batch.h"
#include "media/stream.h"

namespace rtprelay::media {

class MediaLoop;

// A datagram as the kernel handed it over: its bytes (protected in place, so `capacity` is
// the room behind `data` for SRTP's trailer), its source and its control messages.
struct Datagram {
	uint8_t* data = nullptr;
	size_t len = 0;
	size_t capacity = 0;
	const sockaddr* source = nullptr;
	socklen_t source_len = 0;
	void* control = nullptr;
	size_t control_len = 0;
};

// Where the datagrams of one read go: the RTP path's and the RTCP path's sink for each m= line
// of a BUNDLE, each found once and addressed once; and the socket's overflow count, if
// reported. `counts`: the datagrams the epoll engine has grouped for each path.
struct Outgoing {
	static size_t path(size_t line, bool rtcp) { return 2 * line + rtcp; }
	static bool is_rtcp(size_t path) { return path % 2; }
	static size_t line(size_t path) { return path / 2; }

	std::array<Stream*, PacketBatch::kPaths> sinks{};
	std::array<unsigned, PacketBatch::kPaths> counts{};
	std::array<sockaddr_storage, PacketBatch::kPaths> destinations;
	std::array<socklen_t, PacketBatch::kPaths> destination_lens{};
	uint32_t overflows = 0;
	bool have_overflows = false;

	// Ready for the next read, as new: the destinations are written before they are read,
	// so their kilobytes are left as they are.
	void clear()
	{
		sinks = {};
		counts = {};
		destination_lens = {};
		overflows = 0;
		have_overflows = false;
	}
};

// Datagram `d`, received on the stream's receiver `local` by `loop`: the path
// (out.sinks[path], out.destinations[path]) it leaves by, its bytes possibly rewritten in
// place and d.len updated; nullopt when it was dropped (and counted) or consumed (STUN,
// DTLS).
std::optional<size_t> take(Stream& s, MediaLoop& loop, size_t local, Datagram& d, int64_t now_ms,
                           Outgoing& out);

// The socket's kernel drops as the last datagram read reported them, into the stream's
// overload drops (a running count, which a parked socket had begun).
void take_overflows(Stream& s, Stream::Receiver& r, const Outgoing& out);

// A stream's counters before a read: what the read added goes into the loop's relay-wide
// traffic once, rather than per packet. Drops are rare and go there as they happen
// (Stream::drop): a copy of all sixteen reasons cost two cache lines per read.
struct Tally {
	uint64_t packets, bytes, errors;
	static Tally of(const StreamStats& st) { return {st.packets, st.bytes, st.errors}; }
};

// Adds what the stream received on the socket of `address` (BoundSocket::address) since
// `before` to the loop's traffic;
// `send_errors`: the stream's errors since that were sends, which count outgoing.
void count_received(const Stream& s, uint32_t address, MediaLoop& loop, const Tally& before,
                    uint64_t send_errors);

} // namespace rtprelay::media
