// SPDX-License-Identifier: GPL-3.0-or-later
#include "socket_io.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include "util/strings.h"

namespace rtprelay::ctl {

int64_t monotonic_ms()
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Result<bool> wait_readable(int fd, int64_t deadline_ms)
{
	for (;;) {
		int64_t left = deadline_ms - monotonic_ms();
		if (left <= 0)
			return false;
		pollfd p{fd, POLLIN, 0};
		int n = poll(&p, 1, static_cast<int>(left));
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return Error{strprintf("poll: %s", strerror(errno))};
	}
}

namespace {

// Waits for a non-blocking connect to finish and reports how it ended.
Result<void> finish_connect(int fd, const net::Endpoint& peer, int64_t deadline_ms)
{
	for (;;) {
		int64_t left = deadline_ms - monotonic_ms();
		if (left <= 0)
			return Error{strprintf("%s: no connection within the timeout",
			                       peer.to_string().c_str())};
		pollfd p{fd, POLLOUT, 0};
		int n = poll(&p, 1, static_cast<int>(left));
		if (n < 0 && errno != EINTR)
			return Error{strprintf("poll: %s", strerror(errno))};
		if (n > 0)
			break;
	}
	int err = 0;
	socklen_t len = sizeof(err);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err != 0)
		return Error{strprintf("%s: %s", peer.to_string().c_str(), strerror(err))};
	return {};
}

} // namespace

Result<UniqueFd> connect_to(const net::Endpoint& peer, int type, int64_t deadline_ms)
{
	sockaddr_storage ss{};
	socklen_t len = peer.to_sockaddr(ss);
	UniqueFd fd(socket(ss.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	if (!fd)
		return Error{strprintf("socket: %s", strerror(errno))};
	if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) == 0)
		return fd;
	if (errno != EINPROGRESS)
		return Error{strprintf("%s: %s", peer.to_string().c_str(), strerror(errno))};
	auto done = finish_connect(fd.get(), peer, deadline_ms);
	if (!done)
		return done.error();
	return fd;
}

Result<void> send_all(int fd, std::string_view data, int64_t deadline_ms)
{
	while (!data.empty()) {
		ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
		if (n >= 0) {
			data.remove_prefix(static_cast<size_t>(n));
			continue;
		}
		if (errno != EINTR && errno != EAGAIN)
			return Error{strprintf("send: %s", strerror(errno))};
		// The socket is non-blocking: wait for room rather than spin.
		pollfd p{fd, POLLOUT, 0};
		int64_t left = deadline_ms - monotonic_ms();
		if (left <= 0)
			return Error{"send: no room in the socket buffer within the timeout"};
		poll(&p, 1, static_cast<int>(left));
	}
	return {};
}

} // namespace rtprelay::ctl
