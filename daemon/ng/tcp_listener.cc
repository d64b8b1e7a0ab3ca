// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/tcp_listener.h"

#include <event2/buffer.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "util/log.h"
#include "util/strings.h"
#include "util/unique_fd.h"

namespace rtprelay::ng {

namespace {
constexpr auto kLog = log::Subsystem::kControl;
constexpr int kBacklog = 64;
} // namespace

TcpListener::TcpListener(event::Loop& loop, RequestCore& core)
    : loop_(loop), core_(core), stats_(core.stats())
{
}

TcpListener::~TcpListener() = default;

Result<std::unique_ptr<TcpListener>> TcpListener::create(event::Loop& loop, RequestCore& core,
                                                         const net::Endpoint& ep)
{
	auto fail = [&](const char* what) {
		return Error{strprintf("cannot listen for ng on tcp %s: %s: %s",
		                       ep.to_string().c_str(), what, strerror(errno))};
	};
	std::unique_ptr<TcpListener> l(new TcpListener(loop, core));
	UniqueFd fd(socket(ep.ip().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!fd)
		return fail("socket");
	int one = 1; // a restart must not wait for the old connections' TIME_WAIT
	setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ep.ip().is_v6())
		setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	sockaddr_storage ss;
	socklen_t len = ep.to_sockaddr(ss);
	if (bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
		return fail("bind");
	len = sizeof ss;
	if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0)
		return fail("getsockname");
	l->local_ = net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
	if (::listen(fd.get(), kBacklog) != 0)
		return fail("listen");
	// The listener owns the socket from here on (and closes it when freed).
	int raw = fd.release();
	l->listener_.reset(evconnlistener_new(loop.base(), on_accept, l.get(),
	                                      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1,
	                                      raw));
	if (!l->listener_) {
		::close(raw);
		return fail("evconnlistener_new");
	}
	log::notice(kLog, "listening for ng on tcp %s", l->local_.to_string().c_str());
	return l;
}

void TcpListener::on_accept(evconnlistener*, evutil_socket_t fd, sockaddr* sa, int len, void* arg)
{
	auto peer = net::Endpoint::from_sockaddr(sa, static_cast<socklen_t>(len));
	static_cast<TcpListener*>(arg)->accept(fd, peer);
}

void TcpListener::accept(evutil_socket_t fd, const net::Endpoint& peer)
{
	if (connections_.size() >= kMaxConnections) {
		::close(fd);
		stats_.tcp_refused++;
		int64_t now = time(nullptr);
		if (now != last_refusal_log_) {
			last_refusal_log_ = now;
			log::warn(kLog,
			          "refused ng tcp connection from %s: %zu open already (%llu "
			          "refused so far)",
			          peer.to_string().c_str(), kMaxConnections,
			          static_cast<unsigned long long>(stats_.tcp_refused));
		}
		return;
	}
	auto c = std::make_unique<Connection>();
	c->owner = this;
	c->id = next_id_++;
	c->peer = peer;
	// Deferred callbacks: a reply written from inside the request core never re-enters the
	// parser, which may be running further up the stack.
	c->bev.reset(bufferevent_socket_new(loop_.base(), fd,
	                                    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS));
	if (!c->bev) {
		::close(fd);
		log::warn(kLog, "cannot set up ng tcp connection from %s",
		          peer.to_string().c_str());
		return;
	}
	int one = 1; // notices clients that vanished without a FIN
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	// Reading stops at the cap, so a client cannot make us buffer more than one message.
	bufferevent_setwatermark(c->bev.get(), EV_READ, 0, kMaxUnparsed + 1);
	bufferevent_setwatermark(c->bev.get(), EV_WRITE, kPauseOutput / 2, 0);
	timeval idle{kIdleSeconds, 0};
	bufferevent_set_timeouts(c->bev.get(), &idle, nullptr);
	// bufferevent_free() clears the callbacks, so none runs for a connection that is gone.
	bufferevent_setcb(c->bev.get(), on_read, on_write, on_event, c.get());
	bufferevent_enable(c->bev.get(), EV_READ | EV_WRITE);
	stats_.tcp_accepted++;
	stats_.tcp_open++;
	log::info(kLog, "ng tcp connection from %s", peer.to_string().c_str());
	connections_.emplace(c->id, std::move(c));
}

TcpListener::Connection* TcpListener::find(uint64_t id)
{
	auto it = connections_.find(id);
	return it == connections_.end() ? nullptr : it->second.get();
}

void TcpListener::on_read(bufferevent*, void* arg)
{
	auto* c = static_cast<Connection*>(arg);
	c->owner->parse(c->id);
}

void TcpListener::on_write(bufferevent*, void* arg)
{
	auto* c = static_cast<Connection*>(arg);
	TcpListener& self = *c->owner;
	uint64_t id = c->id;
	self.maybe_finish(*c);
	// The client caught up: go on with requests that waited in the input buffer.
	if (self.find(id))
		self.parse(id);
}

void TcpListener::on_event(bufferevent*, short what, void* arg)
{
	auto* c = static_cast<Connection*>(arg);
	TcpListener& self = *c->owner;
	uint64_t id = c->id;
	if (what & BEV_EVENT_EOF) {
		// Replies to what it sent are still owed: half-closed clients (nc) wait for them.
		c->eof = true;
		bufferevent_disable(c->bev.get(), EV_READ);
		self.parse(id); // may close it
		if (Connection* still = self.find(id))
			self.maybe_finish(*still);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		if (!c->replies.empty()) {
			// Not idle: waiting for its own commands.
			bufferevent_enable(c->bev.get(), EV_READ);
			return;
		}
		self.close(*c, CloseReason::kIdle, "idle");
		return;
	}
	self.close(*c, CloseReason::kError, strerror(EVUTIL_SOCKET_ERROR()));
}

// Reading waits while the client has too many requests open or leaves replies unread.
bool TcpListener::paused(const Connection& c) const
{
	return c.replies.size() >= kMaxInFlight ||
	       evbuffer_get_length(bufferevent_get_output(c.bev.get())) > kPauseOutput;
}

// Hands every complete message in the input buffer to the core. A reply may close the
// connection (a slow reader), so the connection is looked up again after each one.
void TcpListener::parse(uint64_t id)
{
	for (Connection* c = find(id); c && !paused(*c); c = find(id)) {
		evbuffer* in = bufferevent_get_input(c->bev.get());
		size_t n = evbuffer_get_length(in);
		const auto* data = reinterpret_cast<const char*>(evbuffer_pullup(in, -1));
		size_t begin = 0;
		size_t end = 0;
		switch (c->splitter.next({data, n}, &begin, &end)) {
		case MessageSplitter::Status::kNeedMore:
			if (n > kMaxUnparsed)
				close(*c, CloseReason::kOversized,
				      "oversized: more input than one message may have");
			return;
		case MessageSplitter::Status::kMalformed:
			close(*c, CloseReason::kMalformed,
			      "malformed: not 'cookie SP bencode-dictionary'");
			return;
		case MessageSplitter::Status::kMessage: break;
		}
		std::string message(data + begin, end - begin);
		evbuffer_drain(in, end);
		uint64_t seq = c->first_seq + c->replies.size();
		c->replies.emplace_back();
		auto sink = [this, id, seq](std::string_view r) { reply(id, seq, r); };
		// The splitter found a cookie, so the core always answers through the sink.
		core_.handle(message, c->peer, {kMaxReplySize, "ng over tcp"}, sink);
	}
}

void TcpListener::reply(uint64_t id, uint64_t seq, std::string_view data)
{
	Connection* c = find(id);
	if (!c) {
		log::debug(kLog, "dropping ng reply for a closed tcp connection");
		return;
	}
	c->replies.at(seq - c->first_seq) = std::string(data);
	flush(*c);
}

// Writes the replies that are ready in request order (rtpengine answers in order, as it runs
// each command to its end before reading the next).
void TcpListener::flush(Connection& c)
{
	while (!c.replies.empty() && c.replies.front()) {
		bufferevent_write(c.bev.get(), c.replies.front()->data(),
		                  c.replies.front()->size());
		c.replies.pop_front();
		c.first_seq++;
	}
	if (evbuffer_get_length(bufferevent_get_output(c.bev.get())) > kMaxOutput) {
		close(c, CloseReason::kSlowReader, "slow reader: replies pile up unread");
		return;
	}
	maybe_finish(c);
}

// A client that shut down its side is closed once it has every reply it asked for.
void TcpListener::maybe_finish(Connection& c)
{
	if (c.eof && c.replies.empty() &&
	    evbuffer_get_length(bufferevent_get_output(c.bev.get())) == 0)
		close(c, CloseReason::kDone, "client closed");
}

void TcpListener::close(Connection& c, CloseReason reason, const char* why)
{
	switch (reason) {
	case CloseReason::kOversized: stats_.tcp_oversized++; break;
	case CloseReason::kMalformed: stats_.tcp_malformed++; break;
	case CloseReason::kIdle: stats_.tcp_idle++; break;
	case CloseReason::kSlowReader: stats_.tcp_slow_reader++; break;
	case CloseReason::kDone:
	case CloseReason::kError: break;
	}
	if (reason == CloseReason::kDone || reason == CloseReason::kIdle)
		log::info(kLog, "closing ng tcp connection from %s: %s", c.peer.to_string().c_str(),
		          why);
	else
		log::warn(kLog, "closing ng tcp connection from %s: %s", c.peer.to_string().c_str(),
		          why);
	stats_.tcp_open--;
	connections_.erase(c.id); // frees the bufferevent and closes the socket
}

} // namespace rtprelay::ng
