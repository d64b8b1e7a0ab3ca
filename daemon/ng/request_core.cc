// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/request_core.h"

#include <ctime>

#include "call/registry.h"
#include "config/config.h"
#include "ng/dispatch.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::ng {

namespace {
constexpr auto kLog = log::Subsystem::kControl;
} // namespace

RequestCore::RequestCore(event::Loop& loop, CommandTable commands, call::Registry* calls)
    : loop_(loop), commands_(std::move(commands)), calls_(calls),
      cache_(calls ? calls->config().reply_cache_bytes : Config{}.reply_cache_bytes)
{
}

RequestCore::~RequestCore() = default;

Result<std::unique_ptr<RequestCore>> RequestCore::create(event::Loop& loop, CommandTable commands,
                                                         call::Registry* calls)
{
	std::unique_ptr<RequestCore> core(new RequestCore(loop, std::move(commands), calls));
	auto timer = loop.every(
	        1,
	        [](evutil_socket_t, short, void* arg) {
		        static_cast<RequestCore*>(arg)->cache_.tick();
	        },
	        core.get());
	if (!timer)
		return timer.error();
	core->cache_tick_ = std::move(timer).value();
	return core;
}

bool RequestCore::handle(std::string_view message, const net::Endpoint& peer, ReplyLimit limit,
                         Sink sink, bool any_thread)
{
	// What replies sent from media loops left for this thread (the reply cache, the call
	// registry) is done before a request that may depend on it.
	loop_.catch_up();
	auto framing = split_message(message);
	if (!framing) {
		stats_.no_cookie++;
		return false;
	}
	uint64_t id = next_id_++;
	std::string_view cached;
	switch (cache_.begin(framing->cookie, {id, peer}, &cached)) {
	case CookieCache::Status::kCached:
		stats_.retransmits++;
		log::debug(kLog, "retransmission of cookie '%s' from %s answered from cache",
		           printable(framing->cookie).c_str(), peer.to_string().c_str());
		sink(cached);
		return true;
	case CookieCache::Status::kRunning:
		stats_.retransmits++;
		log::debug(kLog, "retransmission of cookie '%s' from %s while it runs",
		           printable(framing->cookie).c_str(), peer.to_string().c_str());
		waiting_.emplace(id, std::move(sink));
		return true;
	case CookieCache::Status::kStarted: break;
	}

	auto p = std::make_unique<Pending>();
	p->message.assign(message);
	p->framing = *split_message(p->message); // views into the copy, which outlives the request
	p->peer = peer;
	p->sink = std::move(sink);
	p->limit = limit;
	p->cached = true;
	p->any_thread = any_thread;
	pending_.emplace(id, std::move(p));
	execute(id);
	return true;
}

void RequestCore::handle_plain(std::string_view body, const net::Endpoint& peer, ReplyLimit limit,
                               Sink sink)
{
	loop_.catch_up();
	uint64_t id = next_id_++;
	auto p = std::make_unique<Pending>();
	p->message.assign(body);
	p->framing.body = trim(p->message);
	p->framing.encoding = !p->framing.body.empty() && p->framing.body.front() == '{'
	                              ? Encoding::kJson
	                              : Encoding::kBencode;
	p->peer = peer;
	p->sink = std::move(sink);
	p->limit = limit;
	pending_.emplace(id, std::move(p));
	execute(id);
}

void RequestCore::execute(uint64_t id)
{
	Pending& p = *pending_.at(id);
	stats_.commands++;
	auto params = decode_body(p.framing, p.arena);
	if (!params) {
		log::warn(kLog, "malformed ng message from %s: %s", p.peer.to_string().c_str(),
		          params.error().reason.c_str());
		complete(id, error_reply(p.arena, params.error().reason));
		return;
	}
	auto call_id = params->get_string("call-id");
	log::CallScope scope(call_id ? *call_id : std::string_view());
	auto command = params->get_string("command");
	p.statistics = command && *command == "statistics";
	if (command && *command != "ping" && log::enabled(kLog, log::kInfo))
		log::info(kLog, "received command '%s' from %s", printable(*command).c_str(),
		          p.peer.to_string().c_str());

	// The Pending stays put until complete() (which follows any early reply) releases it.
	EarlyReply early;
	if (p.any_thread && !p.statistics)
		// What sends runs after the Completion is queued, which may by then have released
		// the Pending: it holds its own copies of the bytes and the sink.
		early = [this, pending = &p](const Value& reply) -> SendReply {
			pending->sent = encode_sendable(*pending, reply);
			pending->sent_early = true;
			return [sink = pending->sink, bytes = pending->sent.bytes] { sink(bytes); };
		};
	p.dispatching = true;
	dispatch(
	        commands_, *params, p.arena, p.framing.cookie, p.peer, calls_,
	        [this, id](Value reply) { complete(id, reply); }, std::move(early));
	// A handler that answered synchronously left its request for us to release here, after
	// dispatch() no longer uses the arena.
	auto it = pending_.find(id);
	if (it == pending_.end())
		return;
	it->second->dispatching = false;
	if (it->second->finished)
		pending_.erase(it);
}

