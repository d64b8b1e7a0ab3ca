// SPDX-License-Identifier: GPL-3.0-or-later
// The daemon's side of one xt_RTPRELAY table: creates the table, opens its control file, checks
// the module's ABI against ours (greeting + INIT), then sends one command struct per write and
// reads replies back. Any thread may send commands (media loops program their own streams);
// open and destruction belong to the control thread. Destruction closes the file and deletes
// the table if this daemon created it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "kernel/abi.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay::kernel {

class Channel {
public:
	static constexpr const char* kDefaultBase = "/proc/rtprelay";

	// Errors say what went wrong and how to fix it. `base` is for tests.
	static Result<std::unique_ptr<Channel>> open(int table,
	                                             const std::string& base = kDefaultBase);
	~Channel();
	Channel(const Channel&) = delete;
	Channel& operator=(const Channel&) = delete;

	int table() const { return table_; }
	// The SRTP suites the module runs, 1 << RTPRELAY_SRTP_* each (its greeting).
	uint32_t srtp_suites() const { return srtp_suites_; }

	Result<void> add_target(const rtprelay_cmd_add_target& cmd);
	Result<void> del_target(const rtprelay_cmd_target& cmd);
	Result<rtprelay_target_stats> get_stats(const rtprelay_cmd_target& cmd);

	// Targets installed and not yet deleted, as their owners (call::KernelState) report
	// them: add_target cannot tell a new target from a replaced one. Any thread.
	void count_targets(int64_t delta) { targets_.fetch_add(delta, std::memory_order_relaxed); }
	int64_t targets() const { return targets_.load(std::memory_order_relaxed); }

private:
	Channel(int table, std::string base, UniqueFd fd, bool created, uint32_t srtp_suites)
	    : table_(table), base_(std::move(base)), fd_(std::move(fd)), created_(created),
	      srtp_suites_(srtp_suites)
	{
	}
	Result<void> write_cmd(const void* cmd, size_t size, const char* what);

	int table_;
	std::string base_;
	UniqueFd fd_;
	bool created_; // only a table this daemon created is deleted when it stops
	uint32_t srtp_suites_;
	std::mutex mutex_; // one command (and its reply) at a time on the shared file
	std::atomic<int64_t> targets_{0};
};

// The module's greeting (`size` bytes read) against this build's ABI: both versions and every
// struct size must match.
Result<void> check_greeting(const rtprelay_init& greeting, size_t size);

} // namespace rtprelay::kernel
