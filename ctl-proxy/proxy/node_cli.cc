// SPDX-License-Identifier: GPL-3.0-or-later
#include "node_cli.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <sys/socket.h>

#include <memory>

#include "util/strings.h"

namespace rtprelay::proxy {

namespace {

// Owns itself from the connect to the answer: freed by finish().
struct Ask {
	std::unique_ptr<bufferevent, decltype(&bufferevent_free)> bev{nullptr, bufferevent_free};
	net::Endpoint cli;
	std::string answer;
	CliDone done;
	bool finished = false;

	void finish(Result<std::string> r)
	{
		if (finished)
			return;
		finished = true;
		CliDone d = std::move(done);
		delete this; // the bufferevent goes with it, before `d` may start another
		d(std::move(r));
	}
};

void on_read(bufferevent* bev, void* arg)
{
	auto* a = static_cast<Ask*>(arg);
	evbuffer* in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);
	if (a->answer.size() + n > kMaxCliAnswer) {
		a->finish(Error{"CLI " + a->cli.to_string() + ": answer too long"});
		return;
	}
	size_t old = a->answer.size();
	a->answer.resize(old + n);
	evbuffer_remove(in, a->answer.data() + old, n);
}

void on_event(bufferevent* bev, short what, void* arg)
{
	auto* a = static_cast<Ask*>(arg);
	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_EOF) {
		on_read(bev, arg); // whatever came with the close
		if (!a->finished)
			a->finish(std::move(a->answer));
		return;
	}
	a->finish(Error{strprintf("CLI %s: %s", a->cli.to_string().c_str(),
	                          (what & BEV_EVENT_TIMEOUT) ? "no answer in time"
	                                                     : "cannot connect or lost")});
}

// Reports a setup failure from the loop, as a completion would come.
void fail_later(event_base* base, Ask* a, std::string why)
{
	struct Later {
		Ask* a;
		std::string why;
	};
	auto* l = new Later{a, std::move(why)};
	event_base_once(
	        base, -1, EV_TIMEOUT,
	        [](evutil_socket_t, short, void* arg) {
		        std::unique_ptr<Later> later(static_cast<Later*>(arg));
		        later->a->finish(Error{later->why});
	        },
	        l, nullptr);
}

} // namespace

void ask_node_cli(event_base* base, const net::Endpoint& cli, std::string line, int timeout_ms,
                  CliDone done)
{
	auto* a = new Ask;
	a->cli = cli;
	a->done = std::move(done);
	a->bev.reset(bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE));
	if (!a->bev) {
		fail_later(base, a, "CLI " + cli.to_string() + ": out of memory");
		return;
	}
	bufferevent_setcb(a->bev.get(), on_read, nullptr, on_event, a);
	timeval tv{timeout_ms / 1000, static_cast<suseconds_t>(timeout_ms % 1000) * 1000};
	bufferevent_set_timeouts(a->bev.get(), &tv, &tv);
	bufferevent_enable(a->bev.get(), EV_READ | EV_WRITE);
	line += "\n";
	bufferevent_write(a->bev.get(), line.data(), line.size());
	sockaddr_storage ss{};
	socklen_t len = cli.to_sockaddr(ss);
	if (bufferevent_socket_connect(a->bev.get(), reinterpret_cast<sockaddr*>(&ss),
	                               static_cast<int>(len)) < 0)
		fail_later(base, a, "CLI " + cli.to_string() + ": cannot connect");
}

} // namespace rtprelay::proxy
