// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/port_pool.h"

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "util/strings.h"

namespace rtprelay::media {
namespace {

// How bind_port() says it got no socket at all (not a port someone else holds).
constexpr std::string_view kNoSocket = "cannot open a socket: ";

// Beyond net.core.rmem_max when the daemon may (CAP_NET_ADMIN), else up to it.
void set_rcvbuf(int fd, int bytes)
{
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

} // namespace

int SocketOptions::effective_rcvbuf(int rcvbuf)
{
	if (rcvbuf <= 0)
		return 0;
	UniqueFd probe(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	if (!probe)
		return 0;
	set_rcvbuf(probe.get(), rcvbuf);
	int got = 0;
	socklen_t len = sizeof got;
	if (getsockopt(probe.get(), SOL_SOCKET, SO_RCVBUF, &got, &len) != 0)
		return 0;
	return got / 2; // the kernel doubles what it grants, for its bookkeeping
}

PortLease::PortLease(PortLease&& other) noexcept
    : rtp(std::move(other.rtp)), rtcp(std::move(other.rtcp)),
      pool_(std::exchange(other.pool_, nullptr))
{
}

PortLease& PortLease::operator=(PortLease&& other) noexcept
{
	if (this != &other) {
		release();
		rtp = std::move(other.rtp);
		rtcp = std::move(other.rtcp);
		pool_ = std::exchange(other.pool_, nullptr);
	}
	return *this;
}

PortLease::~PortLease()
{
	release();
}

void PortLease::release()
{
	if (!pool_)
		return;
	uint16_t port = rtp.local.port();
	pool_->give_back(port, {std::move(rtp), std::move(rtcp)});
	pool_ = nullptr;
}

PortPool::PortPool(const net::IpAddress& address, uint16_t min, uint16_t max,
                   const SocketOptions& options, bool park, uint32_t index)
    : address_(address), first_(static_cast<uint16_t>(min + (min & 1))), options_(options),
      park_(park), index_(index)
{
	size_t pairs = max > first_ ? (max - first_ + 1) / 2 : 0;
	used_.assign(pairs, false);
	if (park_)
		parked_.resize(pairs);
}

size_t PortPool::parked_pairs() const
{
	std::lock_guard lock(mutex_);
	return parked_count_;
}

size_t PortPool::free_pairs() const
{
	std::lock_guard lock(mutex_);
	return used_.size() - in_use_;
}

uint16_t PortPool::last_allocated() const
{
	std::lock_guard lock(mutex_);
	return last_allocated_;
}

Result<BoundSocket> PortPool::bind_port(uint16_t port) const
{
	BoundSocket s;
	s.local = net::Endpoint(address_, port);
	s.address = index_;
	s.parks = park_;
	s.fd.reset(socket(address_.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!s.fd)
		return Error{std::string(kNoSocket) + strerror(errno)};
	const int tos = options_.tos;
	if (address_.is_v6()) {
		int v6only = 1;
		setsockopt(s.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
		setsockopt(s.fd.get(), IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
	} else
		setsockopt(s.fd.get(), IPPROTO_IP, IP_TOS, &tos, sizeof tos);
	if (options_.rcvbuf > 0)
		set_rcvbuf(s.fd.get(), options_.rcvbuf);
	// For jitter and overload accounting on the packet path (see media/forwarder).
	int one = 1;
	setsockopt(s.fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
	setsockopt(s.fd.get(), SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
	sockaddr_storage ss;
	socklen_t len = s.local.to_sockaddr(ss);
	if (bind(s.fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
		return Error{
		        strprintf("bind %s: %s", s.local.to_string().c_str(), strerror(errno))};
	return s;
}

// Parks a socket: connected to its own address it accepts nothing more (a stranger's datagram
// finds no socket, as if the port were closed); what the last call left unread is discarded,
// and the drop counter so far becomes the next lease's baseline. False if it cannot be parked.
bool PortPool::seal(BoundSocket& s)
{
	sockaddr_storage self;
	socklen_t len = s.local.to_sockaddr(self);
	if (connect(s.fd.get(), reinterpret_cast<sockaddr*>(&self), len) != 0)
		return false;
	// Sealed, the socket queues and drops nothing more: its counters are final.
	uint32_t mem[SK_MEMINFO_VARS] = {};
	len = sizeof mem;
	if (getsockopt(s.fd.get(), SOL_SOCKET, SO_MEMINFO, mem, &len) != 0 ||
	    len <= SK_MEMINFO_DROPS * sizeof(uint32_t))
		return false;
	s.drops_base = mem[SK_MEMINFO_DROPS];
	if (mem[SK_MEMINFO_RMEM_ALLOC] == 0)
		return true; // nothing queued (usual): no draining system call
	char sink[1];
	int queued = 0;
	while (recv(s.fd.get(), sink, sizeof sink, MSG_DONTWAIT | MSG_TRUNC) >= 0)
		if (++queued > 4096)
			return false; // a flooded socket: closing it is cheaper than draining it
	return true;
}

// Opens a parked socket to every sender again; it keeps its bound address and port.
bool PortPool::unseal(BoundSocket& s)
{
	sockaddr any{};
	any.sa_family = AF_UNSPEC;
	return connect(s.fd.get(), &any, sizeof any) == 0;
}

// Where the search for a free pair starts: random, so that a stranger who saw one call's port
// cannot aim at the next call's. From getrandom() in blocks of kRandomBlock, one system call
// per block rather than per allocation.
size_t PortPool::random_start()
{
	if (random_used_ == random_.size()) {
		size_t got = 0;
		while (got < sizeof random_) {
			ssize_t n = getrandom(reinterpret_cast<char*>(random_.data()) + got,
			                      sizeof random_ - got, 0);
			if (n <= 0 && errno != EINTR)
				break; // not before Linux 3.17: the previous block again is still
				       // random
			got += n > 0 ? static_cast<size_t>(n) : 0;
		}
		random_used_ = 0;
	}
	return random_[random_used_++] % used_.size();
}

Result<PortLease> PortPool::take(size_t i)
{
	auto port = static_cast<uint16_t>(first_ + 2 * i);
	PortLease lease;
	if (park_ && parked_[i].rtp.fd) {
		Parked p = std::move(parked_[i]);
		parked_[i] = {};
		parked_count_--;
		if (unseal(p.rtp) && unseal(p.rtcp)) {
			lease.rtp = std::move(p.rtp);
			lease.rtcp = std::move(p.rtcp);
		}
		// else p closes here; new sockets are bound below.
	}
	if (!lease.rtp.fd) {
		auto rtp = bind_port(port);
		if (!rtp)
			return rtp.error();
		auto rtcp = bind_port(static_cast<uint16_t>(port + 1));
		if (!rtcp)
			return rtcp.error();
		lease.rtp = std::move(rtp).value();
		lease.rtcp = std::move(rtcp).value();
	}
	used_[i] = true;
	in_use_++;
	last_allocated_ = port;
	lease.pool_ = this;
	return lease;
}

Result<PortLease> PortPool::allocate()
{
	std::lock_guard lock(mutex_);
	size_t start = used_.empty() ? 0 : random_start();
	for (size_t tries = 0; tries < used_.size(); tries++) {
		size_t i = (start + tries) % used_.size();
		if (used_[i])
			continue;
		// Another program may hold one of the ports: skip the pair, it stays free for
		// later. No socket at all (the open-files limit) is no reason to try the others.
		auto lease = take(i);
		if (lease)
			return lease;
		if (lease.error().reason.starts_with(kNoSocket))
			return Error{"Ran out of ports: " + lease.error().reason};
	}
	// "Ran out of ports" first: rtpengine's words, which operators' alerts and scripts match.
	return Error{strprintf("Ran out of ports: no free media port pair on %s in %u-%u (%zu "
	                       "pairs, all in use)",
	                       address_.to_string().c_str(), first_,
	                       static_cast<unsigned>(first_ + 2 * used_.size() - 1), used_.size())};
}

Result<PortLease> PortPool::allocate_port(uint16_t port)
{
	for (;;) {
		{
			std::lock_guard lock(mutex_);
			size_t i = (port - first_) / 2;
			if (port < first_ || port % 2 != first_ % 2 || i >= used_.size())
				return Error{strprintf(
				        "port %u on %s is not an RTP port of the range %u-%u", port,
				        address_.to_string().c_str(), first_, last_port())};
			if (used_[i])
				return Error{strprintf("port %u on %s is in use", port,
				                       address_.to_string().c_str())};
			auto lease = take(i);
			if (lease || errno != EADDRINUSE) // take() leaves bind()'s errno
				return lease;
			auto now = std::chrono::steady_clock::now();
			if (now >= release_wait_until_ + kReleaseWait) // a new burst
				release_wait_until_ = now + kReleaseWait;
			if (now >= release_wait_until_)
				return lease;
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
}

void PortPool::give_back(uint16_t rtp_port, Parked sockets)
{
	bool park = park_ && sockets.rtp.fd && sockets.rtcp.fd && seal(sockets.rtp) &&
	            seal(sockets.rtcp);
	std::lock_guard lock(mutex_);
	size_t i = (rtp_port - first_) / 2;
	if (i < used_.size() && used_[i]) {
		used_[i] = false;
		in_use_--;
		if (park) {
			parked_[i] = std::move(sockets);
			parked_count_++;
		}
	}
	// Not parked: the sockets close here.
}

} // namespace rtprelay::media
