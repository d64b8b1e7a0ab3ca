// floorrelay --io=epoll|uring --listen-ng=ADDR:PORT --port-min=N --pairs=N [--ng-hop]
// A reference relay for the benchmark (floor.h says what it leaves out, and why). Its media
// sockets are bound to ADDR too, ports port-min .. port-min + 2 * pairs - 1.
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "floor.h"

namespace {

int udp_socket(const char* addr, uint16_t port, int type)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	bool bound = fd >= 0 && inet_pton(AF_INET, addr, &a.sin_addr) == 1 &&
	             bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
	// The previous run's sockets may still exist for a moment: io_uring releases registered
	// files after its process exits, from a kernel worker.
	for (int tries = 0; !bound && errno == EADDRINUSE && tries < 50; tries++) {
		usleep(100000);
		bound = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
	}
	if (!bound) {
		fprintf(stderr, "floorrelay: %s:%u: %s\n", addr, port, strerror(errno));
		exit(1);
	}
	return fd;
}

[[noreturn]] void usage()
{
	fprintf(stderr, "usage: floorrelay --io=epoll|uring --listen-ng=ADDR:PORT "
	                "--port-min=N --pairs=N [--ng-hop]\n");
	exit(2);
}

} // namespace

int main(int argc, char** argv)
{
	std::string io, ng;
	long port_min = 0, pairs = 0;
	bool hop = false;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a.rfind("--io=", 0) == 0)
			io = a.substr(5);
		else if (a.rfind("--listen-ng=", 0) == 0)
			ng = a.substr(12);
		else if (a.rfind("--port-min=", 0) == 0)
			port_min = atol(a.c_str() + 11);
		else if (a.rfind("--pairs=", 0) == 0)
			pairs = atol(a.c_str() + 8);
		else if (a == "--ng-hop")
			hop = true;
		else
			usage();
	}
	size_t colon = ng.rfind(':');
	if ((io != "epoll" && io != "uring") || colon == std::string::npos || port_min < 1 ||
	    pairs < 1 || port_min + 2 * pairs > 65536)
		usage();
	std::string ng_addr = ng.substr(0, colon);

	floorrelay::Sockets s;
	int one = 1;
	for (long i = 0; i < 2 * pairs; i++) {
		int fd = udp_socket(ng_addr.c_str(), static_cast<uint16_t>(port_min + i),
		                    SOCK_DGRAM | SOCK_NONBLOCK);
		// The control messages rtprelayd asks for on its media sockets.
		setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
		setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
		s.fds.push_back(fd);
	}
	s.peers.resize(s.fds.size());
	s.latched.resize(s.fds.size());
	// The ng thread blocks in recvfrom.
	int ng_fd = udp_socket(ng_addr.c_str(), static_cast<uint16_t>(atoi(ng.c_str() + colon + 1)),
	                       SOCK_DGRAM);
	std::thread(floorrelay::serve_ng, ng_fd, ng_addr, static_cast<uint16_t>(port_min),
	            static_cast<size_t>(pairs), hop)
	        .detach();
	return io == "epoll" ? floorrelay::run_epoll(s) : floorrelay::run_uring(s);
}
