// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernel/nft_netlink.h"

#include <libnftnl/common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "util/strings.h"

namespace rtprelay::kernel::nft {
namespace {

// Room for any one message we build (the largest, a jump rule, stays under 1 KiB) and for
// one datagram of a dump (the kernel fills up to 32 KiB).
constexpr size_t kMaxMessage = 4096;
constexpr size_t kRecvBuffer = 32768;

// What the operator can do about the usual errno values.
const char* fix(int err)
{
	switch (err) {
	case EPERM:
	case EACCES: return "run rtprelayd as root or with CAP_NET_ADMIN";
	case EOPNOTSUPP:
	case EPROTONOSUPPORT: return "is nf_tables available? (modprobe nf_tables)";
	case ENOENT:
		return "the RTPRELAY target needs nft_compat and xt_RTPRELAY (modprobe nft_compat "
		       "xt_RTPRELAY)";
	case EBUSY: return "another rule still jumps to the chain; delete it first";
	}
	return nullptr;
}

Error refused(const std::string& step, int err)
{
	std::string reason = strprintf("nftables: cannot %s: %s", step.c_str(), strerror(err));
	if (const char* f = fix(err))
		reason += std::string("; ") + f;
	return Error{reason};
}

} // namespace

Batch::Batch(Netlink& nl) : nl_(nl), first_seq_(nl.next_seq())
{
	put([&](char* at) { return nftnl_batch_begin(at, first_seq_); });
	steps_.emplace_back("start an nf_tables batch");
}

void Batch::add(uint16_t type, uint16_t flags, const Table& t, std::string step)
{
	message(type, flags, nftnl_table_get_u32(t.get(), NFTNL_TABLE_FAMILY), std::move(step),
	        [&](nlmsghdr* nlh) { nftnl_table_nlmsg_build_payload(nlh, t.get()); });
}

void Batch::add(uint16_t type, uint16_t flags, const Chain& c, std::string step)
{
	message(type, flags, nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_FAMILY), std::move(step),
	        [&](nlmsghdr* nlh) { nftnl_chain_nlmsg_build_payload(nlh, c.get()); });
}

void Batch::add(uint16_t type, uint16_t flags, const Rule& r, std::string step)
{
	message(type, flags, nftnl_rule_get_u32(r.get(), NFTNL_RULE_FAMILY), std::move(step),
	        [&](nlmsghdr* nlh) { nftnl_rule_nlmsg_build_payload(nlh, r.get()); });
}

const std::vector<char>& Batch::bytes()
{
	put([&](char* at) { return nftnl_batch_end(at, nl_.next_seq()); });
	return bytes_;
}

const std::string& Batch::step(uint32_t seq) const
{
	uint32_t i = seq - first_seq_;
	return i < steps_.size() ? steps_[i] : steps_.front();
}

template <class Build>
void Batch::message(uint16_t type, uint16_t flags, uint32_t family, std::string step, Build payload)
{
	put([&](char* at) {
		nlmsghdr* nlh = nftnl_nlmsg_build_hdr(at, type, static_cast<uint16_t>(family),
		                                      flags | NLM_F_ACK, nl_.next_seq());
		payload(nlh);
		return nlh;
	});
	steps_.push_back(std::move(step));
}

// Appends the message `build` writes at the pointer it gets.
template <class Build>
void Batch::put(Build build)
{
	size_t at = bytes_.size();
	bytes_.resize(at + kMaxMessage);
	const nlmsghdr* nlh = build(bytes_.data() + at);
	bytes_.resize(at + NLMSG_ALIGN(nlh->nlmsg_len));
}

Result<Netlink> Netlink::open()
{
	Socket s(mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC));
	if (!s)
		return refused("open a netfilter netlink socket", errno);
	if (mnl_socket_bind(s.get(), 0, MNL_SOCKET_AUTOPID) < 0)
		return refused("bind a netfilter netlink socket", errno);
	return Netlink(std::move(s));
}

