// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/server.h"

namespace rtprelay::ng {

Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::create(event::Loop& loop,
                                               const std::vector<net::Endpoint>& listen,
                                               CommandTable commands, call::Registry* calls,
                                               const std::vector<net::Endpoint>& listen_tcp)
{
	std::unique_ptr<Server> server(new Server());
	auto core = RequestCore::create(loop, std::move(commands), calls);
	if (!core)
		return core.error();
	server->core_ = std::move(core).value();
	for (const auto& ep : listen) {
		auto l = UdpListener::create(loop, *server->core_, ep);
		if (!l)
			return l.error();
		server->udp_.push_back(std::move(l).value());
	}
	for (const auto& ep : listen_tcp) {
		auto l = TcpListener::create(loop, *server->core_, ep);
		if (!l)
			return l.error();
		server->tcp_.push_back(std::move(l).value());
	}
	return server;
}

void Server::submit(std::string_view message, const net::Endpoint& peer, Done done)
{
	auto sink = [done = std::move(done)](std::string_view reply) { done(std::string(reply)); };
	// Without a cookie the core keeps no sink; the caller still hears back, with nothing.
	if (!core_->handle(message, peer, {kMaxSubmitReplySize, "an http reply"}, sink))
		sink({});
}

void Server::submit_plain(std::string_view body, const net::Endpoint& peer, Done done)
{
	auto sink = [done = std::move(done)](std::string_view reply) { done(std::string(reply)); };
	core_->handle_plain(body, peer, {kMaxSubmitReplySize, "an http reply"}, std::move(sink));
}

std::vector<net::Endpoint> Server::local_endpoints() const
{
	std::vector<net::Endpoint> out;
	for (const auto& l : udp_)
		out.push_back(l->local());
	return out;
}

std::vector<net::Endpoint> Server::tcp_endpoints() const
{
	std::vector<net::Endpoint> out;
	for (const auto& l : tcp_)
		out.push_back(l->local());
	return out;
}

} // namespace rtprelay::ng
