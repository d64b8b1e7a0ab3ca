#include "media/port_pool.h"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "util/strings.h"

namespace rtprelay::media {

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
	rtp.fd.reset();
	rtcp.fd.reset();
	pool_->give_back(port);
	pool_ = nullptr;
}

PortPool::PortPool(const net::IpAddress& address, uint16_t min, uint16_t max, int tos)
    : address_(address), first_(static_cast<uint16_t>(min + (min & 1))), tos_(tos)
{
	size_t pairs = max > first_ ? (max - first_ + 1) / 2 : 0;
	used_.assign(pairs, false);
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
	if (address_.is_v6()) {
		int v6only = 1;
		setsockopt(s.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
		setsockopt(s.fd.get(), IPPROTO_IPV6, IPV6_TCLASS, &tos_, sizeof tos_);
	} else
		setsockopt(s.fd.get(), IPPROTO_IP, IP_TOS, &tos_, sizeof tos_);
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

Result<PortLease> PortPool::allocate()
{
	std::lock_guard lock(mutex_);
	for (size_t tries = 0; tries < used_.size(); tries++) {
		size_t i = cursor_;
		cursor_ = (cursor_ + 1) % used_.size();
		if (used_[i])
			continue;
		auto port = static_cast<uint16_t>(first_ + 2 * i);
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

void PortPool::give_back(uint16_t rtp_port)
{
	std::lock_guard lock(mutex_);
	size_t i = (rtp_port - first_) / 2;
	if (i < used_.size() && used_[i]) {
		used_[i] = false;
		in_use_--;
	}
}

} // namespace rtprelay::media
