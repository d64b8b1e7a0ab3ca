// SPDX-License-Identifier: GPL-3.0-or-later
// One reply from the replies of several nodes, for the commands a proxy answers for all of
// them (`statistics`, `list`): dictionaries merge key by key in first-seen order, lists are
// joined, numbers are summed except averages and spreads (a key with "avg", "average",
// "stddev", "pct" or "percent" in it: their integer mean), minima and maxima (key "min..."/"max":
// the least/greatest) and uptime (the greatest); for strings and mixed types the first node's value
// stands.
#pragma once

#include <span>

#include "ng/value.h"
#include "util/arena.h"

namespace rtprelay::proxy {

ng::Value merge_replies(std::span<const ng::Value> replies, Arena& arena);

} // namespace rtprelay::proxy
