// A media thread: its own event loop, the calls pinned to it, and the buffers its packet path
// reuses. Other threads reach it only through loop().post(). Once a second it checks its calls'
// timeouts and reports ended calls through the callback given at creation.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "config/config.h"
#include "event/loop.h"
#include "media/packet_batch.h"

namespace rtprelay::call {
class Call;
}

namespace rtprelay::media {

class MediaLoop {
public:
	// Relayed traffic of all calls on this loop: written by the loop, read by `statistics`.
	struct Counters {
		std::atomic<uint64_t> packets{0};
		std::atomic<uint64_t> bytes{0};
		std::atomic<uint64_t> errors{0};
	};

	// Called on this loop's thread when a call timed out: (call-id, reason).
	using EndCallback = std::function<void(const std::string&, const std::string&)>;

	static Result<std::unique_ptr<MediaLoop>> create(size_t index, const Config& config,
	                                                 EndCallback on_end);
	~MediaLoop();

	size_t index() const { return index_; }
	event::Loop& loop() { return *loop_; }
	void start();
	void stop_and_join();

	// Loop thread only.
	void add_call(call::Call& c) { calls_.insert(&c); }
	void remove_call(call::Call& c) { calls_.erase(&c); }
	size_t call_count() const { return calls_.size(); }
	PacketBatch& batch() { return batch_; }
	Counters& counters() { return counters_; }

private:
	MediaLoop(size_t index, const Config& config, EndCallback on_end);
	void check_timeouts();

	size_t index_;
	const Config& config_;
	EndCallback on_end_;
	std::unique_ptr<event::Loop> loop_;
	event::EventPtr timeout_timer_{nullptr, event_free};
	std::thread thread_;
	std::unordered_set<call::Call*> calls_;
	PacketBatch batch_;
	Counters counters_;
};

// The media threads; calls are spread over them round-robin.
class MediaLoops {
public:
	static Result<std::unique_ptr<MediaLoops>> create(const Config& config,
	                                                  MediaLoop::EndCallback on_end);
	~MediaLoops();

	size_t size() const { return loops_.size(); }
	MediaLoop& at(size_t i) { return *loops_[i]; }
	MediaLoop& next();
	void stop_and_join();

private:
	std::vector<std::unique_ptr<MediaLoop>> loops_;
	size_t next_ = 0;
};

} // namespace rtprelay::media
