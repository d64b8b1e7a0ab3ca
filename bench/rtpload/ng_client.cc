// ng over UDP: cookie framing, retransmission and reply matching.
#include "ng_client.h"

#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "clock.h"
#include "udp_socket.h"

namespace rtpload {

Result<std::unique_ptr<NgClient>> NgClient::create(const NgConfig& cfg)
{
	std::unique_ptr<NgClient> c(new NgClient(cfg));
	// From the top of the range down, so media sockets (bound from the bottom) stay contiguous.
	for (uint32_t port = cfg.port_max; port >= cfg.port_min; port--) {
		uint32_t next = port;
		auto s = bind_udp_in_range(cfg.local, next, port, 1, 4 << 20, 4 << 20);
		if (s) {
			c->fd_ = std::move(s->fd);
			break;
		}
	}
	if (!c->fd_)
		return Error{"cannot bind the ng client socket"};
	c->cookie_prefix_ = std::to_string(getpid()) + "_";
	return c;
}

void NgClient::submit(const BValue& request, NgCallback cb)
{
	std::string cookie = cookie_prefix_ + std::to_string(++counter_);
	Pending p;
	p.datagram = cookie + " ";
	bencode_encode(request, p.datagram);
	p.first_ns = mono_ns();
	p.cb = std::move(cb);
	if (cfg_.verbose)
		fprintf(stderr, "ng → %s\n", p.datagram.c_str());
	transmit(p);
	pending_.emplace(std::move(cookie), std::move(p));
}

void NgClient::transmit(Pending& p)
{
	p.tries++;
	p.last_ns = mono_ns();
	// A full send buffer or a transient error is handled like a lost datagram: retransmit.
	sendto(fd_.get(), p.datagram.data(), p.datagram.size(), 0,
	       reinterpret_cast<const sockaddr*>(&cfg_.relay), sizeof cfg_.relay);
}

void NgClient::poll(int timeout_ms)
{
	pollfd pfd{fd_.get(), POLLIN, 0};
	if (!pending_.empty()) {
		int64_t next = INT64_MAX;
		for (auto& [cookie, p] : pending_)
			next = std::min(next, p.last_ns + int64_t{cfg_.timeout_ms} * kNsPerMs);
		int64_t wait_ms = (next - mono_ns()) / kNsPerMs + 1;
		timeout_ms = static_cast<int>(
		        std::max<int64_t>(0, std::min<int64_t>(timeout_ms, wait_ms)));
	}
	if (::poll(&pfd, 1, timeout_ms) > 0)
		receive_all();
	handle_timeouts();
}

void NgClient::receive_all()
{
	static thread_local std::vector<char> buf(65536);
	for (;;) {
		ssize_t n = recv(fd_.get(), buf.data(), buf.size(), MSG_DONTWAIT);
		if (n < 0)
			return;
		std::string_view msg(buf.data(), static_cast<size_t>(n));
		size_t sp = msg.find(' ');
		if (sp == std::string_view::npos)
			continue;
		auto it = pending_.find(std::string(msg.substr(0, sp)));
		if (it == pending_.end())
			continue; // a late duplicate of an answered request
		if (cfg_.verbose)
			fprintf(stderr, "ng ← %.*s\n", static_cast<int>(msg.size()), msg.data());
		Pending p = std::move(it->second);
		pending_.erase(it);
		auto reply = bencode_decode(msg.substr(sp + 1));
		if (reply && reply->kind != BValue::Kind::dict)
			reply = Error{"reply is not a dictionary"};
		p.cb(std::move(reply), mono_ns() - p.first_ns);
	}
}

void NgClient::handle_timeouts()
{
	int64_t now = mono_ns();
	int64_t limit = int64_t{cfg_.timeout_ms} * kNsPerMs;
	std::vector<std::string> expired;
	for (auto& [cookie, p] : pending_) {
		if (now - p.last_ns < limit)
			continue;
		if (p.tries > cfg_.retries) {
			expired.push_back(cookie);
		} else {
			retransmits_++;
			transmit(p);
		}
	}
	for (const std::string& cookie : expired) {
		auto it = pending_.find(cookie);
		Pending p = std::move(it->second);
		pending_.erase(it);
		timeouts_++;
		p.cb(Error{"no reply after " + std::to_string(p.tries) + " tries"},
		     now - p.first_ns);
	}
}

} // namespace rtpload
