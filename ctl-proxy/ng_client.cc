// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng_client.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ng/bencode.h"
#include "ng/message.h"
#include "socket_io.h"
#include "util/strings.h"

namespace rtprelay::ctl {

Result<NgClient> NgClient::create(const net::Endpoint& ng, int timeout_ms)
{
	auto fd = connect_to(ng, SOCK_DGRAM, monotonic_ms() + timeout_ms);
	if (!fd)
		return Error{"ng " + fd.error().reason};
	NgClient client(std::move(*fd), ng, timeout_ms);
	// The daemon caches replies by cookie for a minute: a cookie must never repeat, not
	// even across two runs of this tool in the same second.
	client.cookie_prefix_ =
	        strprintf("ctl%d-%lld-", getpid(), static_cast<long long>(monotonic_ms()));
	return client;
}

Result<std::string> NgClient::receive_reply(const std::string& cookie, int64_t deadline)
{
	std::string datagram(ng::kMaxMessageSize + 1, '\0');
	for (;;) {
		auto ready = wait_readable(fd_.get(), deadline);
		if (!ready)
			return ready.error();
		if (!*ready)
			return Error{strprintf("ng %s: no reply within %d ms",
			                       ng_.to_string().c_str(), timeout_ms_)};
		ssize_t n = recv(fd_.get(), datagram.data(), datagram.size(), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return Error{
			        strprintf("ng %s: %s", ng_.to_string().c_str(), strerror(errno))};
		datagram.resize(static_cast<size_t>(n));
		auto framing = ng::split_message(datagram);
		if (framing && framing->cookie == cookie)
			return datagram;
		datagram.resize(ng::kMaxMessageSize + 1);
	}
}

Result<ng::Value> NgClient::request(const ng::Value& request, Arena& arena)
{
	std::string cookie = cookie_prefix_ + std::to_string(++sequence_);
	std::string datagram = cookie + " ";
	ng::bencode_encode(request, datagram);
	int64_t deadline = monotonic_ms() + timeout_ms_;
	if (auto sent = send_all(fd_.get(), datagram, deadline); !sent)
		return Error{"ng " + ng_.to_string() + ": " + sent.error().reason};
	auto reply = receive_reply(cookie, deadline);
	if (!reply)
		return reply.error();
	// The decoded strings point into the datagram, so it moves into the arena first.
	std::string_view kept = arena.copy(*reply);
	auto framing = ng::split_message(kept);
	if (!framing)
		return Error{"ng reply without a cookie"};
	auto value = ng::decode_body(*framing, arena);
	if (!value)
		return Error{"ng reply: " + value.error().reason};
	return value;
}

} // namespace rtprelay::ctl
