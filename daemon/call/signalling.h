// SPDX-License-Identifier: GPL-3.0-or-later
// offer and answer: apply one party's SDP to the call (addresses, ports, rtcp-mux, learning)
// and rewrite it for the other party so media flows through the relay. Runs on the call's
// media loop; the ng handlers post it there and carry the result back.
#pragma once

#include <string>
#include <vector>

#include "call/call.h"
#include "call/signal_options.h"
#include "config/config.h"
#include "crypto/dtls_identity.h"
#include "media/interfaces.h"
#include "media/own_endpoints.h"
#include "sdp/model.h"

namespace rtprelay::call {

struct SignalContext {
	const Config& config;
	const media::Interfaces& interfaces;
	int64_t now_ms;
	// The relay's own endpoints, never a party's media destination; null checks nothing.
	media::OwnEndpoints* own_endpoints = nullptr;
	// The relay's DTLS-SRTP identity; null: parties cannot be offered DTLS.
	const crypto::DtlsIdentity* dtls = nullptr;
};

struct SignalResult {
	std::string sdp;
	std::vector<std::string> warnings;
};

Result<SignalResult> offer(Call& call, const SignalOptions& options, sdp::Session session,
                           const SignalContext& ctx);
Result<SignalResult> answer(Call& call, const SignalOptions& options, sdp::Session session,
                            const SignalContext& ctx);

} // namespace rtprelay::call
