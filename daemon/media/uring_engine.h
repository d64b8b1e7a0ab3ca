// SPDX-License-Identifier: GPL-3.0-or-later
// A media loop on io_uring: every watched socket has one multishot recvmsg armed, drawing
// buffers from the loop's provided-buffer ring; each datagram goes through the same packet
// path as with epoll (media/packet_path.h) and leaves as a sendmsg request from the buffer it
// arrived in, which returns to the ring when the send completes. One io_uring_enter per turn
// submits every send of every stream and waits for the next completions. Work posted to the
// loop runs as soon as its eventfd, polled on the ring, says so; the libevent base (timers,
// DTLS) gets a pass every kEventsEveryMs.
//
// A socket must never reach the next call with a request of the old one still armed on it:
// destroying a watch (or the end of the DisarmBatch it was destroyed in) cancels,
// synchronously, every request on the socket before the socket can go back to its pool, and
// completions that arrive after carry a generation that no longer matches, so they only return
// their buffers.
//
// Sends go out through registered files: a watched socket its pool parks (BoundSocket::parks)
// takes its slot's place in the ring's file table, so that a send skips the descriptor
// lookup and the reference count on the socket's file (fget() alone was 2.9% of the relay's
// samples at 1,000 calls).
// The table's updates ride in the ring with the next submission, no system call of their
// own; the one that clears a slot is submitted before the watch's cancellation, so the
// socket leaves the table before it goes back to its pool.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "event/loop.h"
#include "media/packet_path.h"
#include "media/read_watch.h"
#include "media/stream.h"
#include "media/traffic_counters.h"
#include "util/result.h"

namespace rtprelay::media {

class MediaLoop;

class UringEngine {
public:
	// Provided buffers per loop, and each one's size: room for a datagram as large as the
	// epoll engine's buffers take, after the header, source and control messages io_uring
	// puts in front of it.
	static constexpr unsigned kBuffers = 1024; // a power of two (the ring's mask)
	static constexpr size_t kControlSize = 64;
	static constexpr size_t kBufferSize = PacketBatch::kBufferSize + 128;
	static constexpr int kEventsEveryMs = 50;

	// Whether this kernel and process can run media on io_uring as the engine does (a ring
	// with one submitter, a provided-buffer ring, multishot recvmsg, synchronous
	// cancellation): nothing, or why not. Tries each on a socket of its own.
	static Result<void> probe();

	// On the loop's own thread, which alone may then use it.
	static Result<std::unique_ptr<UringEngine>> create(MediaLoop& loop);
	~UringEngine();
	UringEngine(const UringEngine&) = delete;
	UringEngine& operator=(const UringEngine&) = delete;

	// Loop thread: reads receiver r's socket until the watch is destroyed.
	std::unique_ptr<ReadWatch> watch(Stream::Receiver& r);
	// Runs the loop until `events` is stopped.
	void run(event::Loop& events);

	// While one lives on the loop's thread, destroying a watch takes its socket out of the
	// file table and leaves the rest for the batch's end, which submits once for all of
	// them and then cancels each receive: a call's teardown makes one submission, not one
	// per socket. The watched sockets must outlive the batch. Nothing with epoll.
	class DisarmBatch {
	public:
		explicit DisarmBatch(const MediaLoop& loop);
		~DisarmBatch();
		DisarmBatch(const DisarmBatch&) = delete;
		DisarmBatch& operator=(const DisarmBatch&) = delete;

	private:
		UringEngine* engine_;
	};

private:
	// A watched receiver; `generation` tells its completions from a former occupant's. Its
	// stream and its socket's address are kept here too: the receiver is on the stream's
	// second cache line and the address on the socket's, which a datagram need not touch.
	struct Slot {
		uint32_t index = 0; // in slots_, and in the file table when below fixed_count_
		uint32_t generation = 0;
		Stream::Receiver* receiver = nullptr;
		Stream* stream = nullptr;      // the receiver's
		BoundSocket* socket = nullptr; // the receiver's, when watched
		uint32_t address = 0;          // ... and its address, for the loop's traffic
		bool rearm = false; // its multishot receive ended and must be armed again
	};
	// What a send in flight needs until it completes: the message and where it goes, and
	// whom to count it for.
	struct Send {
		msghdr msg;
		iovec iov;
		sockaddr_storage to;
		uint32_t slot;
		uint32_t generation;
		uint32_t address; // the sink socket's, for the loop's traffic
	};
	class Watch;

	explicit UringEngine(MediaLoop& loop);
	Result<void> setup();
	io_uring_sqe* sqe();
	void arm_wakeup();
	void arm(uint32_t slot);
	void register_file(uint32_t slot);
	void unregister_file(uint32_t slot);
	void file_update_failed(const io_uring_cqe& cqe);
	void disarm(uint32_t slot);
	void cancel_receive(uint32_t slot);
	uint8_t* buffer(unsigned id) { return buffers_.data() + size_t{id} * kBufferSize; }
	void give_back(unsigned id);
	void reap();
	void complete_send(const io_uring_cqe& cqe);
	void receive(const io_uring_cqe& cqe, int64_t now_ms);
	void forward(Slot& slot, unsigned id, int len, int64_t now_ms);
	void end_run();
	void flush_sent();

	MediaLoop& loop_;
	io_uring ring_{};
	bool ring_ready_ = false;
	io_uring_buf_ring* buf_ring_ = nullptr;
	std::vector<uint8_t> buffers_;
	std::vector<Send> sends_; // per buffer
	msghdr recv_shape_{};     // what each received buffer holds: name, control, payload
	std::deque<Slot> slots_;  // grows without moving: a Slot& outlives a watch()
	std::vector<uint32_t> free_slots_;
	// The file table: the descriptor each update reads (stable until submitted) and how
	// many slots have a place (0: the kernel refused a table, and sends look sockets up).
	std::unique_ptr<int[]> fixed_fds_;
	uint32_t fixed_count_ = 0;
	std::vector<uint32_t> to_rearm_;  // slots whose receive ended in this turn
	int batching_ = 0;                // DisarmBatches alive
	std::vector<uint32_t> disarming_; // their slots, to cancel at the end
	bool events_due_ = false;         // work was posted to the libevent base
	int wakeup_fd_ = -1;
	// The stream whose datagrams are being taken (consecutive completions of one socket):
	// its sinks, its counters before, so the loop's traffic and after_packets() run once
	// per run of datagrams rather than per datagram.
	Slot* run_ = nullptr;
	Outgoing run_out_;
	Tally run_before_{};
	// Sends completed in this turn, by local address, added to the loop's traffic at once.
	std::vector<TrafficCount> sent_;
};

} // namespace rtprelay::media
