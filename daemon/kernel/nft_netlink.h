// SPDX-License-Identifier: GPL-3.0-or-later
// The netlink side of the nftables rule (nft_rules): one NETLINK_NETFILTER socket that looks
// chains and rules up and commits nf_tables batches. Errors name the step the kernel refused
// and, for the usual errno values, the fix.
#pragma once

#include <libmnl/libmnl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/nft_objects.h"
#include "util/result.h"

namespace rtprelay::kernel::nft {

class Netlink;

// One nf_tables transaction: the kernel applies all of its messages or none. Each message asks
// for an ack and says in `step` what it does ("create chain ip filter rtprelay"), to name it
// when the kernel refuses it.
class Batch {
public:
	explicit Batch(Netlink& nl);

	void add(uint16_t type, uint16_t flags, const Table& t, std::string step);
	void add(uint16_t type, uint16_t flags, const Chain& c, std::string step);
	void add(uint16_t type, uint16_t flags, const Rule& r, std::string step);

	// The whole batch, ended.
	const std::vector<char>& bytes();
	size_t acks() const { return steps_.size() - 1; } // BEGIN is answered only on error
	const std::string& step(uint32_t seq) const;

private:
	template <class Build>
	void message(uint16_t type, uint16_t flags, uint32_t family, std::string step,
	             Build payload);
	template <class Build>
	void put(Build build);

	Netlink& nl_;
	uint32_t first_seq_;
	std::vector<char> bytes_;
	std::vector<std::string> steps_; // by seq - first_seq_
};

// Each request or batch is answered before the next is sent.
class Netlink {
public:
	static Result<Netlink> open();

	uint32_t next_seq() { return seq_++; }
	// Whether table filter of `family` has the chain.
	Result<bool> has_chain(uint16_t family, const std::string& name);
	// The handles of the rules in chain `from` that jump to `to`; none if `from` is missing.
	Result<std::vector<uint64_t>> jumps(uint16_t family, const std::string& from,
	                                    const std::string& to);
	// Sends the batch and reads every answer: the first refusal, if any.
	Result<void> commit(Batch& batch);

private:
	using Socket = std::unique_ptr<mnl_socket, Deleter<mnl_socket_close>>;

	explicit Netlink(Socket s);
	int talk(const nlmsghdr* nlh, uint32_t seq, mnl_cb_t cb, void* data);

	Socket sock_;
	uint32_t portid_;
	uint32_t seq_ = 1;
	std::vector<char> buf_;
};

} // namespace rtprelay::kernel::nft
