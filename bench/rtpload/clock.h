// Monotonic time in nanoseconds. Send timestamps, receive timestamps and every deadline in
// rtpload use this one clock, so one-way latency on the same host needs no synchronisation.
#pragma once

#include <cstdint>
#include <ctime>

namespace rtpload {

constexpr int64_t kNsPerSec = 1'000'000'000;
constexpr int64_t kNsPerMs = 1'000'000;

inline int64_t mono_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return int64_t{ts.tv_sec} * kNsPerSec + ts.tv_nsec;
}

inline int64_t seconds_to_ns(double s)
{
	return static_cast<int64_t>(s * static_cast<double>(kNsPerSec));
}

inline double ns_to_seconds(int64_t ns)
{
	return static_cast<double>(ns) / static_cast<double>(kNsPerSec);
}

} // namespace rtpload
