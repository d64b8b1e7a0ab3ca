// SPDX-License-Identifier: GPL-3.0-or-later
// Detaching from the terminal and the PID file. Start-up keeps reporting to the terminal until
// the daemon says it is ready, so `rtprelayd` without -f still prints why it failed to start.
#pragma once

#include <string>

#include "util/result.h"
#include "util/unique_fd.h"

namespace rtprelay {

// Forks; the parent waits for the child's report_ready()/report_failure() and exits with its
// outcome. Returns, in the child, the pipe to report on.
Result<UniqueFd> daemonize();
void report_ready(UniqueFd& pipe);
void report_failure(UniqueFd& pipe, const std::string& message);

// Raises the soft open-files limit to the hard limit (every call holds four sockets); returns
// the limit now in force.
uint64_t raise_fd_limit();

class PidFile {
public:
	static Result<PidFile> create(const std::string& path);
	PidFile(PidFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
	PidFile& operator=(PidFile&&) = delete;
	~PidFile();

private:
	explicit PidFile(std::string path) : path_(std::move(path)) {}
	std::string path_;
};

} // namespace rtprelay
