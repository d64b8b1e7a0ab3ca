// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/server.h"

#include <event2/buffer.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <span>

#include "util/log.h"

namespace rtprelay::cli {
namespace {

constexpr auto kLog = log::Subsystem::kControl;

} // namespace

Result<std::unique_ptr<Server>> Server::create(event::Loop& loop, const net::Endpoint& listen,
                                               call::Registry& calls, const ng::CommandTable& ng)
{
	// The table and the context live as long as the dispatch that uses them.
	struct Builtin {
		CommandTable commands;
		Context context;
	};
	auto b = std::make_shared<Builtin>(Builtin{builtin_commands(), {calls, ng}});
	return create(loop, listen, [b](std::string_view line, const Reply& done) {
		auto words = split_words(line);
		auto match = b->commands.find(words);
		if (!match.handler) {
			done(words.empty() ? std::string(kMoreParameters) : unknown_command(line));
			return;
		}
		std::span<const std::string_view> args(words);
		match.handler(b->context, args.subspan(match.words), done);
	});
}

Result<std::unique_ptr<Server>> Server::create(event::Loop& loop, const net::Endpoint& listen,
                                               Dispatch dispatch)
{
	std::unique_ptr<Server> s(new Server(loop, std::move(dispatch)));
	sockaddr_storage ss{};
	socklen_t len = listen.to_sockaddr(ss);
	s->listener_.reset(evconnlistener_new_bind(
	        loop.base(), on_accept, s.get(),
	        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE, 16,
	        reinterpret_cast<sockaddr*>(&ss), static_cast<int>(len)));
	if (!s->listener_)
		return Error{"cannot listen for the CLI on " + listen.to_string() +
		             " (bind/listen): " + strerror(errno)};
	log::info(kLog, "CLI listening on %s", s->local_endpoint().to_string().c_str());
	return s;
}

net::Endpoint Server::local_endpoint() const
{
	sockaddr_storage ss{};
	socklen_t len = sizeof ss;
	getsockname(evconnlistener_get_fd(listener_.get()), reinterpret_cast<sockaddr*>(&ss), &len);
	return net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

void Server::on_accept(evconnlistener* /*l*/, evutil_socket_t fd, sockaddr* /*sa*/, int /*len*/,
                       void* arg)
{
	static_cast<Server*>(arg)->accept(fd);
}

void Server::accept(evutil_socket_t fd)
{
	if (connections_.size() >= kMaxConnections) {
		evutil_closesocket(fd);
		log::warn(kLog, "CLI: %zu connections open; refused another", kMaxConnections);
		return;
	}
	auto c = std::make_unique<Connection>(Connection{this, next_id_++});
	c->bev.reset(bufferevent_socket_new(loop_.base(), fd, BEV_OPT_CLOSE_ON_FREE));
	if (!c->bev) {
		evutil_closesocket(fd);
		return;
	}
	bufferevent_setcb(c->bev.get(), on_read, nullptr, on_event, c.get());
	// Reading stops once a line's worth waits unread: the cap is enforced by the kernel's
	// buffer, not by ours growing.
	bufferevent_setwatermark(c->bev.get(), EV_READ, 0, kMaxLine + 1);
	timeval idle{kIdleSeconds, 0};
	bufferevent_set_timeouts(c->bev.get(), &idle, &idle);
	bufferevent_enable(c->bev.get(), EV_READ);
	connections_.emplace(c->id, std::move(c));
}

void Server::on_read(bufferevent* /*bev*/, void* arg)
{
	auto* c = static_cast<Connection*>(arg);
	c->server->read_line(*c, false);
}

void Server::on_event(bufferevent* /*bev*/, short what, void* arg)
{
	auto* c = static_cast<Connection*>(arg);
	// The client closed its side: what it sent without a newline is its command, as
	// rtpengine takes it.
	if ((what & BEV_EVENT_EOF) && (what & BEV_EVENT_READING) && !c->answering) {
		c->server->read_line(*c, true);
		return;
	}
	c->server->close(c->id); // error, timeout, or EOF while answering
}

void Server::on_written(bufferevent* /*bev*/, void* arg)
{
	auto* c = static_cast<Connection*>(arg);
	c->server->close(c->id);
}

void Server::read_line(Connection& c, bool at_eof)
{
	if (c.answering)
		return;
	evbuffer* in = bufferevent_get_input(c.bev.get());
	size_t eol_len = 0;
	evbuffer_ptr eol = evbuffer_search_eol(in, nullptr, &eol_len, EVBUFFER_EOL_LF);
	size_t pending = evbuffer_get_length(in);
	size_t line_len = eol.pos >= 0 ? static_cast<size_t>(eol.pos) : pending;
	if (line_len > kMaxLine) {
		c.answering = true;
		answer(c.id,
		       "Command too long (more than " + std::to_string(kMaxLine) + " bytes).\n");
		return;
	}
	if (eol.pos < 0 && !at_eof)
		return; // wait for the rest of the line
	if (at_eof && line_len == 0) {
		close(c.id); // connected and left without a word
		return;
	}
	std::string line(line_len, '\0');
	evbuffer_remove(in, line.data(), line_len);
	if (!line.empty() && line.back() == '\r')
		line.pop_back();
	c.answering = true;
	bufferevent_disable(c.bev.get(), EV_READ);
	execute(c, line);
}

void Server::execute(Connection& c, const std::string& line)
{
	uint64_t id = c.id;
	log::debug(kLog, "CLI command: %s", line.c_str());
	loop_.catch_up(); // the calls as the replies already sent left them
	dispatch_(line, [this, id](std::string text) { answer(id, std::move(text)); });
}

void Server::answer(uint64_t id, std::string text)
{
	auto it = connections_.find(id);
	if (it == connections_.end())
		return; // the client left (or timed out) meanwhile
	Connection& c = *it->second;
	if (text.empty()) {
		close(id);
		return;
	}
	bufferevent_setcb(c.bev.get(), nullptr, on_written, on_event, &c);
	bufferevent_enable(c.bev.get(), EV_WRITE);
	// The write callback runs once all of it is out; then the connection closes.
	bufferevent_write(c.bev.get(), text.data(), text.size());
}

void Server::close(uint64_t id)
{
	connections_.erase(id);
}

} // namespace rtprelay::cli
