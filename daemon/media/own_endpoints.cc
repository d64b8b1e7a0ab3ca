// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/own_endpoints.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "util/unique_fd.h"

namespace rtprelay::media {
namespace {

// ::ffff:a.b.c.d reaches a.b.c.d: compare it as the IPv4 address it is.
net::IpAddress unmapped(const net::IpAddress& ip)
{
	static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!ip.is_v6() || memcmp(ip.v6().s6_addr, kPrefix, sizeof kPrefix) != 0)
		return ip;
	in_addr v4;
	memcpy(&v4.s_addr, ip.v6().s6_addr + 12, sizeof v4.s_addr);
	return net::IpAddress::from_v4(v4);
}

bool is_loopback(const net::IpAddress& ip)
{
	if (ip.is_v6())
		return memcmp(&ip.v6(), &in6addr_loopback, sizeof(in6_addr)) == 0;
	return ip.family() == AF_INET && (ntohl(ip.v4().s_addr) >> 24) == 127;
}

// 0.0.0.0 and ::: a wildcard listener or, as a destination, this host.
bool is_unspecified(const net::IpAddress& ip)
{
	if (ip.is_v6())
		return memcmp(&ip.v6(), &in6addr_any, sizeof(in6_addr)) == 0;
	return ip.family() == AF_INET && ip.v4().s_addr == 0;
}

bool contains(const std::vector<net::IpAddress>& list, const net::IpAddress& ip)
{
	return std::find(list.begin(), list.end(), ip) != list.end();
}

// Whether `fd` is a socket bound to `ip`:`port` (closed and reused descriptors are not).
bool bound_to(int fd, const net::IpAddress& ip, uint16_t port)
{
	sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0)
		return false;
	auto local = net::Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss), len);
	return local.port() == port && unmapped(local.ip()) == ip;
}

// Whether nothing is bound to `ip`:`port`, so the relay's pool may lease it at any time. A
// pool that tries the port during this probe skips that pair, as for another program's.
bool is_free(const net::IpAddress& ip, uint16_t port)
{
	UniqueFd probe(socket(ip.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
	if (!probe)
		return false;
	sockaddr_storage ss;
	socklen_t len = net::Endpoint(ip, port).to_sockaddr(ss);
	return bind(probe.get(), reinterpret_cast<sockaddr*>(&ss), len) == 0;
}

} // namespace

OwnEndpoints::OwnEndpoints(const Config& config, std::vector<net::IpAddress> host)
    : host_(std::move(host)), port_min_(config.port_min), port_max_(config.port_max)
{
	size_t ports = static_cast<size_t>(port_max_ - port_min_) + 1;
	for (const InterfaceSpec& i : config.interfaces) {
		net::IpAddress bound = unmapped(i.address);
		if (std::any_of(pools_.begin(), pools_.end(),
		                [&bound](const Pool& p) { return p.bound == bound; }))
			continue;
		std::optional<net::IpAddress> advertised;
		if (i.advertised)
			advertised = unmapped(*i.advertised);
		pools_.push_back({bound, advertised, std::make_unique<std::atomic<int>[]>(ports)});
	}
}

std::vector<net::IpAddress> OwnEndpoints::host_addresses()
{
	std::vector<net::IpAddress> out;
	ifaddrs* list = nullptr;
	if (getifaddrs(&list) != 0)
		return out; // loopback and the configured addresses are still known
	for (ifaddrs* i = list; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			out.push_back(net::IpAddress::from_v4(
			        reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr));
		else if (i->ifa_addr->sa_family == AF_INET6)
			out.push_back(net::IpAddress::from_v6(
			        reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr));
	}
	freeifaddrs(list);
	return out;
}

void OwnEndpoints::add_listener(const net::Endpoint& endpoint, std::string what)
{
	listeners_.push_back(
	        {net::Endpoint(unmapped(endpoint.ip()), endpoint.port()), std::move(what)});
}

void OwnEndpoints::hold(const PortLease& lease)
{
	for (const BoundSocket* s : {&lease.rtp, &lease.rtcp}) {
		const Pool* pool = pool_for(unmapped(s->local.ip()));
		uint16_t port = s->local.port();
		if (pool && s->fd && port >= port_min_ && port <= port_max_)
			pool->fds[port - port_min_].store(s->fd.get() + 1,
			                                  std::memory_order_relaxed);
	}
}

bool OwnEndpoints::is_local(const net::IpAddress& ip) const
{
	return is_loopback(ip) || is_unspecified(ip) || contains(host_, ip) ||
	       std::any_of(pools_.begin(), pools_.end(),
	                   [&ip](const Pool& p) { return p.bound == ip || p.advertised == ip; });
}

// The pool whose sockets `ip` reaches: its own address, its advertised one, or any local
// address for a pool bound to the wildcard.
const OwnEndpoints::Pool* OwnEndpoints::pool_for(const net::IpAddress& ip) const
{
	for (const Pool& p : pools_)
		if (p.bound == ip || p.advertised == ip)
			return &p;
	for (const Pool& p : pools_)
		if (is_unspecified(p.bound) && p.bound.family() == ip.family() && is_local(ip))
			return &p;
	return nullptr;
}

bool OwnEndpoints::holds(const Pool& pool, uint16_t port) const
{
	std::atomic<int>& slot = pool.fds[port - port_min_];
	int fd = slot.load(std::memory_order_relaxed) - 1;
	if (fd < 0)
		return false;
	if (bound_to(fd, pool.bound, port))
		return true;
	int stale = fd + 1; // closed since: forget it, so the next packet costs no system call
	slot.compare_exchange_strong(stale, 0, std::memory_order_relaxed);
	return false;
}

std::optional<std::string> OwnEndpoints::refusal(const net::Endpoint& to,
                                                 const LogicalInterface& facing) const
{
	net::IpAddress ip = unmapped(to.ip());
	if (is_unspecified(ip))
		return "the unspecified address, which is the relay's own host";
	for (const Listener& l : listeners_) {
		const net::IpAddress& bound = l.endpoint.ip();
		if (l.endpoint.port() == to.port() &&
		    (bound == ip || (is_unspecified(bound) && is_local(ip))))
			return "the relay's own " + l.what + " listener";
	}
	if (to.port() >= port_min_ && to.port() <= port_max_)
		if (const Pool* pool = pool_for(ip)) {
			if (holds(*pool, to.port()))
				return "one of the relay's own media ports";
			if (is_free(pool->bound, to.port()))
				return "a free port of the relay's media range";
		}
	bool faces_loopback =
	        std::any_of(facing.addresses.begin(), facing.addresses.end(),
	                    [](const LocalAddress& a) { return is_loopback(a.spec.address); });
	if (is_loopback(ip) && !faces_loopback)
		return "a loopback address, and the relay's interface '" + facing.name +
		       "' facing this party is not loopback";
	return std::nullopt;
}

bool OwnEndpoints::is_own_media(const net::Endpoint& source) const
{
	if (!in_media_range(source.port()))
		return false;
	const Pool* pool = pool_for(unmapped(source.ip()));
	return pool && holds(*pool, source.port());
}

bool drop_own_media(OwnEndpoints& own, Stream& s, const net::Endpoint& source, size_t len)
{
	if (!own.is_own_media(source))
		return false;
	s.stats.packets++;
	s.stats.bytes += len;
	s.drop(DropReason::kRelayLoop);
	own.count_loop_drop();
	return true;
}

} // namespace rtprelay::media
