// SPDX-License-Identifier: GPL-3.0-or-later
// What one media loop relayed, by local address (the --interface order), direction and path
// (userspace or kernel), and what it dropped, by reason: the relay-wide figures of /metrics,
// which outlive the calls they came from. The loop adds once per wake-up or kernel reading;
// any thread reads. One writer, so relaxed atomics: no lock, no shared cache line per packet.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "media/stream_stats.h"

namespace rtprelay::media {

enum class Direction : unsigned { kIn, kOut, kCount };      // from the party, to the party
enum class Path : unsigned { kUserspace, kKernel, kCount }; // who forwarded it

struct TrafficCounter {
	std::atomic<uint64_t> packets{0};
	std::atomic<uint64_t> bytes{0};
	std::atomic<uint64_t> errors{0};
};

class LoopTraffic {
public:
	explicit LoopTraffic(size_t addresses);

	// Loop thread only.
	void add(size_t address, Direction d, Path p, uint64_t packets, uint64_t bytes,
	         uint64_t errors);
	void drop(DropReason r, uint64_t n);

	// Any thread; address < addresses().
	size_t addresses() const { return addresses_; }
	const TrafficCounter& at(size_t address, Direction d, Path p) const
	{
		return counters_[slot(address, d, p)];
	}
	uint64_t drops(DropReason r) const
	{
		return drops_[static_cast<size_t>(r)].load(std::memory_order_relaxed);
	}

private:
	static constexpr size_t kPerAddress =
	        static_cast<size_t>(Direction::kCount) * static_cast<size_t>(Path::kCount);
	static size_t slot(size_t address, Direction d, Path p)
	{
		return address * kPerAddress +
		       static_cast<size_t>(d) * static_cast<size_t>(Path::kCount) +
		       static_cast<size_t>(p);
	}

	size_t addresses_;
	std::unique_ptr<TrafficCounter[]> counters_;
	std::array<std::atomic<uint64_t>, static_cast<size_t>(DropReason::kCount)> drops_{};
};

} // namespace rtprelay::media
