// kernel/target_builder: a stream's forwarding decision as the module's command structs, checked
// byte by byte (addresses and ports in network byte order, everything else in host order).
#include "kernel/target_builder.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstring>

#include "sdp/crypto.h"

using namespace rtprelay;
using namespace rtprelay::kernel;

namespace {

net::Endpoint ep(const char* text)
{
	return *net::Endpoint::parse(text, net::IpAddress::loopback_v4());
}

// The address's bytes as they must appear in rtprelay_addr.addr.
bool addr_is(const rtprelay_addr& a, uint16_t family, std::initializer_list<uint8_t> addr,
             uint8_t port_hi, uint8_t port_lo)
{
	uint8_t want[16] = {};
	std::copy(addr.begin(), addr.end(), want);
	const auto* port = reinterpret_cast<const uint8_t*>(&a.port);
	return a.family == family && std::memcmp(a.addr, want, 16) == 0 && port[0] == port_hi &&
	       port[1] == port_lo;
}

TargetInput v4_input()
{
	TargetInput in;
	in.local = ep("192.0.2.1:30000");          // 30000 = 0x7530
	in.expected_src = ep("198.51.100.7:4000"); // 0x0fa0
	in.num_outputs = 1;
	in.output().src = ep("192.0.2.1:30002");  // 0x7532
	in.output().dst = ep("203.0.113.9:5004"); // 0x138c
	in.tos = 0xb8;
	in.payload_types = {0, 8, 101};
	in.num_payload_types = 3;
	in.ssrcs = {0x11223344, 0x55667788};
	in.num_ssrcs = 2;
	in.clock_rate = 8000;
	return in;
}

} // namespace

class TargetBuilderTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(TargetBuilderTest);
	CPPUNIT_TEST(ipv4_target);
	CPPUNIT_TEST(ipv6_target);
	CPPUNIT_TEST(source_policy);
	CPPUNIT_TEST(outputs_by_ssrc);
	CPPUNIT_TEST(rejects_what_does_not_fit);
	CPPUNIT_TEST(del_and_get_stats);
	CPPUNIT_TEST(init);
	CPPUNIT_TEST_SUITE_END();

