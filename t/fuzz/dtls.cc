// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for what a stranger's datagrams reach on a DTLS-SRTP party's port: a DTLS
// association (crypto/dtls_session.h: OpenSSL's record layer behind the relay's datagram BIO),
// passive, or active after its first flight. Nothing may crash, every datagram it sends stays
// within a datagram's size, and no input can complete a handshake: the certificate it expects
// is no one's. Input: the first byte picks the role, the rest is cut into datagrams by a
// 2-byte length before each.
#include <cstdint>
#include <span>

#include "crypto/dtls_session.h"

using namespace rtprelay::crypto;

namespace {

void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static const auto id = [] {
		auto r = DtlsIdentity::generate();
		check(r.has_value());
		return std::move(*r);
	}();
	if (size < 1)
		return 0;
	auto role = data[0] & 1 ? DtlsSession::Role::kActive : DtlsSession::Role::kPassive;
	auto s = DtlsSession::create(*id, role,
	                             "sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:"
	                             "EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
	check(s.has_value());
	auto send = [](std::span<const uint8_t> d) { check(!d.empty() && d.size() <= 1500); };
	(*s)->start(send);
	size_t at = 1;
	while (at + 2 <= size) {
		size_t len = size_t{data[at]} << 8 | data[at + 1];
		at += 2;
		if (len > size - at)
			len = size - at;
		(*s)->on_datagram({data + at, len}, send);
		at += len;
	}
	check((*s)->state() != DtlsSession::State::kConnected && !(*s)->keys());
	return 0;
}
