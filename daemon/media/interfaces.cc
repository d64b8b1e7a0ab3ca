// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/interfaces.h"

#include "util/strings.h"

namespace rtprelay::media {

uint64_t Interfaces::wanted_fds(const Config& config)
{
	uint64_t ports = config.port_max >= config.port_min
	                         ? static_cast<uint64_t>(config.port_max - config.port_min) + 1
	                         : 0;
	return ports * config.interfaces.size() + 64;
}

Interfaces::Interfaces(const Config& config, uint64_t fd_limit)
    : parking_(fd_limit >= wanted_fds(config))
{
	for (const auto& spec : config.interfaces) {
		LogicalInterface* iface = nullptr;
		for (auto& i : interfaces_)
			if (i.name == spec.name)
				iface = &i;
		if (!iface) {
			interfaces_.push_back({spec.name, {}});
			iface = &interfaces_.back();
		}
		auto index = static_cast<uint32_t>(&spec - config.interfaces.data());
		iface->addresses.push_back(
		        {spec,
		         std::make_unique<PortPool>(spec.address, config.port_min, config.port_max,
		                                    SocketOptions{config.tos, config.socket_rcvbuf},
		                                    parking_, index)});
	}
}

const LogicalInterface* Interfaces::find(std::string_view name) const
{
	if (name.empty())
		return interfaces_.empty() ? nullptr : &interfaces_.front();
	for (const auto& i : interfaces_)
		if (i.name == name)
			return &i;
	return nullptr;
}

Result<Allocation> Interfaces::allocate_at(const LocalAddress& address)
{
	auto lease = address.pool->allocate();
	if (!lease)
		return lease.error();
	return Allocation{std::move(lease).value(), &address};
}

Result<Allocation> Interfaces::allocate_port(std::string_view address, uint16_t port) const
{
	for (const auto& i : interfaces_)
		for (const auto& a : i.addresses) {
			if (a.spec.address.to_string() != address)
				continue;
			auto lease = a.pool->allocate_port(port);
			if (!lease)
				return lease.error();
			return Allocation{std::move(lease).value(), &a};
		}
	return Error{"no media interface has the address " + std::string(address)};
}

const LogicalInterface* Interfaces::owner(const LocalAddress* address) const
{
	for (const auto& i : interfaces_)
		for (const auto& a : i.addresses)
			if (&a == address)
				return &i;
	return nullptr;
}

Result<Allocation> Interfaces::allocate(const LogicalInterface& iface, int family,
                                        bool strict) const
{
	std::string last_error = "interface '" + iface.name + "' has no address of that family";
	// Two passes: the wanted family first, then any other.
	for (int pass = 0; pass < (strict ? 1 : 2); pass++) {
		for (const auto& a : iface.addresses) {
			bool family_ok = family == AF_UNSPEC || a.spec.address.family() == family;
			if (pass == 0 ? !family_ok : family_ok)
				continue;
			auto allocation = allocate_at(a);
			if (allocation)
				return allocation;
			last_error = allocation.error().reason;
		}
		if (family == AF_UNSPEC)
			break;
	}
	return Error{last_error};
}

} // namespace rtprelay::media
