// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/forwarder.h"

#include <sys/socket.h>

#include "event/loop.h"
#include "media/media_loop.h"
#include "media/packet_path.h"
#include "media/uring_engine.h"
#include "util/clock.h"

namespace rtprelay::media {
namespace {

// The epoll engine's watch: an edge-triggered libevent read event.
struct EventWatch : ReadWatch {
	event::EventPtr ev{nullptr, event_free};
};

void on_readable(evutil_socket_t, short, void* arg)
{
	auto* r = static_cast<Stream::Receiver*>(arg);
	Stream& s = *r->stream;
	forward_ready(s, *s.loop, static_cast<size_t>(r - s.receivers.data()));
}

// Adds datagram `i` of the batch to the group of `path`, sent as received.
void queue(PacketBatch& b, Outgoing& out, size_t path, size_t i, size_t len)
{
	auto& msg = b.send[path][out.counts[path]];
	auto& iov = b.send_iov[path][out.counts[path]];
	iov = {b.buffers[i].data(), len};
	msg.msg_hdr = {};
	msg.msg_hdr.msg_iov = &iov;
	msg.msg_hdr.msg_iovlen = 1;
	msg.msg_hdr.msg_name = &out.destinations[path];
	msg.msg_hdr.msg_namelen = out.destination_lens[path];
	out.counts[path]++;
}

// Sends both groups out of their sinks' sockets and counts what went and what failed; returns
// the send failures. `r`: where the batch was read.
uint64_t send_out(Stream& s, Stream::Receiver& r, MediaLoop& loop, PacketBatch& b,
                  const Outgoing& out)
{
	take_overflows(s, r, out);

	uint64_t bytes = 0, errors = 0, sent = 0;
	for (size_t path = 0; path < PacketBatch::kPaths; path++) {
		if (!out.counts[path])
			continue;
		int n = sendmmsg(out.sinks[path]->socket->fd.get(), b.send[path].data(),
		                 out.counts[path], MSG_DONTWAIT);
		unsigned ok = n > 0 ? static_cast<unsigned>(n) : 0;
		s.stats.forwarded += ok;
		sent += ok;
		uint64_t path_bytes = 0;
		for (unsigned k = 0; k < ok; k++)
			path_bytes += b.send_iov[path][k].iov_len;
		bytes += path_bytes;
		unsigned failed = out.counts[path] - ok;
		for (unsigned k = 0; k < failed; k++)
			s.drop(DropReason::kSendError);
		s.stats.errors += failed;
		errors += failed;
		loop.traffic().add(out.sinks[path]->socket->address, Direction::kOut,
		                   Path::kUserspace, ok, path_bytes, failed);
	}
	loop.counters().user.add(sent, bytes, errors);
	return errors;
}

// Reads and forwards up to kMaxBatchesPerWakeup batches from receiver `local`; returns the
// send failures.
uint64_t forward_batches(Stream& s, size_t local, MediaLoop& loop)
{
	PacketBatch& b = loop.batch();
	Stream::Receiver& r = s.receivers[local];
	int fd = r.socket->fd.get();
	uint64_t send_errors = 0;
	for (int round = 0; round < kMaxBatchesPerWakeup; round++) {
		b.prepare_receive();
		int n = recvmmsg(fd, b.recv.data(), PacketBatch::kSize, MSG_DONTWAIT, nullptr);
		if (n <= 0)
			return send_errors; // EAGAIN: drained (or an error, which a later datagram
			                    // re-reports)
		int64_t now = util::now_ms();
		Outgoing out;
		for (size_t i = 0; i < static_cast<size_t>(n); i++) {
			// Never forwarded cut. Like a datagram the kernel shed, not counted as
			// received: it is not what the sender sent.
			if (b.truncated(i)) {
				s.drop(DropReason::kOversize);
				continue;
			}
			auto& h = b.recv[i].msg_hdr;
			Datagram d{b.buffers[i].data(),
			           b.recv[i].msg_len,
			           PacketBatch::kBufferSize,
			           reinterpret_cast<const sockaddr*>(&b.sources[i]),
			           h.msg_namelen,
			           h.msg_control,
			           h.msg_controllen};
			if (auto path = take(s, loop, local, d, now, out))
				queue(b, out, *path, i, d.len);
		}
		send_errors += send_out(s, r, loop, b, out);
		if (static_cast<size_t>(n) < PacketBatch::kSize)
			return send_errors; // drained: the edge-triggered event fires again on
			                    // the next datagram
	}
	// More is queued but others get their turn first; come back to this socket after them.
	event_active(static_cast<EventWatch*>(r.watch.get())->ev.get(), EV_READ, 1);
	return send_errors;
}

} // namespace

Result<void> watch(Stream& stream, MediaLoop& loop)
{
	for (Stream::Receiver& r : stream.receivers) {
		if (r.watch || !r.socket)
			continue;
		stream.loop = &loop;
		if (UringEngine* uring = loop.uring()) {
			r.watch = uring->watch(r);
			continue;
		}
		auto w = std::make_unique<EventWatch>();
		w->ev.reset(event_new(loop.loop().base(), r.socket->fd.get(),
		                      EV_READ | EV_PERSIST | EV_ET, on_readable, &r));
		if (!w->ev || event_add(w->ev.get(), nullptr) != 0)
			return Error{"cannot watch media socket " + r.socket->local.to_string()};
		r.watch = std::move(w);
	}
	return {};
}

void stop_watching(Stream& stream)
{
	for (Stream::Receiver& r : stream.receivers)
		r.watch.reset();
}

void forward_ready(Stream& s, MediaLoop& loop, size_t local)
{
	Tally before = Tally::of(s.stats);
	uint64_t send_errors = forward_batches(s, local, loop);
	count_received(s, s.receivers[local].socket->address, loop, before, send_errors);
	s.after_packets(loop);
}

} // namespace rtprelay::media
