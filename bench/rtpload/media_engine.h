// Both media endpoints of every call on one thread: one non-blocking UDP socket per endpoint,
// a paced send schedule spread evenly over all sending streams, and a tick loop: sleep
// (clock_nanosleep) until the next tick, send what is due (sendmmsg per stream), then harvest
// every socket epoll reports ready (recvmmsg). Waking per tick rather than per packet keeps the
// generator's own CPU cost and context switches low; latency uses the kernel's receive
// timestamp, so waiting for the tick does not add to it. Endpoints 2i/2i+1 form call i.
// An endpoint given SRTP sessions protects what it sends and unprotects what it receives, in
// place; a packet that fails to unprotect counts as not received.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "histogram.h"
#include "result.h"
#include "rtp_packet.h"
#include "rx_stream.h"
#include "srtp_session.h"
#include "unique_fd.h"

namespace rtpload {

struct EngineConfig {
	in_addr local{};
	uint32_t port_min = 50000; // endpoints bind even ports upwards from here
	uint32_t port_max = 59999;
	size_t endpoints = 2;
	size_t payload_len = 160;
	int rcvbuf = 1 << 20;
	int sndbuf = 1 << 20;
	int64_t tick_ns = 1'000'000;         // wake-up period: send and receive granularity
	int64_t max_backlog_ns = 20'000'000; // a late generator skips packets older than this
};

struct WindowTotals {
	uint64_t sent = 0;        // packets of the measured epoch handed to the kernel
	uint64_t send_errors = 0; // packets the kernel refused (counted, not sent)
	uint64_t skipped = 0;     // packets not sent because the generator fell behind
	uint64_t lost = 0;        // sent - received, summed per stream
	uint64_t worst_stream_lost = 0;
	size_t silent_streams = 0; // streams that sent but received nothing in the window
	RxCounters rx;
};

class MediaEngine {
public:
	static Result<std::unique_ptr<MediaEngine>> create(const EngineConfig& cfg);

	size_t size() const { return eps_.size(); }
	uint16_t local_port(size_t ep) const { return eps_[ep].port; }
	// The endpoint's socket, for a DTLS handshake before the engine runs.
	int fd(size_t ep) const { return eps_[ep].fd.get(); }
	// Endpoint a sends to a_dest and b to b_dest; each receives the other's stream.
	void pair(size_t a, size_t b, const sockaddr_in& a_dest, const sockaddr_in& b_dest);
	// Endpoint `ep` speaks SRTP from now on: `tx` protects what it sends, `rx` unprotects
	// what it receives (replacing any earlier sessions).
	void set_srtp(size_t ep, SrtpSession tx, SrtpSession rx);

	// (Re)starts the schedule now: every paired endpoint sends `pps` packets per second.
	void start_pacing(double pps);
	void stop_sending() { sending_ = false; }
	// Packets sent from now on carry `epoch`; window counters restart on both sides.
	void set_epoch(uint8_t epoch);
	// Sends and receives until `deadline_ns`, or until `done()` returns true.
	void run_until(int64_t deadline_ns, const std::function<bool()>& done = {});

	size_t sending_streams() const { return senders_.size(); }
	size_t flowing_streams() const { return flowing_; }
	WindowTotals window_totals() const;
	const Histogram& latency() const { return latency_; }
	int64_t max_lag_ns() const { return max_lag_ns_; }
	// Packets the kernel dropped at the endpoints' full receive queues (SO_MEMINFO).
	uint64_t socket_drops() const;

private:
	static constexpr size_t kBatch = 64;
	static constexpr size_t kRxBufLen = 2048;

	struct Endpoint {
		UniqueFd fd;
		uint16_t port = 0;
		bool sends = false;
		size_t peer = 0; // the endpoint receiving this one's stream
		sockaddr_in dest{};
		TxStream tx;
		uint64_t tx_window = 0;
		RxStream rx;
		SrtpSession srtp_tx; // empty: plain RTP
		SrtpSession srtp_rx;
	};

	MediaEngine() = default;
	void send_due(int64_t now);
	void send_burst(Endpoint& ep, uint64_t count);
	void receive(Endpoint& ep);
	void sleep_then_receive(int64_t wake_ns);

	EngineConfig cfg_;
	size_t pkt_len_ = 0; // RTP packet as sent; SRTP adds its tag
	std::vector<Endpoint> eps_;
	std::vector<size_t> senders_;
	UniqueFd epoll_;

	bool sending_ = false;
	int64_t t0_ = 0;
	double interval_ns_ = 0; // between consecutive packets of the whole schedule
	uint64_t scheduled_ = 0; // packets of the schedule sent or skipped so far
	int64_t max_lag_ns_ = 0;
	uint8_t epoch_ = 0;
	size_t flowing_ = 0;
	uint64_t send_errors_ = 0;
	uint64_t skipped_ = 0;
	Histogram latency_;

	std::vector<std::vector<uint8_t>> tx_bufs_; // pkt_len_ + room for an SRTP trailer
	std::array<iovec, kBatch> tx_iov_{};
	std::array<mmsghdr, kBatch> tx_msgs_{};
	std::vector<std::array<uint8_t, kRxBufLen>> rx_bufs_;
	std::array<iovec, kBatch> rx_iov_{};
	std::array<sockaddr_in, kBatch> rx_from_{};
	std::array<std::array<char, 64>, kBatch> rx_cmsg_{};
	std::array<mmsghdr, kBatch> rx_msgs_{};
};

} // namespace rtpload
