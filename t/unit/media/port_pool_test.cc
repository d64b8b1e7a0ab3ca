#include "media/port_pool.h"

#include <cppunit/extensions/HelperMacros.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>
#include <set>
#include <vector>

#include "media/interfaces.h"

using namespace rtprelay;
using namespace rtprelay::media;

class PortPoolTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(PortPoolTest);
	CPPUNIT_TEST(allocates_even_odd_pairs_until_exhausted);
	CPPUNIT_TEST(released_pairs_come_back);
	CPPUNIT_TEST(odd_range_bounds);
	CPPUNIT_TEST(skips_ports_held_elsewhere);
	CPPUNIT_TEST(interfaces_pick_family_and_fall_back);
	CPPUNIT_TEST(without_parking_released_ports_are_closed);
	CPPUNIT_TEST(parked_sockets_come_back_emptied);
	CPPUNIT_TEST(parked_socket_drops_become_the_baseline);
	CPPUNIT_TEST(parking_needs_an_fd_for_every_port);
	CPPUNIT_TEST(receive_buffer_option);
	CPPUNIT_TEST(a_chosen_port_is_leased_again);
	CPPUNIT_TEST(no_socket_at_all_is_said_so);
	CPPUNIT_TEST_SUITE_END();

	static constexpr uint16_t kBase = 36000; // kept clear of the daemon's default range use

	static UniqueFd udp_socket()
	{
		return UniqueFd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	}

	static int bind_to(int fd, uint16_t port)
	{
		sockaddr_storage ss;
		socklen_t len = net::Endpoint(net::IpAddress::loopback_v4(), port).to_sockaddr(ss);
		return bind(fd, reinterpret_cast<sockaddr*>(&ss), len);
	}

	static void send_to(int fd, uint16_t port, size_t size = 20)
	{
		sockaddr_storage ss;
		socklen_t len = net::Endpoint(net::IpAddress::loopback_v4(), port).to_sockaddr(ss);
		std::vector<char> data(size, 'x');
		CPPUNIT_ASSERT(sendto(fd, data.data(), data.size(), 0,
		                      reinterpret_cast<sockaddr*>(&ss), len) == ssize_t(size));
	}

	static bool readable(int fd)
	{
		char c;
		return recv(fd, &c, 1, MSG_DONTWAIT | MSG_TRUNC) >= 0;
	}

