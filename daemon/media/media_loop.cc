// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/media_loop.h"

#include <pthread.h>

#include <future>
#include <system_error>
#include <vector>

#include "media/uring_engine.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::media {

MediaLoop::MediaLoop(size_t index, const Config& config, EndCallback on_end,
                     ChangeCallback on_change, bool uring)
    : index_(index), config_(config), on_end_(std::move(on_end)), on_change_(std::move(on_change)),
      want_uring_(uring), traffic_(config.interfaces.size())
{
}

Result<std::unique_ptr<MediaLoop>> MediaLoop::create(size_t index, const Config& config,
                                                     EndCallback on_end, ChangeCallback on_change,
                                                     bool uring)
{
	std::unique_ptr<MediaLoop> ml(
	        new MediaLoop(index, config, std::move(on_end), std::move(on_change), uring));
	auto loop = event::Loop::create();
	if (!loop)
		return loop.error();
	ml->loop_ = std::move(loop).value();
	auto timer = ml->loop_->every(
	        1, [](evutil_socket_t, short, void* arg) { static_cast<MediaLoop*>(arg)->tick(); },
	        ml.get());
	if (!timer)
		return timer.error();
	ml->timeout_timer_ = std::move(timer).value();
	return ml;
}

MediaLoop::~MediaLoop()
{
	stop_and_join();
	timeout_timer_.reset();
	uring_.reset();
}

Result<void> MediaLoop::start()
{
	std::promise<Result<void>> set_up;
	auto ready = set_up.get_future();
	thread_ = std::thread([this, &set_up] {
		std::string name = "media-" + std::to_string(index_);
		pthread_setname_np(pthread_self(), name.c_str());
		if (want_uring_) { // a ring with one submitter belongs to the thread creating it
			auto e = UringEngine::create(*this);
			if (!e) {
				set_up.set_value(e.error());
				return;
			}
			uring_ = std::move(e).value();
		}
		set_up.set_value({});
		if (uring_)
			uring_->run(*loop_);
		else
			loop_->run();
	});
	auto r = ready.get();
	if (!r) {
		thread_.join();
		return Error{strprintf("media thread %zu: %s", index_, r.error().reason.c_str())};
	}
	return {};
}

void MediaLoop::stop_and_join()
{
	if (!thread_.joinable())
		return;
	loop_->stop();
	thread_.join();
}

void MediaLoop::tick()
{
	loop_->catch_up(); // what was posted quietly and not yet run by a later post
	sample_rates();
	check_calls();
	count_paths();
}

// Per second, as rtpengine's packetrate/byterate/errorrate: the timer fires once a second, so
// the growth since the last tick is the rate without dividing by a measured interval.
void MediaLoop::sample_rates()
{
	TrafficCount user = counters_.user.load();
	TrafficCount kernel = counters_.kernel.load();
	counters_.user_rate.store(user - user_before_);
	counters_.kernel_rate.store(kernel - kernel_before_);
	user_before_ = user;
	kernel_before_ = kernel;
}

void MediaLoop::check_calls()
{
	int64_t now = util::now_ms();
	// Collected first: the callback must not run while we walk the set.
	std::vector<std::pair<std::string, std::string>> ended;
	std::vector<std::string> changed;
	for (Pinned* c : calls_) {
		if (auto reason = c->check(now))
			ended.emplace_back(c->id(), *reason);
		else if (c->take_change() && on_change_)
			changed.push_back(c->id());
	}
	for (const auto& [id, reason] : ended)
		on_end_(id, reason);
	for (const auto& id : changed)
		on_change_(id);
}

// A gauge, as fresh as the last tick: a call ended since still counts until the next one.
void MediaLoop::count_paths()
{
	MediaPathCount n;
	for (Pinned* c : calls_)
		c->count_paths(n);
	counters_.paths_userspace.store(n.userspace, std::memory_order_relaxed);
	counters_.paths_kernel.store(n.kernel, std::memory_order_relaxed);
	counters_.paths_mixed.store(n.mixed, std::memory_order_relaxed);
}

Result<std::unique_ptr<MediaLoops>> MediaLoops::create(const Config& config,
                                                       const MediaLoop::EndCallback& on_end,
                                                       const MediaLoop::ChangeCallback& on_change)
{
	auto loops = std::make_unique<MediaLoops>();
	auto io = choose_io(config.media_io);
	if (!io)
		return io.error();
	loops->io_ = std::move(io).value();
	log::notice(log::Subsystem::kCore, "media I/O: %s (%s)", loops->io_.name(),
	            loops->io_.reason.c_str());
	size_t n = config.num_threads > 0 ? static_cast<size_t>(config.num_threads)
	                                  : std::max(1u, std::thread::hardware_concurrency());
	for (size_t i = 0; i < n; i++) {
		auto ml = MediaLoop::create(i, config, on_end, on_change, loops->io_.uring);
		if (!ml)
			return ml.error();
		loops->loops_.push_back(std::move(ml).value());
	}
	// std::thread reports a thread it cannot start by throwing; the loops already started
	// are stopped and joined by `loops` going out of scope.
	try {
		for (auto& l : loops->loops_)
			if (auto r = l->start(); !r)
				return r.error();
	} catch (const std::system_error& e) {
		return Error{std::string("cannot start a media thread: ") + e.what()};
	}
	return loops;
}

Result<MediaIoChoice> MediaLoops::choose_io(MediaIo wanted)
{
	if (wanted == MediaIo::kEpoll)
		return MediaIoChoice{false, "--media-io=epoll"};
	auto probe = UringEngine::probe();
	if (wanted == MediaIo::kUring) {
		if (!probe)
			return Error{"--media-io=io_uring: " + probe.error().reason};
		return MediaIoChoice{true, "--media-io=io_uring"};
	}
	if (!probe)
		return MediaIoChoice{false, "io_uring unavailable: " + probe.error().reason};
	return MediaIoChoice{true, "available"};
}

MediaLoops::~MediaLoops()
{
	stop_and_join();
}

MediaLoop& MediaLoops::place()
{
	MediaLoop* best = loops_.front().get();
	for (auto& l : loops_) {
		if (l->assigned() < kCallsBeforeSpreading) {
			best = l.get();
			break;
		}
		if (l->assigned() < best->assigned())
			best = l.get();
	}
	best->assigned_.fetch_add(1, std::memory_order_relaxed);
	return *best;
}

void MediaLoops::settle()
{
	std::vector<std::future<void>> settled;
	for (auto& l : loops_) {
		if (!l->thread_.joinable())
			continue;
		auto done = std::make_shared<std::promise<void>>();
		settled.push_back(done->get_future());
		l->loop_->post([done] { done->set_value(); });
	}
	for (auto& f : settled)
		f.wait();
}

void MediaLoops::stop_and_join()
{
	for (auto& l : loops_)
		l->stop_and_join();
}

} // namespace rtprelay::media
