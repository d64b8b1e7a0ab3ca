// SPDX-License-Identifier: GPL-3.0-or-later
// Which path a stream's packets took, for `statistics` (rtpengine's media_userspace,
// media_kernel and media_mixed): userspace only, the kernel only, or both, over the last second
// a stream carried packets in (call::KernelState::tick_path). Plain values; each media loop
// counts its own streams once a second.
#pragma once

#include <cstdint>

namespace rtprelay::media {

enum class MediaPath { kIdle, kUserspace, kKernel, kMixed };

// From the packets each path carried over the same span.
constexpr MediaPath media_path(uint64_t userspace_packets, uint64_t kernel_packets)
{
	if (userspace_packets && kernel_packets)
		return MediaPath::kMixed;
	if (kernel_packets)
		return MediaPath::kKernel;
	return userspace_packets ? MediaPath::kUserspace : MediaPath::kIdle;
}

struct MediaPathCount {
	uint64_t userspace = 0, kernel = 0, mixed = 0; // idle streams are not counted

	void add(MediaPath p)
	{
		userspace += p == MediaPath::kUserspace;
		kernel += p == MediaPath::kKernel;
		mixed += p == MediaPath::kMixed;
	}
	MediaPathCount& operator+=(const MediaPathCount& o)
	{
		userspace += o.userspace;
		kernel += o.kernel;
		mixed += o.mixed;
		return *this;
	}
	bool operator==(const MediaPathCount&) const = default;
};

} // namespace rtprelay::media
