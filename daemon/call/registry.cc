// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/registry.h"

#include "call/cdr.h"
#include "call/snapshot.h"

#include "util/clock.h"
#include "util/log.h"

namespace rtprelay::call {

namespace {
constexpr auto kLog = log::Subsystem::kControl;
// What a reply sent from a media loop left undone here (a call's persistence to Redis, the
// reply cache entry its retransmissions get) waits at most this long.
constexpr std::chrono::milliseconds kCatchUpEvery{100};
} // namespace

Registry::Registry(const Config& config, const media::Interfaces& interfaces,
                   media::MediaLoops& loops, event::Loop& control)
    : config_(config), interfaces_(interfaces), loops_(loops), control_(control), limits_(config),
      started_ms_(util::now_ms()), admission_(config), sampler_(admission_, loops)
{
	auto timer = control.every(
	        1,
	        [](evutil_socket_t, short, void* arg) { static_cast<LoadSampler*>(arg)->sample(); },
	        &sampler_);
	if (timer)
		sample_timer_ = std::move(timer).value();
	else
		log::warn(kLog,
		          "load figures are not sampled (%s): max-load, max-cpu and "
		          "max-bandwidth never refuse a call",
		          timer.error().reason.c_str());
	// Replies sent from media loops leave their bookkeeping (run_replying) for the next
	// request; this bounds how late it is when none comes.
	if (auto r = control.catch_up_every(kCatchUpEvery); !r)
		log::warn(kLog, "bookkeeping after replies waits for the next request: %s",
		          r.error().reason.c_str());
}

Registry::~Registry()
{
	for (auto& [id, h] : calls_) {
		Call* c = h.call;
		h.loop->loop().post([c] { delete c; });
	}
}

Registry::Handle* Registry::find(std::string_view call_id)
{
	auto it = calls_.find(call_id);
	return it == calls_.end() ? nullptr : &it->second;
}

Registry::Handle& Registry::create(std::string_view call_id, int64_t created_ms)
{
	media::MediaLoop& loop = loops_.place();
	// Built here, but from now on touched only on its loop, where it is registered first
	// (posted work runs in order, so before anything else done to the call). Quietly: the
	// work that creates a call follows at once, and one wake-up runs both.
	int64_t now = created_ms ? created_ms : util::now_ms();
	auto* c = new Call(std::string(call_id), loop, limits_, now);
	loop.loop().post_quiet([c, &loop] { loop.add_call(*c); });
	totals_.managed++;
	Handle h{c, &loop, ++next_serial_};
	h.created_ms = now;
	return calls_.emplace(std::string(call_id), h).first->second;
}

void Registry::destroy(std::string_view call_id, std::string_view reason, bool stopped)
{
	auto it = calls_.find(call_id);
	if (it == calls_.end())
		return;
	log::CallScope scope(call_id);
	log::info(kLog, "call ended: %.*s", static_cast<int>(reason.size()), reason.data());
	Call* c = it->second.call;
	auto teardown = [c, quality = quality_, flows = flows_, why = std::string(reason)] {
		// The last look at the call, on its loop, where its counters are.
		int64_t now = util::now_ms();
		CallSnapshot snap = snapshot(*c);
		delete c;
		log::CallScope cdr_scope(snap.call_id);
		if (log::enabled(kLog, log::kInfo)) // built only to be logged
			log::info(kLog, "%s", cdr_line(snap, why, now).c_str());
		quality->add_call(snap, now);
		flows->add_call(snap);
	};
	// A stopped call's teardown runs when its loop wakes next: for the next work posted to
	// it (a lone command's next call), a packet or the tick, within a second.
	if (stopped)
		it->second.loop->loop().post_quiet(std::move(teardown));
	else
		it->second.loop->loop().post(std::move(teardown));
	double seconds = static_cast<double>(util::now_ms() - it->second.created_ms) / 1000.0;
	totals_.ended++;
	totals_.duration_sum += seconds;
	totals_.duration_squares += seconds * seconds;
	if (it->second.established)
		established_--;
	calls_.erase(it);
	if (store_)
		store_->ended(std::string(call_id));
}

void Registry::mark_established(Handle& h)
{
	if (!h.established)
		established_++;
	h.established = true;
}

std::vector<std::string> Registry::ids(size_t limit) const
{
	std::vector<std::string> out;
	for (const auto& [id, h] : calls_) {
		if (out.size() >= limit)
			break;
		out.push_back(id);
	}
	return out;
}

void Registry::on_timeout(const std::string& call_id, const std::string& reason)
{
	Handle* h = find(call_id);
	if (!h || h->in_flight > 0)
		return; // deleted meanwhile, reported twice, or signalling may revive it
	if (reason.rfind("silent timeout", 0) == 0)
		totals_.silent_timeouts++;
	else if (reason.rfind("final timeout", 0) == 0)
		totals_.final_timeouts++;
	else if (reason.rfind("offer timeout", 0) == 0)
		totals_.offer_timeouts++;
	else if (reason.rfind("timeout", 0) == 0)
		totals_.timeouts++;
	destroy(call_id, reason);
}

} // namespace rtprelay::call
