// SPDX-License-Identifier: GPL-3.0-or-later
// The nftables objects behind rtprelayd's packet steering (docs/kernel.md, "nftables rule"), as
// libnftnl objects: table `filter`, our regular chain with its one rule (UDP → the RTPRELAY
// x_tables target through nft_compat), the base chain on the input hook and its jump to ours.
// No netlink here (nft_netlink sends them), so the unit tests read them back with nftnl getters.
#pragma once

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <cstdint>
#include <memory>
#include <string>

#include "util/result.h"

struct nlmsghdr;

namespace rtprelay::kernel::nft {

inline constexpr const char* kTable = "filter";
inline constexpr const char* kTarget = "RTPRELAY";

// What to create: `chain` holds the rule for xt_RTPRELAY table `table`; `base_chain`, when not
// empty, jumps to it.
struct Spec {
	std::string chain;
	std::string base_chain;
	int table = 0;
};

// Chain names the kernel can take: set, short enough, distinct. Checked before any netlink.
Result<void> check(const Spec& spec);

template <auto Free>
struct Deleter {
	template <class T>
	void operator()(T* p) const
	{
		Free(p);
	}
};
using Table = std::unique_ptr<nftnl_table, Deleter<nftnl_table_free>>;
using Chain = std::unique_ptr<nftnl_chain, Deleter<nftnl_chain_free>>;
using Rule = std::unique_ptr<nftnl_rule, Deleter<nftnl_rule_free>>;

// `family` is NFPROTO_IPV4 or NFPROTO_IPV6 throughout.
Table table(uint16_t family);
// A chain by name only: ours, or a lookup / deletion key.
Chain chain(uint16_t family, const std::string& name);
// type filter hook input priority 0; policy accept.
Chain base_chain(uint16_t family, const std::string& name);
// meta l4proto udp → RTPRELAY (revision 0) with id = table.
Rule target_rule(uint16_t family, const std::string& chain, int table);
Rule jump_rule(uint16_t family, const std::string& from, const std::string& to);
// A rule key: the chain's rules (to dump them), or with a handle, one rule (to delete it).
Rule rule_key(uint16_t family, const std::string& chain);
Rule rule_key(uint16_t family, const std::string& chain, uint64_t handle);

// A rule from a dump message; null if the message is not one.
Rule parse_rule(const nlmsghdr* nlh);
// Whether the rule holds a jump to `chain` (one this daemon, or a crashed one, added).
bool jumps_to(nftnl_rule* rule, const std::string& chain);

const char* family_name(uint16_t family);

} // namespace rtprelay::kernel::nft
