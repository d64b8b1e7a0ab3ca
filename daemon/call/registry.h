// SPDX-License-Identifier: GPL-3.0-or-later
// call-id → call, on the control thread. The registry decides which media loop a call lives
// on, runs work on that loop and brings results back, and destroys calls there. It never
// reads a call's insides itself: those belong to the call's loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "call/admission.h"
#include "call/call.h"
#include "call/call_store.h"
#include "call/flow_totals.h"
#include "call/load_sampler.h"
#include "call/quality_totals.h"
#include "call/runtime_limits.h"
#include "config/config.h"
#include "crypto/dtls_identity.h"
#include "event/loop.h"
#include "media/interfaces.h"
#include "media/media_loop.h"
#include "util/string_hash.h"

namespace rtprelay::kernel {
class Channel;
}

namespace rtprelay::call {

class Registry {
public:
	struct Handle {
		Call* call;
		media::MediaLoop* loop;
		// Tells this call from a later one under the same call-id (the Call's address
		// may be reused once it is freed).
		uint64_t serial = 0;
		bool established = false; // a first offer succeeded: set by mark_established()
		// Offers and answers posted to the loop whose results have not come back. A
		// failed first offer destroys the call only when it is the last of them, so it
		// never takes away a call a concurrent valid offer built; timeouts wait for it.
		int in_flight = 0;
		int64_t created_ms = 0; // for the call durations in Totals
	};

	// Counters for `statistics`, control thread only.
	struct Totals {
		uint64_t managed = 0;  // calls created
		uint64_t deleted = 0;  // ended by delete
		uint64_t forced = 0;   // ended by the operator (CLI terminate)
		uint64_t timeouts = 0; // ended by timeout
		uint64_t silent_timeouts = 0;
		uint64_t final_timeouts = 0;
		uint64_t offer_timeouts = 0;
		uint64_t rejected = 0; // offers that failed
		// Durations of the calls that ended, in seconds: their sum and the sum of their
		// squares give the mean and standard deviation without keeping each one.
		uint64_t ended = 0;
		double duration_sum = 0;
		double duration_squares = 0;
	};

	Registry(const Config& config, const media::Interfaces& interfaces,
	         media::MediaLoops& loops, event::Loop& control);
	// Destroys the remaining calls on their loops; the loops must still be running.
	~Registry();
	Registry(const Registry&) = delete;
	Registry& operator=(const Registry&) = delete;

	const Config& config() const { return config_; }
	const media::Interfaces& interfaces() const { return interfaces_; }
	event::Loop& control() { return control_; }
	media::MediaLoops& loops() { return loops_; }
	const Totals& totals() const { return totals_; }
	// Whether new calls are admitted: limits, drain, load figures (sampled once a second).
	Admission& admission() { return admission_; }
	const Admission& admission() const { return admission_; }
	// Whether an offer for a new call would be refused now (SIP OPTIONS answer 503 then).
	bool refusing_new_calls() const { return admission_.check(size()) != Refusal::kNone; }
	// What the CLI may change at run time; the media loops read the timeouts from here.
	RuntimeLimits& limits() { return limits_; }
	// Quality histograms of ended calls' streams (for /metrics); readable here any time.
	const QualityTotals& quality() const { return *quality_; }
	// Ended calls whose media went one way or nowhere; likewise.
	const FlowTotals& flows() const { return *flows_; }
	void count_rejected() { totals_.rejected++; }
	void count_deleted() { totals_.deleted++; }
	void count_forced() { totals_.forced++; }
	int64_t started_ms() const { return started_ms_; }
	// The open kernel table, or null when forwarding in userspace. Borrowed from main(), which
	// keeps it for the daemon's life; control thread only.
	kernel::Channel* kernel() const { return kernel_; }
	// Before the first call: the media loops hand streams to this table from then on.
	void set_kernel(kernel::Channel* channel)
	{
		kernel_ = channel;
		loops_.set_kernel(channel);
	}
	// The relay's own endpoints (borrowed from main(), like the kernel table): signalling
	// refuses them as media addresses, the media loops drop what they send.
	media::OwnEndpoints* own_endpoints() const { return own_endpoints_; }
	void set_own_endpoints(media::OwnEndpoints* own)
	{
		own_endpoints_ = own;
		loops_.set_own_endpoints(own);
	}

