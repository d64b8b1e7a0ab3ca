// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/loop_traffic.h"

namespace rtprelay::media {
namespace {

// Only the loop's thread writes, so a load and a store add without a locked instruction.
void bump(std::atomic<uint64_t>& a, uint64_t n)
{
	if (n)
		a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

} // namespace

LoopTraffic::LoopTraffic(size_t addresses)
    : addresses_(addresses), counters_(std::make_unique<TrafficCounter[]>(addresses * kPerAddress))
{
}

void LoopTraffic::add(size_t address, Direction d, Path p, uint64_t packets, uint64_t bytes,
                      uint64_t errors)
{
	if (address >= addresses_)
		return;
	TrafficCounter& c = counters_[slot(address, d, p)];
	bump(c.packets, packets);
	bump(c.bytes, bytes);
	bump(c.errors, errors);
}

void LoopTraffic::drop(DropReason r, uint64_t n)
{
	bump(drops_[static_cast<size_t>(r)], n);
}

} // namespace rtprelay::media
