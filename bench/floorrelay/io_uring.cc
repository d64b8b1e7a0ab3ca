// floorrelay's io_uring loop: what the same relay costs with fewer system calls. Every socket
// has a multishot recvmsg armed (one request receives until cancelled) drawing buffers from a
// provided-buffer ring; each received packet becomes a sendmsg request from the same buffer,
// which goes back to the ring when the send completes. One io_uring_enter per loop turn submits
// all sends and collects every completion; sockets are registered files (no fd lookup per op).
#include <liburing.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "floor.h"

namespace floorrelay {
namespace {

constexpr unsigned kBuffers = 4096; // power of two (the ring's mask)
constexpr unsigned kBufSize = 2048;
constexpr int kGroup = 1;
constexpr uint64_t kSendTag = 1ULL << 62; // user_data: a send's buffer id, else a socket index

struct Uring {
	io_uring ring{};
	io_uring_buf_ring* buffers = nullptr;
	std::vector<uint8_t> memory = std::vector<uint8_t>(size_t{kBuffers} * kBufSize);
	msghdr recv_shape{}; // what each received buffer holds: name, control, payload
	std::vector<msghdr> send_msgs = std::vector<msghdr>(kBuffers);
	std::vector<iovec> send_iov = std::vector<iovec>(kBuffers);

	uint8_t* buffer(unsigned id) { return memory.data() + size_t{id} * kBufSize; }
	void give_back(unsigned id)
	{
		io_uring_buf_ring_add(buffers, buffer(id), kBufSize,
		                      static_cast<unsigned short>(id),
		                      io_uring_buf_ring_mask(kBuffers), 0);
		io_uring_buf_ring_advance(buffers, 1);
	}
	io_uring_sqe* sqe()
	{
		io_uring_sqe* e = io_uring_get_sqe(&ring);
		if (!e) { // queue full: submit what is there to make room
			io_uring_submit(&ring);
			e = io_uring_get_sqe(&ring);
		}
		if (!e) { // cannot happen right after a submit; stop rather than lose track
			fprintf(stderr, "floorrelay: io_uring submission queue stuck\n");
			abort();
		}
		return e;
	}
	void arm_receive(int socket)
	{
		io_uring_sqe* e = sqe();
		io_uring_prep_recvmsg_multishot(e, socket, &recv_shape, 0);
		e->flags |= IOSQE_BUFFER_SELECT | IOSQE_FIXED_FILE;
		e->buf_group = kGroup;
		io_uring_sqe_set_data64(e, static_cast<uint64_t>(socket));
	}
};

int fail(const char* what, int err)
{
	fprintf(stderr, "floorrelay: %s: %s\n", what, strerror(-err));
	return 1;
}

} // namespace

int run_uring(Sockets& s)
{
	static Uring u;
	io_uring_params p{};
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
	p.cq_entries = 65536;
	if (int r = io_uring_queue_init_params(4096, &u.ring, &p); r < 0)
		return fail("io_uring setup", r);
	void* ring_mem = mmap(nullptr, kBuffers * sizeof(io_uring_buf), PROT_READ | PROT_WRITE,
	                      MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (ring_mem == MAP_FAILED)
		return fail("buffer ring", -errno);
	u.buffers = static_cast<io_uring_buf_ring*>(ring_mem);
	io_uring_buf_ring_init(u.buffers);
	io_uring_buf_reg reg{};
	reg.ring_addr = reinterpret_cast<uintptr_t>(ring_mem);
	reg.ring_entries = kBuffers;
	reg.bgid = kGroup;
	if (int r = io_uring_register_buf_ring(&u.ring, &reg, 0); r < 0)
		return fail("register buffer ring", r);
	for (unsigned id = 0; id < kBuffers; id++)
		u.give_back(id);
	if (int r = io_uring_register_files(&u.ring, s.fds.data(),
	                                    static_cast<unsigned>(s.fds.size()));
	    r < 0)
		return fail("register sockets", r);
	u.recv_shape.msg_namelen = sizeof(sockaddr_in);
	u.recv_shape.msg_controllen = 64; // room for the same control messages as the epoll loop
	for (size_t i = 0; i < s.fds.size(); i++)
		u.arm_receive(static_cast<int>(i));

	for (;;) {
		io_uring_submit_and_wait(&u.ring, 1);
		io_uring_cqe* cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&u.ring, head, cqe)
		{
			seen++;
			uint64_t tag = io_uring_cqe_get_data64(cqe);
			if (tag & kSendTag) {
				u.give_back(static_cast<unsigned>(tag & 0xffff));
				continue;
			}
			int i = static_cast<int>(tag);
			if (!(cqe->flags &
			      IORING_CQE_F_MORE)) // ended (out of buffers, error): re-arm
				u.arm_receive(i);
			if (cqe->res < 0 || !(cqe->flags & IORING_CQE_F_BUFFER))
				continue;
			unsigned id = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
			auto* out =
			        io_uring_recvmsg_validate(u.buffer(id), cqe->res, &u.recv_shape);
			int o = s.other(i);
			if (!out || out->namelen < sizeof(sockaddr_in)) {
				u.give_back(id);
				continue;
			}
			sockaddr_in from;
			memcpy(&from, io_uring_recvmsg_name(out), sizeof from);
			s.latch(i, from);
			if (!s.latched[static_cast<size_t>(o)]) {
				u.give_back(id);
				continue;
			}
			u.send_iov[id] = {
			        io_uring_recvmsg_payload(out, &u.recv_shape),
			        io_uring_recvmsg_payload_length(out, cqe->res, &u.recv_shape)};
			u.send_msgs[id] = {&s.peers[static_cast<size_t>(o)],
			                   sizeof(sockaddr_in),
			                   &u.send_iov[id],
			                   1,
			                   nullptr,
			                   0,
			                   0};
			io_uring_sqe* e = u.sqe();
			io_uring_prep_sendmsg(e, o, &u.send_msgs[id], MSG_DONTWAIT);
			e->flags |= IOSQE_FIXED_FILE;
			io_uring_sqe_set_data64(e, kSendTag | id);
		}
		io_uring_cq_advance(&u.ring, seen);
	}
}

} // namespace floorrelay
