// SPDX-License-Identifier: GPL-3.0-or-later
// Measures what the load limits compare, once a second on the control thread, and hands it to
// the Admission: the 1-minute load average, the machine's CPU usage (the busy share of all
// cores' time in /proc/stat since the last sample, as rtpengine measures it) and the bytes the
// media loops relayed (userspace and kernel) per second since the last sample.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "call/admission.h"
#include "media/media_loop.h"

namespace rtprelay::call {

// Jiffies of all cores together, from /proc/stat's first ("cpu") line.
struct CpuTimes {
	uint64_t busy = 0;
	uint64_t total = 0;
};

std::optional<CpuTimes> parse_proc_stat(std::string_view text);
// Percent of the time between two readings spent busy; 0 when no time passed.
double cpu_percent(const CpuTimes& before, const CpuTimes& now);
// Bytes per second from two counter readings `elapsed_ms` apart (counters only grow).
uint64_t bytes_per_second(uint64_t before, uint64_t now, int64_t elapsed_ms);

class LoadSampler {
public:
	LoadSampler(Admission& admission, media::MediaLoops& loops);
	// Takes a sample and stores the figures in the Admission.
	void sample();

private:
	uint64_t relayed_bytes() const;

	Admission& admission_;
	media::MediaLoops& loops_;
	std::optional<CpuTimes> cpu_;
	uint64_t bytes_ = 0;
	int64_t at_ms_ = 0; // monotonic
};

} // namespace rtprelay::call
