// SPDX-License-Identifier: GPL-3.0-or-later
// Request-scoped memory: everything decoded from one ng message (and its reply) lives here and
// is released at once with the request. Objects built with make() are never destroyed, so only
// build types whose memory all comes from this arena (pmr containers using resource()).
#pragma once

#include <cstring>
#include <memory_resource>
#include <new>
#include <string_view>
#include <utility>

namespace rtprelay {

class Arena {
public:
	explicit Arena(size_t initial_size = 4096) : resource_(initial_size) {}
	Arena(const Arena&) = delete;
	Arena& operator=(const Arena&) = delete;

	std::pmr::memory_resource* resource() { return &resource_; }

	template <class T, class... Args>
	T* make(Args&&... args)
	{
		void* p = resource_.allocate(sizeof(T), alignof(T));
		return new (p) T(std::forward<Args>(args)...);
	}

	std::string_view copy(std::string_view s)
	{
		if (s.empty())
			return {};
		auto* p = static_cast<char*>(resource_.allocate(s.size(), 1));
		memcpy(p, s.data(), s.size());
		return {p, s.size()};
	}

private:
	std::pmr::monotonic_buffer_resource resource_;
};

} // namespace rtprelay
