// SPDX-License-Identifier: GPL-3.0-or-later
// Rebuilds calls from their documents before the relay serves ng: each call's requests run
// again, on the ports and with the secrets its journal recorded (call/journal.h), so that the
// parties' media reaches the same sockets and decrypts with the same keys.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "call/registry.h"

namespace rtprelay::ha {

struct RestoreReport {
	size_t restored = 0;
	size_t failed = 0; // each logged with its reason
};

// Blocks the control thread until every call is rebuilt on its media loop (which must run).
// `documents` are (key, value) pairs as Redis holds them.
RestoreReport restore_calls(call::Registry& calls,
                            const std::vector<std::pair<std::string, std::string>>& documents);

} // namespace rtprelay::ha
