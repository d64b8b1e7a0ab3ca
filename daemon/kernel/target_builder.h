// SPDX-License-Identifier: GPL-3.0-or-later
// Pure translations from a stream's forwarding decision to the kernel module's command structs
// (kernel/abi.h). No I/O and no call objects: the kernelizer fills a TargetInput from a stream,
// so this stays unit-testable. Addresses and ports come out in network byte order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "crypto/srtp_state.h"
#include "kernel/abi.h"
#include "net/address.h"
#include "util/result.h"

namespace rtprelay::kernel {

// One stream's forwarding decision: packets arriving at `local` from `expected_src` leave from
// `out_src` (the peer party's relay socket) towards `out_dst` (the peer's learned endpoint).
struct TargetInput {
	net::Endpoint local;
	std::optional<net::Endpoint> expected_src; // the confirmed source; none = any
	bool strict = false; // strict-source: drop other sources; else hand them to userspace
	net::Endpoint out_src;
	net::Endpoint out_dst;
	uint8_t tos = 0;
	bool rtcp_mux = false;
	bool rtcp_to_userspace = false; // RTCP here goes to another socket than out_src's
	// Fixed arrays, so deciding again on every userspace batch allocates nothing.
	std::array<uint8_t, RTPRELAY_MAX_PTS> payload_types{}; // from the SDPs
	size_t num_payload_types = 0;                          // 0 = any
	std::array<uint32_t, RTPRELAY_MAX_SSRCS> ssrcs{};      // seen so far
	size_t num_ssrcs = 0;                                  // 0 = any
	uint32_t clock_rate = 0;                               // Hz; 0 = no jitter
	// SRTP the target unprotects as it arrives / its output protects; none = plain. A new
	// keying is a new decision (the target is replaced); the per-SSRC indices are not part
	// of it: they go over when the target is added (srtp_params.h).
	std::optional<crypto::SrtpKeying> decrypt;
	std::optional<crypto::SrtpKeying> encrypt;

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
