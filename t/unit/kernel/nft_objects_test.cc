// kernel/nft_objects without netlink: the table, chains and rules rtprelayd sends, read back
// through libnftnl's getters (and a rule through a netlink message and back, as a dump returns
// it), plus the nftables options.
#include "kernel/nft_objects.h"

#include <netinet/in.h>

#include <cppunit/extensions/HelperMacros.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <cstring>
#include <vector>

#include "config/loader.h"
#include "kernel/abi.h"

using namespace rtprelay;
using namespace rtprelay::kernel;

namespace {

std::vector<nftnl_expr*> exprs(const nft::Rule& r)
{
	std::vector<nftnl_expr*> out;
	nftnl_expr_iter* it = nftnl_expr_iter_create(r.get());
	while (nftnl_expr* e = nftnl_expr_iter_next(it))
		out.push_back(e);
	nftnl_expr_iter_destroy(it);
	return out;
}

std::string name(const nftnl_expr* e)
{
	return nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
}

std::string str(const char* s)
{
	return s ? s : "(null)";
}

Result<config::Loaded> load(std::initializer_list<const char*> args)
{
	std::vector<const char*> argv{"rtprelayd", "--config-file=none"};
	argv.insert(argv.end(), args);
	return config::load(static_cast<int>(argv.size()), argv.data());
}

} // namespace

class NftObjectsTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(NftObjectsTest);
	CPPUNIT_TEST(table_and_chains);
	CPPUNIT_TEST(target_rule);
	CPPUNIT_TEST(jump_rule_and_match);
	CPPUNIT_TEST(rule_keys);
	CPPUNIT_TEST(spec_check);
	CPPUNIT_TEST(options);
	CPPUNIT_TEST_SUITE_END();

