// SPDX-License-Identifier: GPL-3.0-or-later
// Wall-clock time in milliseconds: what "last packet" and "created" report, and what timeouts
// and learning windows are measured in. One vDSO call; fine on the packet path once a batch.
#pragma once

#include <cstdint>
#include <ctime>

namespace rtprelay::util {

inline int64_t now_ms()
{
	timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

} // namespace rtprelay::util
