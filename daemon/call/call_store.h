// SPDX-License-Identifier: GPL-3.0-or-later
// Where high availability keeps the calls (ha/store.h), as the registry and the control
// surfaces see it: told of every change, asked how it fares. Control thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rtprelay::call {

class CallStore {
public:
	struct Status {
		std::string target; // where documents go (no password)
		bool connected = false;
		uint64_t written = 0; // writes the store confirmed
		uint64_t failed = 0;  // commands that failed or timed out (retried)
		uint64_t dropped = 0; // writes dropped while it was away (then all written again)
		size_t queued = 0;    // writes waiting
		std::string last_error;
	};
	virtual ~CallStore() = default;
	// After an offer or answer succeeded.
	virtual void changed(const std::string& call_id) = 0;
	virtual void ended(const std::string& call_id) = 0;
	virtual Status status() const = 0;
};

} // namespace rtprelay::call
