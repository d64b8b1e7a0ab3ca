// SPDX-License-Identifier: GPL-3.0-or-later
// Media port allocation for one local address: RTP on even ports, RTCP on the next odd port,
// always reserved and bound as a pair so a re-INVITE may switch rtcp-mux either way. Pairs are
// picked at random within the range (docs/security.md). Any thread
// may allocate (offers run on media loops); a lease returns its pair when destroyed.
// With parking, a returned pair's sockets stay open and bound, sealed (connected to themselves,
// so the kernel neither queues strangers' datagrams for them nor hides that the port is
// closed), and the next lease of that pair gets them back: three system calls per socket
// (four when the last call left something unread) instead of six (socket, three options,
// bind, close).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "net/address.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay::media {

class PortPool;
class UringEngine;

struct BoundSocket {
	UniqueFd fd;
	// Its index in the registered-file table of the io_uring loop reading it, which sends
	// from it without looking the descriptor up (media/uring_engine.h); -1: none.
	int fixed = -1;
	const UringEngine* fixed_in = nullptr;
	// Its pool parks it when its lease ends, rather than closing it: only such a socket
	// takes a place in a file table. Older kernels (Debian 12's 6.1) let go of a removed
	// file a second late, and a closed socket's port would stay bound that second.
	bool parks = false;
	net::Endpoint local;
	// The socket's count of datagrams the kernel dropped (SO_RXQ_OVFL) when this lease got
	// it; nonzero only for a parked socket.
	uint32_t drops_base = 0;
	uint32_t address = 0; // its pool's index(): where LoopTraffic counts its packets
};

// Owns the bound RTP/RTCP sockets of one pair and gives the ports back to the pool.
class PortLease {
public:
	PortLease() = default;
	PortLease(PortLease&& other) noexcept;
	PortLease& operator=(PortLease&& other) noexcept;
	~PortLease();

	BoundSocket rtp;
	BoundSocket rtcp;

private:
	friend class PortPool;
	PortPool* pool_ = nullptr;
	void release();
};

// Options every media socket gets when it is created.
struct SocketOptions {
	int tos = 0;
	int rcvbuf = 0; // bytes; 0 = the system's default

	// The receive buffer a socket really gets for `rcvbuf` (the kernel caps SO_RCVBUF at
	// net.core.rmem_max unless it may force it); 0 when rcvbuf is 0.
	static int effective_rcvbuf(int rcvbuf);
};

class PortPool {
public:
	// min and max are clamped to an even/odd pair range inside [min, max]. `park`: keep the
	// sockets of returned pairs for the pair's next lease; every port of the range may then
	// hold an open socket, so only when the open-files limit allows that. `index`: the
	// address's place in the --interface order, which its sockets carry for the counters.
	PortPool(const net::IpAddress& address, uint16_t min, uint16_t max,
	         const SocketOptions& options, bool park = false, uint32_t index = 0);
	PortPool(const PortPool&) = delete;
	PortPool& operator=(const PortPool&) = delete;

	const net::IpAddress& address() const { return address_; }
	uint32_t index() const { return index_; }
	Result<PortLease> allocate();
	// The pair whose RTP port is `port`, for a call rebuilt with the ports it had (ha/).
	// A port still bound elsewhere is tried again until kReleaseWait after the first such
	// failure of a burst (a restore fails its ports one after another: together they wait
	// that long, not that long each, when another program holds them): a relay that ran
	// on io_uring and was killed keeps its sockets until the kernel has torn its ring down,
	// a moment after the process is gone, and a relay restarted or taking over on the same
	// host wants those very ports.
	Result<PortLease> allocate_port(uint16_t port);
	static constexpr std::chrono::milliseconds kReleaseWait{2000};
	size_t free_pairs() const;
	size_t total_pairs() const { return used_.size(); }
	size_t parked_pairs() const;
	// The range in use after clamping: first_port() even, last_port() odd.
	uint16_t first_port() const { return first_; }
	uint16_t last_port() const { return static_cast<uint16_t>(first_ + 2 * used_.size() - 1); }
	// The RTP port of the pair handed out last, 0 before the first; `statistics` shows it
	// as rtpengine does.
	uint16_t last_allocated() const;

private:
	friend class PortLease;
	struct Parked {
		BoundSocket rtp;
		BoundSocket rtcp;
	};
	void give_back(uint16_t rtp_port, Parked sockets);
	// Pair i, free, as a lease: its parked sockets, else new ones; mutex_ held.
	Result<PortLease> take(size_t i);
	Result<BoundSocket> bind_port(uint16_t port) const;
	static bool seal(BoundSocket& s);
	static bool unseal(BoundSocket& s);
	size_t random_start();

	net::IpAddress address_;
	uint16_t first_; // lowest even port of the range
	SocketOptions options_;
	bool park_;
	uint32_t index_;
	mutable std::mutex mutex_; // guards the rest
	// allocate_port(): until when a port in use is tried again (the current burst's end).
	std::chrono::steady_clock::time_point release_wait_until_{};
	std::vector<bool> used_; // per pair
	static constexpr size_t kRandomBlock = 64;
	std::array<uint32_t, kRandomBlock> random_{};
	size_t random_used_ = kRandomBlock; // none left: read a block first
	size_t in_use_ = 0;
	uint16_t last_allocated_ = 0;
	std::vector<Parked> parked_; // per pair, with park_
	size_t parked_count_ = 0;
};

} // namespace rtprelay::media
