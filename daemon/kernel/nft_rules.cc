// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernel/nft_rules.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <exception>
#include <vector>

#include "kernel/abi.h"
#include "kernel/nft_netlink.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::kernel {
namespace {

using nft::Batch;
using nft::Netlink;

constexpr auto kLog = log::Subsystem::kCore;
constexpr uint16_t kFamilies[] = {NFPROTO_IPV4, NFPROTO_IPV6};

std::string where(uint16_t family, const std::string& chain)
{
	return strprintf("%s filter %s", nft::family_name(family), chain.c_str());
}

Result<void> install_family(Netlink& nl, uint16_t family, const nft::Spec& s)
{
	bool hooked = !s.base_chain.empty();
	bool create_base = false;
	std::vector<uint64_t> old_jumps;
	if (hooked) {
		auto have = nl.has_chain(family, s.base_chain);
		if (!have)
			return have.error();
		// An existing base chain is left as it is: its hook, priority and policy are
		// someone else's (iptables-nft's INPUT, say).
		create_base = !*have;
		auto jumps = nl.jumps(family, s.base_chain, s.chain);
		if (!jumps)
			return jumps.error();
		old_jumps = std::move(jumps).value();
	}
	std::string ours = where(family, s.chain), base = where(family, s.base_chain);
	Batch b(nl);
	b.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, nft::table(family),
	      strprintf("create table %s filter", nft::family_name(family)));
	if (create_base)
		b.add(NFT_MSG_NEWCHAIN, NLM_F_CREATE, nft::base_chain(family, s.base_chain),
		      "create base chain " + base);
	b.add(NFT_MSG_NEWCHAIN, NLM_F_CREATE, nft::chain(family, s.chain), "create chain " + ours);
	// A crashed run left its chain and jump: replace them rather than add to them.
	for (uint64_t handle : old_jumps)
		b.add(NFT_MSG_DELRULE, 0, nft::rule_key(family, s.base_chain, handle),
		      "delete an old jump to " + s.chain + " from " + base);
	b.add(NFT_MSG_DELRULE, 0, nft::rule_key(family, s.chain), "flush chain " + ours);
	b.add(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
	      nft::target_rule(family, s.chain, s.table), "add the RTPRELAY rule to " + ours);
	if (hooked) // at the top, before rules that might accept or drop the packet
		b.add(NFT_MSG_NEWRULE, NLM_F_CREATE, nft::jump_rule(family, s.base_chain, s.chain),
		      "add the jump to " + s.chain + " to " + base);
	return nl.commit(b);
}

Result<void> remove_family(Netlink& nl, uint16_t family, const nft::Spec& s)
{
	std::vector<uint64_t> jumps;
	if (!s.base_chain.empty()) {
		auto j = nl.jumps(family, s.base_chain, s.chain);
		if (!j)
			return j.error();
		jumps = std::move(j).value();
	}
	auto have = nl.has_chain(family, s.chain);
	if (!have)
		return have.error();
	if (jumps.empty() && !*have)
		return {};
	std::string base = where(family, s.base_chain);
	Batch b(nl);
	for (uint64_t handle : jumps)
		b.add(NFT_MSG_DELRULE, 0, nft::rule_key(family, s.base_chain, handle),
		      "delete the jump to " + s.chain + " from " + base);
	if (*have) // deleting a chain deletes its rules
		b.add(NFT_MSG_DELCHAIN, 0, nft::chain(family, s.chain),
		      "delete chain " + where(family, s.chain));
	return nl.commit(b);
}

// Both families or neither.
Result<void> install_all(const nft::Spec& spec)
{
	auto nl = Netlink::open();
	if (!nl)
		return nl.error();
	for (uint16_t family : kFamilies) {
		auto r = install_family(*nl, family, spec);
		if (r)
			continue;
		if (family != kFamilies[0])
			if (auto undo = remove_family(*nl, kFamilies[0], spec); !undo)
				log::warn(kLog, "%s", undo.error().reason.c_str());
		return r;
	}
	return {};
}

} // namespace

Result<void> nft_install(const nft::Spec& spec)
{
	if (auto r = nft::check(spec); !r)
		return r;
	if (spec.table < 0 || spec.table >= RTPRELAY_MAX_TABLES)
		return Error{strprintf("the nftables rule needs a kernel table (--table=0..%d)",
		                       RTPRELAY_MAX_TABLES - 1)};
	if (auto r = install_all(spec); !r)
		return Error{strprintf("%s; or steer UDP yourself: --nftables-chain= and `iptables "
		                       "-I INPUT -p udp -j RTPRELAY --id %d` (ip6tables likewise)",
		                       r.error().reason.c_str(), spec.table)};
	if (spec.base_chain.empty())
		log::notice(kLog,
		            "nftables: chain %s in ip and ip6 filter sends UDP to kernel table %d; "
		            "jump to it from your own base chain (nftables-base-chain is empty)",
		            spec.chain.c_str(), spec.table);
	else
		log::notice(kLog,
		            "nftables: %s jumps to chain %s (ip and ip6 filter), which sends UDP "
		            "to kernel table %d",
		            spec.base_chain.c_str(), spec.chain.c_str(), spec.table);
	return {};
}

Result<void> nft_remove(const nft::Spec& spec)
{
	if (auto r = nft::check(spec); !r)
		return r;
	auto nl = Netlink::open();
	if (!nl)
		return nl.error();
	for (uint16_t family : kFamilies)
		if (auto r = remove_family(*nl, family, spec); !r)
			return r;
	log::info(kLog, "nftables: no chain %s and no jump to it left in ip and ip6 filter",
	          spec.chain.c_str());
	return {};
}

Result<std::unique_ptr<NftRules>> NftRules::install(const nft::Spec& spec)
{
	if (auto r = nft_install(spec); !r)
		return r.error();
	return std::unique_ptr<NftRules>(new NftRules(spec));
}

NftRules::~NftRules()
{
	// Building the netlink batch allocates; bad_alloc leaving a destructor would end the
	// daemon in std::terminate on its way out. The rule stays then, like one left by a crash,
	// and the next start replaces it.
	try {
		if (auto r = nft_remove(spec_); !r)
			log::warn(kLog, "%s", r.error().reason.c_str());
	} catch (const std::exception& e) {
		log::warn(kLog, "nftables: chain %s left in place: %s", spec_.chain.c_str(),
		          e.what());
	}
}

} // namespace rtprelay::kernel
