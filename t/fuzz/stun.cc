// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the STUN reader (ice/stun.h) and the lite ICE agent that answers
// checks (ice/agent.h): any datagram must be read within its bounds or refused, and whatever
// the agent answers must itself be a well-formed, fingerprinted STUN message that fits the
// reply buffer. Input: the datagram; its first byte also picks the component.
#include <cstdint>
#include <span>
#include <vector>

#include "ice/agent.h"
#include "ice/stun.h"

using namespace rtprelay;
using namespace rtprelay::ice;

namespace {

void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	std::span<const uint8_t> p(data, size);
	StunMessage m;
	if (parse_stun(p, m)) {
		check(m.unknown_count <= StunMessage::kMaxUnknown);
		check(m.integrity_at < size && m.fingerprint_at < size);
		crypto::HmacSha1 k;
		static const uint8_t kPwd[] = "fuzzpasswordfuzzpassword";
		check(k.set_key({kPwd, sizeof kPwd - 1}));
		(void)integrity_ok(p, m, k);
		(void)fingerprint_ok(p, m);
	}
	static Agent agent = [] {
		Agent a;
		check(a.set_local({"fuzz", "fuzzpasswordfuzzpassword"}));
		return a;
	}();
	std::vector<uint8_t> reply(1500);
	size_t len = 0;
	unsigned component = size ? data[0] % 3 : 1;
	net::Endpoint source(net::IpAddress::loopback_v4(), 4000);
	size_t local = size > 1 ? data[1] % 4 : 0;
	if (agent.on_stun(component, local, source, p, size, reply, len) ==
	    Agent::Verdict::kReply) {
		check(len <= reply.size());
		StunMessage r;
		std::span<const uint8_t> out(reply.data(), len);
		check(parse_stun(out, r) && fingerprint_ok(out, r));
	}
	return 0;
}
