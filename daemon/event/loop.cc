#include "event/loop.h"

#include "util/strings.h"

namespace rtprelay::event {

Result<std::unique_ptr<Loop>> Loop::create()
{
	EventBasePtr base(event_base_new(), event_base_free);
	if (!base)
		return Error{"cannot create a libevent event base"};
	return std::unique_ptr<Loop>(new Loop(std::move(base)));
}

void Loop::run()
{
	event_base_dispatch(base_.get());
}

void Loop::stop()
{
	event_base_loopbreak(base_.get());
}

Result<void> Loop::on_signal(int signo, std::function<void()> fn)
{
	auto handler = std::make_unique<SignalHandler>();
	handler->fn = std::move(fn);
	auto cb = [](evutil_socket_t, short, void* arg) { static_cast<SignalHandler*>(arg)->fn(); };
	handler->ev.reset(evsignal_new(base_.get(), signo, cb, handler.get()));
	if (!handler->ev || evsignal_add(handler->ev.get(), nullptr) != 0)
		return Error{strprintf("cannot watch signal %d", signo)};
	signals_.push_back(std::move(handler));
	return {};
}

Result<EventPtr> Loop::every(int seconds, void (*fn)(evutil_socket_t, short, void*), void* arg)
{
	EventPtr ev(event_new(base_.get(), -1, EV_PERSIST, fn, arg), event_free);
	timeval tv{seconds, 0};
	if (!ev || event_add(ev.get(), &tv) != 0)
		return Error{"cannot add a timer event"};
	return ev;
}

} // namespace rtprelay::event