Netlink::Netlink(Socket s)
    : sock_(std::move(s)), portid_(mnl_socket_get_portid(sock_.get())), buf_(kRecvBuffer)
{
}

Result<bool> Netlink::has_chain(uint16_t family, const std::string& name)
{
	uint32_t seq = next_seq();
	nlmsghdr* nlh =
	        nftnl_nlmsg_build_hdr(buf_.data(), NFT_MSG_GETCHAIN, family, NLM_F_ACK, seq);
	nftnl_chain_nlmsg_build_payload(nlh, chain(family, name).get());
	int err = talk(nlh, seq, nullptr, nullptr);
	if (err == ENOENT) // no such chain, or no table filter
		return false;
	if (err)
		return refused(
		        strprintf("look up chain %s filter %s", family_name(family), name.c_str()),
		        err);
	return true;
}

Result<std::vector<uint64_t>> Netlink::jumps(uint16_t family, const std::string& from,
                                             const std::string& to)
{
	struct Found {
		const std::string* to;
		std::vector<uint64_t> handles;
		bool malformed = false;
	} found{&to, {}};
	uint32_t seq = next_seq();
	nlmsghdr* nlh =
	        nftnl_nlmsg_build_hdr(buf_.data(), NFT_MSG_GETRULE, family, NLM_F_DUMP, seq);
	nftnl_rule_nlmsg_build_payload(nlh, rule_key(family, from).get());
	int err = talk(
	        nlh, seq,
	        [](const nlmsghdr* m, void* data) {
		        auto* f = static_cast<Found*>(data);
		        Rule rule = parse_rule(m);
		        if (!rule) {
			        f->malformed = true;
			        return MNL_CB_ERROR;
		        }
		        if (jumps_to(rule.get(), *f->to))
			        f->handles.push_back(
			                nftnl_rule_get_u64(rule.get(), NFTNL_RULE_HANDLE));
		        return MNL_CB_OK;
	        },
	        &found);
	if (err == ENOENT)
		return std::vector<uint64_t>();
	std::string step = strprintf("list chain %s filter %s", family_name(family), from.c_str());
	if (found.malformed)
		return Error{"nftables: cannot " + step + ": a rule in it cannot be parsed"};
	if (err)
		return refused(step, err);
	return std::move(found.handles);
}

// The kernel handles a batch inside sendto, so every answer is queued by the time it returns
// (nft reads them the same way); reading stops when the socket is empty.
Result<void> Netlink::commit(Batch& batch)
{
	const std::vector<char>& bytes = batch.bytes();
	if (mnl_socket_sendto(sock_.get(), bytes.data(), bytes.size()) < 0)
		return refused("send an nf_tables batch", errno);
	size_t acks = 0;
	std::optional<Error> first;
	while (true) {
		ssize_t n = recv(mnl_socket_get_fd(sock_.get()), buf_.data(), buf_.size(),
		                 MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return refused("read the answer to an nf_tables batch", errno);
		int len = static_cast<int>(n);
		for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buf_.data());
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			acks++;
			const auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
			if (e->error && !first)
				first = refused(batch.step(nlh->nlmsg_seq), -e->error);
		}
	}
	if (first)
		return *first;
	if (acks < batch.acks())
		return Error{strprintf("nftables: the kernel answered %zu of %zu messages", acks,
		                       batch.acks())};
	return {};
}

// Sends one request and runs `cb` on each reply until the ack or the dump's end; 0 or the
// errno.
int Netlink::talk(const nlmsghdr* nlh, uint32_t seq, mnl_cb_t cb, void* data)
{
	if (mnl_socket_sendto(sock_.get(), nlh, nlh->nlmsg_len) < 0)
		return errno;
	int ret;
	do {
		ssize_t n = mnl_socket_recvfrom(sock_.get(), buf_.data(), buf_.size());
		if (n < 0)
			return errno;
		ret = mnl_cb_run(buf_.data(), static_cast<size_t>(n), seq, portid_, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? errno : 0;
}

} // namespace rtprelay::kernel::nft
