// SPDX-License-Identifier: GPL-3.0-or-later
// Pure translations from a stream's forwarding decision to the kernel module's command structs
// (kernel/abi.h). No I/O and no call objects: the kernelizer fills a TargetInput from a stream,
// so this stays unit-testable. Addresses and ports come out in network byte order.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "crypto/srtp_state.h"
#include "kernel/abi.h"
#include "net/address.h"
#include "util/result.h"

namespace rtprelay::kernel {

// One stream's forwarding decision: packets arriving at `local` from `expected_src` leave through
// each output, from `src` (the peer party's relay socket) towards `dst` (the peer's learned
// endpoint). Several outputs take a BUNDLE transport apart: each takes the SSRCs its
// `ssrc_mask` names (bit i: ssrcs[i]).
struct TargetInput {
	struct Output {
		net::Endpoint src;
		net::Endpoint dst;
		uint8_t ssrc_mask = 0; // 0: every packet
		size_t tag = 0;        // the caller's (which m= line of a BUNDLE); not sent
		// SRTP this output protects; none = plain (see `decrypt` below)
		std::optional<crypto::SrtpKeying> encrypt;

		bool operator==(const Output&) const = default;
	};

	net::Endpoint local;
	std::optional<net::Endpoint> expected_src; // the confirmed source; none = any
	bool strict = false; // strict-source: drop other sources; else hand them to userspace
	std::array<Output, RTPRELAY_MAX_OUTPUTS> outputs{};
	size_t num_outputs = 0;
	uint8_t tos = 0;
	bool rtcp_mux = false;
	bool rtcp_to_userspace = false; // RTCP here goes to other sockets than the outputs'
	// Fixed arrays, so deciding again on every userspace batch allocates nothing.
	std::array<uint8_t, RTPRELAY_MAX_PTS> payload_types{}; // from the SDPs
	size_t num_payload_types = 0;                          // 0 = any
	std::array<uint32_t, RTPRELAY_MAX_SSRCS> ssrcs{};      // seen so far
	size_t num_ssrcs = 0;                                  // 0 = any
	uint32_t clock_rate = 0;                               // Hz; 0 = no jitter
	// SRTP the target unprotects as it arrives; none = plain. A new keying (here or an
	// output's) is a new decision (the target is replaced); the per-SSRC indices are not part
	// of it: they go over when the target is added (srtp_params.h).
	std::optional<crypto::SrtpKeying> decrypt;

	// The one output of a stream that is not a BUNDLE transport.
	Output& output() { return outputs[0]; }
	const Output& output() const { return outputs[0]; }
	bool encrypts() const
	{
		return std::any_of(outputs.begin(),
		                   outputs.begin() + static_cast<long>(num_outputs),
		                   [](const Output& o) { return o.encrypt.has_value(); });
	}

	bool operator==(const TargetInput&) const = default;
};

// The endpoint as the ABI spells it; an Error for an endpoint with no address family.
Result<rtprelay_addr> to_abi(const net::Endpoint& e);

// ADD_TARGET; an Error (the stream stays in userspace) when the decision does not fit the ABI.
// With SRTP the command holds session keys: wipe it once written.
Result<rtprelay_cmd_add_target> build_add_target(const TargetInput& in);
Result<rtprelay_cmd_target> build_del_target(const net::Endpoint& local);
Result<rtprelay_cmd_target> build_get_stats(const net::Endpoint& local);

// The daemon's INIT: its ABI version and struct sizes.
rtprelay_init build_init();

} // namespace rtprelay::kernel
