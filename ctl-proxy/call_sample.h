// SPDX-License-Identifier: GPL-3.0-or-later
// One call as `top` sees it at one instant, read from an ng `query` reply: its packet
// counter, where its streams are forwarded, and the worst quality among its SSRCs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ng/value.h"

namespace rtprelay::ctl {

struct CallSample {
	std::string call_id;
	int64_t at_ms = 0;
	uint64_t packets = 0; // RTP and RTCP, every stream, kernel and userspace
	// "kernel", "user" or "mixed" over the streams that carried packets; "-" before any did.
	std::string path = "-";
	// Worst over the call's SSRCs (lowest MOS, highest loss and jitter); nullopt while the
	// reply has no SSRC statistics.
	std::optional<double> mos;
	std::optional<int64_t> loss_percent;
	std::optional<int64_t> jitter_ms;
};

CallSample sample_call(std::string call_id, const ng::Value& query_reply, int64_t at_ms);

} // namespace rtprelay::ctl
