// SPDX-License-Identifier: GPL-3.0-or-later
// A real redis-server for the ha/ tests that need one: a child on 127.0.0.1 without
// persistence (a restarted server comes back empty, as after losing its disk), started,
// signalled and reaped by its pid only, and killed with the test binary even if that aborts.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace rtprelay::test {

inline constexpr const char* kRedisServer = "/usr/bin/redis-server";

// A TCP port on 127.0.0.1 that nothing listens on (bound once, then released).
inline uint16_t unused_port()
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in sa{};
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof sa;
	bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
	getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
	close(fd);
	return ntohs(sa.sin_port);
}

inline bool accepts(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in sa{};
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	bool ok = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
	close(fd);
	return ok;
}

class RedisServer {
public:
	// `options`: more command-line options for the server (a password, say).
	RedisServer(uint16_t port, std::vector<std::string> options)
	    : port_(port), options_(std::move(options))
	{
	}
	~RedisServer() { stop(); }
	RedisServer(const RedisServer&) = delete;
	RedisServer& operator=(const RedisServer&) = delete;

	bool start()
	{
		std::vector<std::string> args = {
		        kRedisServer, "--port", std::to_string(port_), "--bind", "127.0.0.1",
		        "--save",     "",       "--appendonly",        "no"};
		args.insert(args.end(), options_.begin(), options_.end());
		std::vector<char*> argv;
		for (auto& a : args)
			argv.push_back(a.data());
		argv.push_back(nullptr);
		pid_ = fork();
		if (pid_ < 0)
			return false;
		if (pid_ == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL); // dies with the test binary
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 1);
			dup2(null, 2);
			execv(kRedisServer, argv.data());
			_exit(127);
		}
		for (int i = 0; i < 300; i++) {
			if (accepts(port_))
				return true;
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
		return false;
	}

	void stop()
	{
		if (pid_ <= 0)
			return;
		kill(pid_, SIGKILL);
		waitpid(pid_, nullptr, 0);
		pid_ = -1;
	}

	void send_signal(int signo) const { kill(pid_, signo); }

private:
	uint16_t port_;
	std::vector<std::string> options_;
	pid_t pid_ = -1;
};

} // namespace rtprelay::test
