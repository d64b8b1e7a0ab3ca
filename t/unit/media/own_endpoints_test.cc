#include "media/own_endpoints.h"

#include <cppunit/extensions/HelperMacros.h>
#include <sys/socket.h>

#include "../net/endpoint_literal.h"

using namespace rtprelay;
using namespace rtprelay::media;
using rtprelay::test::ep;

namespace {

net::IpAddress ip(const char* text)
{
	return *net::IpAddress::parse(text);
}

// A logical interface for `refusal`; only its name and addresses matter.
LogicalInterface interface_on(const char* name, const char* address)
{
	LogicalInterface i;
	i.name = name;
	i.addresses.push_back(
	        LocalAddress{InterfaceSpec{name, ip(address), std::nullopt}, nullptr});
	return i;
}

class TestStream : public Stream {
public:
	TestStream() : Stream(Component::kRtp, rates_) {}
	Stream* sink(bool, size_t) override { return nullptr; }
	void after_packets(media::MediaLoop&) override {}
	bool take_dtls(const net::Endpoint&, size_t, std::span<const uint8_t>) override
	{
		return false;
	}

private:
	ClockRates rates_{};
};

} // namespace

class OwnEndpointsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(OwnEndpointsTest);
	CPPUNIT_TEST(ng_listener_is_refused);
	CPPUNIT_TEST(wildcard_listener_is_every_local_address);
	CPPUNIT_TEST(unspecified_destination_is_refused);
	CPPUNIT_TEST(loopback_only_when_facing_loopback);
	CPPUNIT_TEST(leased_ports_are_own_until_closed);
	CPPUNIT_TEST(free_ports_of_the_range_are_refused);
	CPPUNIT_TEST(ports_other_programs_hold_are_not_own);
	CPPUNIT_TEST(advertised_address_reaches_the_same_sockets);
	CPPUNIT_TEST(loop_drop_counts_but_does_not_refresh);
	CPPUNIT_TEST_SUITE_END();

	static constexpr uint16_t kMin = 36200; // clear of port_pool_test's 36000 range
	static constexpr uint16_t kMax = 36219;

	static Config config(const char* address, const char* advertised = nullptr)
	{
		Config c;
		c.interfaces.push_back(InterfaceSpec{"default", ip(address), std::nullopt});
		if (advertised)
			c.interfaces.back().advertised = ip(advertised);
		c.port_min = kMin;
		c.port_max = kMax;
		return c;
	}

	static PortPool pool() { return PortPool(ip("127.0.0.1"), kMin, kMax, SocketOptions{}); }

	LogicalInterface lo_ = interface_on("lo", "127.0.0.1");
	LogicalInterface external_ = interface_on("external", "192.0.2.1");

