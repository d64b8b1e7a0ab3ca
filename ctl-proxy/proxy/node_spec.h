// SPDX-License-Identifier: GPL-3.0-or-later
// One relay node in the proxy's configuration: --node=[NAME/]ADDR:PORT[/WEIGHT]. The name is
// what the call map stores, so it must stay the same when the node's address changes; it
// defaults to ADDR:PORT. A weight of 0 keeps the node's calls but gives it no new ones.
#pragma once

#include <string>
#include <string_view>

#include "net/address.h"
#include "util/result.h"

namespace rtprelay::proxy {

struct NodeSpec {
	std::string name;
	net::Endpoint ng;
	int weight = 1;
};

inline constexpr int kMaxWeight = 1000;

Result<NodeSpec> parse_node_spec(std::string_view text);

} // namespace rtprelay::proxy
