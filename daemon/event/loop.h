// SPDX-License-Identifier: GPL-3.0-or-later
// A libevent event_base with RAII ownership, plus the owning handle types for events. A Loop is
// run by exactly one thread; other threads hand it work only through the post*() calls and
// stop().
#pragma once

#include <event2/event.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay::event {

using EventPtr = std::unique_ptr<::event, decltype(&event_free)>;
using EventBasePtr = std::unique_ptr<event_base, decltype(&event_base_free)>;

class Loop {
public:
	static constexpr int kMaxCallbacksPerPoll = 16;

	static Result<std::unique_ptr<Loop>> create();

	~Loop();
	Loop(const Loop&) = delete;
	Loop& operator=(const Loop&) = delete;

	event_base* base() const { return base_.get(); }
	// The eventfd post() writes to, for a loop that waits on something else than libevent
	// (media/uring_engine.h): readable while posted work waits.
	int wakeup_fd() const { return wakeup_.get(); }
	void run();
	// Any thread: makes run() return once the closures posted before have run.
	void stop();

	// Any thread: runs fn on this loop's thread, in posting order. Closures still queued when
	// the Loop is destroyed are dropped without running.
	void post(std::function<void()> fn);
	// Any thread: like post(), in the same order, but without waking the loop: fn runs with
	// the next closure posted, or at the loop's next catch_up() or run_posted(). For work that
	// may wait (bookkeeping after a reply already sent) where a wake-up would cost more than
	// the work: each one is a thread switch.
	void post_quiet(std::function<void()> fn);
	// Any thread: queues fn, quietly (post_quiet()) when `quiet`, else as post() does, and
	// then runs `then` (if any) on the calling thread. For a reply sent from another thread
	// whose bookkeeping fn does here: whatever this thread does once its client has heard
	// the reply (catch_up(), then the next request) runs fn first. fn may run here while
	// `then` runs: they share nothing.
	void post_then(std::function<void()> fn, bool quiet, const std::function<void()>& then);
	// This loop's thread, for a loop that waits on something else than libevent and saw
	// wakeup_fd() readable: runs what was posted, without a pass through libevent.
	void run_posted() { drain_posted(true); }
	// This loop's thread: runs what was posted so far, quietly or not. For an event handler
	// that must see the effects of quiet posts first (a request that may depend on them).
	void catch_up() { drain_posted(false); }
	// Bounds how late a quiet post runs when nothing else happens here: a catch_up() at
	// least this often. For a loop that others post to quietly; idempotent.
	Result<void> catch_up_every(std::chrono::milliseconds period);

	// Calls fn on this loop's thread when the signal arrives (libevent's self-pipe).
	Result<void> on_signal(int signo, std::function<void()> fn);

	// Calls fn every `seconds` on this loop's thread while the returned event lives.
	Result<EventPtr> every(int seconds, void (*fn)(evutil_socket_t, short, void*), void* arg);

private:
	struct SignalHandler {
		std::function<void()> fn;
		EventPtr ev{nullptr, event_free};
	};
	explicit Loop(EventBasePtr base) : base_(std::move(base)) {}
	void drain_posted(bool woken);
	void signal();

	EventBasePtr base_;
	std::vector<std::unique_ptr<SignalHandler>> signals_;
	UniqueFd wakeup_; // eventfd: post() writes, the loop reads and runs the queue
	EventPtr wakeup_ev_{nullptr, event_free};
	EventPtr catch_up_ev_{nullptr, event_free};
	std::mutex posted_mutex_; // guards posted_ and signalled_
	std::deque<std::function<void()>> posted_;
	bool signalled_ = false; // the eventfd was written since the queue was last taken
	bool draining_ = false;  // loop thread only: running taken closures
};

} // namespace rtprelay::event
