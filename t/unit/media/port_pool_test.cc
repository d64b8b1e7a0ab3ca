#include "media/port_pool.h"

#include <cppunit/extensions/HelperMacros.h>
#include <sys/socket.h>

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
	CPPUNIT_TEST_SUITE_END();

	static constexpr uint16_t kBase = 36000; // kept clear of the daemon's default range use

public:
	void allocates_even_odd_pairs_until_exhausted()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 7, 0);
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
		        none.error().reason.find("no free media port pair on 127.0.0.1") == 0);
	}

	void released_pairs_come_back()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 3, 0);
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
		PortPool pool(net::IpAddress::loopback_v4(), kBase + 1, kBase + 6, 0);
		CPPUNIT_ASSERT_EQUAL(size_t(2), pool.total_pairs()); // 36002/3, 36004/5
		auto l = pool.allocate();
		CPPUNIT_ASSERT(l);
		CPPUNIT_ASSERT(l->rtp.local.port() >= kBase + 2 &&
		               l->rtcp.local.port() <= kBase + 6);
	}

	void skips_ports_held_elsewhere()
	{
		PortPool pool(net::IpAddress::loopback_v4(), kBase, kBase + 3, 0);
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(PortPoolTest);
