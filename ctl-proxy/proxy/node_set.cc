// SPDX-License-Identifier: GPL-3.0-or-later
#include "node_set.h"

#include <sys/random.h>

#include "placement.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::proxy {

namespace {

constexpr auto kLog = log::Subsystem::kControl;

// Nodes cache replies by cookie for a minute, and several proxies may talk to one node: a
// random prefix keeps our cookies apart from theirs and from our own previous run's.
std::string cookie_prefix()
{
	uint64_t r = 0;
	if (getrandom(&r, sizeof r, 0) != sizeof r)
		r = static_cast<uint64_t>(util::now_ms());
	return strprintf("px%016llx-", static_cast<unsigned long long>(r));
}

} // namespace

Result<std::unique_ptr<NodeSet>> NodeSet::create(event::Loop& loop, std::vector<NodeSpec> specs,
                                                 NodeClient::Timing timing, HealthSettings health)
{
	std::unique_ptr<NodeSet> set(new NodeSet(health));
	std::string prefix = cookie_prefix();
	for (auto& spec : specs) {
		auto client = NodeClient::create(loop.base(), spec.ng, timing, prefix);
		if (!client)
			return client.error();
		auto node = std::make_unique<Node>(std::move(spec), std::move(client).value());
		Node* raw = node.get();
		raw->client().on_refused([s = set.get(), raw] {
			s->note(*raw, raw->refused(), "nothing listens on its port");
		});
		set->nodes_.push_back(std::move(node));
	}
	auto timer = loop.every(1, on_tick, set.get());
	if (!timer)
		return timer.error();
	set->timer_ = std::move(timer).value();
	set->tick();
	return set;
}

Node* NodeSet::find(std::string_view name)
{
	for (auto& n : nodes_)
		if (n->name() == name)
			return n.get();
	return nullptr;
}

bool NodeSet::any_up() const
{
	for (const auto& n : nodes_)
		if (n->up())
			return true;
	return false;
}

std::optional<size_t> NodeSet::choose(const std::vector<bool>& tried, int64_t now_ms)
{
	std::vector<Candidate> c(nodes_.size());
	for (size_t i = 0; i < nodes_.size(); i++)
		c[i] = {!tried[i] && nodes_[i]->accepts_new_calls(now_ms), nodes_[i]->spec().weight,
		        nodes_[i]->sessions()};
	return choose_node(c, rotation_++);
}

void NodeSet::missed(Node& node)
{
	note(node, node.missed(health_.misses), "commands went unanswered");
}

void NodeSet::on_tick(evutil_socket_t, short, void* arg)
{
	static_cast<NodeSet*>(arg)->tick();
}

void NodeSet::tick()
{
	bool sessions_due = ticks_++ % health_.stats_interval_s == 0;
	for (auto& n : nodes_) {
		ping(*n);
		if (sessions_due)
			ask_sessions(*n);
	}
}

void NodeSet::ping(Node& node)
{
	node.client().send(
	        "d7:command4:pinge",
	        [this, &node](const Result<std::string>& r) {
		        if (r)
			        note(node, node.answered(), "it answers");
		        else
			        note(node, node.missed(health_.misses), "pings went unanswered");
	        },
	        NodeClient::OnRefusal::kFail);
}

void NodeSet::ask_sessions(Node& node)
{
	node.client().send("d7:command10:statisticse", [&node](const Result<std::string>& r) {
		if (!r)
			return;
		Arena arena;
		auto reply = decode_node_reply(*r, arena);
		if (!reply)
			return;
		const ng::Value* stats = reply->find("statistics");
		const ng::Value* current =
		        stats && stats->is_dict() ? stats->find("currentstatistics") : nullptr;
		const ng::Value* own =
		        current && current->is_dict() ? current->find("sessionsown") : nullptr;
		if (own && own->is_int())
			node.set_sessions(own->as_int());
	});
}

void NodeSet::note(Node& node, bool changed, const char* why)
{
	if (!changed)
		return;
	if (node.up())
		log::notice(kLog, "node %s (%s) is up: %s", node.name().c_str(),
		            node.spec().ng.to_string().c_str(), why);
	else
		log::warn(kLog, "node %s (%s) is down: %s", node.name().c_str(),
		          node.spec().ng.to_string().c_str(), why);
}

} // namespace rtprelay::proxy