	// The DTLS-SRTP identity (borrowed from main(), made at start); null: no DTLS.
	const crypto::DtlsIdentity* dtls() const { return dtls_; }
	void set_dtls(const crypto::DtlsIdentity* id) { dtls_ = id; }

	// Borrowed; null: none. With a store, calls keep the requests that built them in their
	// journal (call/journal.h).
	void set_store(CallStore* s) { store_ = s; }
	CallStore* store() const { return store_; }
	bool journaling() const { return store_ != nullptr; }
	// An offer or answer changed the call, or its media loop learned an endpoint.
	void changed(const std::string& call_id)
	{
		if (store_)
			store_->changed(call_id);
	}
	Handle* find(std::string_view call_id);
	// A new call, created now or, when rebuilt (ha/), at `created_ms`.
	Handle& create(std::string_view call_id, int64_t created_ms = 0);
	// Forgets the call and destroys it on its loop, logging why it ended and its CDR line,
	// and adding its streams to quality() and flows(). `stopped`: its loop has stopped its
	// forwarding already (a delete), so the teardown may wait for the loop's next wake-up.
	void destroy(std::string_view call_id, std::string_view reason, bool stopped = false);
	size_t size() const { return calls_.size(); }
	// Calls whose first offer succeeded; the others still wait for theirs.
	// Calls a first offer succeeded for; kept as a count so a scrape does not walk every call.
	size_t established() const { return established_; }
	void mark_established(Handle& h);
	std::vector<std::string> ids(size_t limit) const;

	// Runs work(call) on the call's loop, then done(result) here on the control loop.
	template <class R>
	void run(Handle& h, std::function<R(Call&)> work, std::function<void(R)> done)
	{
		Call* c = h.call;
		event::Loop* control = &control_;
		h.loop->loop().post(
		        [c, work = std::move(work), done = std::move(done), control]() mutable {
			        control->post([done = std::move(done), r = work(*c)]() mutable {
				        done(std::move(r));
			        });
		        });
	}

	// Like run(), for a command that replies from the call's loop: reply(result) runs there
	// right after work and encodes the reply, giving back what sends it (empty: nothing to
	// send there). done(result) is queued here first, without waking this thread for it, and
	// the reply goes out after (event/loop.h post_then): whatever the client does once it
	// has heard the reply finds done queued before it, and runs it first (catch_up()). With
	// a store, done wakes this thread as before: what it persists would otherwise wait, and a
	// crash meanwhile would lose it.
	template <class R>
	void run_replying(Handle& h, std::function<R(Call&)> work,
	                  std::function<std::function<void()>(R&)> reply,
	                  std::function<void(R)> done)
	{
		Call* c = h.call;
		event::Loop* control = &control_;
		bool wake = store_ != nullptr;
		h.loop->loop().post([c, work = std::move(work), reply = std::move(reply),
		                     done = std::move(done), control, wake]() mutable {
			R result = work(*c);
			std::function<void()> send = reply(result);
			control->post_then(Back<R>{std::move(done), std::move(result)},
			                   send && !wake, send);
		});
	}

	// A media loop found the call timed out (delivered here on the control loop). Ignored
	// while signalling is in flight: that may revive the call, and the loop reports a call
	// that is still due again a second later.
	void on_timeout(const std::string& call_id, const std::string& reason);

private:
	// A result carried back to the control thread.
	template <class R>
	struct Back {
		std::function<void(R)> done;
		R result;
		void operator()() { done(std::move(result)); }
	};

	const Config& config_;
	const media::Interfaces& interfaces_;
	media::MediaLoops& loops_;
	event::Loop& control_;
	std::unordered_map<std::string, Handle, StringHash, std::equal_to<>> calls_;
	Totals totals_;
	size_t established_ = 0;
	RuntimeLimits limits_;
	// Shared with the teardowns posted to media loops, which may outlive the registry.
	std::shared_ptr<QualityTotals> quality_ = std::make_shared<QualityTotals>();
	std::shared_ptr<FlowTotals> flows_ = std::make_shared<FlowTotals>(); // likewise
	int64_t started_ms_;
	kernel::Channel* kernel_ = nullptr;
	media::OwnEndpoints* own_endpoints_ = nullptr;
	const crypto::DtlsIdentity* dtls_ = nullptr;
	uint64_t next_serial_ = 0;
	CallStore* store_ = nullptr;
	Admission admission_;
	LoadSampler sampler_;
	event::EventPtr sample_timer_{nullptr, event_free};
};

} // namespace rtprelay::call
