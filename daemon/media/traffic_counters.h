// SPDX-License-Identifier: GPL-3.0-or-later
// Relayed packets, bytes and send errors: TrafficCounters is written by one media loop and read
// by any thread (relaxed atomics; a reader may see packets and bytes of different instants),
// TrafficCount is a plain reading of it that sums and subtracts.
#pragma once

#include <atomic>
#include <cstdint>

namespace rtprelay::media {

struct TrafficCount {
	uint64_t packets = 0;
	uint64_t bytes = 0;
	uint64_t errors = 0;

	TrafficCount& operator+=(const TrafficCount& o)
	{
		packets += o.packets;
		bytes += o.bytes;
		errors += o.errors;
		return *this;
	}
	friend TrafficCount operator+(TrafficCount a, const TrafficCount& b) { return a += b; }
	// What was counted since `earlier`, a reading of the same counters.
	friend TrafficCount operator-(const TrafficCount& a, const TrafficCount& earlier)
	{
		return {a.packets - earlier.packets, a.bytes - earlier.bytes,
		        a.errors - earlier.errors};
	}
	bool operator==(const TrafficCount&) const = default;
};

struct TrafficCounters {
	std::atomic<uint64_t> packets{0};
	std::atomic<uint64_t> bytes{0};
	std::atomic<uint64_t> errors{0};

	void add(uint64_t p, uint64_t b, uint64_t e)
	{
		packets.fetch_add(p, std::memory_order_relaxed);
		bytes.fetch_add(b, std::memory_order_relaxed);
		errors.fetch_add(e, std::memory_order_relaxed);
	}
	void store(const TrafficCount& c)
	{
		packets.store(c.packets, std::memory_order_relaxed);
		bytes.store(c.bytes, std::memory_order_relaxed);
		errors.store(c.errors, std::memory_order_relaxed);
	}
	TrafficCount load() const
	{
		return {packets.load(std::memory_order_relaxed),
		        bytes.load(std::memory_order_relaxed),
		        errors.load(std::memory_order_relaxed)};
	}
};

} // namespace rtprelay::media
