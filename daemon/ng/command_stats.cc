// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/command_stats.h"

#include <algorithm>

namespace rtprelay::ng {

void CommandStats::add(Counts& c, bool ok, double seconds)
{
	c.requests++;
	if (!ok)
		c.errors++;
	c.seconds += seconds;
	auto it = std::lower_bound(kBucketBounds.begin(), kBucketBounds.end(), seconds);
	c.buckets[static_cast<size_t>(it - kBucketBounds.begin())]++;
}

CommandStats::Counts& CommandStats::counts_of(std::vector<Command>& list, std::string_view command)
{
	for (auto& c : list)
		if (c.name == command)
			return c.counts;
	list.push_back({std::string(command), {}});
	return list.back().counts;
}

CommandStats::Proxy* CommandStats::proxy_of(const net::IpAddress& peer)
{
	std::string address = peer.to_string();
	for (auto& p : proxies_)
		if (p.address == address)
			return &p;
	if (proxies_.size() >= kMaxProxies)
		return nullptr;
	proxies_.push_back({std::move(address), {}, 0});
	return &proxies_.back();
}

void CommandStats::record(std::string_view command, const net::IpAddress& peer, bool ok,
                          double seconds)
{
	add(counts_of(commands_, command), ok, seconds);
	if (Proxy* p = proxy_of(peer)) {
		add(counts_of(p->commands, command), ok, seconds);
		if (!ok)
			p->errors++;
	}
}

void CommandStats::record_unknown(const net::IpAddress& peer)
{
	if (Proxy* p = proxy_of(peer))
		p->errors++;
}

CommandStats::Counts CommandStats::find(std::string_view command) const
{
	for (const auto& c : commands_)
		if (c.name == command)
			return c.counts;
	return {};
}

} // namespace rtprelay::ng
