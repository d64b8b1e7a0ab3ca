// SPDX-License-Identifier: GPL-3.0-or-later
#include "ng/udp_listener.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "ng/message.h"
#include "ng/sip_options.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::ng {

namespace {
constexpr auto kLog = log::Subsystem::kControl;
constexpr int kMaxReadsPerWakeup = 64; // then yield to the other sockets and timers
// Datagrams per recvmmsg: a batch that comes back short means the socket is empty, so a lone
// request costs one read, not a second that says EAGAIN.
constexpr size_t kBatch = 4;
constexpr size_t kSlot = kMaxMessageSize + 1;
} // namespace

UdpListener::UdpListener(RequestCore& core)
    : core_(core), stats_(core.stats()), buffer_(kBatch * kSlot)
{
}

UdpListener::~UdpListener() = default;

Result<std::unique_ptr<UdpListener>> UdpListener::create(event::Loop& loop, RequestCore& core,
                                                         const net::Endpoint& ep)
{
	auto fail = [&](const char* what) {
		return Error{strprintf("cannot listen for ng on %s: %s: %s", ep.to_string().c_str(),
		                       what, strerror(errno))};
	};
	std::unique_ptr<UdpListener> l(new UdpListener(core));
	l->fd_.reset(socket(ep.ip().family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!l->fd_)
		return fail("socket");
	if (ep.ip().is_v6()) {
		int one = 1; // leave the IPv4 port to an IPv4 listener
		setsockopt(l->fd_.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	}
	sockaddr_storage ss;
	socklen_t len = ep.to_sockaddr(ss);
	if (bind(l->fd_.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
		return fail("bind");
	len = sizeof ss;
	if (getsockname(l->fd_.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0)
		return fail("getsockname");
	l->local_ = net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
	l->ev_.reset(
	        event_new(loop.base(), l->fd_.get(), EV_READ | EV_PERSIST, on_readable, l.get()));
	if (!l->ev_ || event_add(l->ev_.get(), nullptr) != 0)
		return fail("event_add");
	log::notice(kLog, "listening for ng on udp %s", l->local_.to_string().c_str());
	return l;
}

void UdpListener::on_readable(evutil_socket_t, short, void* arg)
{
	static_cast<UdpListener*>(arg)->read_all();
}

void UdpListener::read_all()
{
	std::array<mmsghdr, kBatch> msgs{};
	std::array<iovec, kBatch> iov;
	std::array<sockaddr_storage, kBatch> from;
	for (int round = 0; round < kMaxReadsPerWakeup / static_cast<int>(kBatch); round++) {
		for (size_t i = 0; i < kBatch; i++) {
			iov[i] = {buffer_.data() + i * kSlot, kSlot};
			msgs[i].msg_hdr = {};
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof from[i];
		}
		// MSG_TRUNC: each msg_len is the datagram's real length, so an oversized one shows.
		int n = recvmmsg(fd_.get(), msgs.data(), kBatch, MSG_DONTWAIT | MSG_TRUNC, nullptr);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log::warn(kLog, "ng receive on %s failed: %s",
				          local_.to_string().c_str(), strerror(errno));
			return;
		}
		for (size_t i = 0; i < static_cast<size_t>(n); i++)
			take(msgs[i], iov[i]);
		if (static_cast<size_t>(n) < kBatch)
			return; // drained
	}
}

void UdpListener::take(const mmsghdr& m, const iovec& iov)
{
	stats_.received++;
	auto peer = net::Endpoint::from_sockaddr(static_cast<const sockaddr*>(m.msg_hdr.msg_name),
	                                         m.msg_hdr.msg_namelen);
	if (m.msg_len > kMaxMessageSize) {
		stats_.oversized++;
		note_dropped("oversized datagram", peer);
		return;
	}
	handle({static_cast<const char*>(iov.iov_base), m.msg_len}, peer);
}

void UdpListener::note_dropped(const char* why, const net::Endpoint& peer)
{
	int64_t now = time(nullptr);
	if (now == last_drop_log_)
		return; // one line a second is enough to notice a misbehaving client
	last_drop_log_ = now;
	log::warn(kLog, "dropped %s from %s (no_cookie=%llu oversized=%llu so far)", why,
	          peer.to_string().c_str(), static_cast<unsigned long long>(stats_.no_cookie),
	          static_cast<unsigned long long>(stats_.oversized));
}

void UdpListener::handle(std::string_view data, const net::Endpoint& peer)
{
	if (classify_sip(data) != SipKind::kNotSip) {
		handle_sip(data, peer);
		return;
	}
	// The core drops such sinks unsent when it goes, and it goes before its listeners. A
	// sendto() on the socket may come from any thread: so may this sink.
	auto sink = [this, peer](std::string_view reply) { send(peer, reply); };
	if (!core_.handle(data, peer, {kMaxReplySize, "one datagram"}, sink, true))
		note_dropped("datagram without a cookie", peer);
}

void UdpListener::handle_sip(std::string_view data, const net::Endpoint& peer)
{
	if (classify_sip(data) == SipKind::kOptions) {
		core_.catch_up(); // a delete answered just now frees its call for the count
		bool too_large = false;
		auto answer = answer_options(data, &too_large,
		                             core_.refusing_new_calls() ? SipStatus::kUnavailable
		                                                        : SipStatus::kOk);
		if (answer) {
			stats_.sip_options++;
			log::debug(kLog, "answering SIP OPTIONS from %s", peer.to_string().c_str());
			send(peer, *answer);
			return;
		}
		if (too_large) {
			// Answering would reflect more bytes than a spoofed sender spent.
			stats_.sip_too_large++;
			log::debug(kLog,
			           "not answering SIP OPTIONS from %s: the answer would be larger",
			           peer.to_string().c_str());
			return;
		}
	}
	stats_.sip_ignored++;
	log::debug(kLog, "ignoring SIP message from %s that is not a complete OPTIONS request",
	           peer.to_string().c_str());
}

void UdpListener::send(const net::Endpoint& peer, std::string_view data)
{
	sockaddr_storage ss;
	socklen_t len = peer.to_sockaddr(ss);
	ssize_t n = sendto(fd_.get(), data.data(), data.size(), MSG_DONTWAIT,
	                   reinterpret_cast<sockaddr*>(&ss), len);
	if (n < 0) {
		// The client retransmits and then gets the cached reply.
		stats_.send_errors++;
		log::warn(kLog, "cannot send ng reply to %s: %s", peer.to_string().c_str(),
		          strerror(errno));
	}
}

} // namespace rtprelay::ng
