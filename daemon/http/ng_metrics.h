// SPDX-License-Identifier: GPL-3.0-or-later
// The ng control plane's families for /metrics, from the recorder dispatch() feeds
// (ng/command_stats): requests by command and result, and how long they took.
#pragma once

#include "http/exposition.h"
#include "ng/command_stats.h"

namespace rtprelay::http {

void write_ng_metrics(Exposition& out, const ng::CommandStats& stats);

} // namespace rtprelay::http
