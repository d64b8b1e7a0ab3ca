#include "media/forwarder.h"

#include <linux/net_tstamp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "call/kernelizer.h"
#include "call/media.h"
#include "media/media_loop.h"
#include "media/rtp.h"
#include "util/clock.h"

namespace rtprelay::media {
namespace {

void on_readable(evutil_socket_t, short, void* arg)
{
	auto* s = static_cast<call::Stream*>(arg);
	forward_ready(*s, *s->loop);
}

// Kernel receive time in ns, and the socket's overflow counter, from the control messages.
void read_control(msghdr& h, int64_t& rx_ns, uint32_t& overflows, bool& have_overflows)
{
	for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SO_TIMESTAMPNS) {
			timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			rx_ns = ts.tv_sec * 1000000000 + ts.tv_nsec;
		} else if (c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&overflows, CMSG_DATA(c), sizeof overflows);
			have_overflows = true;
		}
	}
}

// Where a packet of `kind` received on `from` goes: the peer's RTCP stream when RTCP is not
// muxed on the peer's side, else the peer's RTP stream.
call::Stream* target_for(call::Stream& from, bool is_rtcp)
{
	call::Media* peer = from.media.peer;
	if (!peer || !peer->allocated() || peer->rejected)
		return nullptr;
	return is_rtcp && !peer->rtcp_mux ? &peer->rtcp : &peer->rtp;
}

void track_rtp(call::Stream& s, std::span<const uint8_t> p, int64_t rx_ns)
{
	auto h = parse_rtp(p);
	if (!h)
		return;
	uint32_t rate = s.media.clock_rates[h->payload_type];
	uint64_t arrival = rate ? static_cast<uint64_t>(rx_ns / 1000) * rate / 1000000 : 0;
	s.stats.ssrc(h->ssrc).on_packet(h->sequence, h->timestamp, arrival);
}

// Reads and forwards up to kMaxBatchesPerWakeup batches.
void forward_batches(call::Stream& s, MediaLoop& loop)
{
	PacketBatch& b = loop.batch();
	int fd = s.socket->fd.get();
	for (int round = 0; round < kMaxBatchesPerWakeup; round++) {
		b.prepare_receive();
		int n = recvmmsg(fd, b.recv.data(), PacketBatch::kSize, MSG_DONTWAIT, nullptr);
		if (n <= 0)
			return; // EAGAIN: drained (or an error, which a later datagram re-reports)
		int64_t now = util::now_ms();

		call::Stream* targets[2] = {nullptr, nullptr}; // [0] RTP path, [1] RTCP path
		unsigned counts[2] = {0, 0};
		uint32_t overflows = 0;
		bool have_overflows = false;
		for (int i = 0; i < n; i++) {
			auto& h = b.recv[static_cast<size_t>(i)].msg_hdr;
			size_t len = b.recv[static_cast<size_t>(i)].msg_len;
			int64_t rx_ns = now * 1000000;
			read_control(h, rx_ns, overflows, have_overflows);
			std::span<const uint8_t> data(b.buffers[static_cast<size_t>(i)].data(),
			                              len);
			s.stats.packets++;
			s.stats.bytes += len;
			s.stats.last_packet_ms = now;

			auto source = net::Endpoint::from_sockaddr(
			        reinterpret_cast<const sockaddr*>(
			                &b.sources[static_cast<size_t>(i)]),
			        h.msg_namelen);
			if (s.learning.on_packet(source, now) == EndpointLearning::Verdict::kDrop) {
				s.stats.drop(DropReason::kStrictSource);
				continue;
			}
			PacketKind kind = classify(data);
			bool is_rtcp = s.component == call::Stream::Component::kRtcp ||
			               kind == PacketKind::kRtcp;
			if (kind == PacketKind::kRtp &&
			    s.component == call::Stream::Component::kRtp)
				track_rtp(s, data, rx_ns);

			size_t path = is_rtcp ? 1 : 0;
			if (!targets[path]) {
				call::Stream* t = target_for(s, is_rtcp);
				if (!t || !t->socket || !t->learning.destination()) {
					s.stats.drop(DropReason::kNoDestination);
					continue;
				}
				targets[path] = t;
				t->learning.destination()->to_sockaddr(b.destinations[path]);
			}
			auto& out = b.send[path][counts[path]];
			auto& iov = b.send_iov[path][counts[path]];
			iov = {b.buffers[static_cast<size_t>(i)].data(), len};
			out.msg_hdr = {};
			out.msg_hdr.msg_iov = &iov;
			out.msg_hdr.msg_iovlen = 1;
			out.msg_hdr.msg_name = &b.destinations[path];
			out.msg_hdr.msg_namelen =
			        targets[path]->learning.destination()->ip().is_v6()
			                ? sizeof(sockaddr_in6)
			                : sizeof(sockaddr_in);
			counts[path]++;
		}
		if (have_overflows)
			s.stats.drops[static_cast<size_t>(DropReason::kOverload)] =
			        overflows - s.socket->drops_base; // the socket may be recycled

		uint64_t batch_bytes = 0, batch_errors = 0, batch_sent = 0;
		for (size_t path = 0; path < 2; path++) {
			if (!counts[path])
				continue;
			int sent = sendmmsg(targets[path]->socket->fd.get(), b.send[path].data(),
			                    counts[path], MSG_DONTWAIT);
			unsigned ok = sent > 0 ? static_cast<unsigned>(sent) : 0;
			s.stats.forwarded += ok;
			batch_sent += ok;
			for (unsigned k = 0; k < ok; k++)
				batch_bytes += b.send_iov[path][k].iov_len;
			for (unsigned k = ok; k < counts[path]; k++) {
				s.stats.drop(DropReason::kSendError);
				s.stats.errors++;
				batch_errors++;
			}
		}
		auto& totals = loop.counters();
		totals.packets.fetch_add(batch_sent, std::memory_order_relaxed);
		totals.bytes.fetch_add(batch_bytes, std::memory_order_relaxed);
		totals.errors.fetch_add(batch_errors, std::memory_order_relaxed);
		if (static_cast<size_t>(n) < PacketBatch::kSize)
			return; // drained: the edge-triggered event fires again on the next
			        // datagram
	}
	// More is queued but others get their turn first; come back to this socket after them.
	event_active(s.read_event.get(), EV_READ, 1);
}

} // namespace

Result<void> watch(call::Stream& stream, MediaLoop& loop)
{
	if (stream.read_event || !stream.socket)
		return {};
	stream.loop = &loop;
	stream.read_event.reset(event_new(loop.loop().base(), stream.socket->fd.get(),
	                                  EV_READ | EV_PERSIST | EV_ET, on_readable, &stream));
	if (!stream.read_event || event_add(stream.read_event.get(), nullptr) != 0)
		return Error{"cannot watch media socket " + stream.socket->local.to_string()};
	return {};
}

void forward_ready(call::Stream& s, MediaLoop& loop)
{
	forward_batches(s, loop);
	// What these packets taught (a confirmed endpoint, a new SSRC) may change what the
	// kernel should do for this stream and its peer's.
	call::kernel_sync_after_packets(s);
}

} // namespace rtprelay::media
