// SPDX-License-Identifier: GPL-3.0-or-later
#include "router.h"

#include <array>
#include <string_view>
#include <vector>

#include "merge_replies.h"
#include "ng/bencode.h"
#include "ng/dispatch.h"
#include "ng/signalling_command.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::proxy {

namespace {

constexpr auto kLog = log::Subsystem::kControl;

// The error reasons rtpengine and rtprelayd give for a new call they will not take, which
// OpenSIPS fails over on too (a standby or draining rtprelayd says the first).
constexpr std::array<std::string_view, 5> kRefusals = {
        "Parallel session limit reached", "Ran out of ports", "CPU usage limit exceeded",
        "Load limit exceeded", "Bandwidth limit exceeded"};

bool is_refusal(const ng::Value& reply)
{
	auto result = reply.get_string("result");
	if (result && *result == "load limit")
		return true;
	if (!result || *result != "error")
		return false;
	auto reason = reply.get_string("error-reason");
	if (!reason)
		return false;
	for (std::string_view r : kRefusals)
		if (reason->starts_with(r))
			return true;
	return false;
}

// With no node up, the client should try its next relay (another proxy): the reply its kind
// fails over on, as a relay at its limit gives.
Result<ng::Value> no_node_reply(const ng::Value& params, Arena& arena)
{
	if (!ng::supports_load_limit(params))
		return Error{"Parallel session limit reached"};
	ng::Value reply = ng::Value::dict(arena);
	reply.set("result", ng::Value::string("load limit"));
	reply.set("message", ng::Value::string("no relay node takes new calls"));
	return reply;
}

bool is_ok(const ng::Value& reply)
{
	auto result = reply.get_string("result");
	return !result || *result == "ok";
}

// `list` with `limit`: each node kept to it, the joined list must too.
void cut_list(ng::Value& reply, int64_t limit, Arena& arena)
{
	const ng::Value* calls = reply.find("calls");
	if (limit < 0 || !calls || !calls->is_list())
		return;
	ng::Value cut = ng::Value::list(arena);
	for (const ng::Value& c : calls->as_list())
		if (static_cast<int64_t>(cut.as_list().size()) < limit)
			cut.push(c);
	reply.set("calls", cut);
}

bool is_unknown_call(const ng::Value& reply)
{
	auto reason = reply.get_string("error-reason");
	return reason && reason->starts_with("Unknown call-id");
}

} // namespace

// One client command on its way through a node: what the handler must keep, since the
// Request is gone once the handler returns (params and arena live until `done`).
struct Router::Job {
	const ng::Value* params = nullptr;
	Arena* arena = nullptr;
	ng::Completion done;
	std::string command;
	std::string call_id;
	std::string body;                 // the request, encoded once for every node it goes to
	std::vector<bool> tried;          // a new call: the nodes that turned it away
	std::optional<ng::Value> refusal; // ...and the last refusal, for when all did
};

Result<std::unique_ptr<Router>> Router::create(event::Loop& loop, NodeSet& nodes, CallMap& map,
                                               RouterSettings settings)
{
	std::unique_ptr<Router> router(new Router(nodes, map, settings));
	auto timer = loop.every(1, on_tick, router.get());
	if (!timer)
		return timer.error();
	router->timer_ = std::move(timer).value();
	return router;
}

ng::CommandTable Router::commands()
{
	ng::CommandTable table;
	table.add("ping", ng::cmd_ping);
	table.add("statistics",
	          [this](ng::Request& r, ng::Completion done) { ask_all(r, std::move(done)); });
	table.add("list",
	          [this](ng::Request& r, ng::Completion done) { ask_all(r, std::move(done)); });
	table.set_fallback(
	        [this](ng::Request& r, ng::Completion done) { route(r, std::move(done)); });
	return table;
}

void Router::route(ng::Request& request, ng::Completion done)
{
	auto call_id = request.params.get_string("call-id");
	if (!call_id) {
		done(Error{
		        strprintf("'%s' names no call: the proxy cannot tell which node it is for",
		                  printable(request.command).c_str())});
		return;
	}
	auto job = std::make_shared<Job>();
	job->params = &request.params;
	job->arena = &request.arena;
	job->done = std::move(done);
	job->command = std::string(request.command);
	job->call_id = std::string(*call_id);
	ng::bencode_encode(request.params, job->body);
	map_.find(job->call_id, [this, job](CallMap::Owner owner) {
		if (!owner) {
			if (job->command == "offer")
				place(job);
			else
				job->done(Error{"Unknown call-id"});
			return;
		}
		Node* node = nodes_.find(*owner);
		if (!node) {
			job->done(Error{
			        strprintf("the call is on node '%s', which this proxy does not "
			                  "know",
			                  printable(*owner).c_str())});
			return;
		}
		forward(job, *node);
	});
}

