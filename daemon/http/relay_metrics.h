// SPDX-License-Identifier: GPL-3.0-or-later
// The relay's own metric families for GET /metrics: sessions, traffic by address, direction
// and path, drops by reason, ports, kernel table state, build and start time. Reads only what
// the control thread owns (the registry) and what media loops publish as atomics, so a scrape
// never waits for a media loop nor makes one wait. Control thread only.
#pragma once

#include "http/exposition.h"

namespace rtprelay::call {
class Registry;
}

namespace rtprelay::http {

void write_relay_metrics(Exposition& out, call::Registry& registry);

} // namespace rtprelay::http