public:
	void ipv4_target()
	{
		auto c = build_add_target(v4_input());
		CPPUNIT_ASSERT(c);
		CPPUNIT_ASSERT_EQUAL(uint32_t{RTPRELAY_CMD_ADD_TARGET}, c->cmd);
		const rtprelay_target_spec& s = c->spec;
		CPPUNIT_ASSERT(addr_is(s.local, RTPRELAY_AF_INET, {192, 0, 2, 1}, 0x75, 0x30));
		CPPUNIT_ASSERT(
		        addr_is(s.expected_src, RTPRELAY_AF_INET, {198, 51, 100, 7}, 0x0f, 0xa0));
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_TF_EXPECT_SRC}, s.flags);
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SRC_USERSPACE}, s.src_policy);
		CPPUNIT_ASSERT_EQUAL(uint8_t{1}, s.num_outputs);
		CPPUNIT_ASSERT(
		        addr_is(s.outputs[0].src, RTPRELAY_AF_INET, {192, 0, 2, 1}, 0x75, 0x32));
		CPPUNIT_ASSERT(
		        addr_is(s.outputs[0].dst, RTPRELAY_AF_INET, {203, 0, 113, 9}, 0x13, 0x8c));
		CPPUNIT_ASSERT_EQUAL(uint8_t{0xb8}, s.outputs[0].tos);
		CPPUNIT_ASSERT_EQUAL(uint8_t{3}, s.num_payload_types);
		CPPUNIT_ASSERT(s.payload_types[0] == 0 && s.payload_types[1] == 8 &&
		               s.payload_types[2] == 101 && s.payload_types[3] == 0);
		CPPUNIT_ASSERT_EQUAL(uint8_t{2}, s.num_ssrcs);
		CPPUNIT_ASSERT_EQUAL(uint32_t{0x11223344}, s.ssrcs[0]); // host order
		CPPUNIT_ASSERT_EQUAL(uint32_t{0x55667788}, s.ssrcs[1]);
		CPPUNIT_ASSERT_EQUAL(uint32_t{0}, s.ssrcs[2]);
		CPPUNIT_ASSERT_EQUAL(uint32_t{8000}, s.clock_rate);
		// Unused outputs and padding are zero.
		static const uint8_t zero[sizeof(rtprelay_output)] = {};
		CPPUNIT_ASSERT(std::memcmp(&s.outputs[1], zero, sizeof zero) == 0);
		CPPUNIT_ASSERT(c->pad == 0 && s.pad2 == 0);
	}

	void ipv6_target()
	{
		TargetInput in = v4_input();
		in.local = ep("[2001:db8::1]:30000");
		in.expected_src = std::nullopt;
		in.num_outputs = 1;
		in.output().src = ep("[2001:db8::1]:30002");
		in.output().dst = ep("[2001:db8:0:0:0:0:0:ab]:5004");
		in.rtcp_mux = true;
		in.num_payload_types = 0;
		in.num_ssrcs = 0;
		auto c = build_add_target(in);
		CPPUNIT_ASSERT(c);
		const rtprelay_target_spec& s = c->spec;
		std::initializer_list<uint8_t> a1 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		                                     0,    0,    0,    0,    0, 0, 0, 1};
		CPPUNIT_ASSERT(addr_is(s.local, RTPRELAY_AF_INET6, a1, 0x75, 0x30));
		CPPUNIT_ASSERT(addr_is(s.outputs[0].src, RTPRELAY_AF_INET6, a1, 0x75, 0x32));
		CPPUNIT_ASSERT(
		        addr_is(s.outputs[0].dst, RTPRELAY_AF_INET6,
		                {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab},
		                0x13, 0x8c));
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_TF_RTCP_MUX}, s.flags);
		in.rtcp_mux = false;
		in.rtcp_to_userspace = true;
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_TF_RTCP_USERSPACE},
		                     build_add_target(in)->spec.flags);
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SRC_FORWARD}, s.src_policy);
		CPPUNIT_ASSERT_EQUAL(uint16_t{0}, s.expected_src.family);
		CPPUNIT_ASSERT_EQUAL(uint8_t{0}, s.num_payload_types);
		CPPUNIT_ASSERT_EQUAL(uint8_t{0}, s.num_ssrcs);
	}

	void source_policy()
	{
		TargetInput in = v4_input();
		in.strict = true;
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SRC_DROP},
		                     build_add_target(in)->spec.src_policy);
		// IPv4 arriving, IPv6 leaving: bridging across families is fine.
		in.num_outputs = 1;
		in.output().src = ep("[2001:db8::1]:30002");
		in.output().dst = ep("[2001:db8::2]:5004");
		CPPUNIT_ASSERT(build_add_target(in));
	}

	// A BUNDLE transport: two outputs, each taking one of the listed SSRCs, the second
	// protecting with its own keys.
	void outputs_by_ssrc()
	{
		TargetInput in = v4_input();
		in.num_outputs = 2;
		in.outputs[0].ssrc_mask = 1;
		in.outputs[1] = in.outputs[0];
		in.outputs[1].dst = ep("203.0.113.9:5006");
		in.outputs[1].ssrc_mask = 2;
		crypto::SrtpKeying k;
		const auto suites = sdp::srtp_suites();
		for (size_t i = 0; i < suites.size(); i++)
			if (suites[i].name == "AES_CM_128_HMAC_SHA1_80")
				k.suite = static_cast<uint8_t>(i);
		k.length = 30;
		k.master.fill(7);
		in.outputs[1].encrypt = k;
		auto c = build_add_target(in);
		CPPUNIT_ASSERT(c);
		CPPUNIT_ASSERT_EQUAL(uint8_t{2}, c->spec.num_outputs);
		CPPUNIT_ASSERT_EQUAL(uint8_t{1}, c->spec.outputs[0].ssrc_mask);
		CPPUNIT_ASSERT_EQUAL(uint8_t{2}, c->spec.outputs[1].ssrc_mask);
		CPPUNIT_ASSERT_EQUAL(uint8_t{0xb8}, c->spec.outputs[1].tos);
		CPPUNIT_ASSERT(addr_is(c->spec.outputs[1].dst, RTPRELAY_AF_INET, {203, 0, 113, 9},
		                       0x13, 0x8e));
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SRTP_NONE}, c->encrypt[0].suite);
		CPPUNIT_ASSERT_EQUAL(uint8_t{RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_80},
		                     c->encrypt[1].suite);
		// A mask naming an SSRC slot the target does not list.
		in.outputs[1].ssrc_mask = 4;
		CPPUNIT_ASSERT(!build_add_target(in));
		// No output at all.
		in.num_outputs = 0;
		CPPUNIT_ASSERT(!build_add_target(in));
	}

	void rejects_what_does_not_fit()
	{
		TargetInput in = v4_input();
		in.num_ssrcs = RTPRELAY_MAX_SSRCS + 1;
		CPPUNIT_ASSERT(!build_add_target(in));
		in = v4_input();
		in.output().dst = ep("[2001:db8::2]:5004");
		CPPUNIT_ASSERT(!build_add_target(in));
		in = v4_input();
		in.output().dst = net::Endpoint(*net::IpAddress::parse("203.0.113.9"), 0);
		CPPUNIT_ASSERT(!build_add_target(in));
		in = v4_input();
		in.local = net::Endpoint();
		CPPUNIT_ASSERT(!build_add_target(in));
	}

	void del_and_get_stats()
	{
		auto d = build_del_target(ep("192.0.2.1:30000"));
		CPPUNIT_ASSERT(d);
		CPPUNIT_ASSERT_EQUAL(uint32_t{RTPRELAY_CMD_DEL_TARGET}, d->cmd);
		CPPUNIT_ASSERT(addr_is(d->local, RTPRELAY_AF_INET, {192, 0, 2, 1}, 0x75, 0x30));
		CPPUNIT_ASSERT(d->pad == 0 && d->pad2[0] == 0 && d->pad2[3] == 0);
		auto g = build_get_stats(ep("[::1]:2"));
		CPPUNIT_ASSERT(g);
		CPPUNIT_ASSERT_EQUAL(uint32_t{RTPRELAY_CMD_GET_STATS}, g->cmd);
		CPPUNIT_ASSERT(addr_is(g->local, RTPRELAY_AF_INET6,
		                       {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0, 2));
		CPPUNIT_ASSERT(!build_get_stats(net::Endpoint()));
	}

	void init()
	{
		rtprelay_init i = build_init();
		CPPUNIT_ASSERT_EQUAL(uint32_t{RTPRELAY_CMD_INIT}, i.cmd);
		CPPUNIT_ASSERT_EQUAL(uint32_t{RTPRELAY_ABI_VERSION}, i.abi_version);
		CPPUNIT_ASSERT_EQUAL(uint32_t{32}, i.size_init);
		CPPUNIT_ASSERT_EQUAL(uint32_t{1376}, i.size_add_target);
		CPPUNIT_ASSERT_EQUAL(uint32_t{32}, i.size_target);
		CPPUNIT_ASSERT_EQUAL(uint32_t{744}, i.size_stats);
		CPPUNIT_ASSERT_EQUAL(uint32_t{8}, i.size_xt_info);
		CPPUNIT_ASSERT_EQUAL(uint32_t{0}, i.srtp_suites);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TargetBuilderTest);
