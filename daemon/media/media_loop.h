// SPDX-License-Identifier: GPL-3.0-or-later
// A media thread: its own event loop, the calls pinned to it, and the buffers its packet path
// reuses. Other threads reach it only through loop().post(). Once a second it checks its calls
// (the call layer implements Pinned) and reports ended calls through the callback given at
// creation.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "config/config.h"
#include "event/loop.h"
#include "media/loop_traffic.h"
#include "media/media_path.h"
#include "media/packet_batch.h"
#include "media/traffic_counters.h"

namespace rtprelay::kernel {
class Channel;
}

namespace rtprelay::media {

class OwnEndpoints;
class UringEngine;

// The I/O engine the media loops run on, and why that one (`statistics`, the log).
struct MediaIoChoice {
	bool uring = false;
	std::string reason;
	const char* name() const { return uring ? "io_uring" : "epoll"; }
};

// What is pinned to a media loop and checked by it once a second: a call.
class Pinned {
public:
	virtual ~Pinned() = default;
	virtual const std::string& id() const = 0;
	// On the loop's thread: the reason to end it now, or nullopt.
	virtual std::optional<std::string> check(int64_t now_ms) = 0;
	// On the loop's thread, after check(), once a second: whether what a restart must restore
	// changed on the loop since the last call (an endpoint learned from the party's packets).
	virtual bool take_change() = 0;
	// On the loop's thread, after check(), once a second: adds its RTP streams by the path
	// they took in the last second (or before, when idle since).
	virtual void count_paths(MediaPathCount& out) = 0;
};

class MediaLoop {
public:
	// Relayed traffic of all calls on this loop: written by the loop, read by `statistics`.
	struct Counters {
		TrafficCounters user;   // sent by this loop's packet path
		TrafficCounters kernel; // forwarded by the kernel, as this loop last read it
		// What each of those grew by in the last whole second (set once a second).
		TrafficCounters user_rate;
		TrafficCounters kernel_rate;
		// SRTP/SRTCP dropped: failed authentication, replayed, or not (un)protectable.
		std::atomic<uint64_t> srtp_auth_failed{0};
		std::atomic<uint64_t> srtp_replay{0};
		std::atomic<uint64_t> srtp_errors{0};
		// DTLS-SRTP associations that failed or were closed before keying anything.
		std::atomic<uint64_t> dtls_failed{0};
		// RTP streams of this loop's calls by path, counted once a second.
		std::atomic<uint64_t> paths_userspace{0};
		std::atomic<uint64_t> paths_kernel{0};
		std::atomic<uint64_t> paths_mixed{0};
		MediaPathCount paths() const
		{
			return {paths_userspace.load(std::memory_order_relaxed),
			        paths_kernel.load(std::memory_order_relaxed),
			        paths_mixed.load(std::memory_order_relaxed)};
		}
	};

	// Called on this loop's thread when a call timed out: (call-id, reason).
	using EndCallback = std::function<void(const std::string&, const std::string&)>;
	// Called on this loop's thread once a second for each call whose take_change() said so.
	using ChangeCallback = std::function<void(const std::string&)>;

	static Result<std::unique_ptr<MediaLoop>> create(size_t index, const Config& config,
	                                                 EndCallback on_end,
	                                                 ChangeCallback on_change = {},
	                                                 bool uring = false);
	~MediaLoop();

	size_t index() const { return index_; }
	event::Loop& loop() { return *loop_; }
	const Config& config() const { return config_; }
	// The kernel table streams are handed to; null forwards everything in userspace.
	kernel::Channel* kernel() const { return kernel_; }
	// The relay's own endpoints, which media never comes from; null checks nothing.
	OwnEndpoints* own_endpoints() const { return own_endpoints_; }
	// The loop's io_uring engine; null where it runs on epoll. Loop thread only.
	UringEngine* uring() const { return uring_.get(); }
	// Starts the thread; with io_uring, once the thread has set up its ring.
	Result<void> start();
	void stop_and_join();

	// Loop thread only.
	void add_call(Pinned& c) { calls_.insert(&c); }
	void remove_call(Pinned& c)
	{
		calls_.erase(&c);
		assigned_.fetch_sub(1, std::memory_order_relaxed);
	}
	PacketBatch& batch() { return batch_; }
	Counters& counters() { return counters_; }
	LoopTraffic& traffic() { return traffic_; }
	// Calls placed on this loop and not yet destroyed (any thread).
	size_t assigned() const { return assigned_.load(std::memory_order_relaxed); }

private:
	MediaLoop(size_t index, const Config& config, EndCallback on_end, ChangeCallback on_change,
	          bool uring);
	void tick();
	void sample_rates();
	void check_calls();
	void count_paths();

	size_t index_;
	const Config& config_;
	EndCallback on_end_;
	ChangeCallback on_change_;
	std::unique_ptr<event::Loop> loop_;
	bool want_uring_;
	std::unique_ptr<UringEngine> uring_; // set up on the loop's thread
	event::EventPtr timeout_timer_{nullptr, event_free};
	std::thread thread_;
	std::unordered_set<Pinned*> calls_;
	PacketBatch batch_;
	Counters counters_;
	TrafficCount user_before_;   // the readings of the last tick, for the rates
	TrafficCount kernel_before_; // likewise
	LoopTraffic traffic_;
	std::atomic<size_t> assigned_{0};
	kernel::Channel* kernel_ = nullptr;     // set before the first call, then read-only
	OwnEndpoints* own_endpoints_ = nullptr; // likewise
	friend class MediaLoops;
};

// The media threads. Calls fill the first loop up to kCallsBeforeSpreading and then go to the
// least-loaded loop: a thread that serves more calls wakes up fewer times per packet, which
// is most of a light load's CPU cost, while heavy loads still use every core.
class MediaLoops {
public:
	static Result<std::unique_ptr<MediaLoops>>
	create(const Config& config, const MediaLoop::EndCallback& on_end,
	       const MediaLoop::ChangeCallback& on_change = {});
	~MediaLoops();

	size_t size() const { return loops_.size(); }
	const MediaIoChoice& io() const { return io_; }
	MediaLoop& at(size_t i) { return *loops_[i]; }
	static constexpr size_t kCallsBeforeSpreading = 250;

	// The loop for a new call (control thread); counts the call as assigned to it.
	MediaLoop& place();
	// Before the first call is placed; the channel must outlive every call.
	void set_kernel(kernel::Channel* channel)
	{
		for (auto& l : loops_)
			l->kernel_ = channel;
	}
	void set_own_endpoints(OwnEndpoints* own)
	{
		for (auto& l : loops_)
			l->own_endpoints_ = own;
	}
	// Returns once every loop has run what was posted to it before: work that may still
	// use what the control thread owns (a reply's sink, its request) is over.
	void settle();
	void stop_and_join();

private:
	static Result<MediaIoChoice> choose_io(MediaIo wanted);
	std::vector<std::unique_ptr<MediaLoop>> loops_;
	MediaIoChoice io_;
};

} // namespace rtprelay::media
