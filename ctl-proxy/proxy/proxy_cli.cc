// SPDX-License-Identifier: GPL-3.0-or-later
#include "proxy_cli.h"

#include <memory>
#include <vector>

#include "cli_merge.h"
#include "node_cli.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::proxy {

namespace {

constexpr auto kLog = log::Subsystem::kControl;

} // namespace

void ProxyCli::run(std::string_view line, const cli::Reply& done)
{
	auto words = cli::split_words(line);
	if (words.size() >= 2 && (words[0] == "list" || words[0] == "get")) {
		if (words[1] == "nodes" && words.size() == 2) {
			done(nodes_table());
			return;
		}
		if (words[1] == "numsessions" && words.size() == 2) {
			ask_all("list numsessions", sum_counts, done);
			return;
		}
		if (words[1] == "sessions" && words.size() == 3) {
			std::string which(words[2]);
			if (which == "all" || which == "own" || which == "foreign")
				ask_all("list sessions " + which, merge_session_lists, done);
			else
				ask_holder(which, "list sessions " + which, done);
			return;
		}
		if (words[1] == "sessions") {
			done(std::string(cli::kMoreParameters));
			return;
		}
	}
	done(words.empty() ? std::string(cli::kMoreParameters) : cli::unknown_command(line));
}

void ProxyCli::ask_all(const std::string& line,
                       std::string (*merge)(const std::vector<std::string>&),
                       const cli::Reply& done)
{
	struct Gather {
		std::vector<std::string> answers;
		size_t waiting = 0;
		cli::Reply done;
		std::string (*merge)(const std::vector<std::string>&);
	};
	auto g = std::make_shared<Gather>();
	g->done = done;
	g->merge = merge;
	for (size_t i = 0; i < nodes_.size(); i++) {
		const Node& n = nodes_.at(i);
		auto cli = node_cli_.find(n.name());
		if (!n.up() || cli == node_cli_.end())
			continue;
		g->waiting++;
		ask_node_cli(base_, cli->second, line, timeout_ms_,
		             [g, name = n.name()](Result<std::string> r) {
			             if (r)
				             g->answers.push_back(std::move(*r));
			             else
				             log::warn(kLog, "CLI of node %s left out: %s",
				                       name.c_str(), r.error().reason.c_str());
			             if (--g->waiting == 0)
				             g->done(g->merge(g->answers));
		             });
	}
	if (g->waiting == 0)
		done(merge({}));
}

void ProxyCli::ask_holder(const std::string& call_id, const std::string& line,
                          const cli::Reply& done)
{
	map_.find(call_id, [this, call_id, line, done](const CallMap::Owner& owner) {
		auto cli = owner ? node_cli_.find(*owner) : node_cli_.end();
		if (cli == node_cli_.end()) {
			// A node's words for a call it does not have (cli/cmd_sessions.cc).
			done("\nCall ID not found (" + printable(call_id, 256) + ").\n\n");
			return;
		}
		ask_node_cli(base_, cli->second, line, timeout_ms_,
		             [done, node = *owner](Result<std::string> r) {
			             done(r ? std::move(*r)
			                    : strprintf("Error: node %s: %s\n", node.c_str(),
			                                r.error().reason.c_str()));
		             });
	});
}

std::string ProxyCli::nodes_table() const
{
	int64_t now = util::now_ms();
	std::string out = strprintf("%-20s %-24s %-4s %6s %8s %s\n", "name", "ng", "up", "weight",
	                            "sessions", "cli");
	for (size_t i = 0; i < nodes_.size(); i++) {
		const Node& n = nodes_.at(i);
		auto cli = node_cli_.find(n.name());
		out += strprintf("%-20s %-24s %-4s %6d %8lld %s%s\n", n.name().c_str(),
		                 n.spec().ng.to_string().c_str(), n.up() ? "yes" : "no",
		                 n.spec().weight, static_cast<long long>(n.sessions()),
		                 cli == node_cli_.end() ? "-" : cli->second.to_string().c_str(),
		                 n.refusing_new_calls(now) ? " (refusing new calls)" : "");
	}
	return out;
}

} // namespace rtprelay::proxy
