// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/log.h"

#include <syslog.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <sys/time.h>

#include "util/strings.h"

namespace rtprelay::log {
namespace {

// Levels are read on every log call from any thread; written at start-up and by the CLI.
std::array<std::atomic<int>, static_cast<size_t>(Subsystem::kCount)> g_levels{kDefaultLevel,
                                                                              kDefaultLevel};
std::atomic<bool> g_stderr{true};
thread_local std::string t_call_id;

const char* level_name(int level)
{
	static const char* const names[] = {"EMERG",   "ALERT",  "CRIT", "ERR",
	                                    "WARNING", "NOTICE", "INFO", "DEBUG"};
	return names[level < 0 ? 0 : level > 7 ? 7 : level];
}

// The format attribute says fmt comes from a checked caller (clang's -Wformat-nonliteral).
__attribute__((format(printf, 3, 0))) void vwrite(Subsystem sub, int level, const char* fmt,
                                                  va_list ap)
{
	if (!enabled(sub, level))
		return;
	char msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	std::string call;
	if (!t_call_id.empty())
		call = "[ID=\"" + printable(t_call_id, 128) + "\"] ";
	std::string_view sub_name = kSubsystemNames[static_cast<size_t>(sub)];

	if (!g_stderr.load(std::memory_order_relaxed)) {
		syslog(level, "%s: [%.*s] %s%s", level_name(level),
		       static_cast<int>(sub_name.size()), sub_name.data(), call.c_str(), msg);
		return;
	}
	timeval tv;
	gettimeofday(&tv, nullptr);
	tm tmv;
	localtime_r(&tv.tv_sec, &tmv);
	char ts[32];
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tmv);
	// One fprintf per line keeps lines from different threads whole.
	fprintf(stderr, "%s.%03ld %s: [%.*s] %s%s\n", ts, tv.tv_usec / 1000, level_name(level),
	        static_cast<int>(sub_name.size()), sub_name.data(), call.c_str(), msg);
}

} // namespace

void init(const Settings& settings)
{
	for (size_t i = 0; i < g_levels.size(); i++)
		g_levels[i].store(settings.levels[i], std::memory_order_relaxed);
	g_stderr.store(settings.to_stderr, std::memory_order_relaxed);
	if (!settings.to_stderr)
		openlog("rtprelayd", LOG_PID | LOG_NDELAY, settings.facility);
}

void shutdown()
{
	if (!g_stderr.load(std::memory_order_relaxed))
		closelog();
}

bool enabled(Subsystem sub, int level)
{
	return level <= g_levels[static_cast<size_t>(sub)].load(std::memory_order_relaxed);
}

int level(Subsystem sub)
{
	return g_levels[static_cast<size_t>(sub)].load(std::memory_order_relaxed);
}

void set_level(Subsystem sub, int level)
{
	g_levels[static_cast<size_t>(sub)].store(level, std::memory_order_relaxed);
}

#define RTPRELAY_LOG_FN(name, level)                                                               \
	void name(Subsystem sub, const char* fmt, ...)                                             \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		vwrite(sub, level, fmt, ap);                                                       \
		va_end(ap);                                                                        \
	}
RTPRELAY_LOG_FN(err, LOG_ERR)
RTPRELAY_LOG_FN(warn, LOG_WARNING)
RTPRELAY_LOG_FN(notice, LOG_NOTICE)
RTPRELAY_LOG_FN(info, LOG_INFO)
RTPRELAY_LOG_FN(debug, LOG_DEBUG)
#undef RTPRELAY_LOG_FN

// Copies, not moves: the thread's string keeps its buffer for the next scope, and the copy of
// an empty one (the usual outer scope) allocates nothing.
CallScope::CallScope(std::string_view call_id) : previous_(t_call_id)
{
	t_call_id.assign(call_id);
}

CallScope::~CallScope()
{
	t_call_id.assign(previous_);
}

int facility_from_name(std::string_view name)
{
	static const struct {
		const char* name;
		int value;
	} facilities[] = {
	        {"daemon", LOG_DAEMON}, {"user", LOG_USER},     {"local0", LOG_LOCAL0},
	        {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3},
	        {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6},
	        {"local7", LOG_LOCAL7},
	};
	for (const auto& f : facilities)
		if (iequals(name, f.name))
			return f.value;
	return -1;
}

} // namespace rtprelay::log