void Router::place(const std::shared_ptr<Job>& job)
{
	if (job->tried.empty())
		job->tried.assign(nodes_.size(), false);
	auto chosen = nodes_.choose(job->tried, util::now_ms());
	if (!chosen) {
		stats_.unplaced++;
		if (!job->refusal) {
			log::warn(kLog, "new call %s: no node takes new calls",
			          printable(job->call_id).c_str());
			job->done(no_node_reply(*job->params, *job->arena));
			return;
		}
		map_.forget(job->call_id); // it names the last node tried, which has no call
		job->done(*job->refusal);
		return;
	}
	job->tried[*chosen] = true;
	Node& node = nodes_.at(*chosen);
	auto send = [this, job, &node] {
		node.counters().forwarded++;
		node.client().send(
		        job->body,
		        [this, job, &node](Result<std::string> r) {
			        placed_reply(job, node, std::move(r));
		        },
		        NodeClient::OnRefusal::kFail);
	};
	if (job->refusal) { // moved on: this proxy decided the first node, so it decides again
		map_.assign(job->call_id, node.name());
		send();
		return;
	}
	map_.claim(job->call_id, node.name(), [this, job, &node, send](CallMap::Owner owner) {
		if (owner == node.name()) {
			send();
			return;
		}
		// Another proxy placed the call a moment ago: it is that node's.
		Node* other = owner ? nodes_.find(*owner) : nullptr;
		if (!other) {
			job->done(Error{"the call is on a node this proxy does not know"});
			return;
		}
		forward(job, *other);
	});
}

void Router::placed_reply(const std::shared_ptr<Job>& job, Node& node, Result<std::string> r)
{
	if (!r) {
		node.counters().failed++;
		nodes_.missed(node);
		log::warn(kLog, "new call %s: %s; trying another node",
		          printable(job->call_id).c_str(), r.error().reason.c_str());
		job->refusal = ng::error_reply(*job->arena, r.error().reason);
		stats_.moved++;
		place(job);
		return;
	}
	auto reply = decode_node_reply(*r, *job->arena);
	if (reply && is_refusal(*reply)) {
		node.counters().refused++;
		node.refuse_new_calls_until(util::now_ms() + settings_.refusal_hold_s * 1000LL);
		log::info(kLog, "new call %s: node %s refused it; trying another node",
		          printable(job->call_id).c_str(), node.name().c_str());
		job->refusal = *reply;
		stats_.moved++;
		place(job);
		return;
	}
	if (!reply || !is_ok(*reply)) {
		// The node refused the offer itself (bad SDP, say): no call to keep a place for.
		map_.forget(job->call_id);
		finish(job, node, std::move(reply));
		return;
	}
	stats_.placed++;
	node.placed();
	finish(job, node, std::move(reply));
}

void Router::forward(const std::shared_ptr<Job>& job, Node& node)
{
	node.counters().forwarded++;
	node.client().send(job->body, [this, job, &node](Result<std::string> r) {
		if (!r) {
			node.counters().failed++;
			nodes_.missed(node);
			job->done(Error{strprintf("node %s: %s", node.name().c_str(),
			                          r.error().reason.c_str())});
			return;
		}
		finish(job, node, decode_node_reply(*r, *job->arena));
	});
}

void Router::finish(const std::shared_ptr<Job>& job, Node& node, Result<ng::Value> reply)
{
	if (!reply) {
		job->done(Error{strprintf("node %s: %s", node.name().c_str(),
		                          reply.error().reason.c_str())});
		return;
	}
	if (job->command == "delete" && is_ok(*reply))
		rechecks_.push_back({util::now_ms() + settings_.forget_after_s * 1000LL,
		                     job->call_id, node.name()});
	else if (job->command == "delete" && is_unknown_call(*reply))
		map_.forget(job->call_id);
	else if (is_ok(*reply))
		map_.touch(job->call_id, node.name());
	job->done(*reply);
}

// `statistics` or `list` on its way through every node that is up.
struct Router::Gather {
	Arena* arena = nullptr;
	ng::Completion done;
	std::vector<ng::Value> replies;
	size_t waiting = 0;
	int64_t limit = -1; // list: at most this many calls
	bool list = false;
};