void RequestCore::complete(uint64_t id, const Value& reply)
{
	auto found = pending_.find(id);
	if (found == pending_.end())
		return;
	// The Pending stays put while the sinks run; iterators may not (a sink may start requests).
	Pending& p = *found->second;
	Encoded encoded = p.sent_early ? std::move(p.sent) : encode_sendable(p, reply);
	count(p, encoded);
	if (!p.sent_early) {
		Sink sink = std::move(p.sink);
		sink(encoded.bytes);
	}
	if (p.cached) {
		uint64_t dropped = cache_.dropped();
		for (const auto& w : cache_.finish(p.framing.cookie, encoded.bytes)) {
			auto waiter = waiting_.find(w.sink);
			if (waiter == waiting_.end())
				continue;
			Sink s = std::move(waiter->second);
			waiting_.erase(waiter);
			s(encoded.bytes);
		}
		note_evictions(dropped);
	}
	p.finished = true;
	if (!p.dispatching)
		pending_.erase(id);
}

std::string RequestCore::encode(const Pending& p, const Value& reply) const
{
	return p.cached ? encode_reply(p.framing.cookie, reply, p.framing.encoding)
	                : encode_body(reply, p.framing.encoding);
}

// The encoded reply, or, when the transport cannot carry it, a small error reply in its place:
// cached like any reply, so a retransmission gets the same answer instead of silence.
RequestCore::Encoded RequestCore::encode_sendable(Pending& p, const Value& reply) const
{
	Value answer = reply;
	if (p.statistics && reply.is_dict()) {
		add_server_stats(answer, p.arena);
		add_transport_stats(answer, p.arena);
	}
	Encoded e;
	e.bytes = encode(p, answer);
	if (e.bytes.size() > p.limit.bytes) {
		e.too_large = strprintf("reply too large for %s (%zu bytes)", p.limit.carrier,
		                        e.bytes.size());
		answer = error_reply(p.arena, e.too_large);
		e.bytes = encode(p, answer);
	}
	if (const Value* result = answer.find("result");
	    result && result->is_string() && result->as_string() == "error") {
		e.error = true;
		auto reason = answer.get_string("error-reason");
		e.error_reason = reason ? printable(*reason, 256) : "";
	}
	return e;
}

void RequestCore::count(const Pending& p, const Encoded& e)
{
	if (!e.too_large.empty()) {
		stats_.replies_too_large++;
		log::warn(kLog, "%s to %s; answering error instead", e.too_large.c_str(),
		          p.peer.to_string().c_str());
	}
	if (e.error) {
		stats_.errors++;
		log::info(kLog, "replying error to %s: %s", p.peer.to_string().c_str(),
		          e.error_reason.c_str());
	}
}

namespace {

// The dictionary at `key` of `d`, added when missing. A Value is a handle, so filling the
// result fills `d`'s member.
Value dict_at(Value& d, std::string_view key, Arena& arena)
{
	const Value* v = d.find(key);
	if (v && v->is_dict())
		return *v;
	d.set(key, Value::dict(arena));
	return *d.find(key);
}

// statistics.rtprelay, where rtprelayd's own figures go: no rtpengine client looks there.
// Made even in an error reply (the command failed): the server's counters say why it may be.
Value own_stats(Value& reply, Arena& arena)
{
	Value stats = dict_at(reply, "statistics", arena);
	return dict_at(stats, "rtprelay", arena);
}

} // namespace

// rtpengine has no such keys: they go with rtprelayd's own, under statistics.rtprelay.
void RequestCore::add_server_stats(Value& reply, Arena& arena) const
{
	auto num = [](uint64_t v) { return Value::integer(static_cast<int64_t>(v)); };
	Value ng = Value::dict(arena);
	ng.set("reply cache bytes", num(cache_.bytes()));
	ng.set("reply cache dropped", num(cache_.dropped()));
	ng.set("replies too large", num(stats_.replies_too_large));
	ng.set("retransmissions", num(stats_.retransmits));
	ng.set("SIP OPTIONS answered", num(stats_.sip_options));
	ng.set("SIP OPTIONS too large", num(stats_.sip_too_large));
	own_stats(reply, arena).set("ng", ng);
}

// ng over TCP (--listen-tcp-ng); rtpengine reports nothing like it.
void RequestCore::add_transport_stats(Value& reply, Arena& arena) const
{
	auto num = [](uint64_t v) { return Value::integer(static_cast<int64_t>(v)); };
	Value tcp = Value::dict(arena);
	tcp.set("connections", num(stats_.tcp_open));
	tcp.set("accepted", num(stats_.tcp_accepted));
	tcp.set("refused", num(stats_.tcp_refused));
	tcp.set("closed oversized", num(stats_.tcp_oversized));
	tcp.set("closed malformed", num(stats_.tcp_malformed));
	tcp.set("closed idle", num(stats_.tcp_idle));
	tcp.set("closed slow reader", num(stats_.tcp_slow_reader));
	own_stats(reply, arena).set("ng tcp", tcp);
}

void RequestCore::note_evictions(uint64_t before)
{
	int64_t now = time(nullptr);
	if (cache_.dropped() == before || now == last_eviction_log_)
		return; // once a second at most, with the running total
	last_eviction_log_ = now;
	log::warn(kLog,
	          "reply cache full (%zu bytes held): %llu replies dropped before their time so "
	          "far; retransmissions of those would run again (see --reply-cache-bytes)",
	          cache_.bytes(), static_cast<unsigned long long>(cache_.dropped()));
}

bool RequestCore::refusing_new_calls() const
{
	if (refusing_)
		return refusing_();
	return calls_ && calls_->refusing_new_calls();
}

} // namespace rtprelay::ng
