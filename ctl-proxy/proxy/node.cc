// SPDX-License-Identifier: GPL-3.0-or-later
#include "node.h"

namespace rtprelay::proxy {

bool Node::answered()
{
	misses_ = 0;
	bool changed = !up_;
	up_ = true;
	return changed;
}

bool Node::missed(int misses_allowed)
{
	misses_++;
	if (!up_ || misses_ < misses_allowed)
		return false;
	up_ = false;
	return true;
}

bool Node::refused()
{
	misses_++;
	bool changed = up_;
	up_ = false;
	return changed;
}

void Node::set_sessions(int64_t sessions)
{
	reported_sessions_ = sessions;
	placed_since_report_ = 0;
}

} // namespace rtprelay::proxy
