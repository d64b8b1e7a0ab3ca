// SPDX-License-Identifier: GPL-3.0-or-later
#include "kernel/target_builder.h"

#include <arpa/inet.h>

#include <cstring>

#include "kernel/srtp_params.h"
#include "util/strings.h"

namespace rtprelay::kernel {

namespace {

Result<rtprelay_cmd_target> build_target(uint32_t cmd, const net::Endpoint& local)
{
	auto addr = to_abi(local);
	if (!addr)
		return addr.error();
	rtprelay_cmd_target t;
	std::memset(&t, 0, sizeof t);
	t.cmd = cmd;
	t.local = *addr;
	return t;
}

Result<void> put_output(const TargetInput::Output& o, uint8_t tos, size_t num_ssrcs,
                        rtprelay_output& out)
{
	if (o.src.ip().family() != o.dst.ip().family())
		return Error{"output source " + o.src.to_string() + " and destination " +
		             o.dst.to_string() + " differ in address family"};
	if (o.dst.port() == 0)
		return Error{"output destination " + o.dst.to_string() + " has no port"};
	if (o.ssrc_mask >> num_ssrcs)
		return Error{"an output names an SSRC the target does not list"};
	auto src = to_abi(o.src);
	if (!src)
		return src.error();
	auto dst = to_abi(o.dst);
	if (!dst)
		return dst.error();
	out.src = *src;
	out.dst = *dst;
	out.tos = tos;
	out.ssrc_mask = o.ssrc_mask;
	return {};
}

Result<void> put_spec(const TargetInput& in, rtprelay_target_spec& s)
{
	if (in.num_payload_types > RTPRELAY_MAX_PTS || in.num_ssrcs > RTPRELAY_MAX_SSRCS)
		return Error{"more payload types or SSRCs than the kernel takes"};
	if (in.num_outputs == 0 || in.num_outputs > RTPRELAY_MAX_OUTPUTS)
		return Error{"no output, or more than the kernel takes"};
	auto local = to_abi(in.local);
	if (!local)
		return local.error();
	s.local = *local;
	s.src_policy = RTPRELAY_SRC_FORWARD;
	if (in.expected_src) {
		auto expected = to_abi(*in.expected_src);
		if (!expected)
			return expected.error();
		s.expected_src = *expected;
		s.flags |= RTPRELAY_TF_EXPECT_SRC;
		s.src_policy = in.strict ? RTPRELAY_SRC_DROP : RTPRELAY_SRC_USERSPACE;
	}
	if (in.rtcp_mux)
		s.flags |= RTPRELAY_TF_RTCP_MUX;
	if (in.rtcp_to_userspace)
		s.flags |= RTPRELAY_TF_RTCP_USERSPACE;
	s.num_payload_types = static_cast<uint8_t>(in.num_payload_types);
	for (size_t i = 0; i < in.num_payload_types; i++)
		s.payload_types[i] = in.payload_types[i];
	s.num_ssrcs = static_cast<uint8_t>(in.num_ssrcs);
	for (size_t i = 0; i < in.num_ssrcs; i++)
		s.ssrcs[i] = in.ssrcs[i];
	s.clock_rate = in.clock_rate;
	s.num_outputs = static_cast<uint8_t>(in.num_outputs);
	for (size_t i = 0; i < in.num_outputs; i++)
		if (auto r = put_output(in.outputs[i], in.tos, in.num_ssrcs, s.outputs[i]); !r)
			return r;
	return {};
}

} // namespace

Result<rtprelay_addr> to_abi(const net::Endpoint& e)
{
	rtprelay_addr a;
	std::memset(&a, 0, sizeof a);
	a.port = htons(e.port());
	const net::IpAddress& ip = e.ip();
	if (ip.family() == AF_INET) {
		a.family = RTPRELAY_AF_INET;
		std::memcpy(a.addr, &ip.v4().s_addr, 4);
	} else if (ip.family() == AF_INET6) {
		a.family = RTPRELAY_AF_INET6;
		std::memcpy(a.addr, ip.v6().s6_addr, 16);
	} else {
		return Error{"endpoint without an IPv4 or IPv6 address"};
	}
	return a;
}

Result<rtprelay_cmd_add_target> build_add_target(const TargetInput& in)
{
	rtprelay_cmd_add_target c;
	std::memset(&c, 0, sizeof c);
	c.cmd = RTPRELAY_CMD_ADD_TARGET;
	if (auto r = put_spec(in, c.spec); !r)
		return r.error();
	Result<void> keyed;
	if (in.decrypt)
		keyed = put_srtp(*in.decrypt, c.decrypt);
	for (size_t i = 0; keyed && i < in.num_outputs; i++)
		if (in.outputs[i].encrypt)
			keyed = put_srtp(*in.outputs[i].encrypt, c.encrypt[i]);
	if (!keyed) {
		explicit_bzero(&c, sizeof c);
		return keyed.error();
	}
	return c;
}

Result<rtprelay_cmd_target> build_del_target(const net::Endpoint& local)
{
	return build_target(RTPRELAY_CMD_DEL_TARGET, local);
}

Result<rtprelay_cmd_target> build_get_stats(const net::Endpoint& local)
{
	return build_target(RTPRELAY_CMD_GET_STATS, local);
}

rtprelay_init build_init()
{
	rtprelay_init i;
	std::memset(&i, 0, sizeof i);
	i.cmd = RTPRELAY_CMD_INIT;
	i.abi_version = RTPRELAY_ABI_VERSION;
	i.size_init = sizeof(rtprelay_init);
	i.size_add_target = sizeof(rtprelay_cmd_add_target);
	i.size_target = sizeof(rtprelay_cmd_target);
	i.size_stats = sizeof(rtprelay_target_stats);
	i.size_xt_info = sizeof(xt_rtprelay_info);
	return i;
}

} // namespace rtprelay::kernel
