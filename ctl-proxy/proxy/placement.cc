// SPDX-License-Identifier: GPL-3.0-or-later
#include "placement.h"

namespace rtprelay::proxy {

std::optional<size_t> choose_node(std::span<const Candidate> nodes, size_t rotation)
{
	std::optional<size_t> best;
	for (size_t k = 0; k < nodes.size(); k++) {
		size_t i = (rotation + k) % nodes.size();
		const Candidate& c = nodes[i];
		if (!c.usable || c.weight <= 0)
			continue;
		if (!best) {
			best = i;
			continue;
		}
		const Candidate& b = nodes[*best];
		// (c.sessions + 1) / c.weight < (b.sessions + 1) / b.weight, without division.
		if ((c.sessions + 1) * b.weight < (b.sessions + 1) * c.weight)
			best = i;
	}
	return best;
}

} // namespace rtprelay::proxy
