// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/uring_engine.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "media/media_loop.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strings.h"
#include "util/unique_fd.h"

namespace rtprelay::media {
namespace {

// A completion's user_data: what it completes, in the top two bits; a receive's slot and its
// generation, or a send's buffer.
enum class Tag : uint64_t { kReceive = 0, kSend = 1, kWakeup = 2, kFiles = 3 };
constexpr int kTagShift = 62;
constexpr int kGroup = 0; // the provided-buffer group
constexpr unsigned kQueueDepth = 1024;
constexpr unsigned kCompletions = 8192;
// Slots with a place in the file table: sockets watched by one loop at a time, beyond which
// sends look their socket up. The kernel holds 8 bytes per place.
constexpr unsigned kFixedFiles = 16384;
constexpr int kNoFile = -1; // what a cleared place holds

uint64_t receive_tag(uint32_t slot, uint32_t generation)
{
	return (uint64_t{generation} << 24) | slot;
}
Tag tag_of(uint64_t data)
{
	return static_cast<Tag>(data >> kTagShift);
}
uint64_t tagged(Tag t, uint64_t v)
{
	return (static_cast<uint64_t>(t) << kTagShift) | v;
}

Error uring_error(const char* what, int err)
{
	return Error{strprintf("%s: %s", what, strerror(-err))};
}

// The ring every engine (and the probe) sets up: one submitter, its completions run when it
// asks for them rather than by interrupting it.
int init_ring(io_uring& ring)
{
	io_uring_params p{};
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
	p.cq_entries = kCompletions;
	return io_uring_queue_init_params(kQueueDepth, &ring, &p);
}

// A provided-buffer ring of `entries` (a power of two), empty, registered as kGroup; the
// caller unmaps it (entries * sizeof(io_uring_buf)) after the ring has gone.
Result<io_uring_buf_ring*> register_buf_ring(io_uring& ring, unsigned entries)
{
	void* mem = mmap(nullptr, entries * sizeof(io_uring_buf), PROT_READ | PROT_WRITE,
	                 MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (mem == MAP_FAILED)
		return Error{strerror(errno)};
	auto* br = static_cast<io_uring_buf_ring*>(mem);
	io_uring_buf_ring_init(br);
	io_uring_buf_reg reg{};
	reg.ring_addr = reinterpret_cast<uintptr_t>(mem);
	reg.ring_entries = entries;
	reg.bgid = kGroup;
	if (int r = io_uring_register_buf_ring(&ring, &reg, 0); r < 0) {
		munmap(mem, entries * sizeof(io_uring_buf));
		return Error{strerror(-r)};
	}
	return br;
}

// The probe, on a thread of its own (a ring with one submitter belongs to its creator's).
Result<void> probe_on_this_thread()
{
	io_uring ring{};
	if (int r = init_ring(ring); r < 0) {
		if (r == -EPERM || r == -ENOSYS)
			return uring_error(
			        "io_uring_setup refused (seccomp, or kernel.io_uring_disabled)", r);
		return uring_error("io_uring_setup (a kernel before 6.1 lacks DEFER_TASKRUN)", r);
	}
	struct Cleanup {
		io_uring& r;
		~Cleanup() { io_uring_queue_exit(&r); }
	} cleanup{ring};

	constexpr unsigned kProbeBuffers = 4;
	auto br = register_buf_ring(ring, kProbeBuffers);
	if (!br)
		return Error{"provided-buffer ring (kernel 5.19+): " + br.error().reason};
	struct Unmap {
		io_uring_buf_ring* r;
		~Unmap() { munmap(r, kProbeBuffers * sizeof(io_uring_buf)); }
	} unmap{*br};
	static thread_local uint8_t bufs[kProbeBuffers][512];
	for (unsigned short i = 0; i < kProbeBuffers; i++)
		io_uring_buf_ring_add(*br, bufs[i], sizeof bufs[i], i,
		                      io_uring_buf_ring_mask(kProbeBuffers), i);
	io_uring_buf_ring_advance(*br, kProbeBuffers);

	UniqueFd s(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof a;
	if (!s || bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
	    getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &alen) != 0)
		return Error{strprintf("probe socket: %s", strerror(errno))};
	msghdr shape{};
	shape.msg_namelen = sizeof(sockaddr_in6);
	io_uring_sqe* e = io_uring_get_sqe(&ring);
	io_uring_prep_recvmsg_multishot(e, s.get(), &shape, 0);
	e->flags |= IOSQE_BUFFER_SELECT;
	e->buf_group = kGroup;
	const char hello[] = "probe";
	if (sendto(s.get(), hello, sizeof hello, 0, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
		return Error{strprintf("probe send: %s", strerror(errno))};
	io_uring_cqe* cqe = nullptr;
	__kernel_timespec ts{1, 0};
	if (int r = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, nullptr); r < 0)
		return uring_error("waiting for a multishot recvmsg", r);
	int res = cqe->res;
	bool more = cqe->flags & IORING_CQE_F_MORE;
	io_uring_cqe_seen(&ring, cqe);
	if (res < 0)
		return uring_error("multishot recvmsg (kernel 6.0+)", res);
	if (!more)
		return Error{"multishot recvmsg ended after one datagram"};
	io_uring_sync_cancel_reg cancel{};
	cancel.fd = s.get();
	cancel.flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
	cancel.timeout = {-1, -1};
	if (int r = io_uring_register_sync_cancel(&ring, &cancel); r < 0)
		return uring_error("synchronous cancellation (kernel 6.0+)", r);
	return {};
}

} // namespace

Result<void> UringEngine::probe()
{
	Result<void> result = Error{"not probed"};
	try {
		std::thread t([&] { result = probe_on_this_thread(); });
		t.join();
	} catch (const std::system_error& e) {
		return Error{std::string("cannot start the probe's thread: ") + e.what()};
	}
	return result;
}

// Arming and cancelling a slot's receive; the slot is free once it is destroyed.
class UringEngine::Watch : public ReadWatch {
public:
	Watch(UringEngine& e, uint32_t slot) : engine_(e), slot_(slot) {}
	~Watch() override { engine_.disarm(slot_); }

private:
	UringEngine& engine_;
	uint32_t slot_;
};

UringEngine::UringEngine(MediaLoop& loop)
    : loop_(loop), buffers_(size_t{kBuffers} * kBufferSize), sends_(kBuffers),
      sent_(loop.traffic().addresses())
{
	// Room for an IPv6 source, rounded up so that the control messages behind it (at 16 +
	// namelen in the buffer) start 8-byte aligned, as cmsghdr must.
	recv_shape_.msg_namelen = (sizeof(sockaddr_in6) + 7) & ~size_t{7};
	recv_shape_.msg_controllen = kControlSize;
}

Result<std::unique_ptr<UringEngine>> UringEngine::create(MediaLoop& loop)
{
	std::unique_ptr<UringEngine> e(new UringEngine(loop));
	if (auto r = e->setup(); !r)
		return r.error();
	return e;
}

Result<void> UringEngine::setup()
{
	if (int r = init_ring(ring_); r < 0)
		return uring_error("io_uring_setup", r);
	ring_ready_ = true;
	auto br = register_buf_ring(ring_, kBuffers);
	if (!br)
		return Error{"provided-buffer ring: " + br.error().reason};
	buf_ring_ = *br;
	for (unsigned id = 0; id < kBuffers; id++)
		give_back(id);
	// No more places than descriptors the process may have open (the kernel's own limit).
	rlimit nofile{};
	getrlimit(RLIMIT_NOFILE, &nofile);
	auto places = static_cast<unsigned>(std::min<rlim_t>(kFixedFiles, nofile.rlim_cur));
	if (int r = io_uring_register_files_sparse(&ring_, places); r == 0) {
		fixed_count_ = places;
		fixed_fds_ = std::make_unique<int[]>(places);
	} else {
		log::warn(log::Subsystem::kCore,
		          "io_uring: no registered-file table (%s): sends look sockets up",
		          strerror(-r));
	}
	wakeup_fd_ = loop_.loop().wakeup_fd();
	arm_wakeup();
	return {};
}

UringEngine::~UringEngine()
{
	if (ring_ready_)
		io_uring_queue_exit(&ring_);
	if (buf_ring_)
		munmap(buf_ring_, kBuffers * sizeof(io_uring_buf));
}

void UringEngine::give_back(unsigned id)
{
	io_uring_buf_ring_add(buf_ring_, buffer(id), kBufferSize, static_cast<unsigned short>(id),
	                      io_uring_buf_ring_mask(kBuffers), 0);
	io_uring_buf_ring_advance(buf_ring_, 1);
}

io_uring_sqe* UringEngine::sqe()
{
	io_uring_sqe* e = io_uring_get_sqe(&ring_);
	if (!e) { // the queue is full: submit what is there to make room
		io_uring_submit(&ring_);
		e = io_uring_get_sqe(&ring_);
	}
	if (!e) { // cannot happen right after a submit
		log::err(log::Subsystem::kCore, "io_uring submission queue stuck");
		abort();
	}
	return e;
}

std::unique_ptr<ReadWatch> UringEngine::watch(Stream::Receiver& r)
{
	uint32_t slot;
	if (free_slots_.empty()) {
		slot = static_cast<uint32_t>(slots_.size());
		slots_.emplace_back().index = slot;
	} else {
		slot = free_slots_.back();
		free_slots_.pop_back();
	}
	Slot& s = slots_[slot];
	s.receiver = &r;
	s.stream = r.stream;
	s.socket = r.socket;
	s.address = r.socket->address;
	s.rearm = false;
	arm(slot);
	register_file(slot);
	return std::make_unique<Watch>(*this, slot);
}

void UringEngine::register_file(uint32_t slot)
{
	Slot& s = slots_[slot];
	if (slot >= fixed_count_ || !s.socket->parks)
		return;
	fixed_fds_[slot] = s.socket->fd.get();
	io_uring_sqe* e = sqe();
	io_uring_prep_files_update(e, &fixed_fds_[slot], 1, static_cast<int>(slot));
	e->flags |= IOSQE_CQE_SKIP_SUCCESS;
	io_uring_sqe_set_data64(e, tagged(Tag::kFiles, receive_tag(slot, s.generation)));
	s.socket->fixed = static_cast<int>(slot);
	s.socket->fixed_in = this;
}

void UringEngine::unregister_file(uint32_t slot)
{
	Slot& s = slots_[slot];
	if (s.socket->fixed_in != this)
		return;
	s.socket->fixed = -1;
	s.socket->fixed_in = nullptr;
	io_uring_sqe* e = sqe();
	io_uring_prep_files_update(e, const_cast<int*>(&kNoFile), 1, static_cast<int>(slot));
	e->flags |= IOSQE_CQE_SKIP_SUCCESS;
	// The generation that is leaving: a failure never touches the slot's next socket.
	io_uring_sqe_set_data64(e, tagged(Tag::kFiles, receive_tag(slot, s.generation)));
}

// An update of the file table failed (the kernel found no memory for it): the socket sends
// without its place; a place that could not be cleared is taken over by the next install.
void UringEngine::file_update_failed(const io_uring_cqe& cqe)
{
	uint64_t data = io_uring_cqe_get_data64(&cqe);
	auto index = static_cast<uint32_t>(data & 0xffffff);
	auto generation = static_cast<uint32_t>((data >> 24) & 0xffffffff);
	log::err(log::Subsystem::kCore, "io_uring: cannot update the file table at %u: %s", index,
	         strerror(-cqe.res));
	Slot& s = slots_[index];
	if (s.generation == generation && s.socket && s.socket->fixed_in == this) {
		s.socket->fixed = -1;
		s.socket->fixed_in = nullptr;
	}
}

void UringEngine::arm_wakeup()
{
	io_uring_sqe* e = sqe();
	io_uring_prep_poll_multishot(e, wakeup_fd_, POLLIN);
	io_uring_sqe_set_data64(e, tagged(Tag::kWakeup, 0));
}

void UringEngine::arm(uint32_t slot)
{
	Slot& s = slots_[slot];
	io_uring_sqe* e = sqe();
	io_uring_prep_recvmsg_multishot(e, s.socket->fd.get(), &recv_shape_, 0);
	e->flags |= IOSQE_BUFFER_SELECT;
	e->buf_group = kGroup;
	io_uring_sqe_set_data64(e, tagged(Tag::kReceive, receive_tag(slot, s.generation)));
}

void UringEngine::disarm(uint32_t slot)
{
	Slot& s = slots_[slot];
	if (run_ == &s) // its stream is going: nothing may call into it any more
		run_ = nullptr;
	unregister_file(slot);
	if (batching_ > 0) {
		disarming_.push_back(slot);
		return;
	}
	// The arming may still wait in the submission queue: out first, so that the
	// cancellation below finds it. Sends carry MSG_DONTWAIT: they end when submitted (a full
	// socket buffer fails them), so the receive is the one request that keeps the socket.
	io_uring_submit(&ring_);
	cancel_receive(slot);
}

// The slot's receive, submitted: cancelled, and the slot free.
void UringEngine::cancel_receive(uint32_t slot)
{
	Slot& s = slots_[slot];
	// By its user_data, which picks one bucket of the kernel's table: by fd the kernel
	// walks every request of the ring, which made call teardown cost grow with the calls
	// (a quarter of the relay's CPU in call setup at 16 in flight). Not found: it ended (a
	// receive waiting to be re-armed).
	io_uring_sync_cancel_reg cancel{};
	cancel.addr = tagged(Tag::kReceive, receive_tag(slot, s.generation));
	cancel.timeout = {-1, -1};
	if (int r = io_uring_register_sync_cancel(&ring_, &cancel); r < 0 && r != -ENOENT)
		log::err(log::Subsystem::kCore,
		         "io_uring: cannot cancel the requests on a media socket: %s",
		         strerror(-r));
	s.receiver = nullptr;
	s.stream = nullptr;
	s.socket = nullptr;
	s.rearm = false;
	s.generation++;
	free_slots_.push_back(slot);
}

UringEngine::DisarmBatch::DisarmBatch(const MediaLoop& loop) : engine_(loop.uring())
{
	if (engine_)
		engine_->batching_++;
}

UringEngine::DisarmBatch::~DisarmBatch()
{
	if (!engine_ || --engine_->batching_ > 0 || engine_->disarming_.empty())
		return;
	io_uring_submit(&engine_->ring_); // as disarm() does, once for them all
	for (uint32_t slot : engine_->disarming_)
		engine_->cancel_receive(slot);
	engine_->disarming_.clear();
}

void UringEngine::run(event::Loop& events)
{
	event_base* base = events.base();
	auto events_at = std::chrono::steady_clock::now();
	for (;;) {
		__kernel_timespec ts{0, kEventsEveryMs * 1000000LL};
		io_uring_cqe* cqe = nullptr;
		io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
		reap();
		// Posted work straight from the queue; libevent's own pass (timers) only every
		// kEventsEveryMs. Each pass starts by clearing a break: checked after each.
		if (events_due_) {
			events_due_ = false;
			events.run_posted();
			if (event_base_got_break(base))
				return;
		}
		auto now = std::chrono::steady_clock::now();
		if (now - events_at >= std::chrono::milliseconds(kEventsEveryMs)) {
			events_at = now;
			event_base_loop(base, EVLOOP_NONBLOCK);
			if (event_base_got_break(base))
				return;
		}
	}
}

// Sends and the wake-up first, then receives: a send's result is counted outside the run of
// any stream's datagrams (media/packet_path.h's Tally).
void UringEngine::reap()
{
	// Only the completions there now: a send submitted while taking them (the queue was
	// full) may complete inline and is left for the next turn.
	unsigned ready = io_uring_cq_ready(&ring_);
	unsigned head = *ring_.cq.khead;
	auto at = [&](unsigned i) -> io_uring_cqe& {
		return ring_.cq.cqes[(head + i) & ring_.cq.ring_mask];
	};
	for (unsigned i = 0; i < ready; i++) {
		io_uring_cqe& cqe = at(i);
		Tag t = tag_of(io_uring_cqe_get_data64(&cqe));
		if (t == Tag::kSend) {
			complete_send(cqe);
		} else if (t == Tag::kWakeup) {
			events_due_ = true;
			if (!(cqe.flags & IORING_CQE_F_MORE)) // the poll ended: arm it again
				arm_wakeup();
		} else if (t == Tag::kFiles) {
			file_update_failed(cqe);
		}
	}
	flush_sent();
	int64_t now = util::now_ms();
	for (unsigned i = 0; i < ready; i++)
		if (tag_of(io_uring_cqe_get_data64(&at(i))) == Tag::kReceive)
			receive(at(i), now);
	end_run();
	io_uring_cq_advance(&ring_, ready);
	for (uint32_t index : to_rearm_) {
		Slot& slot = slots_[index];
		if (slot.rearm) { // not disarmed since
			slot.rearm = false;
			arm(index);
		}
	}
	to_rearm_.clear();
}

void UringEngine::complete_send(const io_uring_cqe& cqe)
{
	auto id = static_cast<unsigned>(io_uring_cqe_get_data64(&cqe) & 0xffff);
	Send& send = sends_[id];
	give_back(id);
	bool ok = cqe.res >= 0;
	TrafficCount& by_address = sent_[send.address];
	if (ok) {
		by_address.packets++;
		by_address.bytes += send.iov.iov_len;
	} else {
		by_address.errors++;
	}
	Slot& slot = slots_[send.slot];
	if (slot.generation != send.generation || !slot.stream)
		return; // the stream has gone since; the loop's traffic still counts it
	Stream& s = *slot.stream;
	if (ok) {
		s.stats.forwarded++;
	} else {
		s.drop(DropReason::kSendError);
		s.stats.errors++;
	}
}

void UringEngine::flush_sent()
{
	TrafficCount total;
	for (size_t a = 0; a < sent_.size(); a++) {
		TrafficCount& c = sent_[a];
		if (!c.packets && !c.errors)
			continue;
		loop_.traffic().add(a, Direction::kOut, Path::kUserspace, c.packets, c.bytes,
		                    c.errors);
		total += c;
		c = {};
	}
	if (total.packets || total.errors)
		loop_.counters().user.add(total.packets, total.bytes, total.errors);
}

void UringEngine::receive(const io_uring_cqe& cqe, int64_t now_ms)
{
	uint64_t data = io_uring_cqe_get_data64(&cqe);
	auto index = static_cast<uint32_t>(data & 0xffffff);
	auto generation = static_cast<uint32_t>((data >> 24) & 0xffffffff);
	bool has_buffer = cqe.flags & IORING_CQE_F_BUFFER;
	unsigned id = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
	Slot* slot = index < slots_.size() ? &slots_[index] : nullptr;
	if (!slot || slot->generation != generation || !slot->receiver) {
		if (has_buffer) // for a receiver gone since: nobody's now
			give_back(id);
		return;
	}
	if (!(cqe.flags & IORING_CQE_F_MORE)) { // ended: out of buffers, or an error the next
		slot->rearm = true;             // one re-reports
		to_rearm_.push_back(index);
	}
	if (!has_buffer)
		return;
	if (cqe.res < 0) {
		give_back(id);
		return;
	}
	forward(*slot, id, cqe.res, now_ms);
}

// One datagram of the slot's socket through the packet path, and out as a send from its
// buffer, or its buffer back at once.
void UringEngine::forward(Slot& slot, unsigned id, int len, int64_t now_ms)
{
	Stream& s = *slot.stream;
	if (run_ != &slot) {
		end_run();
		run_ = &slot;
		run_out_.clear();
		run_before_ = Tally::of(s.stats);
	}
	uint8_t* buf = buffer(id);
	io_uring_recvmsg_out* m = io_uring_recvmsg_validate(buf, len, &recv_shape_);
	if (!m) {
		give_back(id);
		return;
	}
	if (m->flags & MSG_TRUNC) { // never forwarded cut, nor counted as received
		s.drop(DropReason::kOversize);
		give_back(id);
		return;
	}
	auto* payload = static_cast<uint8_t*>(io_uring_recvmsg_payload(m, &recv_shape_));
	Datagram d;
	d.data = payload;
	d.len = io_uring_recvmsg_payload_length(m, len, &recv_shape_);
	d.capacity = static_cast<size_t>(buf + kBufferSize - payload);
	d.source = static_cast<const sockaddr*>(io_uring_recvmsg_name(m));
	d.source_len = std::min<socklen_t>(m->namelen, recv_shape_.msg_namelen);
	// io_uring puts the control messages right after the room for the source.
	d.control = static_cast<uint8_t*>(io_uring_recvmsg_name(m)) + recv_shape_.msg_namelen;
	d.control_len = m->controllen;
	auto local = static_cast<size_t>(slot.receiver - s.receivers.data());
	auto path = take(s, loop_, local, d, now_ms, run_out_);
	if (!path) {
		give_back(id);
		return;
	}
	Stream& sink = *run_out_.sinks[*path];
	Send& send = sends_[id];
	socklen_t to_len = run_out_.destination_lens[*path];
	memcpy(&send.to, &run_out_.destinations[*path], to_len);
	send.iov = {d.data, d.len};
	send.msg = {};
	send.msg.msg_name = &send.to;
	send.msg.msg_namelen = to_len;
	send.msg.msg_iov = &send.iov;
	send.msg.msg_iovlen = 1;
	send.slot = slot.index;
	send.generation = slot.generation;
	send.address = sink.socket->address;
	io_uring_sqe* e = sqe();
	if (sink.socket->fixed_in == this) {
		io_uring_prep_sendmsg(e, sink.socket->fixed, &send.msg, MSG_DONTWAIT);
		e->flags |= IOSQE_FIXED_FILE;
	} else {
		io_uring_prep_sendmsg(e, sink.socket->fd.get(), &send.msg, MSG_DONTWAIT);
	}
	io_uring_sqe_set_data64(e, tagged(Tag::kSend, id));
}

// The end of a run of one socket's datagrams: its overflows, its traffic, and what its
// packets taught the call layer.
void UringEngine::end_run()
{
	if (!run_)
		return;
	Slot& slot = *run_;
	run_ = nullptr;
	Stream& s = *slot.stream;
	take_overflows(s, *slot.receiver, run_out_);
	count_received(s, slot.address, loop_, run_before_, 0);
	s.after_packets(loop_);
}

} // namespace rtprelay::media