public:
	void without_parking_released_ports_are_closed()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 1, {});
		pool.allocate().value(); // released at once
		CPPUNIT_ASSERT_EQUAL(size_t(0), pool.parked_pairs());
		UniqueFd other = udp_socket();
		CPPUNIT_ASSERT_EQUAL(0, bind_to(other.get(), kBase));
	}

	void parked_sockets_come_back_emptied()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 1, {}, true);
		UniqueFd other = udp_socket();
		int rtp_fd;
		{
			auto l = pool.allocate();
			CPPUNIT_ASSERT(l);
			rtp_fd = l->rtp.fd.get();
			send_to(other.get(), kBase); // left unread by the call that ends here
		}
		CPPUNIT_ASSERT_EQUAL(size_t(1), pool.parked_pairs());
		CPPUNIT_ASSERT_EQUAL(size_t(1), pool.free_pairs());
		CPPUNIT_ASSERT(bind_to(other.get(), kBase) != 0); // still ours while parked
		// While parked the port acts closed: a sender is told so (ICMP port unreachable)
		// and nothing is queued for the next call.
		UniqueFd prober = udp_socket();
		sockaddr_storage ss;
		socklen_t len = net::Endpoint(net::IpAddress::loopback_v4(), kBase).to_sockaddr(ss);
		CPPUNIT_ASSERT_EQUAL(0,
		                     connect(prober.get(), reinterpret_cast<sockaddr*>(&ss), len));
		CPPUNIT_ASSERT_EQUAL(ssize_t(1), send(prober.get(), "x", 1, 0));
		char c;
		CPPUNIT_ASSERT(recv(prober.get(), &c, 1, MSG_DONTWAIT) < 0 &&
		               errno == ECONNREFUSED);
		send_to(other.get(), kBase + 1);
		auto l = pool.allocate();
		CPPUNIT_ASSERT(l);
		CPPUNIT_ASSERT_EQUAL(size_t(0), pool.parked_pairs());
		CPPUNIT_ASSERT_EQUAL(size_t(0), pool.free_pairs());
		CPPUNIT_ASSERT_EQUAL(rtp_fd, l->rtp.fd.get()); // the same socket, not a new one
		CPPUNIT_ASSERT_EQUAL(uint16_t(kBase), l->rtp.local.port());
		CPPUNIT_ASSERT(!readable(l->rtp.fd.get()));
		CPPUNIT_ASSERT(!readable(l->rtcp.fd.get()));
		CPPUNIT_ASSERT_EQUAL(uint32_t(0), l->rtp.drops_base);
		send_to(other.get(), kBase); // and it receives from anyone again
		CPPUNIT_ASSERT(readable(l->rtp.fd.get()));
	}

	void parked_socket_drops_become_the_baseline()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 1, {}, true);
		UniqueFd other = udp_socket();
		{
			auto l = pool.allocate();
			CPPUNIT_ASSERT(l);
			int small = 1; // the kernel rounds it up to its minimum
			setsockopt(l->rtp.fd.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
			for (int i = 0; i < 64; i++) // more than it holds: the kernel drops some
				send_to(other.get(), kBase, 1000);
		}
		auto l = pool.allocate();
		CPPUNIT_ASSERT(l);
		CPPUNIT_ASSERT(l->rtp.drops_base > 0); // the last call's drops, not this one's
		CPPUNIT_ASSERT(!readable(l->rtp.fd.get()));
	}

	static int rcvbuf(int fd)
	{
		int got = 0;
		socklen_t len = sizeof got;
		getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len);
		return got;
	}

	void receive_buffer_option()
	{
		constexpr int kAsked = 3 << 20;
		int granted = SocketOptions::effective_rcvbuf(kAsked);
		CPPUNIT_ASSERT_EQUAL(0, SocketOptions::effective_rcvbuf(0));
		CPPUNIT_ASSERT(granted > 0 && granted <= kAsked);
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 1, {0, kAsked});
		auto l = pool.allocate();
		CPPUNIT_ASSERT(l);
		// What the probe was granted (the kernel reports it doubled), on both sockets.
		CPPUNIT_ASSERT_EQUAL(2 * granted, rcvbuf(l->rtp.fd.get()));
		CPPUNIT_ASSERT_EQUAL(2 * granted, rcvbuf(l->rtcp.fd.get()));
		PortPool plain(net::IpAddress::loopback_v4(), kBase + 2, kBase + 3, {});
		auto d = plain.allocate();
		CPPUNIT_ASSERT(d);
		CPPUNIT_ASSERT(rcvbuf(d->rtp.fd.get()) != 2 * kAsked); // the system's default
	}

	void parking_needs_an_fd_for_every_port()
	{
		Config config;
		config.port_min = kBase;
		config.port_max = kBase + 9;
		config.interfaces.push_back(
		        {"ext", *net::IpAddress::parse("127.0.0.1"), std::nullopt});
		config.interfaces.push_back(
		        {"int", *net::IpAddress::parse("127.0.0.2"), std::nullopt});
		CPPUNIT_ASSERT_EQUAL(uint64_t(2 * 10 + 64), Interfaces::wanted_fds(config));
		CPPUNIT_ASSERT(!Interfaces(config, 83).parking());
		CPPUNIT_ASSERT(Interfaces(config, 84).parking());
		CPPUNIT_ASSERT(!Interfaces(config).parking());
	}
	void allocates_even_odd_pairs_until_exhausted()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 7, {});
		CPPUNIT_ASSERT_EQUAL(size_t(4), pool.total_pairs());
		std::vector<PortLease> leases;
		std::set<uint16_t> ports;
		for (int i = 0; i < 4; i++) {
			auto l = pool.allocate();
			CPPUNIT_ASSERT_MESSAGE(l ? "" : l.error().reason, l);
			CPPUNIT_ASSERT_EQUAL(0, l->rtp.local.port() % 2);
			CPPUNIT_ASSERT_EQUAL(l->rtp.local.port() + 1, int(l->rtcp.local.port()));
			CPPUNIT_ASSERT(l->rtp.fd && l->rtcp.fd);
			ports.insert(l->rtp.local.port());
			leases.push_back(std::move(l).value());
		}
		CPPUNIT_ASSERT_EQUAL(size_t(4), ports.size());
		CPPUNIT_ASSERT_EQUAL(size_t(0), pool.free_pairs());
		auto none = pool.allocate();
		CPPUNIT_ASSERT(!none);
		CPPUNIT_ASSERT_MESSAGE(
		        none.error().reason,
		        none.error().reason.find(
		                "Ran out of ports: no free media port pair on 127.0.0.1") == 0);
	}

	void released_pairs_come_back()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 3, {});
		{
			auto a = pool.allocate();
			auto b = pool.allocate();
			CPPUNIT_ASSERT(a && b && !pool.allocate());
		}
		CPPUNIT_ASSERT_EQUAL(size_t(2), pool.free_pairs());
		auto c = pool.allocate();
		CPPUNIT_ASSERT(c);
		// Moving a lease moves ownership; only one give-back happens.
		PortLease moved = std::move(c).value();
		PortLease again = std::move(moved);
		CPPUNIT_ASSERT_EQUAL(size_t(1), pool.free_pairs());
	}

	void odd_range_bounds()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase + 1, kBase + 6, {});
		CPPUNIT_ASSERT_EQUAL(size_t(2), pool.total_pairs()); // 36002/3, 36004/5
		CPPUNIT_ASSERT_EQUAL(uint16_t(kBase + 2), pool.first_port());
		CPPUNIT_ASSERT_EQUAL(uint16_t(kBase + 5), pool.last_port());
		CPPUNIT_ASSERT_EQUAL(uint16_t(0), pool.last_allocated());
		auto l = pool.allocate();
		CPPUNIT_ASSERT(l);
		CPPUNIT_ASSERT(l->rtp.local.port() >= kBase + 2 &&
		               l->rtcp.local.port() <= kBase + 6);
		CPPUNIT_ASSERT_EQUAL(l->rtp.local.port(), pool.last_allocated());
		auto other = pool.allocate();
		CPPUNIT_ASSERT(other);
		CPPUNIT_ASSERT_EQUAL(other->rtp.local.port(), pool.last_allocated());
	}

	void skips_ports_held_elsewhere()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 3, {});
		// Someone else binds the first pair's RTCP port.
		UniqueFd other(socket(AF_INET, SOCK_DGRAM, 0));
		sockaddr_storage ss;
		socklen_t len =
		        net::Endpoint(net::IpAddress::loopback_v4(), kBase + 1).to_sockaddr(ss);
		CPPUNIT_ASSERT_EQUAL(0, bind(other.get(), reinterpret_cast<sockaddr*>(&ss), len));
		auto l = pool.allocate();
		CPPUNIT_ASSERT(l);
		CPPUNIT_ASSERT_EQUAL(uint16_t(kBase + 2), l->rtp.local.port());
		CPPUNIT_ASSERT(!pool.allocate());
	}

	void interfaces_pick_family_and_fall_back()
	{
		Config config;
		config.port_min = kBase;
		config.port_max = kBase + 1; // one pair per address
		config.interfaces.push_back(
		        {"ext", *net::IpAddress::parse("127.0.0.1"), std::nullopt});
		config.interfaces.push_back({"ext", *net::IpAddress::parse("127.0.0.2"),
		                             *net::IpAddress::parse("192.0.2.2")});
		config.interfaces.push_back(
		        {"int", *net::IpAddress::parse("127.0.0.3"), std::nullopt});
		Interfaces ifs(config);
		CPPUNIT_ASSERT_EQUAL(std::string("ext"), ifs.find("")->name);
		CPPUNIT_ASSERT(!ifs.find("nope"));
		const LogicalInterface& ext = *ifs.find("ext");
		auto a = ifs.allocate(ext, AF_INET, true);
		auto b = ifs.allocate(ext, AF_INET, true); // first pool exhausted: second address
		CPPUNIT_ASSERT(a && b);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"),
		                     a->address->advertised().to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.2"),
		                     b->address->advertised().to_string());
		CPPUNIT_ASSERT(!ifs.allocate(ext, AF_INET, true));
		CPPUNIT_ASSERT(!ifs.allocate(*ifs.find("int"), AF_INET6, true));
		CPPUNIT_ASSERT(ifs.allocate(*ifs.find("int"), AF_INET6, false));
	}

	// A rebuilt call takes the pair it had (ha/restore.h): that one or an error, never
	// another; a parked pair is unparked for it.
	void a_chosen_port_is_leased_again()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 5, {}, true);
		auto b = pool.allocate_port(kBase + 2);
		CPPUNIT_ASSERT(b);
		CPPUNIT_ASSERT_EQUAL(uint16_t(kBase + 2), b->rtp.local.port());
		CPPUNIT_ASSERT_EQUAL(uint16_t(kBase + 3), b->rtcp.local.port());
		CPPUNIT_ASSERT_EQUAL(uint16_t(kBase + 2), pool.last_allocated());
		CPPUNIT_ASSERT(!pool.allocate_port(kBase + 2)); // in use
		CPPUNIT_ASSERT(!pool.allocate_port(kBase + 3)); // an RTCP port
		CPPUNIT_ASSERT(!pool.allocate_port(kBase + 6)); // beyond the range
		CPPUNIT_ASSERT(!pool.allocate_port(kBase - 2));
		CPPUNIT_ASSERT_EQUAL(size_t(2), pool.free_pairs());
		int fd = b->rtp.fd.get();
		b = Error{"released"};
		CPPUNIT_ASSERT_EQUAL(size_t(1), pool.parked_pairs());
		auto again = pool.allocate_port(kBase + 2);
		CPPUNIT_ASSERT(again);
		CPPUNIT_ASSERT_EQUAL(fd, again->rtp.fd.get());
		CPPUNIT_ASSERT_EQUAL(size_t(0), pool.parked_pairs());
		// Held by another program: the error says so, the pair stays free.
		UniqueFd other = udp_socket();
		CPPUNIT_ASSERT_EQUAL(0, bind_to(other.get(), kBase + 4));
		auto held = pool.allocate_port(kBase + 4);
		CPPUNIT_ASSERT(!held);
		CPPUNIT_ASSERT_EQUAL(size_t(2), pool.free_pairs());

		Config config;
		config.port_min = kBase;
		config.port_max = kBase + 5;
		config.interfaces.push_back(
		        {"ext", *net::IpAddress::parse("127.0.0.2"), std::nullopt});
		Interfaces ifs(config);
		auto a = ifs.allocate_port("127.0.0.2", kBase);
		CPPUNIT_ASSERT(a);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.2"),
		                     a->address->spec.address.to_string());
		auto unknown = ifs.allocate_port("127.0.0.9", kBase);
		CPPUNIT_ASSERT(!unknown);
		CPPUNIT_ASSERT(unknown.error().reason.find("127.0.0.9") != std::string::npos);
	}

	// The open-files limit reached is no port shortage: the error names the cause (and
	// keeps rtpengine's words, which OpenSIPS fails over on).
	void no_socket_at_all_is_said_so()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 99, {});
		rlimit old{};
		CPPUNIT_ASSERT_EQUAL(0, getrlimit(RLIMIT_NOFILE, &old));
		std::vector<UniqueFd> fill;
		rlimit low = old;
		low.rlim_cur = 64;
		CPPUNIT_ASSERT_EQUAL(0, setrlimit(RLIMIT_NOFILE, &low));
		while (UniqueFd fd = udp_socket())
			fill.push_back(std::move(fd));
		auto l = pool.allocate();
		CPPUNIT_ASSERT_EQUAL(0, setrlimit(RLIMIT_NOFILE, &old));
		CPPUNIT_ASSERT(!l);
		const std::string& why = l.error().reason;
		CPPUNIT_ASSERT_MESSAGE(why,
		                       why.starts_with("Ran out of ports: cannot open a socket"));
		CPPUNIT_ASSERT_MESSAGE(why, why.find("Too many open files") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(size_t(50), pool.free_pairs());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PortPoolTest);
