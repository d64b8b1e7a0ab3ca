// SPDX-License-Identifier: GPL-3.0-or-later
// rtprelayd's own nftables rule, which steers UDP into its xt_RTPRELAY table: created at start
// (or by --nftables-start) and removed at stop (or by --nftables-stop), over netlink with
// libnftnl + libmnl, in families ip and ip6 of table `filter`, one atomic batch per family.
// An existing table and base chain are used as they are (iptables-nft shares them); a
// leftover chain and jump from a crashed run are replaced, not doubled. Control thread only.
#pragma once

#include <memory>

#include "kernel/nft_objects.h"
#include "util/result.h"

namespace rtprelay::kernel {

// Creates the chain, its rule and the jump from the base chain (see nft::Spec); ip6 too, or
// neither. Errors say which step the kernel refused and how to fix it.
Result<void> nft_install(const nft::Spec& spec);
// Deletes the jump rules to the chain and the chain itself; the table and base chain stay
// (others may use them). Nothing to delete is not an error.
Result<void> nft_remove(const nft::Spec& spec);

// The installed rule for the daemon's life; destruction removes it.
class NftRules {
public:
	static Result<std::unique_ptr<NftRules>> install(const nft::Spec& spec);
	~NftRules();
	NftRules(const NftRules&) = delete;
	NftRules& operator=(const NftRules&) = delete;

private:
	explicit NftRules(nft::Spec spec) : spec_(std::move(spec)) {}

	nft::Spec spec_;
};

} // namespace rtprelay::kernel
