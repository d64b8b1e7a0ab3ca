// SPDX-License-Identifier: GPL-3.0-or-later
// The logical media interfaces from --interface: each name has one or more local addresses,
// each address its own port pool. Built once at start-up; pools are thread-safe, the rest is
// read-only after construction. Must outlive every call (leases point into the pools).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "media/port_pool.h"

namespace rtprelay::media {

struct LocalAddress {
	InterfaceSpec spec;
	std::unique_ptr<PortPool> pool;

	// What SDP shows for this address.
	const net::IpAddress& advertised() const
	{
		return spec.advertised ? *spec.advertised : spec.address;
	}
};

struct LogicalInterface {
	std::string name;
	std::vector<LocalAddress> addresses;
};

// A socket pair on a concrete local address, and the address to advertise for it.
struct Allocation {
	PortLease lease;
	const LocalAddress* address = nullptr;
};

class Interfaces {
public:
	// Sockets of ended calls are parked for reuse (see PortPool) when `fd_limit` open files
	// cover every port of every address, so parked sockets never starve new calls.
	explicit Interfaces(const Config& config, uint64_t fd_limit = 0);

	// nullptr if unknown; an empty name means the default (the first one configured).
	const LogicalInterface* find(std::string_view name) const;

	// A port pair on `iface` on an address of `family` (AF_INET/AF_INET6; AF_UNSPEC = any),
	// trying the next address when a pool is exhausted. Unless `strict`, another family is
	// used when the interface has no free address of the one asked for.
	Result<Allocation> allocate(const LogicalInterface& iface, int family, bool strict) const;
	// A port pair on that one address.
	static Result<Allocation> allocate_at(const LocalAddress& address);
	// The pair whose RTP port is `port` on the local address `address` (as --interface
	// names it), for a call rebuilt with the ports it had.
	Result<Allocation> allocate_port(std::string_view address, uint16_t port) const;
	// The interface `address` belongs to, or nullptr.
	const LogicalInterface* owner(const LocalAddress* address) const;

	const std::vector<LogicalInterface>& all() const { return interfaces_; }
	bool parking() const { return parking_; }

	// Open files the relay wants for `config`: one per port of every address, and a few more.
	static uint64_t wanted_fds(const Config& config);

private:
	std::vector<LogicalInterface> interfaces_;
	bool parking_ = false;
};

} // namespace rtprelay::media
