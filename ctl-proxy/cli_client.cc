// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli_client.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "socket_io.h"
#include "util/strings.h"

namespace rtprelay::ctl {
namespace {

// rtpengine-ctl accepts answers of up to 10 MB; a longer one means something is wrong.
constexpr size_t kMaxAnswer = size_t{10} << 20;

} // namespace

Result<std::string> cli_request(const net::Endpoint& cli, const std::vector<std::string>& words,
                                int timeout_ms)
{
	int64_t deadline = monotonic_ms() + timeout_ms;
	auto fd = connect_to(cli, SOCK_STREAM, deadline);
	if (!fd)
		return Error{"CLI " + fd.error().reason};
	std::string line;
	for (const auto& w : words)
		line += (line.empty() ? "" : " ") + w;
	line += '\n';
	if (auto sent = send_all(fd->get(), line, deadline); !sent)
		return Error{"CLI " + cli.to_string() + ": " + sent.error().reason};
	std::string answer;
	char buf[65536];
	for (;;) {
		auto ready = wait_readable(fd->get(), deadline);
		if (!ready)
			return ready.error();
		if (!*ready)
			return Error{strprintf("CLI %s: the answer did not end within %d ms",
			                       cli.to_string().c_str(), timeout_ms)};
		ssize_t n = recv(fd->get(), buf, sizeof(buf), 0);
		if (n == 0)
			return answer;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return Error{
			        strprintf("CLI %s: %s", cli.to_string().c_str(), strerror(errno))};
		answer.append(buf, static_cast<size_t>(n));
		if (answer.size() > kMaxAnswer)
			return Error{strprintf("CLI %s: answer longer than %zu bytes",
			                       cli.to_string().c_str(), kMaxAnswer)};
	}
}

} // namespace rtprelay::ctl
