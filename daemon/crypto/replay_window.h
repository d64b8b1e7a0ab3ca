// SPDX-License-Identifier: GPL-3.0-or-later
// The replay list of RFC 3711 3.3.2 as a sliding window: the highest index seen and, for the
// 128 indices below and including it, whether each was seen. One per SSRC for the SRTP packet
// index (48 bits) and one for the SRTCP index (31 bits). A plain value, no heap.
#pragma once

#include <bitset>
#include <cstdint>

namespace rtprelay::crypto {

class ReplayWindow {
public:
	static constexpr uint64_t kSize = 128;
	enum class Check { kNew, kSeen, kTooOld };

	bool empty() const { return empty_; }
	uint64_t highest() const { return highest_; } // meaningful unless empty()

	Check check(uint64_t index) const
	{
		if (empty_ || index > highest_)
			return Check::kNew;
		uint64_t back = highest_ - index;
		if (back >= kSize)
			return Check::kTooOld;
		return seen_[back] ? Check::kSeen : Check::kNew;
	}

	// After the packet of `index` went through (check() said kNew).
	void add(uint64_t index)
	{
		if (empty_ || index > highest_) {
			uint64_t ahead = empty_ ? kSize : index - highest_;
			if (ahead >= kSize)
				seen_.reset();
			else
				seen_ <<= ahead;
			highest_ = index;
			empty_ = false;
			seen_.set(0);
		} else {
			seen_.set(highest_ - index);
		}
	}

private:
	uint64_t highest_ = 0;
	std::bitset<kSize> seen_; // bit i: index highest_ - i was seen
	bool empty_ = true;
};

} // namespace rtprelay::crypto
