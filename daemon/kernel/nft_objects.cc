// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernel/nft_objects.h"

#include <netinet/in.h> // before linux/netfilter.h, which then leaves out its own copy

#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <cstdlib>
#include <new>
#include <string_view>

#include "kernel/abi.h"
#include "util/strings.h"

namespace rtprelay::kernel::nft {
namespace {

template <class T>
T* checked(T* p)
{
	if (!p)
		throw std::bad_alloc();
	return p;
}

nftnl_expr* expr(const char* name)
{
	return checked(nftnl_expr_alloc(name));
}

Rule rule(uint16_t family, const std::string& chain)
{
	Rule r(checked(nftnl_rule_alloc()));
	nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, family);
	nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, kTable);
	nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, chain.c_str());
	return r;
}

} // namespace

Result<void> check(const Spec& spec)
{
	if (spec.chain.empty() || spec.chain.size() >= NFT_CHAIN_MAXNAMELEN ||
	    spec.base_chain.size() >= NFT_CHAIN_MAXNAMELEN)
		return Error{"nftables chain names must be 1 to 255 characters"};
	if (spec.chain == spec.base_chain) // the loader refuses this config already
		return Error{"nftables chain and base chain must differ"};
	return {};
}

Table table(uint16_t family)
{
	Table t(checked(nftnl_table_alloc()));
	nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, family);
	nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, kTable);
	return t;
}

Chain chain(uint16_t family, const std::string& name)
{
	Chain c(checked(nftnl_chain_alloc()));
	nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_FAMILY, family);
	nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TABLE, kTable);
	nftnl_chain_set_str(c.get(), NFTNL_CHAIN_NAME, name.c_str());
	return c;
}

Chain base_chain(uint16_t family, const std::string& name)
{
	Chain c = chain(family, name);
	nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_IN);
	nftnl_chain_set_s32(c.get(), NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_POLICY, NF_ACCEPT);
	return c;
}

Rule target_rule(uint16_t family, const std::string& chain, int table)
{
	Rule r = rule(family, chain);
	// meta l4proto finds UDP behind IPv6 extension headers too, so one match fits both.
	nftnl_expr* meta = expr("meta");
	nftnl_expr_set_u32(meta, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
	nftnl_expr_set_u32(meta, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r.get(), meta);
	nftnl_expr* cmp = expr("cmp");
	nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set_u8(cmp, NFTNL_EXPR_CMP_DATA, IPPROTO_UDP);
	nftnl_rule_add_expr(r.get(), cmp);

	nftnl_expr* tg = expr("target");
	nftnl_expr_set_str(tg, NFTNL_EXPR_TG_NAME, kTarget);
	nftnl_expr_set_u32(tg, NFTNL_EXPR_TG_REV, 0);
	// The expression takes ownership of INFO and free()s it.
	auto* info = checked(static_cast<xt_rtprelay_info*>(calloc(1, sizeof(xt_rtprelay_info))));
	info->id = static_cast<uint32_t>(table);
	nftnl_expr_set(tg, NFTNL_EXPR_TG_INFO, info, sizeof *info);
	nftnl_rule_add_expr(r.get(), tg);
	// x_tables checks the target's protocol (xt_RTPRELAY says UDP) against what the rule
	// declares here, as iptables' -p udp would.
	nftnl_rule_set_u32(r.get(), NFTNL_RULE_COMPAT_PROTO, IPPROTO_UDP);
	nftnl_rule_set_u32(r.get(), NFTNL_RULE_COMPAT_FLAGS, 0);
	return r;
}

Rule jump_rule(uint16_t family, const std::string& from, const std::string& to)
{
	Rule r = rule(family, from);
	nftnl_expr* imm = expr("immediate");
	nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_VERDICT, static_cast<uint32_t>(NFT_JUMP));
	nftnl_expr_set_str(imm, NFTNL_EXPR_IMM_CHAIN, to.c_str());
	nftnl_rule_add_expr(r.get(), imm);
	return r;
}

Rule rule_key(uint16_t family, const std::string& chain)
{
	return rule(family, chain);
}

Rule rule_key(uint16_t family, const std::string& chain, uint64_t handle)
{
	Rule r = rule(family, chain);
	nftnl_rule_set_u64(r.get(), NFTNL_RULE_HANDLE, handle);
	return r;
}

Rule parse_rule(const nlmsghdr* nlh)
{
	Rule r(checked(nftnl_rule_alloc()));
	if (nftnl_rule_nlmsg_parse(nlh, r.get()) < 0)
		return nullptr;
	return r;
}

bool jumps_to(nftnl_rule* rule, const std::string& chain)
{
	struct Match {
		const std::string* chain;
		bool found = false;
	} match{&chain};
	nftnl_expr_foreach(
	        rule,
	        [](nftnl_expr* e, void* data) {
		        auto* m = static_cast<Match*>(data);
		        if (std::string_view(nftnl_expr_get_str(e, NFTNL_EXPR_NAME)) ==
		                    "immediate" &&
		            nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN) &&
		            nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) ==
		                    static_cast<uint32_t>(NFT_JUMP) &&
		            *m->chain == nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN))
			        m->found = true;
		        return 0;
	        },
	        &match);
	return match.found;
}

const char* family_name(uint16_t family)
{
	return family == NFPROTO_IPV6 ? "ip6" : "ip";
}

} // namespace rtprelay::kernel::nft
