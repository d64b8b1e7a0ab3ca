// SPDX-License-Identifier: GPL-3.0-or-later
// Logging with syslog levels (0 emerg .. 7 debug) per subsystem, to stderr or syslog.
// Any thread may log. A CallScope on the current thread tags every line with the call-id,
// so call-related lines carry it without each call site repeating it.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace rtprelay::log {

enum class Subsystem : unsigned { kCore, kControl, kCount };

inline constexpr std::array<std::string_view, static_cast<size_t>(Subsystem::kCount)>
        kSubsystemNames = {"core", "control"};

// Syslog levels, named here so callers need not include <syslog.h>.
inline constexpr int kErr = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7;
inline constexpr int kDefaultLevel = kInfo;

struct Settings {
	bool to_stderr = false; // syslog unless --log-stderr
	int facility = 3 << 3;  // LOG_DAEMON
	std::array<int, static_cast<size_t>(Subsystem::kCount)> levels{kDefaultLevel,
	                                                               kDefaultLevel};
};

void init(const Settings& settings);
void shutdown();

bool enabled(Subsystem sub, int level);
// The subsystem's level now; set_level changes it for every thread at once (CLI loglevel).
int level(Subsystem sub);
void set_level(Subsystem sub, int level);

void err(Subsystem sub, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void warn(Subsystem sub, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void notice(Subsystem sub, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void info(Subsystem sub, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void debug(Subsystem sub, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Tags log lines from this thread with a call-id until destroyed. Nests: the inner scope wins.
class CallScope {
public:
	explicit CallScope(std::string_view call_id);
	~CallScope();
	CallScope(const CallScope&) = delete;
	CallScope& operator=(const CallScope&) = delete;

private:
	std::string previous_;
};

// Name of a syslog facility ("daemon", "local0".."local7", "user") → its value, or -1.
int facility_from_name(std::string_view name);

} // namespace rtprelay::log
