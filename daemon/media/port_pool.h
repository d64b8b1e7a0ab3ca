// Media port allocation for one local address: RTP on even ports, RTCP on the next odd port,
// always reserved and bound as a pair so a re-INVITE may switch rtcp-mux either way. Any thread
// may allocate (offers run on media loops); a lease returns its pair when destroyed.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "net/address.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay::media {

class PortPool;

struct BoundSocket {
	UniqueFd fd;
	net::Endpoint local;
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

class PortPool {
public:
	// min and max are clamped to an even/odd pair range inside [min, max].
	PortPool(const net::IpAddress& address, uint16_t min, uint16_t max, int tos);
	PortPool(const PortPool&) = delete;
	PortPool& operator=(const PortPool&) = delete;

	const net::IpAddress& address() const { return address_; }
	Result<PortLease> allocate();
	size_t free_pairs() const;
	size_t total_pairs() const { return used_.size(); }

private:
	friend class PortLease;
	void give_back(uint16_t rtp_port);
	Result<BoundSocket> bind_port(uint16_t port) const;

	net::IpAddress address_;
	uint16_t first_; // lowest even port of the range
	int tos_;
	mutable std::mutex mutex_; // guards used_, cursor_, in_use_
	std::vector<bool> used_;   // per pair
	size_t cursor_ = 0;        // round-robin: a freed port is not reused at once
	size_t in_use_ = 0;
};

} // namespace rtprelay::media
