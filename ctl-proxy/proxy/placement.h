// SPDX-License-Identifier: GPL-3.0-or-later
// Where a new call goes: among the nodes that take new calls, the one with the fewest sessions
// per unit of weight, counting the new call ((sessions + 1) / weight), so that weights 2:1
// share calls 2:1 from the first call on. Ties go round-robin from `rotation`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace rtprelay::proxy {

struct Candidate {
	bool usable = false;
	int weight = 1;
	int64_t sessions = 0;
};

std::optional<size_t> choose_node(std::span<const Candidate> nodes, size_t rotation);

} // namespace rtprelay::proxy