public:
	void ng_listener_is_refused()
	{
		OwnEndpoints own(config("127.0.0.1"), {});
		own.add_listener(ep("127.0.0.1:2223"), "ng");
		auto why = own.refusal(ep("127.0.0.1:2223"), lo_);
		CPPUNIT_ASSERT(why && *why == "the relay's own ng listener");
		CPPUNIT_ASSERT(own.refusal(ep("[::ffff:127.0.0.1]:2223"), lo_)); // the same, mapped
		CPPUNIT_ASSERT(!own.refusal(ep("127.0.0.1:2224"), lo_));
		CPPUNIT_ASSERT(!own.refusal(ep("127.0.0.2:2223"), lo_)); // bound to one address
		CPPUNIT_ASSERT(!own.refusal(ep("198.51.100.1:2223"), external_));
	}

	void wildcard_listener_is_every_local_address()
	{
		OwnEndpoints own(config("192.0.2.1", "203.0.113.5"), {ip("10.1.1.1"), ip("::1")});
		own.add_listener(ep("0.0.0.0:2223"), "ng");
		own.add_listener(ep("[::]:2224"), "ng");
		for (const char* local :
		     {"127.0.0.1:2223", "127.9.9.9:2223", "10.1.1.1:2223", "192.0.2.1:2223",
		      "203.0.113.5:2223", "[::1]:2224", "10.1.1.1:2224"})
			CPPUNIT_ASSERT_MESSAGE(local, own.refusal(ep(local), lo_));
		CPPUNIT_ASSERT(!own.refusal(ep("198.51.100.1:2223"), external_));
		CPPUNIT_ASSERT(!own.refusal(ep("10.1.1.1:2225"), lo_));
	}

	void unspecified_destination_is_refused()
	{
		OwnEndpoints own(config("127.0.0.1"), {});
		CPPUNIT_ASSERT(own.refusal(ep("0.0.0.0:4000"), lo_));
		CPPUNIT_ASSERT(own.refusal(ep("[::]:4000"), lo_));
	}

	void loopback_only_when_facing_loopback()
	{
		OwnEndpoints own(config("192.0.2.1"), {});
		for (const char* lo : {"127.0.0.1:4000", "127.1.2.3:4000", "[::1]:4000",
		                       "[::ffff:127.0.0.1]:4000"}) {
			auto why = own.refusal(ep(lo), external_);
			CPPUNIT_ASSERT_MESSAGE(lo,
			                       why && why->find("loopback") != std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(lo, why->find("'external'") != std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(lo, !own.refusal(ep(lo), lo_));
		}
		CPPUNIT_ASSERT(!own.refusal(ep("198.51.100.1:4000"), external_));
	}

	void leased_ports_are_own_until_closed()
	{
		OwnEndpoints own(config("127.0.0.1"), {});
		PortPool p = pool();
		auto allocated = p.allocate();
		CPPUNIT_ASSERT(allocated);
		std::optional<PortLease> lease(std::move(allocated).value());
		net::Endpoint rtp = lease->rtp.local, rtcp = lease->rtcp.local;
		CPPUNIT_ASSERT(!own.is_own_media(rtp)); // not registered: nothing known yet
		own.hold(*lease);
		for (const auto& e : {rtp, rtcp}) {
			auto why = own.refusal(e, lo_);
			CPPUNIT_ASSERT(why && *why == "one of the relay's own media ports");
			CPPUNIT_ASSERT(own.is_own_media(e));
		}
		CPPUNIT_ASSERT(!own.is_own_media(ep("127.0.0.2:36200"))); // another address
		CPPUNIT_ASSERT(!own.is_own_media(ep("127.0.0.1:36220"))); // outside the range
		lease.reset(); // the pair goes back to the pool and its sockets close
		CPPUNIT_ASSERT(!own.is_own_media(rtp));
	}

	void free_ports_of_the_range_are_refused()
	{
		OwnEndpoints own(config("127.0.0.1"), {});
		auto why = own.refusal(ep("127.0.0.1:36219"), lo_);
		CPPUNIT_ASSERT(why && *why == "a free port of the relay's media range");
		CPPUNIT_ASSERT(!own.refusal(ep("127.0.0.1:36220"), lo_));
		CPPUNIT_ASSERT(!own.refusal(ep("127.0.0.2:36219"), lo_)); // no media address
	}

	void ports_other_programs_hold_are_not_own()
	{
		// A phone or a test party on the relay's own address, in its range, is no loop.
		OwnEndpoints own(config("127.0.0.1"), {});
		UniqueFd other(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
		sockaddr_storage ss;
		socklen_t len = ep("127.0.0.1:36218").to_sockaddr(ss);
		CPPUNIT_ASSERT(bind(other.get(), reinterpret_cast<sockaddr*>(&ss), len) == 0);
		CPPUNIT_ASSERT(!own.refusal(ep("127.0.0.1:36218"), lo_));
		CPPUNIT_ASSERT(!own.is_own_media(ep("127.0.0.1:36218")));
	}

	void advertised_address_reaches_the_same_sockets()
	{
		OwnEndpoints own(config("127.0.0.1", "203.0.113.5"), {});
		PortPool p = pool();
		auto lease = p.allocate();
		CPPUNIT_ASSERT(lease);
		own.hold(*lease);
		uint16_t port = lease->rtp.local.port();
		CPPUNIT_ASSERT(own.refusal(net::Endpoint(ip("203.0.113.5"), port), external_));
		CPPUNIT_ASSERT(!own.refusal(net::Endpoint(ip("203.0.113.6"), port), external_));
	}

	void loop_drop_counts_but_does_not_refresh()
	{
		OwnEndpoints own(config("127.0.0.1"), {});
		PortPool p = pool();
		auto lease = p.allocate();
		CPPUNIT_ASSERT(lease);
		own.hold(*lease);
		TestStream s;
		net::Endpoint from = lease->rtp.local;
		CPPUNIT_ASSERT(
		        !drop_relay_loop(nullptr, s, from, 100)); // none given: nothing checked
		bool dropped = drop_relay_loop(&own, s, from, 100);
		bool other_dropped = drop_relay_loop(&own, s, ep("127.0.0.1:36220"), 100);
		CPPUNIT_ASSERT(dropped && !other_dropped);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), s.stats.packets);
		CPPUNIT_ASSERT_EQUAL(uint64_t(100), s.stats.bytes);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1),
		                     s.stats.drops[static_cast<size_t>(DropReason::kRelayLoop)]);
		CPPUNIT_ASSERT_EQUAL(int64_t(0), s.stats.last_packet_ms);
		CPPUNIT_ASSERT_EQUAL(uint64_t(1), own.loop_drops());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(OwnEndpointsTest);
