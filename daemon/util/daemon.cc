// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/daemon.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "util/strings.h"

namespace rtprelay {

Result<UniqueFd> daemonize()
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return Error{strprintf("pipe: %s", strerror(errno))};
	UniqueFd rd(fds[0]), wr(fds[1]);
	pid_t pid = fork();
	if (pid < 0)
		return Error{strprintf("fork: %s", strerror(errno))};
	if (pid > 0) {
		// Parent: "R" means ready; anything else is the child's error message.
		wr.reset();
		std::string msg;
		char buf[512];
		ssize_t n;
		while ((n = read(rd.get(), buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
			if (n > 0)
				msg.append(buf, static_cast<size_t>(n));
		if (msg == "R")
			_exit(0);
		fprintf(stderr, "rtprelayd: %s\n",
		        msg.empty() ? "daemon exited during start-up" : msg.c_str());
		_exit(1);
	}
	rd.reset();
	if (setsid() < 0)
		return Error{strprintf("setsid: %s", strerror(errno))};
	if (chdir("/") != 0)
		return Error{strprintf("chdir /: %s", strerror(errno))};
	int devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	return wr;
}

void report_ready(UniqueFd& pipe)
{
	if (pipe && write(pipe.get(), "R", 1) < 0) {
		// The parent is gone; nothing left to tell.
	}
	pipe.reset();
}

void report_failure(UniqueFd& pipe, const std::string& message)
{
	if (pipe && write(pipe.get(), message.data(), message.size()) < 0) {
		// The parent is gone; the message is in the log too.
	}
	pipe.reset();
}

uint64_t raise_fd_limit()
{
	rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur;
}

Result<PidFile> PidFile::create(const std::string& path)
{
	FILE* f = fopen(path.c_str(), "we");
	if (!f)
		return Error{
		        strprintf("cannot write pidfile %s: %s", path.c_str(), strerror(errno))};
	fprintf(f, "%d\n", getpid());
	if (fclose(f) != 0)
		return Error{
		        strprintf("cannot write pidfile %s: %s", path.c_str(), strerror(errno))};
	return PidFile(path);
}

PidFile::~PidFile()
{
	if (!path_.empty())
		unlink(path_.c_str());
}

} // namespace rtprelay
