// SPDX-License-Identifier: GPL-3.0-or-later
#include "node_client.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "ng/message.h"
#include "util/clock.h"
#include "util/strings.h"

namespace rtprelay::proxy {

NodeClient::NodeClient(event_base* base, const net::Endpoint& node, Timing timing,
                       std::string prefix)
    : base_(base), node_(node), timing_(timing), prefix_(std::move(prefix))
{
}

NodeClient::~NodeClient() = default;

Result<std::unique_ptr<NodeClient>> NodeClient::create(event_base* base, const net::Endpoint& node,
                                                       Timing timing, std::string cookie_prefix)
{
	std::unique_ptr<NodeClient> c(new NodeClient(base, node, timing, std::move(cookie_prefix)));
	sockaddr_storage ss{};
	socklen_t len = node.to_sockaddr(ss);
	c->fd_ = UniqueFd(socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!c->fd_)
		return Error{strprintf("node %s: socket: %s", node.to_string().c_str(),
		                       strerror(errno))};
	if (connect(c->fd_.get(), reinterpret_cast<const sockaddr*>(&ss), len) < 0)
		return Error{strprintf("node %s: connect: %s", node.to_string().c_str(),
		                       strerror(errno))};
	c->read_ev_.reset(
	        event_new(base, c->fd_.get(), EV_READ | EV_PERSIST, on_readable, c.get()));
	c->refused_ev_.reset(event_new(base, -1, 0, on_refused_later, c.get()));
	if (!c->read_ev_ || !c->refused_ev_ || event_add(c->read_ev_.get(), nullptr) < 0)
		return Error{"node " + node.to_string() + ": cannot watch its socket"};
	return c;
}

void NodeClient::send(std::string_view body, Done done, OnRefusal on_refusal)
{
	auto p = std::make_unique<Pending>();
	p->owner = this;
	p->cookie = prefix_ + std::to_string(++sequence_);
	p->datagram.reserve(p->cookie.size() + 1 + body.size());
	p->datagram.append(p->cookie).append(" ").append(body);
	p->done = std::move(done);
	p->on_refusal = on_refusal;
	p->deadline_ms = util::now_ms() + timing_.timeout_ms;
	p->timer.reset(event_new(base_, -1, 0, on_timer, p.get()));
	Pending& ref = *p;
	pending_.emplace(p->cookie, std::move(p));
	transmit(ref);
}

void NodeClient::transmit(Pending& p)
{
	// Handled from the loop, not here: this may run inside send(), whose caller expects no
	// callback yet.
	if (::send(fd_.get(), p.datagram.data(), p.datagram.size(), 0) < 0 && errno == ECONNREFUSED)
		event_active(refused_ev_.get(), 0, 0);
	// Whatever the send did (a full buffer, a refusal from an earlier packet), the timer
	// sends again or gives up; the node's answer, if any, comes through read_all().
	int64_t left = p.deadline_ms - util::now_ms();
	int64_t wait = std::max<int64_t>(0, std::min<int64_t>(left, timing_.retransmit_ms));
	timeval tv{wait / 1000, wait % 1000 * 1000};
	if (p.timer)
		event_add(p.timer.get(), &tv);
}

void NodeClient::on_timer(evutil_socket_t, short, void* arg)
{
	auto* p = static_cast<Pending*>(arg);
	if (util::now_ms() >= p->deadline_ms)
		p->owner->expire(*p);
	else
		p->owner->transmit(*p);
}

void NodeClient::expire(Pending& p)
{
	auto it = pending_.find(p.cookie);
	std::unique_ptr<Pending> owned = std::move(it->second);
	pending_.erase(it);
	owned->done(Error{strprintf("node %s: no reply within %d ms", node_.to_string().c_str(),
	                            timing_.timeout_ms)});
}

void NodeClient::on_readable(evutil_socket_t, short, void* arg)
{
	static_cast<NodeClient*>(arg)->read_all();
}

void NodeClient::read_all()
{
	std::string buf(ng::kMaxMessageSize + 1, '\0');
	// Bounded per wakeup, so that a flood from one node cannot starve the loop.
	for (int i = 0; i < event::Loop::kMaxCallbacksPerPoll * 4; i++) {
		ssize_t n = recv(fd_.get(), buf.data(), buf.size(), 0);
		if (n < 0 && errno == ECONNREFUSED) {
			refused();
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; // EAGAIN: all read

		std::string_view datagram(buf.data(), static_cast<size_t>(n));
		auto framing = ng::split_message(datagram);
		if (!framing)
			continue;
		auto it = pending_.find(std::string(framing->cookie));
		if (it == pending_.end())
			continue; // an answer to a retransmission we already have, or to an expired
			          // one
		std::unique_ptr<Pending> owned = std::move(it->second);
		pending_.erase(it);
		owned->done(std::string(datagram));
	}
}

Result<ng::Value> decode_node_reply(const std::string& datagram, Arena& arena)
{
	auto framing = ng::split_message(arena.copy(datagram));
	if (!framing)
		return Error{"a reply without a cookie"};
	auto value = ng::decode_body(*framing, arena);
	if (!value)
		return Error{"a malformed reply: " + value.error().reason};
	return value;
}

void NodeClient::on_refused_later(evutil_socket_t, short, void* arg)
{
	static_cast<NodeClient*>(arg)->refused();
}

void NodeClient::refused()
{
	std::vector<std::unique_ptr<Pending>> failing;
	for (auto it = pending_.begin(); it != pending_.end();) {
		if (it->second->on_refusal == OnRefusal::kFail) {
			failing.push_back(std::move(it->second));
			it = pending_.erase(it);
		} else {
			++it;
		}
	}
	if (on_refused_)
		on_refused_();
	for (auto& p : failing)
		p->done(Error{strprintf("node %s: nothing listens on its port",
		                        node_.to_string().c_str())});
}

} // namespace rtprelay::proxy
