// SPDX-License-Identifier: GPL-3.0-or-later
// Snapshots of every call (or one), each taken on its call's media loop, handed over together
// on the control loop: what the CLI's listings are made from. The work for all calls is posted
// at once, before anything can post their destruction, so every Call still exists when its
// snapshot is taken.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "call/kernelizer.h"
#include "call/registry.h"
#include "call/snapshot.h"

namespace rtprelay::cli {

using Snapshots = std::vector<call::CallSnapshot>;

inline call::CallSnapshot take_snapshot(call::Call& c)
{
	call::kernel_refresh(c); // the kernel's counters are part of the stream's
	return call::snapshot(c);
}

// done(snapshots) runs on the control loop once every call has answered, at once when there
// are none. Calls created meanwhile are not included.
inline void gather_all(call::Registry& reg, std::function<void(Snapshots)> done)
{
	auto ids = reg.ids(reg.size());
	if (ids.empty()) {
		done({});
		return;
	}
	struct Pending {
		Snapshots snaps;
		size_t left;
		std::function<void(Snapshots)> done;
	};
	auto p = std::make_shared<Pending>(Pending{{}, ids.size(), std::move(done)});
	p->snaps.reserve(ids.size());
	for (const auto& id : ids)
		reg.run<call::CallSnapshot>(*reg.find(id), take_snapshot,
		                            [p](call::CallSnapshot snap) {
			                            p->snaps.push_back(std::move(snap));
			                            if (--p->left == 0)
				                            p->done(std::move(p->snaps));
		                            });
}

} // namespace rtprelay::cli
