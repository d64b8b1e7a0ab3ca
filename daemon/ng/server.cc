// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/server.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "call/registry.h"
#include "config/config.h"
#include "ng/dispatch.h"
#include "ng/sip_options.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::ng {

namespace {
constexpr auto kLog = log::Subsystem::kControl;
constexpr int kMaxReadsPerWakeup = 64; // then yield to the other sockets and timers
} // namespace

Server::Server(event::Loop& loop, CommandTable commands, call::Registry* calls)
    : loop_(loop), commands_(std::move(commands)), calls_(calls),
      cache_(calls ? calls->config().reply_cache_bytes : Config{}.reply_cache_bytes),
      buffer_(kMaxMessageSize + 1)
{
}

Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::create(event::Loop& loop,
                                               const std::vector<net::Endpoint>& listen,
                                               CommandTable commands, call::Registry* calls)
{
	std::unique_ptr<Server> server(new Server(loop, std::move(commands), calls));
	for (const auto& ep : listen)
		if (auto r = server->listen(ep); !r)
			return r.error();
	auto timer = loop.every(
	        1,
	        [](evutil_socket_t, short, void* arg) { static_cast<Server*>(arg)->cache_.tick(); },
	        server.get());
	if (!timer)
		return timer.error();
	server->cache_tick_ = std::move(timer).value();
	return server;
}

