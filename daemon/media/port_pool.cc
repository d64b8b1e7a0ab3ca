#include "media/port_pool.h"

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "util/strings.h"

namespace rtprelay::media {

namespace {

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
	pool_->give_back(port, {std::move(rtp.fd), std::move(rtcp.fd)});
	pool_ = nullptr;
}

PortPool::PortPool(const net::IpAddress& address, uint16_t min, uint16_t max,
                   const SocketOptions& options, bool park)
    : address_(address), first_(static_cast<uint16_t>(min + (min & 1))), options_(options),
      park_(park)
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

Result<BoundSocket> PortPool::bind_port(uint16_t port) const
{
	BoundSocket s;
	s.local = net::Endpoint(address_, port);
	s.fd.reset(socket(address_.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!s.fd)
		return Error{strprintf("socket: %s", strerror(errno))};
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

// A parked socket for a new lease: whatever strangers sent to the port while it was free is
// discarded, and its drop counter so far becomes the lease's baseline.
BoundSocket PortPool::unpark(UniqueFd fd, uint16_t port) const
{
	char sink[1];
	while (recv(fd.get(), sink, sizeof sink, MSG_DONTWAIT | MSG_TRUNC) >= 0) {
	}
	BoundSocket s;
	s.local = net::Endpoint(address_, port);
	uint32_t mem[SK_MEMINFO_VARS] = {};
	socklen_t len = sizeof mem;
	if (getsockopt(fd.get(), SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
	    len > SK_MEMINFO_DROPS * sizeof(uint32_t))
		s.drops_base = mem[SK_MEMINFO_DROPS];
	s.fd = std::move(fd);
	return s;
}

Result<PortLease> PortPool::allocate()
{
	std::lock_guard lock(mutex_);
	for (size_t tries = 0; tries < used_.size(); tries++) {
		size_t i = cursor_;
		cursor_ = (cursor_ + 1) % used_.size();
		if (used_[i])
			continue;
		auto port = static_cast<uint16_t>(first_ + 2 * i);
		if (park_ && parked_[i].rtp) {
			Parked p = std::move(parked_[i]);
			parked_count_--;
			used_[i] = true;
			in_use_++;
			PortLease lease;
			lease.rtp = unpark(std::move(p.rtp), port);
			lease.rtcp = unpark(std::move(p.rtcp), static_cast<uint16_t>(port + 1));
			lease.pool_ = this;
			return lease;
		}
		// Another program may hold one of the ports: skip the pair, it stays free for
		// later.
		auto rtp = bind_port(port);
		if (!rtp)
			continue;
		auto rtcp = bind_port(static_cast<uint16_t>(port + 1));
		if (!rtcp)
			continue;
		used_[i] = true;
		in_use_++;
		PortLease lease;
		lease.rtp = std::move(rtp).value();
		lease.rtcp = std::move(rtcp).value();
		lease.pool_ = this;
		return lease;
	}
	return Error{strprintf("no free media port pair on %s in %u-%u (%zu pairs, all in use)",
	                       address_.to_string().c_str(), first_,
	                       static_cast<unsigned>(first_ + 2 * used_.size() - 1), used_.size())};
}

void PortPool::give_back(uint16_t rtp_port, Parked sockets)
{
	std::lock_guard lock(mutex_);
	size_t i = (rtp_port - first_) / 2;
	if (i < used_.size() && used_[i]) {
		used_[i] = false;
		in_use_--;
		if (park_ && sockets.rtp && sockets.rtcp) {
			parked_[i] = std::move(sockets);
			parked_count_++;
		}
	}
	// Not parked: the sockets close here.
}

} // namespace rtprelay::media