void Router::ask_all(ng::Request& request, ng::Completion done)
{
	auto g = std::make_shared<Gather>();
	g->arena = &request.arena;
	g->done = std::move(done);
	g->list = request.command == "list";
	if (const ng::Value* limit = request.params.find("limit"); limit && limit->is_int())
		g->limit = limit->as_int();
	std::string body;
	ng::bencode_encode(request.params, body);
	for (size_t i = 0; i < nodes_.size(); i++) {
		Node& node = nodes_.at(i);
		if (!node.up())
			continue;
		g->waiting++;
		node.client().send(body, [this, g](const Result<std::string>& r) {
			if (r)
				if (auto reply = decode_node_reply(*r, *g->arena);
				    reply && reply->is_dict())
					g->replies.push_back(*reply);
			if (--g->waiting == 0)
				answer_all(*g);
		});
	}
	if (g->waiting == 0)
		answer_all(*g);
}

void Router::answer_all(Gather& g) const
{
	ng::Value merged = merge_replies(g.replies, *g.arena);
	if (g.list)
		cut_list(merged, g.limit, *g.arena);
	else {
		ng::Value stats = ng::Value::dict(*g.arena);
		if (const ng::Value* s = merged.find("statistics"); s && s->is_dict())
			stats = *s;
		stats.set("rtprelay-ctl-proxy", proxy_section(*g.arena));
		merged.set("statistics", stats);
	}
	merged.set("result", ng::Value::string("ok"));
	g.done(merged);
}

ng::Value Router::proxy_section(Arena& arena) const
{
	ng::Value section = ng::Value::dict(arena);
	ng::Value list = ng::Value::list(arena);
	int64_t now = util::now_ms();
	for (size_t i = 0; i < nodes_.size(); i++) {
		const Node& n = nodes_.at(i);
		ng::Value d = ng::Value::dict(arena);
		d.set("name", ng::Value::string(arena.copy(n.name())));
		d.set("address", ng::Value::string(arena.copy(n.spec().ng.to_string())));
		d.set("up", ng::Value::integer(n.up() ? 1 : 0));
		d.set("weight", ng::Value::integer(n.spec().weight));
		d.set("sessions", ng::Value::integer(n.sessions()));
		d.set("refusing new calls", ng::Value::integer(n.refusing_new_calls(now) ? 1 : 0));
		d.set("forwarded",
		      ng::Value::integer(static_cast<int64_t>(n.counters().forwarded)));
		d.set("failed", ng::Value::integer(static_cast<int64_t>(n.counters().failed)));
		d.set("refused", ng::Value::integer(static_cast<int64_t>(n.counters().refused)));
		list.push(d);
	}
	section.set("nodes", list);
	section.set("calls mapped", ng::Value::integer(static_cast<int64_t>(map_.size())));
	section.set("calls placed", ng::Value::integer(static_cast<int64_t>(stats_.placed)));
	section.set("calls moved", ng::Value::integer(static_cast<int64_t>(stats_.moved)));
	section.set("calls unplaced", ng::Value::integer(static_cast<int64_t>(stats_.unplaced)));
	section.set("calls forgotten", ng::Value::integer(static_cast<int64_t>(stats_.forgotten)));
	return section;
}

void Router::on_tick(evutil_socket_t, short, void* arg)
{
	static_cast<Router*>(arg)->recheck_due();
}

void Router::recheck_due()
{
	int64_t now = util::now_ms();
	while (!rechecks_.empty() && rechecks_.front().due_ms <= now) {
		Recheck rc = std::move(rechecks_.front());
		rechecks_.pop_front();
		Node* node = nodes_.find(rc.node);
		if (!node)
			continue;
		std::string body;
		Arena arena;
		ng::Value q = ng::Value::dict(arena);
		q.set("command", ng::Value::string("query"));
		q.set("call-id", ng::Value::string(rc.call_id));
		ng::bencode_encode(q, body);
		node->client().send(body, [this, call_id = rc.call_id](Result<std::string> r) {
			if (!r)
				return; // the node is away: the entry expires in its time
			Arena a;
			auto reply = decode_node_reply(*r, a);
			if (reply && is_unknown_call(*reply)) {
				map_.forget(call_id);
				stats_.forgotten++;
			}
		});
	}
}

} // namespace rtprelay::proxy