Result<void> Server::listen(const net::Endpoint& ep)
{
	auto fail = [&](const char* what) {
		return Error{strprintf("cannot listen for ng on %s: %s: %s", ep.to_string().c_str(),
		                       what, strerror(errno))};
	};
	auto l = std::make_unique<Listener>();
	l->server = this;
	l->index = listeners_.size();
	l->fd.reset(socket(ep.ip().family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!l->fd)
		return fail("socket");
	if (ep.ip().is_v6()) {
		int one = 1; // leave the IPv4 port to an IPv4 listener
		setsockopt(l->fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	}
	sockaddr_storage ss;
	socklen_t len = ep.to_sockaddr(ss);
	if (bind(l->fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
		return fail("bind");
	len = sizeof ss;
	if (getsockname(l->fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0)
		return fail("getsockname");
	l->local = net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
	l->ev.reset(
	        event_new(loop_.base(), l->fd.get(), EV_READ | EV_PERSIST, on_readable, l.get()));
	if (!l->ev || event_add(l->ev.get(), nullptr) != 0)
		return fail("event_add");
	log::notice(kLog, "listening for ng on udp %s", l->local.to_string().c_str());
	listeners_.push_back(std::move(l));
	return {};
}

std::vector<net::Endpoint> Server::local_endpoints() const
{
	std::vector<net::Endpoint> out;
	for (const auto& l : listeners_)
		out.push_back(l->local);
	return out;
}

void Server::on_readable(evutil_socket_t, short, void* arg)
{
	auto* l = static_cast<Listener*>(arg);
	l->server->read_from(*l);
}

void Server::read_from(Listener& listener)
{
	for (int i = 0; i < kMaxReadsPerWakeup; i++) {
		sockaddr_storage ss;
		socklen_t sslen = sizeof ss;
		ssize_t n = recvfrom(listener.fd.get(), buffer_.data(), buffer_.size(), MSG_TRUNC,
		                     reinterpret_cast<sockaddr*>(&ss), &sslen);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log::warn(kLog, "ng receive on %s failed: %s",
				          listener.local.to_string().c_str(), strerror(errno));
			return;
		}
		stats_.received++;
		auto peer = net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), sslen);
		if (static_cast<size_t>(n) > kMaxMessageSize) {
			stats_.oversized++;
			note_dropped("oversized datagram", peer);
			continue;
		}
		handle(listener.index, {buffer_.data(), static_cast<size_t>(n)}, peer);
	}
}

void Server::note_dropped(const char* why, const net::Endpoint& peer)
{
	int64_t now = time(nullptr);
	if (now == last_drop_log_)
		return; // one line a second is enough to notice a misbehaving client
	last_drop_log_ = now;
	log::warn(kLog, "dropped %s from %s (no_cookie=%llu oversized=%llu so far)", why,
	          peer.to_string().c_str(), static_cast<unsigned long long>(stats_.no_cookie),
	          static_cast<unsigned long long>(stats_.oversized));
}

void Server::handle(size_t listener, std::string_view data, const net::Endpoint& peer)
{
	if (classify_sip(data) != SipKind::kNotSip) {
		handle_sip(listener, data, peer);
		return;
	}
	auto framing = split_message(data);
	if (!framing) {
		stats_.no_cookie++;
		note_dropped("datagram without a cookie", peer);
		return;
	}
	std::string_view cached;
	switch (cache_.begin(framing->cookie, {listener, peer}, &cached)) {
	case CookieCache::Status::kCached:
		stats_.retransmits++;
		log::debug(kLog, "retransmission of cookie '%s' from %s answered from cache",
		           printable(framing->cookie).c_str(), peer.to_string().c_str());
		send(listener, peer, cached);
		return;
	case CookieCache::Status::kRunning:
		stats_.retransmits++;
		log::debug(kLog, "retransmission of cookie '%s' from %s while it runs",
		           printable(framing->cookie).c_str(), peer.to_string().c_str());
		return;
	case CookieCache::Status::kStarted: break;
	}

	uint64_t id = next_id_++;
	auto p = std::make_unique<Pending>();
	p->datagram.assign(data);
	p->framing = *split_message(p->datagram); // views into the copy, which outlives the request
	p->origin = {listener, peer};
	pending_.emplace(id, std::move(p));
	execute(id);
}

void Server::execute(uint64_t id)
{
	Pending& p = *pending_.at(id);
	stats_.commands++;
	auto params = decode_body(p.framing, p.arena);
	if (!params) {
		log::warn(kLog, "malformed ng message from %s: %s",
		          p.origin.peer.to_string().c_str(), params.error().reason.c_str());
		complete(id, error_reply(p.arena, params.error().reason));
		return;
	}
	auto call_id = params->get_string("call-id");
	log::CallScope scope(call_id ? *call_id : std::string_view());
	auto command = params->get_string("command");
	p.statistics = command && *command == "statistics";
	if (command && *command != "ping" && log::enabled(kLog, log::kInfo))
		log::info(kLog, "received command '%s' from %s", printable(*command).c_str(),
		          p.origin.peer.to_string().c_str());

	p.dispatching = true;
	dispatch(commands_, *params, p.arena, p.framing.cookie, p.origin.peer, calls_,
	         [this, id](Value reply) { complete(id, reply); });
	// A handler that answered synchronously left its request for us to release here, after
	// dispatch() no longer uses the arena.
	auto it = pending_.find(id);
	if (it == pending_.end())
		return;
	it->second->dispatching = false;
	if (it->second->finished)
		pending_.erase(it);
}

void Server::complete(uint64_t id, const Value& reply)
{
	auto it = pending_.find(id);
	if (it == pending_.end())
		return;
	Pending& p = *it->second;
	std::string encoded = encode_sendable(p, reply);
	send(p.origin.listener, p.origin.peer, encoded);
	uint64_t dropped = cache_.dropped();
	for (const auto& w : cache_.finish(p.framing.cookie, encoded))
		send(w.listener, w.peer, encoded);
	note_evictions(dropped);
	p.finished = true;
	if (!p.dispatching)
		pending_.erase(it);
}

// The encoded reply, or, when no datagram could carry it, a small error reply in its place:
// cached like any reply, so a retransmission gets the same answer instead of silence.
std::string Server::encode_sendable(Pending& p, const Value& reply)
{
	Value answer = reply;
	if (p.statistics && reply.is_dict())
		add_server_stats(answer, p.arena);
	std::string encoded = encode_reply(p.framing.cookie, answer, p.framing.encoding);
	if (encoded.size() > kMaxReplySize) {
		stats_.replies_too_large++;
		std::string reason =
		        strprintf("reply too large for one datagram (%zu bytes)", encoded.size());
		log::warn(kLog, "%s to %s; answering error instead", reason.c_str(),
		          p.origin.peer.to_string().c_str());
		answer = error_reply(p.arena, reason);
		encoded = encode_reply(p.framing.cookie, answer, p.framing.encoding);
	}
	if (const Value* result = answer.find("result");
	    result && result->is_string() && result->as_string() == "error") {
		stats_.errors++;
		auto reason = answer.get_string("error-reason");
		log::info(kLog, "replying error to %s: %s", p.origin.peer.to_string().c_str(),
		          reason ? printable(*reason, 256).c_str() : "");
	}
	return encoded;
}

// The dictionary at `key` of `d`, added when missing. A Value is a handle, so filling the
// result fills `d`'s member.
static Value dict_at(Value& d, std::string_view key, Arena& arena)
{
	const Value* v = d.find(key);
	if (v && v->is_dict())
		return *v;
	d.set(key, Value::dict(arena));
	return *d.find(key);
}

// rtpengine has no such keys: they go with rtprelayd's own, under statistics.rtprelay.
void Server::add_server_stats(Value& reply, Arena& arena) const
{
	auto num = [](uint64_t v) { return Value::integer(static_cast<int64_t>(v)); };
	Value ng = Value::dict(arena);
	ng.set("reply cache bytes", num(cache_.bytes()));
	ng.set("reply cache dropped", num(cache_.dropped()));
	ng.set("replies too large", num(stats_.replies_too_large));
	ng.set("retransmissions", num(stats_.retransmits));
	ng.set("SIP OPTIONS answered", num(stats_.sip_options));
	ng.set("SIP OPTIONS too large", num(stats_.sip_too_large));
	// Even in an error reply (the command failed): these say why the server may be failing.
	Value stats = dict_at(reply, "statistics", arena);
	dict_at(stats, "rtprelay", arena).set("ng", ng);
}

void Server::note_evictions(uint64_t before)
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

void Server::handle_sip(size_t listener, std::string_view data, const net::Endpoint& peer)
{
	if (classify_sip(data) == SipKind::kOptions) {
		bool too_large = false;
		auto answer = answer_options(data, &too_large);
		if (answer) {
			stats_.sip_options++;
			log::debug(kLog, "answering SIP OPTIONS from %s", peer.to_string().c_str());
			send(listener, peer, *answer);
			return;
		}
		if (too_large) {
			// Answering would reflect more bytes than a spoofed sender spent.
			stats_.sip_too_large++;
			log::debug(kLog,
			           "not answering SIP OPTIONS from %s: the answer would be larger",
			           peer.to_string().c_str());
			return;
		}
	}
	stats_.sip_ignored++;
	log::debug(kLog, "ignoring SIP message from %s that is not a complete OPTIONS request",
	           peer.to_string().c_str());
}

void Server::send(size_t listener, const net::Endpoint& peer, std::string_view data)
{
	sockaddr_storage ss;
	socklen_t len = peer.to_sockaddr(ss);
	ssize_t n = sendto(listeners_[listener]->fd.get(), data.data(), data.size(), MSG_DONTWAIT,
	                   reinterpret_cast<sockaddr*>(&ss), len);
	if (n < 0) {
		// The client retransmits and then gets the cached reply.
		stats_.send_errors++;
		log::warn(kLog, "cannot send ng reply to %s: %s", peer.to_string().c_str(),
		          strerror(errno));
	}
}

} // namespace rtprelay::ng
