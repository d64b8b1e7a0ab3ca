// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/admission.h"

#include "util/log.h"

namespace rtprelay::call {

namespace {
constexpr auto kLog = log::Subsystem::kControl;
}

Admission::Admission(const Config& config)
    : max_sessions_(config.max_sessions), max_load_(config.max_load), max_cpu_(config.max_cpu),
      max_bandwidth_(config.max_bandwidth)
{
}

Refusal Admission::check(size_t sessions) const
{
	if (standby_)
		return Refusal::kStandby;
	if (draining_)
		return Refusal::kDraining;
	if (max_sessions_ >= 0 && sessions >= static_cast<size_t>(max_sessions_))
		return Refusal::kSessions;
	// At or above the limit, as rtpengine compares.
	if (max_load_ > 0 && figures_.load >= max_load_)
		return Refusal::kLoad;
	if (max_cpu_ > 0 && figures_.cpu >= max_cpu_)
		return Refusal::kCpu;
	if (max_bandwidth_ > 0 && figures_.bandwidth >= max_bandwidth_)
		return Refusal::kBandwidth;
	return Refusal::kNone;
}

Refusal Admission::admit(size_t sessions)
{
	Refusal r = check(sessions);
	if (r == Refusal::kNone)
		return r;
	refused_[static_cast<size_t>(r)]++;
	switch (r) {
	case Refusal::kStandby: log::info(kLog, "new call refused: standby"); break;
	case Refusal::kDraining: log::info(kLog, "new call refused: draining"); break;
	case Refusal::kSessions:
		log::warn(kLog, "new call refused: parallel session limit reached (%d)",
		          max_sessions_);
		break;
	case Refusal::kLoad:
		log::warn(kLog, "new call refused: load limit exceeded (%.2f >= %.2f)",
		          figures_.load, max_load_);
		break;
	case Refusal::kCpu:
		log::warn(kLog, "new call refused: CPU usage limit exceeded (%.1f%% >= %.1f%%)",
		          figures_.cpu, max_cpu_);
		break;
	case Refusal::kBandwidth:
		log::warn(kLog, "new call refused: bandwidth limit exceeded (%llu >= %llu bytes/s)",
		          static_cast<unsigned long long>(figures_.bandwidth),
		          static_cast<unsigned long long>(max_bandwidth_));
		break;
	case Refusal::kNone:
	case Refusal::kCount: break;
	}
	return r;
}

std::string_view Admission::message(Refusal reason)
{
	switch (reason) {
	case Refusal::kLoad: return "Load limit exceeded";
	case Refusal::kCpu: return "CPU usage limit exceeded";
	case Refusal::kBandwidth: return "Bandwidth limit exceeded";
	case Refusal::kStandby:
	case Refusal::kDraining:
	case Refusal::kSessions:
	case Refusal::kNone:
	case Refusal::kCount: break;
	}
	return "Parallel session limit reached";
}

std::string_view Admission::name(Refusal reason)
{
	switch (reason) {
	case Refusal::kStandby: return "standby";
	case Refusal::kDraining: return "draining";
	case Refusal::kSessions: return "sessions";
	case Refusal::kLoad: return "load";
	case Refusal::kCpu: return "cpu";
	case Refusal::kBandwidth: return "bandwidth";
	case Refusal::kNone:
	case Refusal::kCount: break;
	}
	return "none";
}

} // namespace rtprelay::call
