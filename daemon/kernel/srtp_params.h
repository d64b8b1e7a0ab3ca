// SPDX-License-Identifier: GPL-3.0-or-later
// SRTP as xt_RTPRELAY takes it (ABI version 5 on): a keying becomes session keys derived here,
// by the daemon's own RFC 3711 4.3 derivation, so that no master key enters the kernel; the
// sessions' per-SSRC indices go over at the hand-over and come back from GET_STATS. Pure
// translations, no I/O, like target_builder.h.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/srtp_state.h"
#include "kernel/abi.h"
#include "util/result.h"

namespace rtprelay::kernel {

// The ABI's number of an SDES suite (RTPRELAY_SRTP_*), or RTPRELAY_SRTP_NONE if it has none.
uint8_t abi_suite(std::string_view suite_name);

// Why xt_RTPRELAY cannot run `k` (static text, for query), or nullptr if it can.
// `kernel_suites`: the module's greeting, 1 << RTPRELAY_SRTP_* per suite it runs.
const char* srtp_refusal(const crypto::SrtpKeying& k, uint32_t kernel_suites);

// Session keys, suite, MKI and session parameters of `k`, into `out`.
Result<void> put_srtp(const crypto::SrtpKeying& k, rtprelay_srtp& out);

// Where each SSRC stands, from the sessions that unprotect what arrives (`in`, may be null) and
// protect what output i sends (`out[i]`, may be null), merged by SSRC into c.srtp_ssrcs. An
// Error if there are more SSRCs than the kernel's slots or more outputs than it has.
Result<void> put_srtp_ssrcs(rtprelay_cmd_add_target& c, const crypto::SrtpState* in,
                            std::span<const crypto::SrtpState* const> out);

// An SSRC's state as the kernel reports it (GET_STATS), for SrtpSession::advance.
crypto::SrtpSsrcState from_abi(uint32_t ssrc, const rtprelay_srtp_index& x);
// The same for what an output protected, read just before its target is deleted: the kernel
// may protect RTCP between that read and the deletion, so userspace continues a gap above the
// SRTCP index read.
crypto::SrtpSsrcState taken_back(uint32_t ssrc, const rtprelay_srtp_index& x);

} // namespace rtprelay::kernel
