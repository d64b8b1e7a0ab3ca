// SPDX-License-Identifier: GPL-3.0-or-later
#include "event/loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/strings.h"

namespace rtprelay::event {

Result<std::unique_ptr<Loop>> Loop::create()
{
	// Re-poll for new events after a few callbacks: a callback that re-activates itself (a
	// flooded media socket past its batch cap) must not keep others from being noticed.
	std::unique_ptr<event_config, decltype(&event_config_free)> cfg(event_config_new(),
	                                                                event_config_free);
	if (!cfg || event_config_set_max_dispatch_interval(cfg.get(), nullptr, kMaxCallbacksPerPoll,
	                                                   0) != 0)
		return Error{"cannot configure a libevent event base"};
	EventBasePtr base(event_base_new_with_config(cfg.get()), event_base_free);
	if (!base)
		return Error{"cannot create a libevent event base"};
	std::unique_ptr<Loop> loop(new Loop(std::move(base)));
	loop->wakeup_.reset(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
	if (!loop->wakeup_)
		return Error{strprintf("eventfd: %s", strerror(errno))};
	auto cb = [](evutil_socket_t, short, void* arg) {
		static_cast<Loop*>(arg)->drain_posted(true);
	};
	loop->wakeup_ev_.reset(
	        event_new(loop->base(), loop->wakeup_.get(), EV_READ | EV_PERSIST, cb, loop.get()));
	if (!loop->wakeup_ev_ || event_add(loop->wakeup_ev_.get(), nullptr) != 0)
		return Error{"cannot watch the loop's eventfd"};
	return loop;
}

Loop::~Loop()
{
	// Events go before the base they belong to.
	wakeup_ev_.reset();
	catch_up_ev_.reset();
	signals_.clear();
}

void Loop::run()
{
	event_base_dispatch(base_.get());
}

void Loop::stop()
{
	post([this] { event_base_loopbreak(base_.get()); });
}

void Loop::post(std::function<void()> fn)
{
	bool wake;
	{
		std::lock_guard lock(posted_mutex_);
		posted_.push_back(std::move(fn));
		wake = !signalled_;
		signalled_ = true;
	}
	// One write per taking of the queue: a wake-up already pending, or a drain_posted() about
	// to take the queue, runs this closure too.
	if (wake)
		signal();
}

void Loop::signal()
{
	uint64_t one = 1; // EAGAIN means the counter is already non-zero
	(void)!write(wakeup_.get(), &one, sizeof one);
}

void Loop::post_quiet(std::function<void()> fn)
{
	std::lock_guard lock(posted_mutex_);
	posted_.push_back(std::move(fn));
}

void Loop::post_then(std::function<void()> fn, bool quiet, const std::function<void()>& then)
{
	if (quiet)
		post_quiet(std::move(fn));
	else
		post(std::move(fn));
	if (then)
		then();
}

void Loop::drain_posted(bool woken)
{
	if (draining_)
		return; // a closure's own catch-up would run later closures before it ends
	std::deque<std::function<void()>> batch;
	{
		std::lock_guard lock(posted_mutex_);
		if (!woken && posted_.empty())
			return; // the common catch-up: nothing to take
		// The counter is reset with the flag, under the lock: a post() after this takes
		// the queue writes it anew. A catch-up resets it only when a post() wrote it, not
		// to pay a read that says EAGAIN.
		if (woken || signalled_) {
			uint64_t n;
			(void)!read(wakeup_.get(), &n, sizeof n);
		}
		signalled_ = false;
		batch.swap(posted_);
	}
	draining_ = true;
	for (auto& fn : batch)
		fn();
	draining_ = false;
}

Result<void> Loop::catch_up_every(std::chrono::milliseconds period)
{
	if (catch_up_ev_)
		return {};
	auto cb = [](evutil_socket_t, short, void* arg) { static_cast<Loop*>(arg)->catch_up(); };
	catch_up_ev_.reset(event_new(base_.get(), -1, EV_PERSIST, cb, this));
	auto us = std::chrono::duration_cast<std::chrono::microseconds>(period).count();
	timeval tv{us / 1000000, us % 1000000};
	if (!catch_up_ev_ || event_add(catch_up_ev_.get(), &tv) != 0)
		return Error{"cannot add a timer event"};
	return {};
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
