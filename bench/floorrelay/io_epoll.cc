// floorrelay's epoll loop, the I/O rtprelayd's media loops make: edge-triggered readiness, then
// per socket recvmmsg batches until it is drained, each batch sent on with one sendmmsg.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <cstdio>
#include <cstring>

#include "floor.h"

namespace floorrelay {

int run_epoll(Sockets& s)
{
	constexpr size_t kBatch = 32, kBuf = 2048, kControl = 64;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	for (size_t i = 0; i < s.fds.size(); i++) {
		epoll_event e{};
		e.events = EPOLLIN | EPOLLET;
		e.data.u32 = static_cast<uint32_t>(i);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, s.fds[i], &e) != 0) {
			perror("floorrelay: epoll");
			return 1;
		}
	}
	static std::array<std::array<uint8_t, kBuf>, kBatch> bufs;
	static std::array<std::array<uint8_t, kControl>, kBatch> control;
	std::array<sockaddr_in, kBatch> sources;
	std::array<iovec, kBatch> iov, send_iov;
	std::array<mmsghdr, kBatch> recv{}, send{};
	std::array<epoll_event, 256> events;
	for (;;) {
		int ready = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
		for (int e = 0; e < ready; e++) {
			int i = static_cast<int>(events[static_cast<size_t>(e)].data.u32);
			for (;;) {
				for (size_t k = 0; k < kBatch; k++) {
					iov[k] = {bufs[k].data(), kBuf};
					recv[k].msg_hdr = {
					        &sources[k],       sizeof sources[k], &iov[k], 1,
					        control[k].data(), kControl,          0};
				}
				int n = recvmmsg(s.fds[static_cast<size_t>(i)], recv.data(), kBatch,
				                 MSG_DONTWAIT, nullptr);
				if (n <= 0)
					break;
				s.latch(i, sources[static_cast<size_t>(n - 1)]);
				int o = s.other(i);
				if (s.latched[static_cast<size_t>(o)]) {
					for (size_t k = 0; k < static_cast<size_t>(n); k++) {
						send_iov[k] = {bufs[k].data(), recv[k].msg_len};
						send[k].msg_hdr = {&s.peers[static_cast<size_t>(o)],
						                   sizeof(sockaddr_in),
						                   &send_iov[k],
						                   1,
						                   nullptr,
						                   0,
						                   0};
					}
					sendmmsg(s.fds[static_cast<size_t>(o)], send.data(),
					         static_cast<unsigned>(n), MSG_DONTWAIT);
				}
				if (static_cast<size_t>(n) < kBatch)
					break;
			}
		}
	}
}

} // namespace floorrelay
