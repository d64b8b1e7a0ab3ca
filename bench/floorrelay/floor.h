// floorrelay: the least work a userspace RTP relay can do per packet, as a reference for the
// benchmark. It answers ng offer/answer with a fixed port pair per call, latches each socket's
// peer from the packets it receives, and forwards a packet received on one socket of a pair out
// of the other to that socket's latched peer. No statistics, learning window, timeouts, SDP
// model or call state: what it costs per packet is the system calls and the kernel's own work,
// so its CPU per packet bounds what any relay making the same calls can reach on this machine.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

namespace floorrelay {

// The media sockets: pair k is sockets 2k (the caller sends there) and 2k+1 (the callee's).
struct Sockets {
	std::vector<int> fds;
	std::vector<sockaddr_in> peers; // last source seen on each socket
	std::vector<uint8_t> latched;   // whether peers[i] is known

	int other(int i) const { return i ^ 1; }
	// Records the source of a packet received on socket i.
	void latch(int i, const sockaddr_in& from)
	{
		peers[static_cast<size_t>(i)] = from;
		latched[static_cast<size_t>(i)] = 1;
	}
};

// Forwarding loops; each returns only on a setup error, with a message on stderr.
int run_epoll(Sockets& s);
int run_uring(Sockets& s);

// Answers ng requests on fd forever (a thread of its own): ping, offer, answer, delete. The
// SDPs it returns carry `address`, where the media sockets are bound. With `hop`, the thread
// that receives a request hands it to a second thread (a queue and an eventfd), which answers:
// the two wake-ups per command of a relay whose control thread passes each command to the
// thread owning the call, as rtprelayd's does to a media loop.
void serve_ng(int fd, std::string address, uint16_t port_min, size_t pairs, bool hop);

} // namespace floorrelay
