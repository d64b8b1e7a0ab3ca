// SPDX-License-Identifier: GPL-3.0-or-later
// The timeouts an operator may change while the relay runs (CLI `set timeout` and friends;
// `set maxsessions` goes to call/admission, which decides on new calls). Config keeps the start
// values and stays immutable; these are read by the media loops once a second for every call, so
// each is a relaxed atomic rather than locked.
#pragma once

#include <atomic>

#include "config/config.h"

namespace rtprelay::call {

struct RuntimeLimits {
	explicit RuntimeLimits(const Config& config)
	    : timeout(config.timeout), silent_timeout(config.silent_timeout),
	      final_timeout(config.final_timeout), offer_timeout(config.offer_timeout)
	{
	}

	// Seconds, as the options of the same names (call/timeouts).
	std::atomic<int> timeout;
	std::atomic<int> silent_timeout;
	std::atomic<int> final_timeout;
	std::atomic<int> offer_timeout;
};

} // namespace rtprelay::call
