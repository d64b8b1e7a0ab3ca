// SPDX-License-Identifier: GPL-3.0-or-later
// Whether a new call may be created: the operator's limits (max-sessions, max-load, max-cpu,
// max-bandwidth), the drain switch, the load figures last sampled, and how many new calls each
// reason refused. Owned by call::Registry; control thread only, like the registry.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"

namespace rtprelay::call {

// Why a new call was refused, in the order the checks run.
enum class Refusal : uint8_t {
	kNone,
	kStandby,
	kDraining,
	kSessions,
	kLoad,
	kCpu,
	kBandwidth,
	kCount
};

// What the load sampler last measured.
struct LoadFigures {
	double load = 0;        // 1-minute load average
	double cpu = 0;         // percent of all cores' time spent busy
	uint64_t bandwidth = 0; // bytes relayed per second
};

class Admission {
public:
	explicit Admission(const Config& config);

	// -1 = no limit, 0 = no new call (rtpengine-ctl's `set maxsessions`).
	void set_max_sessions(int n) { max_sessions_ = n < -1 ? -1 : n; }
	int max_sessions() const { return max_sessions_; }
	// 0 = no limit (rtpengine-ctl's `set maxload`, `set maxcpu`, `set maxbw`): the 1-minute
	// load average, percent of all cores' time, relayed bytes per second.
	void set_max_load(double v) { max_load_ = v; }
	double max_load() const { return max_load_; }
	void set_max_cpu(double v) { max_cpu_ = v; }
	double max_cpu() const { return max_cpu_; }
	void set_max_bandwidth(uint64_t v) { max_bandwidth_ = v; }
	uint64_t max_bandwidth() const { return max_bandwidth_; }
	// A draining relay refuses new calls; existing ones run to their end.
	void set_draining(bool on) { draining_ = on; }
	bool draining() const { return draining_; }
	// A standby (ha/) has no calls of its own until it takes over.
	void set_standby(bool on) { standby_ = on; }
	bool standby() const { return standby_; }

	void set_figures(const LoadFigures& figures) { figures_ = figures; }
	const LoadFigures& figures() const { return figures_; }

	// Why a new call may not be created while `sessions` calls are up; kNone admits it.
	Refusal check(size_t sessions) const;
	// check(), counting and logging a refusal: for an offer that would create a call.
	Refusal admit(size_t sessions);
	uint64_t refused(Refusal reason) const { return refused_[static_cast<size_t>(reason)]; }

	// rtpengine's words for the reason, which a `load limit` reply carries as `message`.
	// Draining and standby read as the session limit: to a SIP proxy it is the same "try
	// another node".
	static std::string_view message(Refusal reason);
	// Short name for statistics and metrics: "standby", "draining", "sessions", "load",
	// "cpu", "bandwidth".
	static std::string_view name(Refusal reason);

private:
	int max_sessions_;
	double max_load_;
	double max_cpu_;
	uint64_t max_bandwidth_;
	bool draining_ = false;
	bool standby_ = false;
	LoadFigures figures_;
	std::array<uint64_t, static_cast<size_t>(Refusal::kCount)> refused_{};
};

} // namespace rtprelay::call
