// A libevent event_base with RAII ownership, plus the owning handle types for events. A Loop is
// used by exactly one thread: the one that calls run().
#pragma once

#include <event2/event.h>

#include <functional>
#include <memory>
#include <vector>

#include "util/result.h"

namespace rtprelay::event {

using EventPtr = std::unique_ptr<::event, decltype(&event_free)>;
using EventBasePtr = std::unique_ptr<event_base, decltype(&event_base_free)>;

class Loop {
public:
	static Result<std::unique_ptr<Loop>> create();

	event_base* base() const { return base_.get(); }
	void run();
	void stop();

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

	EventBasePtr base_;
	std::vector<std::unique_ptr<SignalHandler>> signals_;
};

} // namespace rtprelay::event
