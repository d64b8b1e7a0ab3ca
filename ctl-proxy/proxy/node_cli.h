// SPDX-License-Identifier: GPL-3.0-or-later
// One command line to a node's CLI (rtpengine-ctl's protocol: connect, send the line, read
// the answer until the node closes), asynchronously on the proxy's loop, bounded in time and
// in the answer's size.
#pragma once

#include <event2/event.h>

#include <functional>
#include <string>

#include "net/address.h"
#include "util/result.h"

namespace rtprelay::proxy {

// The longest answer taken from a node (`list sessions all` of tens of thousands of calls).
inline constexpr size_t kMaxCliAnswer = size_t{64} << 20;

using CliDone = std::function<void(Result<std::string> answer)>;

// `done` runs once on the loop, never inside this call.
void ask_node_cli(event_base* base, const net::Endpoint& cli, std::string line, int timeout_ms,
                  CliDone done);

} // namespace rtprelay::proxy
