// SPDX-License-Identifier: GPL-3.0-or-later
// The parts of the `statistics` reply that are about ng requests: controlstatistics (per proxy
// and in total, per command) and intervalstatistics, both keyed by rtpengine 10.5's command
// list so that every key path rtpengine answers with exists here too. Control thread only.
#pragma once

#include "ng/command_stats.h"
#include "ng/value.h"
#include "util/arena.h"

namespace rtprelay::ng {

// Without a recorder (protocol-layer tests) every count is zero.
Value control_statistics(Arena& arena, const CommandStats* stats);
// rtpengine fills these only when it reports to Graphite (--graphite), which rtprelayd does
// not do: zeros, as rtpengine itself answers without Graphite.
Value interval_statistics(Arena& arena);

} // namespace rtprelay::ng