public:
	void table_and_chains()
	{
		nft::Table t = nft::table(NFPROTO_IPV6);
		CPPUNIT_ASSERT_EQUAL(uint32_t(NFPROTO_IPV6),
		                     nftnl_table_get_u32(t.get(), NFTNL_TABLE_FAMILY));
		CPPUNIT_ASSERT_EQUAL(std::string("filter"),
		                     str(nftnl_table_get_str(t.get(), NFTNL_TABLE_NAME)));
		// No flags: an existing table (iptables-nft's) is left unchanged.
		CPPUNIT_ASSERT(!nftnl_table_is_set(t.get(), NFTNL_TABLE_FLAGS));

		nft::Chain c = nft::chain(NFPROTO_IPV4, "rtprelay");
		CPPUNIT_ASSERT_EQUAL(uint32_t(NFPROTO_IPV4),
		                     nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_FAMILY));
		CPPUNIT_ASSERT_EQUAL(std::string("filter"),
		                     str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_TABLE)));
		CPPUNIT_ASSERT_EQUAL(std::string("rtprelay"),
		                     str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_NAME)));
		CPPUNIT_ASSERT(!nftnl_chain_is_set(c.get(), NFTNL_CHAIN_HOOKNUM));
		CPPUNIT_ASSERT(!nftnl_chain_is_set(c.get(), NFTNL_CHAIN_POLICY));

		nft::Chain b = nft::base_chain(NFPROTO_IPV6, "INPUT");
		CPPUNIT_ASSERT_EQUAL(std::string("INPUT"),
		                     str(nftnl_chain_get_str(b.get(), NFTNL_CHAIN_NAME)));
		CPPUNIT_ASSERT_EQUAL(std::string("filter"),
		                     str(nftnl_chain_get_str(b.get(), NFTNL_CHAIN_TYPE)));
		CPPUNIT_ASSERT_EQUAL(uint32_t(NF_INET_LOCAL_IN),
		                     nftnl_chain_get_u32(b.get(), NFTNL_CHAIN_HOOKNUM));
		CPPUNIT_ASSERT_EQUAL(0, nftnl_chain_get_s32(b.get(), NFTNL_CHAIN_PRIO));
		CPPUNIT_ASSERT_EQUAL(uint32_t(NF_ACCEPT),
		                     nftnl_chain_get_u32(b.get(), NFTNL_CHAIN_POLICY));
	}

	void target_rule()
	{
		nft::Rule r = nft::target_rule(NFPROTO_IPV4, "rtprelay", 7);
		CPPUNIT_ASSERT_EQUAL(std::string("filter"),
		                     str(nftnl_rule_get_str(r.get(), NFTNL_RULE_TABLE)));
		CPPUNIT_ASSERT_EQUAL(std::string("rtprelay"),
		                     str(nftnl_rule_get_str(r.get(), NFTNL_RULE_CHAIN)));
		CPPUNIT_ASSERT_EQUAL(uint32_t(IPPROTO_UDP),
		                     nftnl_rule_get_u32(r.get(), NFTNL_RULE_COMPAT_PROTO));
		CPPUNIT_ASSERT_EQUAL(uint32_t(0),
		                     nftnl_rule_get_u32(r.get(), NFTNL_RULE_COMPAT_FLAGS));

		auto e = exprs(r);
		CPPUNIT_ASSERT_EQUAL(size_t(3), e.size());
		CPPUNIT_ASSERT_EQUAL(std::string("meta"), name(e[0]));
		CPPUNIT_ASSERT_EQUAL(uint32_t(NFT_META_L4PROTO),
		                     nftnl_expr_get_u32(e[0], NFTNL_EXPR_META_KEY));
		CPPUNIT_ASSERT_EQUAL(uint32_t(NFT_REG_1),
		                     nftnl_expr_get_u32(e[0], NFTNL_EXPR_META_DREG));

		CPPUNIT_ASSERT_EQUAL(std::string("cmp"), name(e[1]));
		CPPUNIT_ASSERT_EQUAL(uint32_t(NFT_REG_1),
		                     nftnl_expr_get_u32(e[1], NFTNL_EXPR_CMP_SREG));
		CPPUNIT_ASSERT_EQUAL(uint32_t(NFT_CMP_EQ),
		                     nftnl_expr_get_u32(e[1], NFTNL_EXPR_CMP_OP));
		uint32_t len = 0;
		const auto* data = static_cast<const uint8_t*>(
		        nftnl_expr_get(e[1], NFTNL_EXPR_CMP_DATA, &len));
		CPPUNIT_ASSERT_EQUAL(uint32_t(1), len);
		CPPUNIT_ASSERT_EQUAL(uint8_t(IPPROTO_UDP), data[0]);

		CPPUNIT_ASSERT_EQUAL(std::string("target"), name(e[2]));
		CPPUNIT_ASSERT_EQUAL(std::string("RTPRELAY"),
		                     str(nftnl_expr_get_str(e[2], NFTNL_EXPR_TG_NAME)));
		CPPUNIT_ASSERT_EQUAL(uint32_t(0), nftnl_expr_get_u32(e[2], NFTNL_EXPR_TG_REV));
		const void* info = nftnl_expr_get(e[2], NFTNL_EXPR_TG_INFO, &len);
		CPPUNIT_ASSERT_EQUAL(uint32_t(sizeof(xt_rtprelay_info)), len);
		xt_rtprelay_info i;
		std::memcpy(&i, info, sizeof i);
		CPPUNIT_ASSERT_EQUAL(uint32_t(7), i.id);
		CPPUNIT_ASSERT_EQUAL(uint32_t(0), i.pad);

		CPPUNIT_ASSERT(!nft::jumps_to(r.get(), "rtprelay"));
	}

	void jump_rule_and_match()
	{
		nft::Rule r = nft::jump_rule(NFPROTO_IPV6, "INPUT", "rtprelay");
		CPPUNIT_ASSERT_EQUAL(uint32_t(NFPROTO_IPV6),
		                     nftnl_rule_get_u32(r.get(), NFTNL_RULE_FAMILY));
		CPPUNIT_ASSERT_EQUAL(std::string("INPUT"),
		                     str(nftnl_rule_get_str(r.get(), NFTNL_RULE_CHAIN)));
		auto e = exprs(r);
		CPPUNIT_ASSERT_EQUAL(size_t(1), e.size());
		CPPUNIT_ASSERT_EQUAL(std::string("immediate"), name(e[0]));
		CPPUNIT_ASSERT_EQUAL(uint32_t(NFT_REG_VERDICT),
		                     nftnl_expr_get_u32(e[0], NFTNL_EXPR_IMM_DREG));
		CPPUNIT_ASSERT_EQUAL(uint32_t(NFT_JUMP),
		                     nftnl_expr_get_u32(e[0], NFTNL_EXPR_IMM_VERDICT));
		CPPUNIT_ASSERT(nft::jumps_to(r.get(), "rtprelay"));
		CPPUNIT_ASSERT(!nft::jumps_to(r.get(), "rtprelay2"));
		CPPUNIT_ASSERT(!nft::jumps_to(r.get(), "rtprela"));

		// As a dump returns it: a netlink message, with the handle the kernel assigned.
		nftnl_rule_set_u64(r.get(), NFTNL_RULE_HANDLE, 42);
		std::vector<char> buf(4096);
		nlmsghdr* nlh =
		        nftnl_nlmsg_build_hdr(buf.data(), NFT_MSG_NEWRULE, NFPROTO_IPV6, 0, 1);
		nftnl_rule_nlmsg_build_payload(nlh, r.get());
		nft::Rule back = nft::parse_rule(nlh);
		CPPUNIT_ASSERT(back);
		CPPUNIT_ASSERT(nft::jumps_to(back.get(), "rtprelay"));
		CPPUNIT_ASSERT_EQUAL(uint64_t(42),
		                     nftnl_rule_get_u64(back.get(), NFTNL_RULE_HANDLE));

		// A goto is not our jump.
		nft::Rule go = nft::jump_rule(NFPROTO_IPV4, "INPUT", "rtprelay");
		nftnl_expr_set_u32(exprs(go)[0], NFTNL_EXPR_IMM_VERDICT,
		                   static_cast<uint32_t>(NFT_GOTO));
		CPPUNIT_ASSERT(!nft::jumps_to(go.get(), "rtprelay"));
	}

	void rule_keys()
	{
		nft::Rule all = nft::rule_key(NFPROTO_IPV4, "rtprelay");
		CPPUNIT_ASSERT_EQUAL(std::string("rtprelay"),
		                     str(nftnl_rule_get_str(all.get(), NFTNL_RULE_CHAIN)));
		CPPUNIT_ASSERT(!nftnl_rule_is_set(all.get(), NFTNL_RULE_HANDLE));
		CPPUNIT_ASSERT(exprs(all).empty());
		nft::Rule one = nft::rule_key(NFPROTO_IPV4, "INPUT", 9);
		CPPUNIT_ASSERT_EQUAL(uint64_t(9), nftnl_rule_get_u64(one.get(), NFTNL_RULE_HANDLE));
	}

	void spec_check()
	{
		CPPUNIT_ASSERT(nft::check({"rtprelay", "INPUT", 0}));
		CPPUNIT_ASSERT(nft::check({"rtprelay", "", 0}));
		CPPUNIT_ASSERT(!nft::check({"", "INPUT", 0}));
		auto same = nft::check({"INPUT", "INPUT", 0});
		CPPUNIT_ASSERT(!same);
		CPPUNIT_ASSERT(same.error().reason.find("must differ") != std::string::npos);
		CPPUNIT_ASSERT(!nft::check({std::string(256, 'x'), "INPUT", 0}));
	}

	void options()
	{
		auto d = load({});
		CPPUNIT_ASSERT(d);
		CPPUNIT_ASSERT_EQUAL(std::string("rtprelay"), d->config.nftables_chain);
		CPPUNIT_ASSERT_EQUAL(std::string("INPUT"), d->config.nftables_base_chain);
		CPPUNIT_ASSERT(!d->config.nftables_start && !d->config.nftables_stop);

		auto c = load(
		        {"--nftables-chain=", "--nftables-base-chain", "", "--nftables-start"});
		CPPUNIT_ASSERT(c);
		CPPUNIT_ASSERT(c->config.nftables_chain.empty());
		CPPUNIT_ASSERT(c->config.nftables_base_chain.empty());
		CPPUNIT_ASSERT(c->config.nftables_start);

		auto s = load({"--nftables-chain=rtp_1.a-b", "--nftables-stop"});
		CPPUNIT_ASSERT(s);
		CPPUNIT_ASSERT_EQUAL(std::string("rtp_1.a-b"), s->config.nftables_chain);
		CPPUNIT_ASSERT(s->config.nftables_stop);

		// rtpengine's spelling of "no jump"
		auto none = load({"--nftables-base-chain=none"});
		CPPUNIT_ASSERT(none && none->config.nftables_base_chain.empty());

		auto bad = load({"--nftables-chain=a b"});
		CPPUNIT_ASSERT(!bad);
		CPPUNIT_ASSERT(bad.error().reason.find("--nftables-chain") != std::string::npos);
		CPPUNIT_ASSERT(!load({"--nftables-base-chain=x;y"}));
		CPPUNIT_ASSERT(!load({("--nftables-chain=" + std::string(65, 'c')).c_str()}));
		// rtpengine's options we lack are named as such, not as unknown.
		for (const char* arg : {"--iptables-chain=x", "--nftables-append",
		                        "--nftables-family=ip", "--nftables-status"}) {
			auto r = load({arg});
			CPPUNIT_ASSERT_MESSAGE(arg, !r);
			CPPUNIT_ASSERT_MESSAGE(arg, r.error().reason.find("rtpengine option") !=
			                                    std::string::npos);
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(NftObjectsTest);
