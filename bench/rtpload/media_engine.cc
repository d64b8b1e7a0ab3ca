// MediaEngine: socket setup, the paced send schedule and the receive loop.
#include "media_engine.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <linux/sock_diag.h>
#include <random>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"
#include "udp_socket.h"

namespace rtpload {
namespace {

constexpr int kEventsPerWait = 512;
constexpr uint64_t kMaxBurstPerWake = 4096; // then receive before sending more

// The kernel's receive timestamp (CLOCK_REALTIME) moved onto CLOCK_MONOTONIC, or `fallback`.
int64_t rx_time(msghdr& h, int64_t realtime_to_mono, int64_t fallback)
{
	for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		timespec ts;
		std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
		return int64_t{ts.tv_sec} * kNsPerSec + ts.tv_nsec + realtime_to_mono;
	}
	return fallback;
}

int64_t realtime_ns()
{
	timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return int64_t{ts.tv_sec} * kNsPerSec + ts.tv_nsec;
}

} // namespace

Result<std::unique_ptr<MediaEngine>> MediaEngine::create(const EngineConfig& cfg)
{
	std::unique_ptr<MediaEngine> e(new MediaEngine());
	e->cfg_ = cfg;
	e->epoll_ = UniqueFd(epoll_create1(EPOLL_CLOEXEC));
	if (!e->epoll_)
		return Error{std::string("epoll_create1: ") + strerror(errno)};

	std::mt19937 rng(static_cast<uint32_t>(mono_ns() ^ getpid()));
	uint32_t next_port = cfg.port_min + (cfg.port_min & 1); // even ports; odd = implied RTCP
	e->eps_.resize(cfg.endpoints);
	for (size_t i = 0; i < cfg.endpoints; i++) {
		auto s = bind_udp_in_range(cfg.local, next_port, cfg.port_max, 2, cfg.rcvbuf,
		                           cfg.sndbuf);
		if (!s)
			return Error{"endpoint " + std::to_string(i) + ": " + s.error().reason};
		Endpoint& ep = e->eps_[i];
		ep.fd = std::move(s->fd);
		ep.port = s->port;
		ep.tx.ssrc = rng();
		ep.tx.seq_base = static_cast<uint16_t>(rng());
		ep.tx.ts_base = rng();
		ep.tx.stream_id = static_cast<uint32_t>(i);
		int on = 1;
		setsockopt(ep.fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
		epoll_event rev{EPOLLIN, {.u64 = i}};
		if (epoll_ctl(e->epoll_.get(), EPOLL_CTL_ADD, ep.fd.get(), &rev) != 0)
			return Error{std::string("epoll_ctl: ") + strerror(errno)};
	}

	size_t pkt_len = kRtpHeaderLen + std::max(cfg.payload_len, kProbeLen);
	e->pkt_len_ = pkt_len;
	e->tx_bufs_.assign(kBatch, std::vector<uint8_t>(pkt_len + kSrtpTrailerRoom));
	e->rx_bufs_.resize(kBatch);
	for (size_t i = 0; i < kBatch; i++) {
		init_packet(e->tx_bufs_[i]);
		e->tx_iov_[i] = {e->tx_bufs_[i].data(), pkt_len};
		e->tx_msgs_[i].msg_hdr.msg_iov = &e->tx_iov_[i];
		e->tx_msgs_[i].msg_hdr.msg_iovlen = 1;
		e->rx_iov_[i] = {e->rx_bufs_[i].data(), kRxBufLen};
		e->rx_msgs_[i].msg_hdr.msg_iov = &e->rx_iov_[i];
		e->rx_msgs_[i].msg_hdr.msg_iovlen = 1;
		e->rx_msgs_[i].msg_hdr.msg_name = &e->rx_from_[i];
		e->rx_msgs_[i].msg_hdr.msg_control = e->rx_cmsg_[i].data();
	}
	return e;
}

void MediaEngine::pair(size_t a, size_t b, const sockaddr_in& a_dest, const sockaddr_in& b_dest)
{
	size_t payload = std::max(cfg_.payload_len, kProbeLen);
	eps_[a].peer = b;
	eps_[b].peer = a;
	eps_[a].dest = a_dest;
	eps_[b].dest = b_dest;
	eps_[a].rx.expect(eps_[b].tx, payload);
	eps_[b].rx.expect(eps_[a].tx, payload);
	for (size_t i : {a, b}) {
		if (!eps_[i].sends)
			senders_.push_back(i);
		eps_[i].sends = true;
	}
}

void MediaEngine::set_srtp(size_t ep, SrtpSession tx, SrtpSession rx)
{
	eps_[ep].srtp_tx = std::move(tx);
	eps_[ep].srtp_rx = std::move(rx);
}

void MediaEngine::start_pacing(double pps)
{
	sending_ = !senders_.empty() && pps > 0;
	t0_ = mono_ns();
	scheduled_ = 0;
	interval_ns_ = sending_ ? 1e9 / (pps * static_cast<double>(senders_.size())) : 0;
}

void MediaEngine::set_epoch(uint8_t epoch)
{
	if (sending_)
		send_due(mono_ns()); // what fell due before the switch still carries the old epoch
	epoch_ = epoch;
	for (Endpoint& ep : eps_) {
		ep.tx_window = 0;
		ep.rx.set_epoch(epoch);
	}
	latency_.clear();
	max_lag_ns_ = 0;
	send_errors_ = 0;
	skipped_ = 0;
}

// Packet j of the schedule is due at t0 + j * interval and belongs to stream j mod n, so
// consecutive streams are evenly staggered. A range of due packets is sent stream by stream,
// each stream's share in one sendmmsg.
void MediaEngine::send_due(int64_t now)
{
	double elapsed = static_cast<double>(now - t0_);
	uint64_t due = static_cast<uint64_t>(std::floor(elapsed / interval_ns_)) + 1;
	if (due <= scheduled_)
		return;
	// A starved generator does not catch up in bursts (no phone would): packets more than
	// max_backlog_ns overdue are skipped and counted, so the offered load stays smooth.
	double backlog_ns = static_cast<double>(cfg_.max_backlog_ns);
	uint64_t backlog = static_cast<uint64_t>(backlog_ns / interval_ns_) + 1;
	if (due - scheduled_ > backlog) {
		skipped_ += due - scheduled_ - backlog;
		scheduled_ = due - backlog;
	}
	uint64_t end = std::min(due, scheduled_ + kMaxBurstPerWake);
	uint64_t n = senders_.size();
	uint64_t full = (end - scheduled_) / n, rem = (end - scheduled_) % n;
	uint64_t first = scheduled_ % n;
	uint64_t touched = full > 0 ? n : rem;
	for (uint64_t k = 0; k < touched; k++) {
		Endpoint& ep = eps_[senders_[(first + k) % n]];
		send_burst(ep, full + (k < rem ? 1 : 0));
	}
	scheduled_ = end;
	int64_t lag =
	        now - t0_ - static_cast<int64_t>(static_cast<double>(scheduled_) * interval_ns_);
	max_lag_ns_ = std::max(max_lag_ns_, lag);
}

// A packet the kernel refuses (full send buffer) is not sent at all: its index is reused, so
// the stream stays contiguous and the refusal shows as a send error, not as relay loss. An SRTP
// endpoint's packets are protected in place (a packet srtp_protect refuses counts as refused
// by the kernel), then the buffers get their silence back for whoever sends next.
void MediaEngine::send_burst(Endpoint& ep, uint64_t count)
{
	while (count > 0) {
		size_t batch = std::min<uint64_t>(count, kBatch);
		size_t ready = batch;
		int64_t now = mono_ns();
		for (size_t i = 0; i < batch; i++) {
			uint32_t index = ep.tx.next_index + static_cast<uint32_t>(i);
			stamp_packet(tx_bufs_[i], ep.tx, index, epoch_, now);
			size_t len = pkt_len_;
			if (ep.srtp_tx && !ep.srtp_tx.protect(tx_bufs_[i].data(), len)) {
				ready = i;
				break;
			}
			tx_iov_[i].iov_len = len;
			tx_msgs_[i].msg_hdr.msg_name = &ep.dest;
			tx_msgs_[i].msg_hdr.msg_namelen = sizeof ep.dest;
		}
		int sent = ready == 0 ? 0
		                      : sendmmsg(ep.fd.get(), tx_msgs_.data(),
		                                 static_cast<unsigned>(ready), 0);
		if (ep.srtp_tx)
			for (size_t i = 0; i < batch; i++)
				init_packet(tx_bufs_[i]);
		size_t ok = sent < 0 ? 0 : static_cast<size_t>(sent);
		ep.tx.next_index += static_cast<uint32_t>(ok);
		ep.tx_window += ok;
		count -= batch;
		if (ok < batch) {
			send_errors_ += batch - ok + count;
			return;
		}
	}
}

void MediaEngine::receive(Endpoint& ep)
{
	for (int round = 0; round < 4; round++) {
		for (size_t i = 0; i < kBatch; i++) {
			rx_msgs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
			rx_msgs_[i].msg_hdr.msg_controllen = rx_cmsg_[i].size();
		}
		int n = recvmmsg(ep.fd.get(), rx_msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
		if (n <= 0)
			return;
		int64_t now = mono_ns();
		int64_t realtime_to_mono = now - realtime_ns();
		bool was_flowing = ep.rx.flowing();
		for (int i = 0; i < n; i++) {
			const sockaddr_in& from = rx_from_[i];
			if (from.sin_port != ep.dest.sin_port ||
			    from.sin_addr.s_addr != ep.dest.sin_addr.s_addr)
				ep.rx.on_wrong_source();
			size_t len = rx_msgs_[i].msg_len;
			if (ep.srtp_rx) {
				Unprotect u = ep.srtp_rx.unprotect(rx_bufs_[i].data(), len);
				if (u != Unprotect::ok) {
					ep.rx.on_srtp_failure(u == Unprotect::replay);
					continue;
				}
			}
			RxPacket pkt;
			std::span<const uint8_t> data(rx_bufs_[i].data(), len);
			if (parse_packet(data, pkt))
				ep.rx.on_packet(pkt,
				                rx_time(rx_msgs_[i].msg_hdr, realtime_to_mono, now),
				                latency_);
			else
				ep.rx.on_foreign();
		}
		if (!was_flowing && ep.rx.flowing())
			flowing_++;
		if (static_cast<size_t>(n) < kBatch)
			return;
	}
}

void MediaEngine::sleep_then_receive(int64_t wake_ns)
{
	timespec ts{};
	ts.tv_sec = wake_ns / kNsPerSec;
	ts.tv_nsec = wake_ns % kNsPerSec;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
	}
	std::array<epoll_event, kEventsPerWait> events;
	for (;;) {
		int n = epoll_wait(epoll_.get(), events.data(), kEventsPerWait, 0);
		for (int i = 0; i < n; i++)
			receive(eps_[events[i].data.u64]);
		if (n < kEventsPerWait)
			return;
	}
}

void MediaEngine::run_until(int64_t deadline_ns, const std::function<bool()>& done)
{
	int64_t tick = mono_ns();
	for (;;) {
		int64_t now = mono_ns();
		if (now >= deadline_ns || (done && done()))
			return;
		if (sending_)
			send_due(now);
		// Ticks stay on a fixed grid; after a late wake-up the next one is the next grid
		// point.
		tick += cfg_.tick_ns;
		if (tick < now)
			tick = now + cfg_.tick_ns - (now - tick) % cfg_.tick_ns;
		sleep_then_receive(std::min(tick, deadline_ns));
	}
}

uint64_t MediaEngine::socket_drops() const
{
	uint64_t drops = 0;
	for (const Endpoint& ep : eps_) {
		uint32_t mem[SK_MEMINFO_VARS] = {};
		socklen_t len = sizeof mem;
		if (getsockopt(ep.fd.get(), SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
		    len > SK_MEMINFO_DROPS * sizeof(uint32_t))
			drops += mem[SK_MEMINFO_DROPS];
	}
	return drops;
}

WindowTotals MediaEngine::window_totals() const
{
	WindowTotals t;
	t.send_errors = send_errors_;
	t.skipped = skipped_;
	for (size_t i = 0; i < eps_.size(); i++) {
		const Endpoint& ep = eps_[i];
		t.rx.add(ep.rx.window());
		if (!ep.sends)
			continue;
		const Endpoint& peer = eps_[ep.peer];
		uint64_t got = peer.rx.window().unique;
		uint64_t lost = ep.tx_window > got ? ep.tx_window - got : 0;
		t.sent += ep.tx_window;
		t.lost += lost;
		t.worst_stream_lost = std::max(t.worst_stream_lost, lost);
		if (ep.tx_window > 0 && got == 0)
			t.silent_streams++;
	}
	return t;
}

} // namespace rtpload
