// SPDX-License-Identifier: GPL-3.0-or-later
// The proxy's CLI (--listen-cli, rtpengine-ctl's protocol, so rtprelay-ctl and rtpengine-ctl
// work against it), answering for all its nodes through their own CLIs (--node-cli):
//   list sessions all|own|foreign   every node's session lines
//   list sessions CALLID            the call in detail, from the node that holds it
//   list numsessions                every node's counts, summed
//   list nodes                      the proxy's view of its nodes
// Only nodes that are up and have a CLI address are asked; one that does not answer in time
// is left out of the answer and logged. Loop thread only.
#pragma once

#include <event2/event.h>

#include <map>
#include <string>
#include <string_view>

#include "call_map.h"
#include "cli/command.h"
#include "net/address.h"
#include "node_set.h"

namespace rtprelay::proxy {

class ProxyCli {
public:
	ProxyCli(event_base* base, NodeSet& nodes, CallMap& map,
	         std::map<std::string, net::Endpoint> node_cli, int timeout_ms)
	    : base_(base), nodes_(nodes), map_(map), node_cli_(std::move(node_cli)),
	      timeout_ms_(timeout_ms)
	{
	}

	void run(std::string_view line, const cli::Reply& done);

private:
	// Asks every node that is up and has a CLI; `merge` makes one answer of theirs.
	void ask_all(const std::string& line, std::string (*merge)(const std::vector<std::string>&),
	             const cli::Reply& done);
	void ask_holder(const std::string& call_id, const std::string& line,
	                const cli::Reply& done);
	std::string nodes_table() const;

	event_base* base_;
	NodeSet& nodes_;
	CallMap& map_;
	std::map<std::string, net::Endpoint> node_cli_; // by node name
	int timeout_ms_;
};

} // namespace rtprelay::proxy
